"""Entities of the Camlytics provider: locations and their channels (cameras) as devices."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity
from homeassistant.components.sensor import SensorEntity, SensorStateClass
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from ...const import DOMAIN
from ...devices import child_device_info
from ...entity import SitewatchEntity
from .api import Event
from .const import EVENT_TYPES, OTHER_EVENT_TYPE
from .coordinator import CamlyticsCoordinator, Reading, events_signal


def location_device(coordinator: CamlyticsCoordinator, location_id: int) -> DeviceInfo:
    """Device of a location."""
    location = coordinator.data.locations[location_id]
    return DeviceInfo(
        identifiers={
            (DOMAIN, f"camlytics_{coordinator.config_entry.entry_id}_location_{location_id}")
        },
        name=location.name,
        manufacturer="Camlytics",
        model="Location",
    )


def channel_device(coordinator: CamlyticsCoordinator, channel_id: str) -> DeviceInfo:
    """Device of a channel (camera), under its location."""
    channel = coordinator.data.channels[channel_id]
    entry_id = coordinator.config_entry.entry_id
    info = DeviceInfo(
        identifiers={(DOMAIN, f"camlytics_{entry_id}_channel_{channel_id}")},
        name=channel.name,
        manufacturer="Camlytics",
        model="Channel",
    )
    if channel.location_id is None or channel.location_id not in coordinator.data.locations:
        return info
    return child_device_info(
        coordinator.hass,
        coordinator.config_entry,
        location_device(coordinator, channel.location_id),
        **info,
    )


class CamlyticsEntity(SitewatchEntity[CamlyticsCoordinator]):
    """An entity of one location or channel; unavailable while the service lacks it."""

    def __init__(self, coordinator: CamlyticsCoordinator, key: str, device: DeviceInfo) -> None:
        """Attach the entity to ``device``; ``key`` makes its unique id."""
        super().__init__(coordinator)
        self._attr_unique_id = f"{coordinator.config_entry.unique_id}_{key}"
        self._attr_device_info = device


class CamlyticsOccupancy(CamlyticsEntity, SensorEntity):
    """A location's current occupancy (webhook, or Enter minus Exit while none arrives)."""

    _attr_translation_key = "occupancy"
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(self, coordinator: CamlyticsCoordinator, location_id: int) -> None:
        """Create the occupancy sensor of ``location_id``."""
        super().__init__(
            coordinator,
            f"location_{location_id}_occupancy",
            location_device(coordinator, location_id),
        )
        self.location_id = location_id

    @property
    def _reading(self) -> Reading | None:
        return self.coordinator.data.occupancy.get(self.location_id)

    @property
    def available(self) -> bool:
        """Available while the service lists the location and the value is current.

        A value from the occupancy webhook stays available while the REST poll fails (the push
        does not depend on it); a value computed from polled counts does not.
        """
        if self.location_id not in self.coordinator.data.locations:
            return False
        reading = self._reading
        return super().available or (reading is not None and reading.source == "webhook")

    @property
    def native_value(self) -> float | None:
        """People inside now."""
        reading = self._reading
        return None if reading is None else reading.value

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Where the value came from and when."""
        reading = self._reading
        if reading is None:
            return None
        return {"source": reading.source, "measured_at": reading.at.isoformat()}


class CamlyticsQueue(CamlyticsEntity, SensorEntity):
    """A channel's current queue length (from the queue webhook)."""

    _attr_translation_key = "queue"
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(self, coordinator: CamlyticsCoordinator, channel_id: str) -> None:
        """Create the queue sensor of ``channel_id``."""
        super().__init__(
            coordinator, f"channel_{channel_id}_queue", channel_device(coordinator, channel_id)
        )
        self.channel_id = channel_id

    @property
    def available(self) -> bool:
        """Available while the service lists the channel (fed by pushes: not by the poll)."""
        return self.channel_id in self.coordinator.data.channels

    @property
    def native_value(self) -> float | None:
        """People in the queue now."""
        reading = self.coordinator.data.queues.get(self.channel_id)
        return None if reading is None else reading.value


class CamlyticsTriggerCount(CamlyticsEntity, SensorEntity):
    """Today's count of one trigger (for example the Enter line).

    The state class is ``total_increasing``: the count only grows during the day and drops to
    zero at the location's midnight, which the statistics treat as a new cycle; no
    ``last_reset`` is needed and the long-term statistics sum stays correct.
    """

    _attr_translation_key = "trigger_count"
    _attr_state_class = SensorStateClass.TOTAL_INCREASING

    def __init__(self, coordinator: CamlyticsCoordinator, trigger_id: str) -> None:
        """Create the count sensor of ``trigger_id`` on its channel (or location)."""
        trigger = coordinator.data.triggers[trigger_id]
        if trigger.channel_id in coordinator.data.channels:
            device = channel_device(coordinator, trigger.channel_id)
        else:
            assert trigger.location_id is not None
            device = location_device(coordinator, trigger.location_id)
        super().__init__(coordinator, f"trigger_{trigger_id}_today", device)
        self.trigger_id = trigger_id
        self._attr_translation_placeholders = {"trigger": trigger.name}

    @property
    def available(self) -> bool:
        """Available while the service lists the trigger."""
        return super().available and self.trigger_id in self.coordinator.data.triggers

    @property
    def native_value(self) -> int | None:
        """Crossings since midnight."""
        return self.coordinator.data.trigger_counts.get(self.trigger_id)


class CamlyticsChannelEvent(CamlyticsEntity, EventEntity):
    """Analytic events of one channel; unknown types arrive as ``other``.

    The event data holds only typed, bounded values (``Event``): the record id, texts of at most
    255 characters (the original type in ``camlytics_event_type``), ids and an ISO time.
    """

    _attr_translation_key = "analytic_event"

    def __init__(self, coordinator: CamlyticsCoordinator, channel_id: str) -> None:
        """Create the event entity of ``channel_id``."""
        super().__init__(
            coordinator, f"channel_{channel_id}_events", channel_device(coordinator, channel_id)
        )
        self.channel_id = channel_id
        self._attr_event_types = sorted({*EVENT_TYPES.values(), OTHER_EVENT_TYPE})

    @property
    def available(self) -> bool:
        """Available while the service lists the channel, even while the REST poll fails.

        Events arrive by push as well as by poll; an unavailable event entity would drop a
        pushed event that the webhook already acknowledged.
        """
        return self.channel_id in self.coordinator.data.channels

    async def async_added_to_hass(self) -> None:
        """Listen to the entry's new events."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, events_signal(self.coordinator.config_entry.entry_id), self._take
            )
        )

    @callback
    def _take(self, events: list[Event]) -> None:
        for event in events:
            if event.channel_id != self.channel_id:
                continue
            trigger = self.coordinator.data.triggers.get(event.trigger_id or "")
            self._trigger_event(
                EVENT_TYPES.get(event.event_type, OTHER_EVENT_TYPE),
                {
                    "record_id": event.record_id,
                    "camlytics_event_type": event.event_type,
                    "origin": event.origin,
                    "suborigin": event.suborigin,
                    "age_range": event.age_range,
                    "gender": event.gender,
                    "trigger_id": event.trigger_id,
                    "trigger": trigger.name if trigger else None,
                    "object_id": event.object_id,
                    "event_time": event.event_time.isoformat() if event.event_time else None,
                },
            )
            self.async_write_ha_state()
