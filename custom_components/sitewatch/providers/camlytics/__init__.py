"""Camlytics provider: people and vehicle counting, occupancy, queues and analytic events."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey
from multidict import MultiMapping

from ...const import DOMAIN, LOGGER
from ...models import (
    ProviderRuntime,
    SitewatchConfigEntry,
    async_add_entities_as_they_appear,
)
from ...webhook import (
    Parsed,
    PushReceiver,
    PushRejected,
    PushWebhook,
    redacted_webhook_urls,
)
from .api import DEFAULT_BASE_URL, CamlyticsClient, Event, NonceSource, RateLimiter
from .const import (
    CONF_BASE_URL,
    CONF_PUBLIC_KEY,
    CONF_SECRET_KEY,
    CONF_WEBHOOK_ID,
    NONCE_STORAGE_VERSION,
)
from .coordinator import CamlyticsCoordinator
from .entity import CamlyticsChannelEvent, CamlyticsOccupancy, CamlyticsQueue, CamlyticsTriggerCount
from .payloads import Metric, PayloadError, event_key, parse_webhook

NONCE_SAVE_DELAY = 2.0


LIMITERS: HassKey[dict[str, RateLimiter]] = HassKey(f"{DOMAIN}_camlytics_limiters")


def client_from_data(
    hass: HomeAssistant, data: dict[str, Any], nonces: NonceSource | None = None
) -> CamlyticsClient:
    """A client on Home Assistant's shared session from config entry (or flow) data.

    Every client of one public key shares one limiter, whoever makes it (the entry, a reload,
    a config flow), so together they keep to one request per second.
    """
    limiters = hass.data.setdefault(LIMITERS, {})
    return CamlyticsClient(
        async_get_clientsession(hass),
        public_key=data[CONF_PUBLIC_KEY],
        secret_key=data[CONF_SECRET_KEY],
        base_url=data.get(CONF_BASE_URL) or DEFAULT_BASE_URL,
        nonces=nonces,
        limiter=limiters.setdefault(data[CONF_PUBLIC_KEY], RateLimiter()),
    )


NONCE_SOURCES: HassKey[dict[str, NonceSource]] = HassKey(f"{DOMAIN}_camlytics_nonces")


async def async_nonce_source(hass: HomeAssistant, public_key: str) -> NonceSource:
    """The key's nonce source: one per key while Home Assistant runs, saved to storage.

    Kept across reloads in memory, and across restarts in storage (saved shortly after each
    change and on shutdown), so the nonce keeps growing.
    """
    sources = hass.data.setdefault(NONCE_SOURCES, {})
    if (source := sources.get(public_key)) is not None:
        return source
    store: Store[dict[str, int]] = Store(
        hass, NONCE_STORAGE_VERSION, f"{DOMAIN}.camlytics_nonce.{public_key}"
    )
    stored = await store.async_load() or {}

    def save(last: int) -> None:
        store.async_delay_save(lambda: {"last": last}, NONCE_SAVE_DELAY)

    return sources.setdefault(
        public_key, NonceSource(last=int(stored.get("last", 0)), on_change=save)
    )


class CamlyticsReceiver(PushReceiver[Event | Metric]):
    """Parses Camlytics webhooks and hands them to the coordinator."""

    def __init__(self, coordinator: CamlyticsCoordinator) -> None:
        """Deliver to ``coordinator``."""
        self._coordinator = coordinator

    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[Event | Metric]:
        """Events, occupancy and queue readings of one body."""
        try:
            items, errors = parse_webhook(payload)
        except PayloadError as err:
            raise PushRejected(str(err)) from err
        for error in errors:
            LOGGER.debug("Camlytics webhook: skipped %s", error)
        return Parsed(items, ["item fails the schema"] * len(errors))

    def key(self, item: Event | Metric) -> str:
        """``event:<record_id>`` for events, the reading's key for metrics."""
        return event_key(item) if isinstance(item, Event) else item.key

    async def async_deliver(self, items: list[Event | Metric]) -> list[str]:
        """Hand the items over (synchronously, through the coordinator)."""
        self._coordinator.push(items)
        return []


class CamlyticsRuntime(ProviderRuntime):
    """Runtime data of a Camlytics entry."""

    push: PushWebhook[Event | Metric]

    platforms = (Platform.EVENT, Platform.SENSOR)

    def __init__(
        self,
        entry: SitewatchConfigEntry,
        coordinator: CamlyticsCoordinator,
        push: PushWebhook[Event | Metric],
    ) -> None:
        """Keep the coordinator and the webhook."""
        self.entry = entry
        self.coordinator = coordinator
        self.push = push

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add entities for the included locations, and for those that appear later."""
        coordinator = self.coordinator

        def wanted() -> dict[Hashable, Callable[[], Entity]]:
            data = coordinator.data
            included = set(coordinator.included_locations)
            factories: dict[Hashable, Callable[[], Entity]] = {}
            channels = [c for c in data.channels.values() if c.location_id in included]
            if platform is Platform.EVENT:
                for channel in channels:
                    factories[f"event_{channel.id}"] = partial(
                        CamlyticsChannelEvent, coordinator, channel.id
                    )
                return factories
            for location_id in included:
                factories[f"occupancy_{location_id}"] = partial(
                    CamlyticsOccupancy, coordinator, location_id
                )
            for channel in channels:
                factories[f"queue_{channel.id}"] = partial(CamlyticsQueue, coordinator, channel.id)
            for trigger in data.triggers.values():
                if trigger.location_id in included:
                    factories[f"trigger_{trigger.id}"] = partial(
                        CamlyticsTriggerCount, coordinator, trigger.id
                    )
            return factories

        async_add_entities_as_they_appear(self.entry, coordinator, wanted, async_add_entities)

    def diagnostics(self) -> dict[str, Any]:
        """Locations, channels, triggers, counts and readings; webhook URL with the id redacted."""
        data = self.coordinator.data
        webhook_id = self.entry.data[CONF_WEBHOOK_ID]
        return {
            "base_url": self.coordinator.client.base_url,
            "request_count": self.coordinator.client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "webhook_urls": redacted_webhook_urls(self.coordinator.hass, webhook_id),
            "webhook": self.push.stats.as_dict(),
            "locations": {lid: loc.name for lid, loc in data.locations.items()},
            "channels": {cid: channel.name for cid, channel in data.channels.items()},
            "triggers": {tid: trigger.name for tid, trigger in data.triggers.items()},
            "trigger_counts": data.trigger_counts,
            "occupancy": {lid: r.value for lid, r in data.occupancy.items()},
            "queues": {cid: r.value for cid, r in data.queues.items()},
        }


async def async_setup_camlytics_entry(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> CamlyticsRuntime:
    """Create the client (with persisted nonces) and coordinator, refresh, register the webhook.

    Raises:
        ConfigEntryAuthFailed: the keys were refused (starts reauthentication).
        ConfigEntryNotReady: the service could not be reached (Home Assistant retries).
    """
    nonces = await async_nonce_source(hass, entry.data[CONF_PUBLIC_KEY])
    coordinator = CamlyticsCoordinator(
        hass, entry, client_from_data(hass, dict(entry.data), nonces)
    )
    await coordinator.async_config_entry_first_refresh()
    push = PushWebhook(
        hass, entry, webhook_id=entry.data[CONF_WEBHOOK_ID], receiver=CamlyticsReceiver(coordinator)
    )
    return CamlyticsRuntime(entry, coordinator, push)
