"""Event entities of the FindFace provider: recognitions and episodes per camera, area activations.

Every event is a webhook item (``entity.async_push``); none is polled.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from homeassistant.components.event import EventEntityDescription
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity

from ...entity import SitewatchEventEntity
from ...identity import device_identifier, entity_unique_id
from ...occupancy import OCCUPANCY_EVENT, OccupancyEvent
from .api import PushItem
from .api.payloads import FEATURES
from .const import SERVER, camera_device
from .coordinator import FindFaceCoordinator
from .entity import FindFaceCameraEntity, FindFaceEntity
from .sensor import counter_unique_key
from .sentences import sentence


@dataclass(frozen=True, kw_only=True)
class FindFaceEventDescription(EventEntityDescription):
    """An event entity of a camera, fed by one webhook section."""

    section: str
    """The webhook section whose items of the camera it fires (``face_events``...)."""


RECOGNITION_TYPES: Final = ["matched", "unmatched"]
EPISODE_TYPES: Final = ["episode_open", "episode_event", "episode_close"]
CAMERA_EVENTS: Final[tuple[FindFaceEventDescription, ...]] = tuple(
    FindFaceEventDescription(key=key, translation_key=key, section=section, event_types=types)
    for key, section, types in (
        ("face_event", "face_events", RECOGNITION_TYPES),
        ("body_event", "body_events", RECOGNITION_TYPES),
        ("car_event", "car_events", RECOGNITION_TYPES),
        ("human_episode", "human_episodes", EPISODE_TYPES),
        ("car_episode", "car_episodes", EPISODE_TYPES),
    )
)
AREA_EVENT: Final = EventEntityDescription(
    key="area_activation",
    translation_key="area_activation",
    event_types=["activated", "deactivated"],
)


def area_unique_key(area_id: int) -> str:
    """The key of an area's activation entity on the server's device (``area_<id>``)."""
    return f"area_{area_id}"


class FindFaceEvent(FindFaceEntity, SitewatchEventEntity):
    """Fires each item it takes: its ``event_type`` with its data as attributes.

    Fields unique to each event (ids, times, URLs, confidence, quality, the features of a face,
    body or car) are in the attributes when the event fires but not recorded, so a burst's rows
    share their attributes in the database; the Logbook keeps the event's sentence
    (``sentences.py``), plate and name included.
    """

    _unrecorded_attributes = frozenset(
        {
            "event_id",
            "episode_id",
            "record_id",
            "activation_id",
            "confidence",
            "detected_at",
            "opened_at",
            "closed_at",
            "started_at",
            "recorded_at",
            "thumbnail_url",
            "fullframe_url",
            "events_count",
            "duration",
            "proximity_min",
            "proximity_avg",
            "proximity_max",
            "looks_like_confidence",
            "quality",
            *(
                f"{prefix}_{feature}"
                for prefix, features in FEATURES.values()
                for feature in features
            ),
        }
    )

    @callback
    def handle_push(self, item: PushItem) -> None:
        """Fire the item as an event, with its sentence in the Logbook."""
        self.async_fire(item.event_type, item.data, sentence(item))


class FindFaceCameraEvent(FindFaceCameraEntity, FindFaceEvent):
    """Recognitions or episodes of one camera, as events."""

    entity_description: FindFaceEventDescription

    def __init__(
        self,
        coordinator: FindFaceCoordinator,
        camera_id: int,
        description: FindFaceEventDescription,
    ) -> None:
        """Create the event entity of ``description`` on camera ``camera_id``."""
        super().__init__(coordinator, camera_id, description)
        self.push_targets = ((description.section, camera_id),)


class FindFaceAreaEvent(FindFaceEvent):
    """Activations of one area, on the server device."""

    def __init__(self, coordinator: FindFaceCoordinator, area_id: int) -> None:
        """Create the event entity of area ``area_id``."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self.entity_description = AREA_EVENT
        self.area_id = area_id
        self._attr_unique_id = entity_unique_id(entry, SERVER, area_unique_key(area_id))
        self._attr_translation_placeholders = {"area": coordinator.data.areas[area_id]}
        self._attr_device_info = DeviceInfo(identifiers={device_identifier(entry, SERVER)})
        self.push_targets = (("areas", area_id),)

    @property
    def available(self) -> bool:
        """Available while the server lists the area (whether or not the last poll worked)."""
        return self.area_id in self.coordinator.data.areas


def camera_events(coordinator: FindFaceCoordinator, camera_id: int) -> list[Entity]:
    """The event entities of camera ``camera_id``."""
    return [
        FindFaceCameraEvent(coordinator, camera_id, description) for description in CAMERA_EVENTS
    ]


def area_events(coordinator: FindFaceCoordinator, area_id: int) -> list[Entity]:
    """The activation event entity of area ``area_id``."""
    return [FindFaceAreaEvent(coordinator, area_id)]


COUNTER_OCCUPANCY_EVENT: Final = replace(OCCUPANCY_EVENT, translation_key="counter_occupancy_event")
"""Occupancy events of one counter on one camera (``{counter} occupancy``)."""


def record_count(item: PushItem) -> int | float | None:
    """How many a counter record saw: the largest of its face, body and car counts.

    A person shows a face and a body, and a counter counts people or cars, so the largest is
    the record's occupancy. None when the record carries no count.
    """
    counts = [
        value
        for name in ("faces", "bodies", "cars")
        if isinstance(value := item.data.get(name), (int, float))
    ]
    return max(counts, default=None)


class FindFaceCounterOccupancyEvent(FindFaceCameraEntity, OccupancyEvent):
    """The occupancy a counter sees on a camera as entered/exited events (its pushed records).

    The first record after setup (or a restart) is the baseline and fires nothing; each later
    record whose count differs fires ``entered`` or ``exited`` with how many.
    """

    def __init__(self, coordinator: FindFaceCoordinator, camera_id: int, counter_id: int) -> None:
        """Create the occupancy event entity of counter ``counter_id`` on camera ``camera_id``."""
        super().__init__(coordinator, camera_id, COUNTER_OCCUPANCY_EVENT)
        OccupancyEvent.__init__(self)
        self.counter_id = counter_id
        self.push_targets = (("counters", camera_id),)
        self._attr_unique_id = entity_unique_id(
            coordinator.config_entry,
            camera_device(camera_id),
            counter_unique_key(counter_id, COUNTER_OCCUPANCY_EVENT.key),
        )
        self._attr_translation_placeholders = {"counter": self._counter_name()}

    def _counter_name(self) -> str:
        counter = self.coordinator.data.counters.get(self.counter_id)
        return counter.name if counter is not None else str(self.counter_id)

    def accepts(self, item: PushItem) -> bool:
        """The records of its counter on its camera."""
        return super().accepts(item) and item.data.get("counter_id") == self.counter_id

    @callback
    def handle_push(self, item: PushItem) -> None:
        """Compare the record's count with the last one; fire what changed."""
        self.take(self._counter_name(), record_count(item))


def counter_events(
    coordinator: FindFaceCoordinator, camera_id: int, counter_id: int
) -> list[Entity]:
    """The occupancy event entity of counter ``counter_id`` on camera ``camera_id``."""
    return [FindFaceCounterOccupancyEvent(coordinator, camera_id, counter_id)]
