"""Entities of the Moonsense provider, all on the device of the token's app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

# TrackerEntity is exported from the package on every version, typed as such from 2026.x.
from homeassistant.components.device_tracker import (  # type: ignore[attr-defined,unused-ignore]
    TrackerEntity,
)
from homeassistant.components.device_tracker.const import SourceType
from homeassistant.components.event import EventEntity
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import LIGHT_LUX, PERCENTAGE, UnitOfPressure, UnitOfTemperature
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.typing import StateType

from ...const import DOMAIN
from ...entity import SitewatchEntity
from .api import ACTIVITY_TYPES, BATTERY_STATES, EVENT_TYPES, Readings, WebhookEvent
from .coordinator import MoonsenseCoordinator, MoonsenseData, events_signal


class MoonsenseEntity(SitewatchEntity[MoonsenseCoordinator]):
    """An entity of the Moonsense app device."""

    def __init__(self, coordinator: MoonsenseCoordinator, key: str, app: str) -> None:
        """Attach the entity to the app ``app``; ``key`` makes its unique id."""
        super().__init__(coordinator)
        self._attr_unique_id = f"{coordinator.config_entry.unique_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, f"moonsense_{coordinator.config_entry.unique_id}")},
            name=f"Moonsense {app}",
            manufacturer="Moonsense",
            model="App",
        )


class MoonsenseSessionEvent(MoonsenseEntity, EventEntity):
    """Session webhooks as events (``unknown`` for types Sitewatch does not know)."""

    _attr_translation_key = "session_event"

    def __init__(self, coordinator: MoonsenseCoordinator, app: str) -> None:
        """Create the event entity."""
        super().__init__(coordinator, "session_event", app)
        self._attr_event_types = sorted(set(EVENT_TYPES.values()))

    async def async_added_to_hass(self) -> None:
        """Listen to the entry's webhook events."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, events_signal(self.coordinator.config_entry.entry_id), self._take
            )
        )

    @callback
    def _take(self, events: list[WebhookEvent]) -> None:
        for event in events:
            self._trigger_event(
                event.event_type,
                {
                    "session_id": event.session_id,
                    "labels": event.labels,
                    "journey_id": event.journey_id,
                    "app_id": event.app_id,
                    "moonsense_event_type": event.raw_event_type,
                },
            )
            self.async_write_ha_state()


@dataclass(frozen=True, kw_only=True)
class MoonsenseSensorDescription(SensorEntityDescription):
    """A sensor computed from the coordinator data."""

    value_fn: Callable[[MoonsenseData], StateType | datetime]


def _reading(name: str) -> Callable[[MoonsenseData], StateType]:
    """A field of the newest bundle's readings (None when that bundle lacked it)."""

    def value(data: MoonsenseData) -> StateType:
        readings: Readings | None = data.readings
        result: StateType = getattr(readings, name) if readings else None
        return result

    return value


SENSORS: tuple[MoonsenseSensorDescription, ...] = (
    MoonsenseSensorDescription(
        key="sessions_today",
        translation_key="sessions_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda data: len(data.created_today),
    ),
    MoonsenseSensorDescription(
        key="active_sessions",
        translation_key="active_sessions",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda data: len(data.active),
    ),
    MoonsenseSensorDescription(
        key="newest_session",
        translation_key="newest_session",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data: data.newest_session,
    ),
    MoonsenseSensorDescription(
        key="battery_level",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("battery_level"),
    ),
    MoonsenseSensorDescription(
        key="battery_state",
        translation_key="battery_state",
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(BATTERY_STATES.values())),
        value_fn=_reading("battery_state"),
    ),
    MoonsenseSensorDescription(
        key="activity",
        translation_key="activity",
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(ACTIVITY_TYPES.values())),
        value_fn=_reading("activity"),
    ),
    MoonsenseSensorDescription(
        key="activity_confidence",
        translation_key="activity_confidence",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("activity_confidence"),
    ),
    MoonsenseSensorDescription(
        key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("temperature"),
    ),
    MoonsenseSensorDescription(
        key="light",
        device_class=SensorDeviceClass.ILLUMINANCE,
        native_unit_of_measurement=LIGHT_LUX,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("light"),
    ),
    MoonsenseSensorDescription(
        key="pressure",
        device_class=SensorDeviceClass.ATMOSPHERIC_PRESSURE,
        native_unit_of_measurement=UnitOfPressure.MBAR,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("pressure"),
    ),
    MoonsenseSensorDescription(
        key="humidity",
        device_class=SensorDeviceClass.HUMIDITY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("humidity"),
    ),
)


class MoonsenseSensor(MoonsenseEntity, SensorEntity):
    """A session count, the newest session's time, or a reading of the newest bundle."""

    entity_description: MoonsenseSensorDescription

    def __init__(
        self, coordinator: MoonsenseCoordinator, app: str, description: MoonsenseSensorDescription
    ) -> None:
        """Create the sensor of ``description``."""
        super().__init__(coordinator, description.key, app)
        self.entity_description = description

    @property
    def native_value(self) -> StateType | datetime:
        """The value from the coordinator data."""
        return self.entity_description.value_fn(self.coordinator.data)


class MoonsenseLocation(MoonsenseEntity, TrackerEntity):
    """Where the newest bundle with a location reading says the device is."""

    _attr_translation_key = "device_location"

    def __init__(self, coordinator: MoonsenseCoordinator, app: str) -> None:
        """Create the tracker."""
        super().__init__(coordinator, "location", app)

    @property
    def source_type(self) -> SourceType:
        """GPS."""
        return SourceType.GPS

    @property
    def latitude(self) -> float | None:
        """Latitude of the newest bundle (None when it had no location)."""
        readings = self.coordinator.data.readings
        return readings.latitude if readings else None

    @property
    def longitude(self) -> float | None:
        """Longitude of the newest bundle."""
        readings = self.coordinator.data.readings
        return readings.longitude if readings else None

    @property
    def location_accuracy(self) -> int:
        """Horizontal accuracy in whole metres (0 when unknown)."""
        readings = self.coordinator.data.readings
        accuracy = readings.location_accuracy if readings else None
        return round(accuracy) if accuracy else 0
