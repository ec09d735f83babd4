"""Event entities of the Camlytics provider: the analytic events of each channel (camera)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
from typing import Final

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo

from ...entity import PushEntity
from ...occupancy import OCCUPANCY_EVENT, OCCUPANCY_EVENT_TYPES, OccupancyEvent
from .api import Event
from .const import EVENT_TYPES, OTHER_EVENT_TYPE
from .coordinator import CamlyticsCoordinator, Reading, reading_basis
from .entity import CamlyticsEntity, channel_device, location_device

ANALYTIC_EVENT = EventEntityDescription(
    key="events",
    translation_key="analytic_event",
    event_types=sorted({*EVENT_TYPES.values(), OTHER_EVENT_TYPE}),
)
"""A channel's analytic events; Camlytics types map to ``EVENT_TYPES``, others are ``other``."""


class CamlyticsChannelEvent(CamlyticsEntity, PushEntity[CamlyticsCoordinator, Event], EventEntity):
    """Analytic events of one channel, pushed or polled (``entity.async_push``), each fired once.

    The event data holds only typed, bounded values (``Event``): the record id, texts of at most
    255 characters (the original type in ``camlytics_event_type``), ids and an ISO time.
    """

    entity_description = ANALYTIC_EVENT
    _unrecorded_attributes = frozenset({"record_id", "object_id", "event_time"})
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
        """Fire the event with its typed fields and the name of its trigger."""
        trigger = self.coordinator.data.triggers.get(item.trigger_id or "")
        self._trigger_event(
            EVENT_TYPES.get(item.event_type, OTHER_EVENT_TYPE),
            {
                "record_id": item.record_id,
                "camlytics_event_type": item.event_type,
                "origin": item.origin,
                "suborigin": item.suborigin,
                "age_range": item.age_range,
                "gender": item.gender,
                "trigger_id": item.trigger_id,
                "trigger": trigger.name if trigger else None,
                "object_id": item.object_id,
                "event_time": item.event_time.isoformat() if item.event_time else None,
            },
        )
        self.async_write_ha_state()


QUEUE_EVENT: Final = EventEntityDescription(
    key="queue_event",
    translation_key="queue_event",
    event_types=OCCUPANCY_EVENT_TYPES,
)
"""A channel's queue length as events: people joining (entered) or leaving (exited) it."""


class CamlyticsOccupancyEvent(CamlyticsEntity, OccupancyEvent):
    """Occupancy of a location (or queue of a channel) as entered/exited/changed events.

    Fed by the coordinator's readings, whichever path brought them (occupancy or queue webhook,
    report feed, Enter minus Exit from the polled totals): each update compares the reading
    with the last one (``occupancy.OccupancyTracker``). The first reading after setup is the
    baseline and fires nothing; a reading of another source, or of a new local day while the
    count comes from the day's totals, fires ``changed``.
    """

    def __init__(
        self,
        coordinator: CamlyticsCoordinator,
        description: EventEntityDescription,
        subject: str,
        device: DeviceInfo,
    ) -> None:
        """Create the event entity ``description`` of ``subject`` (``location_3``, ...)."""
        super().__init__(coordinator, subject=subject, key=description.key, device=device)
        OccupancyEvent.__init__(self)
        self.entity_description = description

    def _reading(self) -> Reading | None:
        raise NotImplementedError

    def _place(self) -> str:
        raise NotImplementedError

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
        if (reading := self._reading()) is not None:
            self.take(self._place(), reading.value, reading_basis(self.coordinator, reading))


class CamlyticsLocationOccupancyEvent(CamlyticsOccupancyEvent):
    """People entering and leaving a location (its occupancy)."""

    def __init__(self, coordinator: CamlyticsCoordinator, location_id: int) -> None:
        """Create the occupancy event entity of ``location_id``."""
        super().__init__(
            coordinator,
            OCCUPANCY_EVENT,
            f"location_{location_id}",
            location_device(coordinator, location_id),
        )
        self.location_id = location_id

    @property
    def available(self) -> bool:
        """While the service lists the location (readings also come by webhook)."""
        return self.location_id in self.coordinator.data.locations

    def _reading(self) -> Reading | None:
        return self.coordinator.data.occupancy.get(self.location_id)

    def _place(self) -> str:
        location = self.coordinator.data.locations.get(self.location_id)
        return location.name if location else str(self.location_id)


class CamlyticsQueueEvent(CamlyticsOccupancyEvent):
    """People joining and leaving a channel's queue."""

    def __init__(self, coordinator: CamlyticsCoordinator, channel_id: str) -> None:
        """Create the queue event entity of ``channel_id``."""
        super().__init__(
            coordinator,
            QUEUE_EVENT,
            f"channel_{channel_id}",
            channel_device(coordinator, channel_id),
        )
        self.channel_id = channel_id

    @property
    def available(self) -> bool:
        """While the service lists the channel (readings also come by webhook)."""
        return self.channel_id in self.coordinator.data.channels

    def _reading(self) -> Reading | None:
        return self.coordinator.data.queues.get(self.channel_id)

    def _place(self) -> str:
        return f"{self.device_info_name()} queue"

    def device_info_name(self) -> str:
        """The channel's device name (``Main Street store Checkout``)."""
        return str((self.device_info or {}).get("name") or self.channel_id)


def event_entities(coordinator: CamlyticsCoordinator) -> dict[Hashable, Callable[[], EventEntity]]:
    """The event entities that should exist now (the runtime adds them).

    Per channel of the included locations its analytic and queue event entities, and per
    included location its occupancy event entity.
    """
    factories: dict[Hashable, Callable[[], EventEntity]] = {}
    for channel in coordinator.included_channels():
        factories[f"event_{channel.id}"] = partial(CamlyticsChannelEvent, coordinator, channel.id)
        factories[f"queue_{channel.id}"] = partial(CamlyticsQueueEvent, coordinator, channel.id)
    for location_id in coordinator.included_locations:
        factories[f"occupancy_{location_id}"] = partial(
            CamlyticsLocationOccupancyEvent, coordinator, location_id
        )
    return factories
