"""Event entities of the Camlytics provider: the analytic events of each channel (camera)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import partial

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo

from ...entity import PushEntity, SitewatchEventEntity
from ...occupancy import OCCUPANCY_EVENT, OCCUPANCY_EVENT_TYPES, OccupancyEvent
from .api import Event
from .const import EVENT_TYPES, OTHER_EVENT_TYPE
from .coordinator import CamlyticsCoordinator, CamlyticsData, Reading, reading_basis
from .entity import CamlyticsEntity, CamlyticsSubjectEntity, channel_device, location_device
from .sentences import channel_place, event_sentence

ANALYTIC_EVENT = EventEntityDescription(
    key="events",
    translation_key="analytic_event",
    event_types=sorted({*EVENT_TYPES.values(), OTHER_EVENT_TYPE}),
)
"""A channel's analytic events; Camlytics types map to ``EVENT_TYPES``, others are ``other``."""


class CamlyticsChannelEvent(
    CamlyticsEntity, PushEntity[CamlyticsCoordinator, Event], SitewatchEventEntity
):
    """Analytic events of one channel, pushed or polled (``entity.async_push``), each fired once.

    The event data holds only typed, bounded values (``Event``): the record id, texts of at most
    255 characters (the original type in ``camlytics_event_type``), ids (``snapshot_id`` too)
    and an ISO time; the Logbook gets its sentence (``sentences.event_sentence``).
    """

    entity_description = ANALYTIC_EVENT
    _unrecorded_attributes = frozenset({"record_id", "object_id", "event_time", "snapshot_id"})
    """Unique to each event: in the attributes when it fires, not recorded."""

    def __init__(self, coordinator: CamlyticsCoordinator, channel_id: str) -> None:
        """Create the event entity of ``channel_id``."""
        super().__init__(
            coordinator,
            subject=f"channel_{channel_id}",
            key=ANALYTIC_EVENT.key,
            device=channel_device(coordinator, channel_id),
        )
        self.channel_id = channel_id

    @property
    def available(self) -> bool:
        """Available while the service lists the channel, even while the REST poll fails.

        Events arrive by push as well as by poll; an unavailable event entity would drop a
        pushed event that the webhook already acknowledged.
        """
        return self.channel_id in self.coordinator.data.channels

    def accepts(self, item: Event) -> bool:
        """The events of this channel."""
        return item.channel_id == self.channel_id

    @callback
    def handle_push(self, item: Event) -> None:
        """Fire the event with its typed fields, the name of its trigger and its sentence."""
        data = self.coordinator.data
        trigger = data.triggers.get(item.trigger_id or "")
        trigger_name = trigger.name if trigger else None
        self.async_fire(
            EVENT_TYPES.get(item.event_type, OTHER_EVENT_TYPE),
            {
                "record_id": item.record_id,
                "camlytics_event_type": item.event_type,
                "origin": item.origin,
                "suborigin": item.suborigin,
                "age_range": item.age_range,
                "gender": item.gender,
                "trigger_id": item.trigger_id,
                "trigger": trigger_name,
                "object_id": item.object_id,
                "snapshot_id": item.snapshot_id,
                "event_time": item.event_time.isoformat() if item.event_time else None,
            },
            event_sentence(item, trigger_name, channel_place(data, self.channel_id)),
        )


@dataclass(frozen=True, kw_only=True)
class CamlyticsOccupancyEventDescription[IdT: (int, str)](EventEntityDescription):
    """The occupancy event entity of each location or channel (``subject``), by its id."""

    subject: str
    """What the id names: ``location`` or ``channel`` (``location_3`` in unique ids)."""
    device_fn: Callable[[CamlyticsCoordinator, IdT], DeviceInfo]
    reading_fn: Callable[[CamlyticsData, IdT], Reading | None]
    """The current reading (None before the first)."""
    place_fn: Callable[[CamlyticsCoordinator, IdT], str]
    """The place's name, for the event data and its Logbook sentence."""
    listed_fn: Callable[[CamlyticsData, IdT], bool]
    """Whether the service lists the place (the entity is available while it does)."""


def _location_name(coordinator: CamlyticsCoordinator, location_id: int) -> str:
    location = coordinator.data.locations.get(location_id)
    return location.name if location else str(location_id)


