"""Sensors of a ComAp genset: the well-known values, plus every other value as a generic sensor."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
import re
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    REVOLUTIONS_PER_MINUTE,
    EntityCategory,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfPower,
    UnitOfReactivePower,
    UnitOfTime,
)
from homeassistant.helpers.typing import StateType

from ...bounds import (
    MAX_ATTRIBUTE_ITEMS,
    bounded_text,
    finite_number,
    parse_time,
    sane_time,
    state_text,
)
from .api import Value
from .clean import name_text
from .const import BREAKER_STATES, ENGINE_STATES, OPERATING_MODES, ValueGuid
from .coordinator import ComapCoordinator
from .entity import ComapEntity

ALARM_SEPARATORS = re.compile(r"[|;\n]")


def _number(value: Value) -> StateType:
    """The value as a finite number within 1e15; None (unknown) when its text is not one."""
    number = value.as_number()
    return None if finite_number(number) is None else number


def _kilo(value: Value) -> StateType:
    """A value given in kilo-units (kVAr) as base units (var), within 1e15."""
    number = value.as_number()
    if number is None:
        return None
    return finite_number(round(number * 1000, 3))


def _enum_key(states: Mapping[str, str], value: Value) -> str | None:
    """The state key of the controller's text, or None for a text outside the known set."""
    text = (value.value or "")[:64].strip().lower()
    return states.get(text) or states.get(text.replace(" ", ""))


def _enum(states: Mapping[str, str]) -> Callable[[Value], StateType]:
    """Map the controller's text to a state key; None (unknown) outside the known set."""

    def convert(value: Value) -> StateType:
        return _enum_key(states, value)

    return convert


def _enum_attributes(states: Mapping[str, str]) -> Callable[[Value], dict[str, Any]]:
    """For a text outside the known set, that text (bounded) as ``controller_text``."""

    def attributes(value: Value) -> dict[str, Any]:
        if _enum_key(states, value) is not None:
            return {}
        text = state_text(value.value)
        return {} if text is None else {"controller_text": text}

    return attributes


def _text(value: Value) -> StateType:
    """The value's text, without control characters and within 255 (None when empty)."""
    return state_text(value.value)


def alarms(value: Value) -> list[str]:
    """Split an alarm list value into its alarm texts ("" means no alarm).

    Each alarm is bounded to 1024 characters; at most 32 alarms are listed.
    """
    texts = (bounded_text(alarm) for alarm in ALARM_SEPARATORS.split(value.value or ""))
    return [text for text in texts if text is not None][:MAX_ATTRIBUTE_ITEMS]


def _alarm_count(value: Value) -> StateType:
    """How many alarms the list holds (all of them, not only those listed)."""
    return sum(1 for alarm in ALARM_SEPARATORS.split(value.value or "") if alarm.strip())


def _timestamp(value: Value) -> datetime | None:
    """The value's text as a sane timestamp, else the time the controller stamped the value.

    A text without a zone is taken as UTC; a time before 2000 or more than a day ahead is None.
    """
    return parse_time((value.value or "").strip()) or sane_time(value.timestamp)


@dataclass(frozen=True, kw_only=True)
class ComapSensorEntityDescription(SensorEntityDescription):
    """A sensor of one well-known value.

    ``value_guid`` is the lower-cased value GUID; ``value_fn`` turns the value into the state;
    ``attributes_fn`` adds state attributes.
    """

    value_guid: str
    value_fn: Callable[[Value], StateType | datetime] = _number
    attributes_fn: Callable[[Value], dict[str, Any]] | None = None


def _power(key: str, guid: str, **kwargs: Any) -> ComapSensorEntityDescription:
    return ComapSensorEntityDescription(
        key=key,
        translation_key=key,
        value_guid=guid,
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        **kwargs,
    )


def _voltage(key: str, guid: str, **kwargs: Any) -> ComapSensorEntityDescription:
    return ComapSensorEntityDescription(
        key=key,
        translation_key=key,
        value_guid=guid,
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        state_class=SensorStateClass.MEASUREMENT,
        **kwargs,
    )


def _service_time(key: str, guid: str) -> ComapSensorEntityDescription:
    return ComapSensorEntityDescription(
        key=key,
        translation_key=key,
        value_guid=guid,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.HOURS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
    )


