"""Sensors of the Moonsense provider: session counts (polled) and each phone's readings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    DEGREE,
    LIGHT_LUX,
    PERCENTAGE,
    EntityCategory,
    UnitOfLength,
    UnitOfPressure,
    UnitOfSpeed,
    UnitOfTemperature,
)
from homeassistant.helpers.typing import StateType

from ...entity import SitewatchEntity
from .api import ACTIVITY_LISTS, ACTIVITY_TYPES, BATTERY_STATES, Readings
from .coordinator import MoonsenseCoordinator, MoonsenseData, Phone
from .entity import MoonsenseEntity, MoonsensePhoneEntity


@dataclass(frozen=True, kw_only=True)
class MoonsenseSensorDescription(SensorEntityDescription):
    """A sensor computed from the coordinator data."""

    value_fn: Callable[[MoonsenseData], StateType | datetime]


@dataclass(frozen=True, kw_only=True)
class PhoneSensorDescription(SensorEntityDescription):
    """A reading of one phone, from its readings (``merge_readings``)."""

    value_fn: Callable[[Readings], StateType | datetime]
    attrs_fn: Callable[[Readings], dict[str, str | None]] | None = None
    """Extra state attributes (the original text of an enum reading)."""


def _reading(key: str, **fields: Any) -> PhoneSensorDescription:
    """The sensor of a phone's reading ``key``; ``fields`` are the description's other fields."""

    def value(readings: Readings) -> StateType:
        result: StateType = getattr(readings, key)
        return result

    return PhoneSensorDescription(key=key, value_fn=value, **fields)


def _measured(
    key: str,
    unit: str | None,
    precision: int,
    device_class: SensorDeviceClass | None = None,
    *,
    noisy: bool = False,
) -> PhoneSensorDescription:
    """A measured reading ``key`` in ``unit``, named by its device class or else by its key.

    ``precision`` is the number of decimals shown (``suggested_display_precision``); a ``noisy``
    reading (it changes with every bundle and nobody automates on it) is diagnostic and disabled
    by default.
    """
    return _reading(
        key,
        translation_key=None if device_class else key,
        device_class=device_class,
        native_unit_of_measurement=unit,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=precision,
        entity_category=EntityCategory.DIAGNOSTIC if noisy else None,
        entity_registry_enabled_default=not noisy,
    )


def _enum(key: str, raw: str, attribute: str, names: dict[int, str]) -> PhoneSensorDescription:
    """An enum reading ``key`` (one of ``names``), its original text ``raw`` in ``attribute``."""

    def attributes(readings: Readings) -> dict[str, str | None]:
        return {attribute: getattr(readings, raw)}

    return _reading(
        key,
        translation_key=key,
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(names.values())),
        attrs_fn=attributes,
    )


SENSORS: tuple[MoonsenseSensorDescription, ...] = (
    MoonsenseSensorDescription(
        key="sessions_today",
        translation_key="sessions_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=0,
        value_fn=lambda data: len(data.created_today) if data.polled else None,
    ),
    MoonsenseSensorDescription(
        key="active_sessions",
        translation_key="active_sessions",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda data: len(data.active) if data.polled else None,
    ),
    MoonsenseSensorDescription(
        key="newest_session",
        translation_key="newest_session",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data: data.newest_session,
    ),
)
"""The app's sensors: three polled session sensors.

