"""FindFace Multi provider: cameras as devices, recognitions and more pushed by webhook."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from functools import partial
import math
import time
from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from multidict import MultiMapping

from ...const import DOMAIN, LOGGER
from ...models import (
    EntityFactories,
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
)
from .api import FindFaceApiError, FindFaceClient, FindFaceError
from .const import (
    CARD_NAME_CACHE,
    CONF_CLIENT_UUID,
    CONF_CLOUDHOOK_URL,
    CONF_HOOK_IDS,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    PROVIDER_FINDFACE,
)
from .coordinator import FindFaceCoordinator, FindFaceData
from .entity import (
    CAMERA_EVENTS,
    COUNTER_SENSORS,
    FindFaceAreaEvent,
    FindFaceCameraEvent,
    FindFaceCameraHealth,
    FindFaceCounterSensor,
    push_signal,
    push_target,
    server_device,
    target_unique_ids,
)
from .payloads import AttributeValue, PayloadError, PushItem, parse_batch

CAR_SECTIONS = ("car_events", "car_episodes")
ENTITY_WAIT: Final = 60.0
"""Seconds a known camera's items answer 503 while its enabled entities are being added."""
MAX_WAITING_TARGETS: Final = 1024
"""Most cameras and areas whose entities are waited for at once (memory bound)."""
MAX_CARD_LOOKUPS: Final = 100
"""Most card names one body asks the server for (a batch holds at most 100 items)."""


def client_from_data(hass: HomeAssistant, data: dict[str, Any]) -> FindFaceClient:
    """A client on Home Assistant's session (one that skips TLS checks when asked)."""
    return FindFaceClient(
        async_get_clientsession(hass, verify_ssl=data.get(CONF_VERIFY_SSL, True)),
        data[CONF_URL],
        token=data.get(CONF_TOKEN),
        username=data.get(CONF_USERNAME),
        password=data.get(CONF_PASSWORD),
        client_uuid=data.get(CONF_CLIENT_UUID),
    )


