"""The webhook receiver of a FindFace entry: parses batches, names ids, hands items over."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import replace
import math
import time
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from multidict import MultiMapping

from ...const import DOMAIN
from ...identity import entity_unique_id
from ...webhook import Parsed, PushNotDelivered, PushReceiver, PushRejected
from .api import (
    AttributeValue,
    FindFaceApiError,
    FindFaceError,
    PayloadError,
    PushItem,
    parse_batch,
)
from .api.payloads import RECOGNITION_SECTIONS
from .const import CARD_NAME_CACHE, SERVER, camera_device
from .coordinator import FindFaceCoordinator, FindFaceData
from .event import CAMERA_EVENTS, area_unique_key
from .image import LAST_RECOGNITION
from .sensor import COUNTER_SENSORS

CAR_SECTIONS: Final = ("car_events", "car_episodes")
"""Sections whose cards are cars (``/cards/cars/``); the others' are humans."""
ENTITY_WAIT: Final = 60.0
"""Seconds a known camera's items answer 503 while its enabled entities are being added."""
MAX_WAITING_TARGETS: Final = 1024
"""Most cameras and areas whose entities are waited for at once (memory bound)."""
MAX_CARD_LOOKUPS: Final = 100
"""Most card names one body asks the server for (a batch holds at most 100 items)."""


def target_unique_ids(entry: ConfigEntry, target: tuple[str, int]) -> list[tuple[str, str]]:
    """The (platform, unique id) of every entity that takes the items of ``target``."""
    section, target_id = target
    if section == "areas":
        return [("event", entity_unique_id(entry, SERVER, area_unique_key(target_id)))]
    device = camera_device(target_id)
    if section == "counters":
        return [
            ("sensor", entity_unique_id(entry, device, description.key))
            for description in COUNTER_SENSORS
        ]
    events = [
        ("event", entity_unique_id(entry, device, description.key))
        for description in CAMERA_EVENTS
        if description.section == section
    ]
    if section in RECOGNITION_SECTIONS:  # the camera's picture takes them too
        events.append(("image", entity_unique_id(entry, device, LAST_RECOGNITION.key)))
    return events


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
        unknown = {item.target for item in items if not data.lists(item.target)}
        if unknown:
            await self._refresh(arrived)
            data = self._coordinator.data
            if added := {target for target in unknown if data.lists(target)}:
                # Their entities are being created: let the sender retry in a moment.
                raise PushNotDelivered(f"{len(added)} new cameras or areas are being added")
        dropped: list[str] = []
        deliverable: list[PushItem] = []
        for item in items:
            target = item.target
            if target is None or not data.lists(target):
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
        self._coordinator.push(named)
        return dropped

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
            for platform, unique_id in target_unique_ids(self._coordinator.config_entry, target)
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
        group_id = item.data.get("camera_group_id")
        if isinstance(group_id, int) and item.data.get("camera_group_name") is None:
            extra["camera_group_name"] = data.camera_groups.get(group_id)
        if item.area_id is not None and item.data.get("area_name") is None:
            extra["area_name"] = data.areas.get(item.area_id)
        return replace(item, card_name=card_name, data={**item.data, **extra})
