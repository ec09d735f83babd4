"""FindFace Multi provider: cameras as devices, recognitions and more pushed by webhook."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from multidict import MultiMapping

from ...const import LOGGER
from ...models import (
    EntityFactories,
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
from .api import FindFaceClient, FindFaceError
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
)
from .coordinator import FindFaceCoordinator
from .entity import (
    CAMERA_EVENTS,
    COUNTER_SENSORS,
    FindFaceAreaEvent,
    FindFaceCameraEvent,
    FindFaceCameraHealth,
    FindFaceCounterSensor,
    push_signal,
    server_device,
)
from .payloads import PayloadError, PushItem, parse_batch

CAR_SECTIONS = ("car_events", "car_episodes")


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
    """Parses FindFace batches, names what the default format gives as ids, and dispatches."""

    def __init__(self, hass: HomeAssistant, coordinator: FindFaceCoordinator) -> None:
        """Deliver to the entities of ``coordinator``'s entry."""
        self._hass = hass
        self._coordinator = coordinator
        self._card_names: OrderedDict[tuple[str, int], str] = OrderedDict()

    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[PushItem]:
        """Parse a batch; the section comes from ``?section=`` or each item's shape."""
        try:
            items, errors = parse_batch(payload, query.get("section"))
        except PayloadError as err:
            raise PushRejected(str(err)) from err
        for error in errors:
            LOGGER.debug("FindFace webhook: skipped %s", error)
        return Parsed(items, ["item fails the schema"] * len(errors))

    def key(self, item: PushItem) -> str:
        """The item's notification key."""
        return item.key

    async def async_deliver(self, items: list[PushItem]) -> list[str]:
        """Name cards, watch lists and cameras, then hand the items to the entities."""
        data = self._coordinator.data
        unknown = {
            item.camera_id
            for item in items
            if item.camera_id is not None and item.camera_id not in data.cameras
        }
        if unknown:
            await self._coordinator.async_refresh()
            data = self._coordinator.data
            if added := unknown & set(data.cameras):
                # Their entities are being created: let the sender retry in a moment.
                raise PushNotDelivered(f"cameras {sorted(added)} are being added")
        named: list[PushItem] = []
        for item in items:
            card_name = item.card_name
            if card_name is None and item.card_id is not None:
                card_name = await self._card_name(item)
            extra: dict[str, Any] = {}
            if "card_name" in item.data:
                extra["card_name"] = card_name
            if "watch_lists" in item.data:
                extra["watch_lists"] = [
                    data.watch_lists.get(entry, entry) if isinstance(entry, int) else entry
                    for entry in item.data["watch_lists"]
                ]
            if item.camera_id is not None:
                camera = data.cameras.get(item.camera_id)
                extra["camera_id"] = item.camera_id
                extra["camera_name"] = camera.name if camera else None
            if item.area_id is not None and item.data.get("area_name") is None:
                extra["area_name"] = data.areas.get(item.area_id)
            named.append(replace(item, card_name=card_name, data={**item.data, **extra}))
        async_dispatcher_send(
            self._hass, push_signal(self._coordinator.config_entry.entry_id), named
        )
        return []

    async def _card_name(self, item: PushItem) -> str:
        """A card's name from the API, cached; PushNotDelivered when the API fails."""
        assert item.card_id is not None
        kind = "cars" if item.section in CAR_SECTIONS else "humans"
        key = (kind, item.card_id)
        if (name := self._card_names.get(key)) is not None:
            self._card_names.move_to_end(key)
            return name
        try:
            card = await self._coordinator.client.card(kind, item.card_id)
        except FindFaceError as err:
            raise PushNotDelivered(f"cannot name card {item.card_id}: {err}") from err
        self._card_names[key] = card.name
        while len(self._card_names) > CARD_NAME_CACHE:
            self._card_names.popitem(last=False)
        return card.name


def _area_event(coordinator: FindFaceCoordinator, area_id: int) -> list[Entity]:
    return [FindFaceAreaEvent(coordinator, area_id)]


class FindFaceRuntime(ProviderRuntime):
    """Runtime data of a FindFace entry: client, coordinator and webhook."""

    push: PushWebhook[PushItem]

    platforms = (Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR)

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
        """Cameras, areas, webhook URL (id redacted) and webhook counters."""
        webhook_id = self.entry.data[CONF_WEBHOOK_ID]
        return {
            "base_url": self.coordinator.client.base_url,
            "request_count": self.coordinator.client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "webhook_urls": redacted_webhook_urls(
                self.coordinator.hass, webhook_id, self.entry.data.get(CONF_CLOUDHOOK_URL)
            ),
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