def _queue_name(coordinator: CamlyticsCoordinator, channel_id: str) -> str:
    """``<channel device name> queue`` (``Main Street store Checkout queue``)."""
    if channel_id not in coordinator.data.channels:
        return f"{channel_id} queue"
    return f"{channel_device(coordinator, channel_id).get('name') or channel_id} queue"


def _described[IdT: (int, str)](
    key: str,
    subject: str,
    device_fn: Callable[[CamlyticsCoordinator, IdT], DeviceInfo],
    place_fn: Callable[[CamlyticsCoordinator, IdT], str],
    readings: Callable[[CamlyticsData], Mapping[IdT, Reading]],
    listed: Callable[[CamlyticsData], Mapping[IdT, object]],
) -> CamlyticsOccupancyEventDescription[IdT]:
    """The description of the event entity ``key`` of each ``subject``, from its readings."""
    return CamlyticsOccupancyEventDescription[IdT](
        key=key,
        translation_key=key,
        event_types=OCCUPANCY_EVENT_TYPES,
        subject=subject,
        device_fn=device_fn,
        reading_fn=lambda data, subject_id: readings(data).get(subject_id),
        place_fn=place_fn,
        listed_fn=lambda data, subject_id: subject_id in listed(data),
    )


LOCATION_OCCUPANCY_EVENT = _described(
    OCCUPANCY_EVENT.key, "location", location_device, _location_name,
    lambda data: data.occupancy, lambda data: data.locations,
)  # fmt: skip
"""People entering and leaving a location (its occupancy)."""
QUEUE_EVENT = _described(
    "queue_event", "channel", channel_device, _queue_name,
    lambda data: data.queues, lambda data: data.channels,
)  # fmt: skip
"""A channel's queue length as events: people joining (entered) or leaving (exited) it."""


class CamlyticsOccupancyEvent[IdT: (int, str)](CamlyticsSubjectEntity, OccupancyEvent):
    """Occupancy of a location (or queue of a channel) as entered/exited/changed events.

    Fed by the coordinator's readings, whichever path brought them (occupancy or queue webhook,
    report feed, Enter minus Exit from the polled totals): each update compares the reading
    with the last one (``occupancy.OccupancyTracker``). The first reading after setup is the
    baseline and fires nothing; a reading of another source, or of a new local day while the
    count comes from the day's totals, fires ``changed``. Available while the service lists
    the place, whatever the poll (readings also come by webhook).
    """

    entity_description: CamlyticsOccupancyEventDescription[IdT]

    def __init__(
        self,
        coordinator: CamlyticsCoordinator,
        description: CamlyticsOccupancyEventDescription[IdT],
        subject_id: IdT,
    ) -> None:
        """Create the event entity ``description`` of ``subject_id`` on its device."""
        super().__init__(coordinator, description, subject_id)
        self.subject_id: IdT = subject_id
        OccupancyEvent.__init__(self)

    @property
    def available(self) -> bool:
        """While the service lists the place."""
        return self.entity_description.listed_fn(self.coordinator.data, self.subject_id)

    async def async_added_to_hass(self) -> None:
        """Take the reading there is as the baseline."""
        await super().async_added_to_hass()
        self._take_reading()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Fire what the new reading changed, then write the state."""
        self._take_reading()
        super()._handle_coordinator_update()

    def _take_reading(self) -> None:
        description = self.entity_description
        if (reading := description.reading_fn(self.coordinator.data, self.subject_id)) is None:
            return
        place = description.place_fn(self.coordinator, self.subject_id)
        self.take(place, reading.value, reading_basis(self.coordinator, reading))


def event_entities(coordinator: CamlyticsCoordinator) -> dict[Hashable, Callable[[], EventEntity]]:
    """The event entities that should exist now (the runtime adds them).

    Per channel of the included locations its analytic and queue event entities, and per
    included location its occupancy event entity.
    """
    factories: dict[Hashable, Callable[[], EventEntity]] = {}
    for channel in coordinator.included_channels():
        factories[f"event_{channel.id}"] = partial(CamlyticsChannelEvent, coordinator, channel.id)
        factories[f"queue_{channel.id}"] = partial(
            CamlyticsOccupancyEvent, coordinator, QUEUE_EVENT, channel.id
        )
    for location_id in coordinator.included_locations:
        factories[f"occupancy_{location_id}"] = partial(
            CamlyticsOccupancyEvent, coordinator, LOCATION_OCCUPANCY_EVENT, location_id
        )
    return factories
