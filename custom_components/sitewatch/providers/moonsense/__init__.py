"""Moonsense provider: session webhooks as events, session and latest-reading sensors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from multidict import MultiMapping

from ...models import Provider, ProviderRuntime, SitewatchConfigEntry
from ...webhook import (
    Parsed,
    PushReceiver,
    PushRejected,
    PushWebhook,
    redacted_webhook_urls,
)
from .api import DEFAULT_REGION, DEFAULT_ROOT, MoonsenseApiError, MoonsenseClient, WebhookEvent
from .const import CONF_REGION, CONF_ROOT, CONF_TOKEN, CONF_WEBHOOK_ID, PROVIDER_MOONSENSE
from .coordinator import MoonsenseCoordinator
from .entity import SENSORS, MoonsenseLocation, MoonsenseSensor, MoonsenseSessionEvent


def client_from_data(hass: HomeAssistant, data: Mapping[str, Any]) -> MoonsenseClient:
    """A client on Home Assistant's shared session from config entry (or flow) data."""
    return MoonsenseClient(
        async_get_clientsession(hass),
        data[CONF_TOKEN],
        data.get(CONF_ROOT) or DEFAULT_ROOT,
        data.get(CONF_REGION) or DEFAULT_REGION,
    )


class MoonsenseReceiver(PushReceiver[WebhookEvent]):
    """Parses Moonsense webhook bodies (either key style, event type by name or number)."""

    def __init__(self, coordinator: MoonsenseCoordinator) -> None:
        """Deliver to ``coordinator``."""
        self._coordinator = coordinator

    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[WebhookEvent]:
        """One event per body; a list of bodies is accepted too.

        In a list, an unusable event is dropped with its short fixed reason and the others are
        delivered; a body whose only event (or every event of its list) is unusable is rejected.

        Raises:
            PushRejected: no usable event (answered 400 with the reason).
        """
        if not isinstance(payload, list):
            try:
                return Parsed([WebhookEvent.from_api(payload)])
            except MoonsenseApiError as err:
                raise PushRejected(str(err)) from err
        parsed: Parsed[WebhookEvent] = Parsed([])
        for body in payload:
            try:
                parsed.items.append(WebhookEvent.from_api(body))
            except MoonsenseApiError as err:
                parsed.dropped.append(str(err))
        if parsed.dropped and not parsed.items:
            raise PushRejected(parsed.dropped[0])
        return parsed

    def key(self, item: WebhookEvent) -> str | None:
        """The event's notification key (None for events that cannot be told apart)."""
        return item.key

    async def async_deliver(self, items: list[WebhookEvent]) -> list[str]:
        """Hand the events to the coordinator, which fires them on the event entity."""
        self._coordinator.push(items)
        return []


class MoonsenseRuntime(ProviderRuntime):
    """Runtime data of a Moonsense entry."""

    push: PushWebhook[WebhookEvent]

    def __init__(
        self,
        entry: SitewatchConfigEntry,
        coordinator: MoonsenseCoordinator,
        app: str,
        push: PushWebhook[WebhookEvent],
    ) -> None:
        """Keep the coordinator, the app's name and the webhook."""
        self.entry = entry
        self.coordinator = coordinator
        self.app = app
        self.push = push

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the app's entities of ``platform``."""
        entities: list[Entity]
        if platform is Platform.EVENT:
            entities = [MoonsenseSessionEvent(self.coordinator, self.app)]
        elif platform is Platform.DEVICE_TRACKER:
            entities = [MoonsenseLocation(self.coordinator, self.app)]
        else:
            entities = [MoonsenseSensor(self.coordinator, self.app, d) for d in SENSORS]
        async_add_entities(entities)

    def diagnostics(self) -> dict[str, Any]:
        """Sessions and readings; webhook URL with the id redacted."""
        webhook_id = self.entry.data[CONF_WEBHOOK_ID]
        data = self.coordinator.data
        return {
            "control_url": self.coordinator.client.control_url,
            "data_url": self.coordinator.client.data_url(),
            "request_count": self.coordinator.client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "webhook_urls": redacted_webhook_urls(self.coordinator.hass, webhook_id),
            "webhook": self.push.stats.as_dict(),
            "sessions_today": len(data.created_today),
            "active_sessions": len(data.active),
            "has_readings": data.readings is not None,
        }


async def async_setup_moonsense_entry(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> MoonsenseRuntime:
    """Refresh today's sessions and register the webhook.

    Raises:
        ConfigEntryAuthFailed: the token was refused (starts reauthentication).
        ConfigEntryNotReady: the service could not be reached (Home Assistant retries).
    """
    coordinator = MoonsenseCoordinator(hass, entry, client_from_data(hass, entry.data))
    await coordinator.async_config_entry_first_refresh()
    push = PushWebhook(
        hass, entry, webhook_id=entry.data[CONF_WEBHOOK_ID], receiver=MoonsenseReceiver(coordinator)
    )
    app = str(entry.title).removeprefix("Moonsense ").strip() or "app"
    return MoonsenseRuntime(entry, coordinator, app, push)


# The config flow and actions import the runtime above, so they are imported last.
from .config_flow import MoonsenseAccountFlow, MoonsenseOptionsFlow  # noqa: E402

PROVIDER = Provider(
    key=PROVIDER_MOONSENSE,
    platforms=(Platform.DEVICE_TRACKER, Platform.EVENT, Platform.SENSOR),
    async_setup_entry=async_setup_moonsense_entry,
    config_flow=MoonsenseAccountFlow,
    options_flow=MoonsenseOptionsFlow,
    to_redact=frozenset({"token", "project_id", "app_id", "latitude", "longitude"}),
)
"""The provider as the registry (``providers/__init__.py``) lists it."""
