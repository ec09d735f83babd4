"""FaceSpace provider: recognition logs per camera as events, last person seen, log queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from multidict import MultiMapping

from ...const import LOGGER
from ...identity import account_digest
from ...models import (
    Provider,
    ProviderRuntime,
    SitewatchConfigEntry,
    async_add_entities_as_they_appear,
)
from ...webhook import (
    Parsed,
    PushNotDelivered,
    PushReceiver,
    PushRejected,
    PushWebhook,
    redacted_webhook_urls,
    secret_matches,
)
from .api import (
    DEFAULT_BASE_URL,
    SEPARATOR,
    FaceSpaceClient,
    Presence,
    Recognition,
    parse_logs,
    parse_realtime,
)
from .const import (
    CONF_ACCEPT_PUSH,
    CONF_API_KEY,
    CONF_BASE_URL,
    CONF_PUSH_SECRET,
    CONF_WEBHOOK_ID,
    PROVIDER_FACESPACE,
    PUSH_SECRET_HEADER,
)
from .coordinator import FaceSpaceCoordinator
from .entity import CAMERA_ENTITIES, FaceSpaceRecognitionEvent


def client_from_data(hass: HomeAssistant, data: Mapping[str, Any]) -> FaceSpaceClient:
    """A client on Home Assistant's shared session from config entry (or flow) data."""
    return FaceSpaceClient(
        async_get_clientsession(hass),
        data[CONF_API_KEY],
        data.get(CONF_BASE_URL) or DEFAULT_BASE_URL,
    )


def account_id(api_key: str) -> str:
    """The entry's unique id: FaceSpace has no account call, so a digest of the key."""
    return account_digest(api_key)


ENTITY_WAIT: Final = 5.0
"""Seconds a pushed line waits for its camera's new event entity before the body answers 503."""


@dataclass(frozen=True, slots=True)
class InView:
    """A pushed real-time body: who each camera sees now (None: no camera is running)."""

    cameras: dict[str, Presence] | None


def _is_logs_body(payload: dict[Any, Any]) -> bool:
    """Whether a body carries log lines: some list item is text with the `` @ `` separator."""
    return any(
        isinstance(line, str) and SEPARATOR in line
        for lines in payload.values()
        if isinstance(lines, list)
        for line in lines
    )


class FaceSpaceReceiver(PushReceiver[Recognition | InView]):
    """Takes what the FaceSpace client forwards: logs bodies and real-time bodies.

    A request is accepted with the entry's API key in ``x-api-key`` (the client forwards its
    own headers) or with the shared secret in ``X-Sitewatch-Secret``.
    """

    def __init__(self, coordinator: FaceSpaceCoordinator, api_key: str, secret: str) -> None:
        """Deliver to ``coordinator``; accept ``api_key`` or ``secret``."""
        self._coordinator = coordinator
        self._api_key = api_key
        self._secret = secret

    def authorized(self, headers: Mapping[str, str]) -> bool:
        """The API key or the shared secret must match."""
        return secret_matches(headers.get("x-api-key"), self._api_key) or (
            secret_matches(headers.get(PUSH_SECRET_HEADER), self._secret)
        )

    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[Recognition | InView]:
        """A logs body (``"Name @ time"`` lines) or a real-time body (names).

        A line or camera entry that cannot be used is dropped with its reason; the body is
        refused (400) only when it is not an object or holds nothing usable.
        """
        if not isinstance(payload, dict):
            raise PushRejected("expected an object of camera → list")
        if _is_logs_body(payload):
            logs = parse_logs(payload)
            lines: list[Recognition | InView] = list(logs.all())
            if not lines:
                raise PushRejected("no log line could be parsed")
            return Parsed(lines, [error.reason for error in logs.errors])
        realtime = parse_realtime(payload)
        if realtime is None:
            return Parsed([InView(None)])
        if realtime.errors and not realtime.cameras:
            raise PushRejected("expected names or log lines")
        return Parsed([InView(realtime.cameras)], list(realtime.errors))

    def key(self, item: Recognition | InView) -> str | None:
        """Log lines by (camera, name, time); real-time bodies are never duplicates."""
        return item.key if isinstance(item, Recognition) else None

    async def async_deliver(self, items: list[Recognition | InView]) -> list[str]:
        """Fire each new line on its camera's event entity; update who is in view.

        Waits (at most ``ENTITY_WAIT`` seconds) for the event entities of cameras seen for the
        first time, before anything is handed over.

        Raises:
            PushNotDelivered: Home Assistant is stopping, or an entity did not appear in time.
        """
        coordinator = self._coordinator
        lines = [item for item in items if isinstance(item, Recognition)]
        if coordinator.hass.is_stopping:
            raise PushNotDelivered("Home Assistant is stopping")
        if lines and not await coordinator.async_prepare(lines, ENTITY_WAIT):
            raise PushNotDelivered("the event entity of a camera is not ready yet")
        if coordinator.hass.is_stopping:
            raise PushNotDelivered("Home Assistant is stopping")
        reasons = coordinator.take(lines)
        for item in items:
            if isinstance(item, InView):
                coordinator.take_in_view(item.cameras)
        return reasons