class FindFaceReceiver(PushReceiver[PushItem]):
    """Parses FindFace batches, names what the default format gives as ids, and dispatches.

    Delivery (``async_deliver``), in order, every ``await`` before anything is handed over:

    1. Items of a camera (or area) Sitewatch does not know make it read the server again (one
       read shared by the bodies that wait for it). When that read fails the body answers 503
       (whether the camera exists cannot be known yet); a camera the read adds answers 503 while
       its entities are created; items of a camera the server does not list are dropped.
    2. Items whose entities are disabled are dropped; items whose entities are still being added
       answer 503 (for at most ``ENTITY_WAIT``, then they are dropped).
    3. Matched cards of the default format are named through ``GET /cards/.../{id}/`` (cached).
       A card the server no longer has (404) is delivered without a name; a network failure, a
       timeout or a 5xx answers 503 so the sender retries.
    """

    def __init__(self, hass: HomeAssistant, coordinator: FindFaceCoordinator) -> None:
        """Deliver to the entities of ``coordinator``'s entry."""
        self._hass = hass
        self._coordinator = coordinator
        self._card_names: OrderedDict[tuple[str, int], str] = OrderedDict()
        self._refresh_lock = asyncio.Lock()
        self._refresh_started = -math.inf
        self._refresh_ok = True
        self._waiting_since: dict[tuple[str, int], float] = {}

    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[PushItem]:
        """Parse a batch; the section comes from ``?section=`` or each item's shape."""
        try:
            items, reasons = parse_batch(payload, query.get("section"))
        except PayloadError as err:
            raise PushRejected(str(err)) from err
        return Parsed(items, reasons)

    def key(self, item: PushItem) -> str:
        """The item's notification key."""
        return item.key

    async def async_deliver(self, items: list[PushItem]) -> list[str]:
        """Check cameras and entities, name cards, watch lists and cameras, then dispatch."""
        arrived = time.monotonic()
        data = self._coordinator.data
        unknown = {target for item in items if not self._known(target := _target(item), data)}
        if unknown:
            await self._refresh(arrived)
            data = self._coordinator.data
            if added := {target for target in unknown if self._known(target, data)}:
                # Their entities are being created: let the sender retry in a moment.
                raise PushNotDelivered(f"{len(added)} new cameras or areas are being added")
        dropped: list[str] = []
        deliverable: list[PushItem] = []
        for item in items:
            target = _target(item)
            if not self._known(target, data):
                dropped.append(
                    "area not listed by the server"
                    if item.section == "areas"
                    else "camera not listed by the server"
                )
            elif (reason := self._entity_missing(target, arrived)) is not None:
                dropped.append(reason)
            else:
                deliverable.append(item)
        names = await self._card_names_of(deliverable)
        named = [self._named(item, data, names) for item in deliverable]
        if named:
            async_dispatcher_send(
                self._hass, push_signal(self._coordinator.config_entry.entry_id), named
            )
        return dropped

    @staticmethod
    def _known(target: tuple[str, int], data: FindFaceData) -> bool:
        section, target_id = target
        return target_id in (data.areas if section == "areas" else data.cameras)

    async def _refresh(self, arrived: float) -> None:
        """Read the server again unless a read began after the body arrived; 503 on failure."""
        async with self._refresh_lock:
            if self._refresh_started < arrived:
                self._refresh_started = time.monotonic()
                await self._coordinator.async_refresh()
                self._refresh_ok = self._coordinator.last_update_success
        if not self._refresh_ok:
            raise PushNotDelivered("the FindFace server cannot be read to check its cameras")

    def _entity_missing(self, target: tuple[str, int], now: float) -> str | None:
        """Why no entity can take the items of ``target`` for good, or None when one can.

        Raises:
            PushNotDelivered: its entities are enabled but not added yet (for ``ENTITY_WAIT``).
        """
        if self._coordinator.push_targets[target] > 0:
            self._waiting_since.pop(target, None)
            return None
        registry = er.async_get(self._hass)
        entries = [
            registry.async_get(entity_id)
            for platform, unique_id in target_unique_ids(
                self._coordinator.config_entry.entry_id, target
            )
            if (entity_id := registry.async_get_entity_id(platform, DOMAIN, unique_id))
        ]
        if entries and all(entry is not None and entry.disabled for entry in entries):
            return "entity disabled"
        if len(self._waiting_since) >= MAX_WAITING_TARGETS:
            self._waiting_since.clear()
        since = self._waiting_since.setdefault(target, now)
        if now - since > ENTITY_WAIT:
            return "no entity takes the item"
        raise PushNotDelivered("the entities of these items are being added")

    async def _card_names_of(self, items: list[PushItem]) -> dict[tuple[str, int], str | None]:
        """The names of the cards the items match and do not name (None: the card is gone).

        Raises:
            PushNotDelivered: the server could not be asked (network, timeout, 5xx, refused).
        """
        names: dict[tuple[str, int], str | None] = {}
        for item in items:
            if item.card_name is not None or item.card_id is None:
                continue
            key = ("cars" if item.section in CAR_SECTIONS else "humans", item.card_id)
            if key in names:
                continue
            if key in self._card_names:
                self._card_names.move_to_end(key)
                names[key] = self._card_names[key]
                continue
            if len(names) >= MAX_CARD_LOOKUPS:
                names[key] = None  # a body naming this many cards is delivered without the rest
                continue
            names[key] = name = await self._lookup(*key)
            if name is not None:  # a missing card is asked again next time (it may appear)
                self._card_names[key] = name
                while len(self._card_names) > CARD_NAME_CACHE:
                    self._card_names.popitem(last=False)
        return names

    async def _lookup(self, kind: str, card_id: int) -> str | None:
        """A card's name from the server; None when the server says it has no such card."""
        try:
            card = await self._coordinator.client.card(kind, card_id)
        except FindFaceApiError as err:
            if err.status is None or (400 <= err.status < 500 and err.status not in (408, 429)):
                return None  # deleted (404) or an answer no retry changes: deliver unnamed
            raise PushNotDelivered(f"cannot name a card now (HTTP {err.status})") from err
        except FindFaceError as err:
            raise PushNotDelivered(
                f"cannot name a card now ({type(err).__name__.removeprefix('FindFace')})"
            ) from err
        return card.name

    def _named(
        self, item: PushItem, data: FindFaceData, names: dict[tuple[str, int], str | None]
    ) -> PushItem:
        """The item with its card, watch lists, camera and area named (all bounded)."""
        card_name = item.card_name
        if card_name is None and item.card_id is not None:
            card_name = names.get(
                ("cars" if item.section in CAR_SECTIONS else "humans", item.card_id)
            )
        extra: dict[str, AttributeValue] = {}
        if "card_name" in item.data:
            extra["card_name"] = card_name
        lists = item.data.get("watch_lists")
        if isinstance(lists, list):
            extra["watch_lists"] = [
                data.watch_lists.get(entry, entry) if isinstance(entry, int) else entry
                for entry in lists
            ]
        if item.camera_id is not None:
            camera = data.cameras.get(item.camera_id)
            extra["camera_id"] = item.camera_id
            extra["camera_name"] = camera.name if camera else None
        if item.area_id is not None and item.data.get("area_name") is None:
            extra["area_name"] = data.areas.get(item.area_id)
        return replace(item, card_name=card_name, data={**item.data, **extra})


def _target(item: PushItem) -> tuple[str, int]:
    target = push_target(item)
    assert target is not None  # the parser drops items without a camera or area
    return target