SENSORS: tuple[ComapSensorEntityDescription, ...] = (
    _power("actual_power", ValueGuid.ACTUAL_POWER),
    _power("nominal_power", ValueGuid.NOMINAL_POWER, entity_category=EntityCategory.DIAGNOSTIC),
    _power("mains_active_power", ValueGuid.P_MAINS),
    ComapSensorEntityDescription(
        key="mains_reactive_power",
        translation_key="mains_reactive_power",
        value_guid=ValueGuid.Q_MAINS,
        device_class=SensorDeviceClass.REACTIVE_POWER,
        native_unit_of_measurement=UnitOfReactivePower.VOLT_AMPERE_REACTIVE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_kilo,
    ),
    _voltage("voltage_l1", ValueGuid.U_L1),
    _voltage("voltage_l2", ValueGuid.U_L2),
    _voltage("voltage_l3", ValueGuid.U_L3),
    _voltage("battery_voltage", ValueGuid.U_BATTERY, entity_category=EntityCategory.DIAGNOSTIC),
    ComapSensorEntityDescription(
        key="engine_speed",
        translation_key="engine_speed",
        value_guid=ValueGuid.RPM,
        native_unit_of_measurement=REVOLUTIONS_PER_MINUTE,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    ComapSensorEntityDescription(
        key="nominal_engine_speed",
        translation_key="nominal_engine_speed",
        value_guid=ValueGuid.NOMINAL_RPM,
        native_unit_of_measurement=REVOLUTIONS_PER_MINUTE,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    ComapSensorEntityDescription(
        key="generator_frequency",
        translation_key="generator_frequency",
        value_guid=ValueGuid.FREQUENCY_GEN,
        device_class=SensorDeviceClass.FREQUENCY,
        native_unit_of_measurement=UnitOfFrequency.HERTZ,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    ComapSensorEntityDescription(
        key="fuel_level",
        translation_key="fuel_level",
        value_guid=ValueGuid.FUEL_LEVEL,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    ComapSensorEntityDescription(
        key="run_hours",
        translation_key="run_hours",
        value_guid=ValueGuid.RUN_HOURS,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.HOURS,
        state_class=SensorStateClass.TOTAL_INCREASING,
    ),
    ComapSensorEntityDescription(
        key="number_of_starts",
        translation_key="number_of_starts",
        value_guid=ValueGuid.NUMBER_OF_STARTS,
        state_class=SensorStateClass.TOTAL_INCREASING,
    ),
    ComapSensorEntityDescription(
        key="imported_energy",
        translation_key="imported_energy",
        value_guid=ValueGuid.IMPORT_KWH,
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
    ),
    _service_time("service_time_shutdown", ValueGuid.SERVICE_TIME_SD),
    _service_time("service_time_1", ValueGuid.SERVICE_TIME_1),
    _service_time("service_time_3", ValueGuid.SERVICE_TIME_3),
    ComapSensorEntityDescription(
        key="engine_state",
        translation_key="engine_state",
        value_guid=ValueGuid.ENGINE_STATE,
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(ENGINE_STATES.values())),
        value_fn=_enum(ENGINE_STATES),
        attributes_fn=_enum_attributes(ENGINE_STATES),
    ),
    ComapSensorEntityDescription(
        key="breaker_state",
        translation_key="breaker_state",
        value_guid=ValueGuid.BREAKER_STATE,
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(BREAKER_STATES.values())),
        value_fn=_enum(BREAKER_STATES),
        attributes_fn=_enum_attributes(BREAKER_STATES),
    ),
    ComapSensorEntityDescription(
        key="operating_mode",
        translation_key="operating_mode",
        value_guid=ValueGuid.MODE,
        device_class=SensorDeviceClass.ENUM,
        options=sorted(set(OPERATING_MODES.values())),
        value_fn=_enum(OPERATING_MODES),
        attributes_fn=_enum_attributes(OPERATING_MODES),
    ),
    ComapSensorEntityDescription(
        key="communication_state",
        translation_key="communication_state",
        value_guid=ValueGuid.COMM_STATE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_text,
    ),
    ComapSensorEntityDescription(
        key="unit_state",
        translation_key="unit_state",
        value_guid=ValueGuid.UNIT_STATE,
        value_fn=_text,
    ),
    ComapSensorEntityDescription(
        key="alarms",
        translation_key="alarms",
        value_guid=ValueGuid.ALARM_LIST,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_alarm_count,
        attributes_fn=lambda value: {"alarms": alarms(value)},
    ),
    ComapSensorEntityDescription(
        key="last_update",
        translation_key="last_update",
        value_guid=ValueGuid.LAST_UPDATE,
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_timestamp,
    ),
)

SENSOR_VALUE_GUIDS = frozenset(description.value_guid for description in SENSORS)
"""Values that have a dedicated sensor; every other value gets a generic one."""


class ComapSensor(ComapEntity, SensorEntity):
    """A sensor of a well-known genset value."""

    entity_description: ComapSensorEntityDescription

    def __init__(
        self,
        coordinator: ComapCoordinator,
        unit_guid: str,
        description: ComapSensorEntityDescription,
    ) -> None:
        """Create the sensor of ``description`` on the genset ``unit_guid``."""
        super().__init__(coordinator, unit_guid, description.value_guid)
        self.entity_description = description

    @property
    def _value(self) -> Value | None:
        genset = self.genset
        return genset.value(self.entity_description.value_guid) if genset else None

    @property
    def available(self) -> bool:
        """Unavailable while the genset does not report this value."""
        return super().available and self._value is not None

    @property
    def native_value(self) -> StateType | datetime:
        """The value converted by the description (None when it does not parse)."""
        value = self._value
        return None if value is None else self.entity_description.value_fn(value)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Attributes from the description (for example the alarm texts)."""
        value = self._value
        if value is None or self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(value)


class ComapGenericSensor(ComapEntity, SensorEntity):
    """Any other controller value, named after it; disabled by default.

    Numeric values (those that parse when the sensor is created) are measurements in the
    value's unit; others show the controller's text.
    """

    _attr_entity_registry_enabled_default = False

    def __init__(self, coordinator: ComapCoordinator, unit_guid: str, value: Value) -> None:
        """Create the generic sensor of ``value`` on the genset ``unit_guid``."""
        self.value_guid = value.value_guid.lower()
        super().__init__(coordinator, unit_guid, self.value_guid)
        self._attr_name = name_text(value.name) or self.value_guid
        self._numeric = _number(value) is not None
        if self._numeric:
            self._attr_native_unit_of_measurement = value.unit
            self._attr_state_class = SensorStateClass.MEASUREMENT
            self._attr_suggested_display_precision = value.decimal_places

    async def async_added_to_hass(self) -> None:
        """Ask the coordinator to read this value from now on."""
        await super().async_added_to_hass()
        wanted = self.coordinator.enabled_generic_value_guids.setdefault(self.unit_guid, set())
        wanted.add(self.value_guid)

    async def async_will_remove_from_hass(self) -> None:
        """Stop reading this value."""
        await super().async_will_remove_from_hass()
        self.coordinator.enabled_generic_value_guids.get(self.unit_guid, set()).discard(
            self.value_guid
        )

    @property
    def _value(self) -> Value | None:
        genset = self.genset
        return genset.value(self.value_guid) if genset else None

    @property
    def available(self) -> bool:
        """Unavailable while the genset does not report this value."""
        return super().available and self._value is not None

    @property
    def native_value(self) -> StateType:
        """The number (numeric values) or the text."""
        value = self._value
        if value is None:
            return None
        return _number(value) if self._numeric else _text(value)


def genset_sensors(coordinator: ComapCoordinator, unit_guid: str) -> list[SensorEntity]:
    """The sensors of one genset: dedicated ones for the values it has, generic for the rest."""
    genset = coordinator.data[unit_guid]
    entities: list[SensorEntity] = [
        ComapSensor(coordinator, unit_guid, description)
        for description in SENSORS
        if description.value_guid in genset.values
    ]
    entities.extend(
        ComapGenericSensor(coordinator, unit_guid, value)
        for guid, value in genset.values.items()
        if guid not in SENSOR_VALUE_GUIDS
    )
    return entities
