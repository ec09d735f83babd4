"""Sensors of the Moonsense provider: session counts (polled) and the newest bundle's readings."""

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
from homeassistant.const import LIGHT_LUX, PERCENTAGE, UnitOfPressure, UnitOfTemperature
from homeassistant.helpers.typing import StateType

from .api import ACTIVITY_TYPES, BATTERY_STATES
from .coordinator import MoonsenseCoordinator, MoonsenseData
from .entity import MoonsenseEntity


@dataclass(frozen=True, kw_only=True)
class MoonsenseSensorDescription(SensorEntityDescription):
    """A sensor computed from the coordinator data."""

    value_fn: Callable[[MoonsenseData], StateType | datetime]
    pushed: bool = False
    """Fed by webhooks only (bundle readings): available whatever the REST poll does."""
    attrs_fn: Callable[[MoonsenseData], dict[str, str | None]] | None = None
    """Extra state attributes (the original text of an enum reading)."""


def _reading(key: str, **fields: Any) -> MoonsenseSensorDescription:
    """The sensor of the newest bundle's reading ``key`` (None when that bundle lacked it).

    Fed by webhooks only; ``fields`` are the description's other fields.
    """

    def value(data: MoonsenseData) -> StateType:
        result: StateType = getattr(data.readings, key) if data.readings else None
        return result

    return MoonsenseSensorDescription(key=key, value_fn=value, pushed=True, **fields)


def _measured(
    key: str, unit: str, precision: int, device_class: SensorDeviceClass | None = None
) -> MoonsenseSensorDescription:
    """A measured reading ``key`` in ``unit``, named by its device class or else by its key.

    ``precision`` is the number of decimals shown (``suggested_display_precision``).
    """
    return _reading(
        key,
        translation_key=None if device_class else key,
        device_class=device_class,
        native_unit_of_measurement=unit,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=precision,
    )


def _enum(key: str, raw: str, attribute: str, names: dict[int, str]) -> MoonsenseSensorDescription:
    """An enum reading ``key`` (one of ``names``), its original text ``raw`` in ``attribute``."""

    def attributes(data: MoonsenseData) -> dict[str, str | None]:
        return {attribute: getattr(data.readings, raw) if data.readings else None}

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
    _measured("battery_level", PERCENTAGE, 0, SensorDeviceClass.BATTERY),
    _enum("battery_state", "raw_battery_state", "moonsense_battery_state", BATTERY_STATES),
    _enum("activity", "raw_activity", "moonsense_activity_type", ACTIVITY_TYPES),
    _measured("activity_confidence", PERCENTAGE, 0),
    _measured("temperature", UnitOfTemperature.CELSIUS, 1, SensorDeviceClass.TEMPERATURE),
    _measured("light", LIGHT_LUX, 0, SensorDeviceClass.ILLUMINANCE),
    _measured("pressure", UnitOfPressure.MBAR, 1, SensorDeviceClass.ATMOSPHERIC_PRESSURE),
    _measured("humidity", PERCENTAGE, 0, SensorDeviceClass.HUMIDITY),
)
"""The app's sensors: three polled session sensors, then the readings fed by webhooks.

The session counts are whole numbers without a unit (their names say what is counted, so
nothing reads "1 sessions")."""


class MoonsenseSensor(MoonsenseEntity, SensorEntity):
    """A session count, the newest session's time, or a reading of the newest bundle.

    Session sensors follow the REST poll (unavailable while it fails); reading sensors are fed by
    webhooks only and stay available.
    """

    entity_description: MoonsenseSensorDescription

    def __init__(
        self, coordinator: MoonsenseCoordinator, description: MoonsenseSensorDescription
    ) -> None:
        """Create the sensor of ``description``."""
        super().__init__(coordinator, description.key)
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
        attrs_fn = self.entity_description.attrs_fn
        return attrs_fn(self.coordinator.data) if attrs_fn else None


def app_sensors(coordinator: MoonsenseCoordinator) -> list[MoonsenseSensor]:
    """The sensors of the app, one per description of ``SENSORS``."""
    return [MoonsenseSensor(coordinator, description) for description in SENSORS]