def _area_event(coordinator: FindFaceCoordinator, area_id: int) -> list[Entity]:
    return [FindFaceAreaEvent(coordinator, area_id)]


class FindFaceRuntime(ProviderRuntime):
    """Runtime data of a FindFace entry: client, coordinator and webhook."""

    push: PushWebhook[PushItem]

    def __init__(
        self,
        entry: SitewatchConfigEntry,
        coordinator: FindFaceCoordinator,
        push: PushWebhook[PushItem],
    ) -> None:
        """Keep the coordinator and the webhook."""
        self.entry = entry
        self.coordinator = coordinator
        self.push = push

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the platform's entities of every camera (and area), and of those added later."""
        coordinator = self.coordinator
        camera_factories: dict[Platform, Callable[[int], list[Entity]]] = {
            Platform.EVENT: lambda camera_id: [
                FindFaceCameraEvent(coordinator, camera_id, description)
                for description in CAMERA_EVENTS
            ],
            Platform.SENSOR: lambda camera_id: [
                FindFaceCounterSensor(coordinator, camera_id, description)
                for description in COUNTER_SENSORS
            ],
            Platform.BINARY_SENSOR: lambda camera_id: [
                FindFaceCameraHealth(coordinator, camera_id)
            ],
        }
        factory = camera_factories[platform]

        def wanted() -> EntityFactories:
            factories: dict[Hashable, Callable[[], list[Entity]]] = {
                ("camera", camera_id): partial(factory, camera_id)
                for camera_id in coordinator.data.cameras
            }
            if platform is Platform.EVENT:
                for area_id in coordinator.data.areas:
                    factories[("area", area_id)] = partial(_area_event, coordinator, area_id)
            return factories

        async_add_entities_as_they_appear(self.entry, coordinator, wanted, async_add_entities)

    def diagnostics(self) -> dict[str, Any]:
        """Cameras, areas, webhook URL (id redacted; the cloudhook URL too) and counters."""
        webhook_id = self.entry.data[CONF_WEBHOOK_ID]
        webhook_urls = redacted_webhook_urls(
            self.coordinator.hass, webhook_id, self.entry.data.get(CONF_CLOUDHOOK_URL)
        )
        return {
            "base_url": self.coordinator.client.base_url,
            "request_count": self.coordinator.client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "webhook_urls": webhook_urls,
            "hook_ids": self.entry.data.get(CONF_HOOK_IDS, []),
            "webhook": self.push.stats.as_dict(),
            "cameras": {
                camera_id: {
                    "name": camera.name,
                    "active": camera.active,
                    "health": camera.health.status if camera.health else None,
                }
                for camera_id, camera in self.coordinator.data.cameras.items()
            },
            "areas": self.coordinator.data.areas,
            "watch_lists": self.coordinator.data.watch_lists,
        }


async def async_setup_findface_entry(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> FindFaceRuntime:
    """Create the client and coordinator, read the cameras and prepare the webhook.

    Raises:
        ConfigEntryAuthFailed: the token or credentials were refused (starts reauthentication).
        ConfigEntryNotReady: the server could not be reached (Home Assistant retries).
    """
    coordinator = FindFaceCoordinator(hass, entry, client_from_data(hass, dict(entry.data)))
    await coordinator.async_config_entry_first_refresh()
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **server_device(coordinator)
    )
    push = PushWebhook(
        hass,
        entry,
        webhook_id=entry.data[CONF_WEBHOOK_ID],
        receiver=FindFaceReceiver(hass, coordinator),
        sender_in_cloud=False,
    )
    return FindFaceRuntime(entry, coordinator, push)


async def async_remove_findface_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Delete the webhooks Sitewatch created on the server (best effort)."""
    hook_ids: list[int] = entry.data.get(CONF_HOOK_IDS, [])
    if not hook_ids:
        return
    client = client_from_data(hass, dict(entry.data))
    for hook_id in hook_ids:
        try:
            await client.delete_hook(hook_id)
        except FindFaceError as err:
            LOGGER.warning("Could not delete webhook %s from the FindFace server: %s", hook_id, err)


# The config flow and actions import the runtime above, so they are imported last.
from .config_flow import FindFaceAccountFlow, FindFaceOptionsFlow  # noqa: E402

PROVIDER = Provider(
    key=PROVIDER_FINDFACE,
    platforms=(Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR),
    async_setup_entry=async_setup_findface_entry,
    config_flow=FindFaceAccountFlow,
    options_flow=FindFaceOptionsFlow,
    to_redact=frozenset({"access_token", "token", "password", "username"}),
    async_remove_entry=async_remove_findface_entry,
)
"""The provider as the registry (``providers/__init__.py``) lists it."""