The session counts are whole numbers without a unit (their names say what is counted, so
nothing reads "1 sessions")."""


PHONE_SENSORS: tuple[PhoneSensorDescription, ...] = (
    _measured("battery_level", PERCENTAGE, 0, SensorDeviceClass.BATTERY),
    _enum("battery_state", "raw_battery_state", "moonsense_battery_state", BATTERY_STATES),
    _enum("activity", "raw_activity", "moonsense_activity_type", ACTIVITY_TYPES),
    _measured("activity_confidence", PERCENTAGE, 0),
    _measured("temperature", UnitOfTemperature.CELSIUS, 1, SensorDeviceClass.TEMPERATURE),
    _measured("light", LIGHT_LUX, 0, SensorDeviceClass.ILLUMINANCE),
    _measured("pressure", UnitOfPressure.MBAR, 1, SensorDeviceClass.ATMOSPHERIC_PRESSURE),
    _measured("humidity", PERCENTAGE, 0, SensorDeviceClass.HUMIDITY),
    _measured("steps", "steps", 0),
    _measured("heart_rate", "bpm", 0),
    _measured("altitude", UnitOfLength.METERS, 0),
    _measured("speed", UnitOfSpeed.METERS_PER_SECOND, 1, SensorDeviceClass.SPEED),
    _measured("acceleration", "m/s²", 2, noisy=True),
    _measured("linear_acceleration", "m/s²", 2, noisy=True),
    _measured("rotation_rate", "rad/s", 2, noisy=True),
    _measured("magnetic_field", "µT", 1, noisy=True),
    _measured("azimuth", DEGREE, 0, noisy=True),
    _measured("pitch", DEGREE, 0, noisy=True),
    _measured("roll", DEGREE, 0, noisy=True),
    *(_measured(key, None, 0, noisy=True) for key in ACTIVITY_LISTS),
    PhoneSensorDescription(
        key="last_bundle",
        translation_key="last_bundle",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda readings: readings.time,
    ),
)
"""A phone's sensors, fed by its bundles (webhooks only).

Steps are the steps of the newest bundle's step samples; the motion readings (acceleration,
rotation, magnetic field: the length of the newest sample; orientation angles) and the
activity counts of the newest bundle (pointer, key, focus, text change samples, markers)
change with every bundle: diagnostic and disabled by default. Counts have no unit (their names
say what is counted). ``last_bundle`` is the newest bundle's time."""


class MoonsenseSensor(MoonsenseEntity, SensorEntity):
    """A session count or the newest session's time (follows the REST poll)."""

    entity_description: MoonsenseSensorDescription

    def __init__(
        self, coordinator: MoonsenseCoordinator, description: MoonsenseSensorDescription
    ) -> None:
        """Create the sensor of ``description``."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> StateType | datetime:
        """The value from the coordinator data."""
        return self.entity_description.value_fn(self.coordinator.data)


class MoonsensePhoneSensor(MoonsensePhoneEntity, SensorEntity):
    """A reading of one phone (unknown until one of its bundles carries it)."""

    entity_description: PhoneSensorDescription

    def __init__(
        self, coordinator: MoonsenseCoordinator, phone: Phone, description: PhoneSensorDescription
    ) -> None:
        """Create the sensor of ``description`` for ``phone``."""
        super().__init__(coordinator, phone, description.key)
        self.entity_description = description

    @property
    def _readings(self) -> Readings | None:
        phone = self.phone
        return phone.readings if phone else None

    @property
    def native_value(self) -> StateType | datetime:
        """The phone's reading."""
        readings = self._readings
        return self.entity_description.value_fn(readings) if readings else None

    @property
    def extra_state_attributes(self) -> dict[str, str | None] | None:
        """The original text of an enum reading, for the enum sensors."""
        attrs_fn = self.entity_description.attrs_fn
        readings = self._readings
        return attrs_fn(readings) if attrs_fn and readings else None


def app_sensors(coordinator: MoonsenseCoordinator) -> list[SitewatchEntity[Any]]:
    """The sensors of the app, one per description of ``SENSORS``."""
    return [MoonsenseSensor(coordinator, description) for description in SENSORS]


def phone_sensors(coordinator: MoonsenseCoordinator, phone: Phone) -> list[SitewatchEntity[Any]]:
    """The sensors of a phone, one per description of ``PHONE_SENSORS``."""
    return [MoonsensePhoneSensor(coordinator, phone, description) for description in PHONE_SENSORS]