class FaceSpaceRuntime(ProviderRuntime):
    """Runtime data of a FaceSpace entry."""

    def __init__(
        self,
        entry: SitewatchConfigEntry,
        coordinator: FaceSpaceCoordinator,
        push: PushWebhook[Recognition | InView] | None,
    ) -> None:
        """Keep the coordinator and the webhook (None when pushes are off)."""
        self.entry = entry
        self.coordinator = coordinator
        self.push = push

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the entities of every camera, and of cameras seen later."""
        coordinator = self.coordinator

        def camera_entities(camera: str) -> list[Entity]:
            if platform is Platform.EVENT:
                return [FaceSpaceRecognitionEvent(coordinator, camera)]
            return [cls(coordinator, camera) for cls in CAMERA_ENTITIES]

        async_add_entities_as_they_appear(
            self.entry,
            coordinator,
            lambda: {
                camera: partial(camera_entities, camera)
                for camera in sorted(coordinator.data.cameras)
            },
            async_add_entities,
        )

    def diagnostics(self) -> dict[str, Any]:
        """Cameras, cursor, lines held, today's counts; the webhook URL with its id redacted."""
        webhook_id = self.entry.data[CONF_WEBHOOK_ID]
        data = self.coordinator.data
        return {
            "base_url": self.coordinator.client.base_url,
            "request_count": self.coordinator.client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "accept_push": self.push is not None,
            "webhook_urls": redacted_webhook_urls(self.coordinator.hass, webhook_id),
            "webhook": self.push.stats.as_dict() if self.push else {},
            "cursor": self.coordinator.cursor.isoformat(),
            "lines_held": self.coordinator.lines_held,
            "cameras": sorted(data.cameras),
            "cameras_active": data.cameras_active,
            "today": data.today,
        }


async def async_setup_facespace_entry(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> FaceSpaceRuntime:
    """Restore the cursor, refresh, and prepare the webhook when pushes are accepted.

    The first refresh fires nothing: its lines wait for their event entities, which the
    platforms create next. When pushes are accepted and the cameras are known from before, a
    service that cannot be reached does not stop the setup (pushed lines still fire; the poll
    retries every 30 s).

    Raises:
        ConfigEntryAuthFailed: the API key was refused (starts reauthentication).
        ConfigEntryNotReady: the service could not be reached (Home Assistant retries).
    """
    coordinator = FaceSpaceCoordinator(hass, entry, client_from_data(hass, entry.data))
    push = None
    if entry.options.get(CONF_ACCEPT_PUSH):
        push = PushWebhook(
            hass,
            entry,
            webhook_id=entry.data[CONF_WEBHOOK_ID],
            receiver=FaceSpaceReceiver(
                coordinator, entry.data[CONF_API_KEY], entry.options[CONF_PUSH_SECRET]
            ),
        )
        await push.seen.async_load()
        coordinator.push_seen = push.seen
    await coordinator.async_load()
    try:
        await coordinator.async_config_entry_first_refresh()
    except ConfigEntryNotReady:
        if push is None or not coordinator.data.cameras:
            raise
        LOGGER.warning("FaceSpace cannot be reached; taking pushes while the poll retries")
    entry.async_on_unload(coordinator.async_save_now)
    return FaceSpaceRuntime(entry, coordinator, push)


# The config flow and actions import the runtime above, so they are imported last.
from .config_flow import FaceSpaceAccountFlow, FaceSpaceOptionsFlow  # noqa: E402
from .services import async_setup_services  # noqa: E402

PROVIDER = Provider(
    key=PROVIDER_FACESPACE,
    platforms=(Platform.EVENT, Platform.SENSOR),
    async_setup_entry=async_setup_facespace_entry,
    config_flow=FaceSpaceAccountFlow,
    options_flow=FaceSpaceOptionsFlow,
    to_redact=frozenset({"api_key", "push_secret"}),
    async_setup_services=async_setup_services,
)
"""The provider as the registry (``providers/__init__.py``) lists it."""
