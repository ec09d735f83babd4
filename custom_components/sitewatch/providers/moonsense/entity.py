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

from ...bounds import MAX_ATTRIBUTE_ITEMS
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
    """Session webhooks as events (``unknown`` for types Sitewatch does not know).

    Always available: its events come from the webhook, not from the REST poll, and an
    unavailable event entity would drop the events delivered to it while the poll fails.
    Attributes: ``session_id``, ``labels`` (at most ``MAX_ATTRIBUTE_ITEMS`` names),
    ``journey_id``, ``app_id`` and ``moonsense_event_type`` (the original type's text), all
    bounded by the parser.
    """

    _attr_translation_key = "session_event"

    def __init__(self, coordinator: MoonsenseCoordinator, app: str) -> None:
        """Create the event entity."""
        super().__init__(coordinator, "session_event", app)
        self._attr_event_types = sorted(set(EVENT_TYPES.values()))

    @property
    def available(self) -> bool:
        """Always: pushed events do not depend on the REST poll being healthy."""
        return True

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
                    "labels": event.labels[:MAX_ATTRIBUTE_ITEMS],
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
    pushed: bool = False
    """Fed by webhooks only (bundle readings): available whatever the REST poll does."""
    attributes_fn: Callable[[MoonsenseData], dict[str, str | None]] | None = None


def _raw(name: str, attribute: str) -> Callable[[MoonsenseData], dict[str, str | None]]:
    """The original text of an enum reading (kept when its name is ``unknown``), bounded."""

    def attributes(data: MoonsenseData) -> dict[str, str | None]:
        readings: Readings | None = data.readings
        raw: str | None = getattr(readings, name) if readings else None
        return {attribute: raw}

    return attributes


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
        pushed=True,
    ),
    MoonsenseSensorDescription(
        key="battery_state",
        translation_key="battery_state",
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(BATTERY_STATES.values())),
        value_fn=_reading("battery_state"),
        pushed=True,
        attributes_fn=_raw("raw_battery_state", "moonsense_battery_state"),
    ),
    MoonsenseSensorDescription(
        key="activity",
        translation_key="activity",
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(ACTIVITY_TYPES.values())),
        value_fn=_reading("activity"),
        pushed=True,
        attributes_fn=_raw("raw_activity", "moonsense_activity_type"),
    ),
    MoonsenseSensorDescription(
        key="activity_confidence",
        translation_key="activity_confidence",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("activity_confidence"),
        pushed=True,
    ),
    MoonsenseSensorDescription(
        key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("temperature"),
        pushed=True,
    ),
    MoonsenseSensorDescription(
        key="light",
        device_class=SensorDeviceClass.ILLUMINANCE,
        native_unit_of_measurement=LIGHT_LUX,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("light"),
        pushed=True,
    ),
    MoonsenseSensorDescription(
        key="pressure",
        device_class=SensorDeviceClass.ATMOSPHERIC_PRESSURE,
        native_unit_of_measurement=UnitOfPressure.MBAR,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("pressure"),
        pushed=True,
    ),
    MoonsenseSensorDescription(
        key="humidity",
        device_class=SensorDeviceClass.HUMIDITY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_reading("humidity"),
        pushed=True,
    ),
)


class MoonsenseSensor(MoonsenseEntity, SensorEntity):
    """A session count, the newest session's time, or a reading of the newest bundle.

    Session sensors follow the REST poll (unavailable while it fails); reading sensors are fed by
    webhooks only and stay available.
    """

    entity_description: MoonsenseSensorDescription

    def __init__(
        self, coordinator: MoonsenseCoordinator, app: str, description: MoonsenseSensorDescription
    ) -> None:
        """Create the sensor of ``description``."""
        super().__init__(coordinator, description.key, app)
        self.entity_description = description

    @property
    def available(self) -> bool:
        """Reading sensors always; session sensors while the REST poll succeeds."""
        return self.entity_description.pushed or super().available

    @property
    def native_value(self) -> StateType | datetime:
        """The value from the coordinator data."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> dict[str, str | None] | None:
        """The original text of an enum reading, for the enum sensors."""
        attributes_fn = self.entity_description.attributes_fn
        return attributes_fn(self.coordinator.data) if attributes_fn else None


class MoonsenseLocation(MoonsenseEntity, TrackerEntity):
    """Where the newest bundle with a location reading says the device is.

    Fed by webhooks only, so available whatever the REST poll does.
    """

    _attr_translation_key = "device_location"

    def __init__(self, coordinator: MoonsenseCoordinator, app: str) -> None:
        """Create the tracker."""
        super().__init__(coordinator, "location", app)

    @property
    def available(self) -> bool:
        """Always: the location comes from pushed bundles, not from the REST poll."""
        return True

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
