"""Sensors of the Camlytics provider: occupancy, queues and the counts of the day."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from homeassistant.components.sensor import (
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.helpers.device_registry import DeviceInfo

from .coordinator import CamlyticsCoordinator, CamlyticsData, Reading
from .entity import CamlyticsSubjectEntity, channel_device, location_device


@dataclass(frozen=True, kw_only=True)
class CamlyticsSensorEntityDescription[IdT: (int, str)](SensorEntityDescription):
    """A sensor of each location, channel or trigger (``subject``), by its id (``IdT``)."""

    subject: str
    """What the id names: ``location``, ``channel`` or ``trigger`` (``location_3`` in ids)."""
    ids_fn: Callable[[CamlyticsCoordinator], Iterable[IdT]]
    """The ids that have this sensor now (those of the included locations)."""
    device_fn: Callable[[CamlyticsCoordinator, IdT], DeviceInfo]
    value_fn: Callable[[CamlyticsData, IdT], int | None]
    """A count of people or crossings, a whole number (``3``, not ``3.0``)."""
    available_fn: Callable[[CamlyticsData, IdT, bool], bool]
    """Given the data, the id and whether the last poll succeeded."""
    attrs_fn: Callable[[CamlyticsData, IdT], dict[str, Any] | None] = lambda data, subject: None
    placeholders_fn: Callable[[CamlyticsData, IdT], dict[str, str]] | None = None


def _occupancy_available(data: CamlyticsData, location_id: int, polled: bool) -> bool:
    """While the service lists the location and the value is current.

    A value from the occupancy webhook stays available while the REST poll fails (the push does
    not depend on it); a value computed from polled counts does not.
    """
    if location_id not in data.locations:
        return False
    reading = data.occupancy.get(location_id)
    return polled or (reading is not None and reading.source == "webhook")


def _occupancy_attrs(data: CamlyticsData, location_id: int) -> dict[str, Any] | None:
    """Where the value came from and when."""
    if (reading := data.occupancy.get(location_id)) is None:
        return None
    return {"source": reading.source, "measured_at": reading.at.isoformat()}


def _reading(readings: dict[Any, Reading], subject_id: Any) -> int | None:
    """The current reading of a location or channel as a whole number, None before the first."""
    reading = readings.get(subject_id)
    return None if reading is None else round(reading.value)


def _trigger_ids(coordinator: CamlyticsCoordinator) -> list[str]:
    included = set(coordinator.included_locations)
    return [t.id for t in coordinator.data.triggers.values() if t.location_id in included]


def _trigger_device(coordinator: CamlyticsCoordinator, trigger_id: str) -> DeviceInfo:
    """The trigger's channel, or its location when the channel is not listed."""
    trigger = coordinator.data.triggers[trigger_id]
    if trigger.channel_id in coordinator.data.channels:
        return channel_device(coordinator, trigger.channel_id)
    assert trigger.location_id is not None
    return location_device(coordinator, trigger.location_id)


OCCUPANCY = CamlyticsSensorEntityDescription[int](
    key="occupancy",
    translation_key="occupancy",
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
    subject="location",
    ids_fn=lambda coordinator: coordinator.included_locations,
    device_fn=location_device,
    value_fn=lambda data, lid: _reading(data.occupancy, lid),
    available_fn=_occupancy_available,
    attrs_fn=_occupancy_attrs,
)
"""People inside a location now (webhook, or Enter minus Exit while none arrives): "3 inside"."""

QUEUE = CamlyticsSensorEntityDescription[str](
    key="queue",
    translation_key="queue",
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
    subject="channel",
    ids_fn=lambda coordinator: [channel.id for channel in coordinator.included_channels()],
    device_fn=channel_device,
    value_fn=lambda data, cid: _reading(data.queues, cid),
    # Fed by pushes: available while the service lists the channel, whatever the poll.
    available_fn=lambda data, cid, polled: cid in data.channels,
)
"""People in a channel's queue now (from the queue webhook): "2 waiting"."""

TRIGGER_COUNT = CamlyticsSensorEntityDescription[str](
    key="today",
    translation_key="trigger_count",
    state_class=SensorStateClass.TOTAL_INCREASING,
    suggested_display_precision=0,
    subject="trigger",
    ids_fn=_trigger_ids,
    device_fn=_trigger_device,
    value_fn=lambda data, tid: data.trigger_counts.get(tid),
    available_fn=lambda data, tid, polled: polled and tid in data.triggers,
    placeholders_fn=lambda data, tid: {"trigger": data.triggers[tid].name},
)
"""Today's crossings of one trigger (for example the Enter line): "Enter today 12 crossed".

The units (translated: ``inside``, ``waiting``, ``crossed``) read right for 1 and for 12.

The state class is ``total_increasing``: the count only grows during the day and drops to zero
at the location's midnight, which the statistics treat as a new cycle; no ``last_reset`` is
needed and the long-term statistics sum stays correct.
"""

SENSORS: tuple[CamlyticsSensorEntityDescription[Any], ...] = (OCCUPANCY, QUEUE, TRIGGER_COUNT)


class CamlyticsSensor[IdT: (int, str)](CamlyticsSubjectEntity, SensorEntity):
    """One sensor of a location, channel or trigger, as its description says."""

    entity_description: CamlyticsSensorEntityDescription[IdT]

    def __init__(
        self,
        coordinator: CamlyticsCoordinator,
        description: CamlyticsSensorEntityDescription[IdT],
        subject_id: IdT,
    ) -> None:
        """Create the sensor ``description`` of ``subject_id`` on its device."""
        super().__init__(coordinator, description, subject_id)
        self.subject_id: IdT = subject_id
        if description.placeholders_fn is not None:
            self._attr_translation_placeholders = description.placeholders_fn(
                coordinator.data, subject_id
            )

    @property
    def available(self) -> bool:
        """As the description says, given whether the last poll succeeded."""
        return self.entity_description.available_fn(
            self.coordinator.data, self.subject_id, super().available
        )

    @property
    def native_value(self) -> int | None:
        """The current value."""
        return self.entity_description.value_fn(self.coordinator.data, self.subject_id)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Where the value came from and when (occupancy)."""
        return self.entity_description.attrs_fn(self.coordinator.data, self.subject_id)


def sensor_entities(
    coordinator: CamlyticsCoordinator,
) -> dict[Hashable, Callable[[], SensorEntity]]:
    """Every sensor that should exist now, by (key, id) (the runtime adds them)."""
    return {
        (description.key, subject_id): partial(
            CamlyticsSensor, coordinator, description, subject_id
        )
        for description in SENSORS
        for subject_id in description.ids_fn(coordinator)
    }
