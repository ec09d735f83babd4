"""Sensors of a ComAp genset: the well-known values, plus every other value as a generic sensor."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
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
from .api import Comment, Connection, Value
from .clean import comment_dict, name_text
from .const import BREAKER_STATES, ENGINE_STATES, OPERATING_MODES, ValueGuid
from .coordinator import ComapCoordinator, Genset
from .entity import ComapEntity

ALARM_SEPARATORS = re.compile(r"[|;\n]")


def _number(value: Value) -> StateType:
    """The value as a finite number within 1e15; None (unknown) when its text is not one."""
    number = value.as_number()
    return None if finite_number(number) is None else number


def _whole(value: Value) -> int | None:
    """A count as a whole number (``12``, not ``12.0``); None when its text is not a number."""
    number = finite_number(value.as_number())
    return None if number is None else round(number)


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


def _alarm_count(value: Value) -> int:
    """How many alarms the list holds (all of them, not only those listed)."""
    return sum(1 for alarm in ALARM_SEPARATORS.split(value.value or "") if alarm.strip())


def _timestamp(value: Value) -> datetime | None:
    """The value's text as a sane timestamp, else the time the controller stamped the value.

    A text without a zone is taken as UTC; a time before 2000 or more than a day ahead is None.
    """
    return parse_time((value.value or "").strip()) or sane_time(value.timestamp)


@dataclass(frozen=True, kw_only=True)
class ComapGensetSensorEntityDescription(SensorEntityDescription):
    """A sensor of something the genset keeps besides its values (its info, its comments).

    ``source_fn`` picks it from the genset (None until it has been read: the sensor is then
    unavailable); ``value_fn`` makes the state of it and ``attrs_fn`` the attributes.
    """

    source_fn: Callable[[Genset], Any]
    value_fn: Callable[[Any], StateType | datetime]
    attrs_fn: Callable[[Any], dict[str, Any]] | None = None


@dataclass(frozen=True, kw_only=True)
class ComapSensorEntityDescription(ComapGensetSensorEntityDescription):
    """A sensor of one genset value.

    ``value_guid`` is the lower-cased value GUID (also the last part of the unique id); the
    value is the sensor's source; ``value_fn`` turns it into the state; ``attrs_fn`` adds state
    attributes.
    """

    value_guid: str
    source_fn: Callable[[Genset], Any] = lambda genset: None  # the value: ComapSensor._source
    value_fn: Callable[[Value], StateType | datetime] = _number
    attrs_fn: Callable[[Value], dict[str, Any]] | None = None


def _sensor(
    key: str,
    value_guid: str,
    device_class: SensorDeviceClass | None = None,
    unit: str | None = None,
    *,
    state_class: SensorStateClass | None = SensorStateClass.MEASUREMENT,
    precision: int | None = None,
    **kwargs: Any,
) -> ComapSensorEntityDescription:
    """The description of the well-known value ``value_guid``, translated by ``key``.

    ``precision`` is the number of decimals shown (``suggested_display_precision``); every
    numeric sensor has one.
    """
    return ComapSensorEntityDescription(
        key=key,
        translation_key=key,
        value_guid=value_guid,
        device_class=device_class,
        native_unit_of_measurement=unit,
        state_class=state_class,
        suggested_display_precision=precision,
        **kwargs,
    )


def _enum_sensor(
    key: str, value_guid: str, states: Mapping[str, str]
) -> ComapSensorEntityDescription:
    """A sensor of a controller text mapped to the state keys of ``states``."""
    return _sensor(
        key,
        value_guid,
        SensorDeviceClass.ENUM,
        state_class=None,
        options=sorted(set(states.values())),
        value_fn=_enum(states),
        attrs_fn=_enum_attributes(states),
    )


_DIAGNOSTIC = EntityCategory.DIAGNOSTIC
_power = partial(
    _sensor, device_class=SensorDeviceClass.POWER, unit=UnitOfPower.KILO_WATT, precision=1
)
_voltage = partial(
    _sensor, device_class=SensorDeviceClass.VOLTAGE, unit=UnitOfElectricPotential.VOLT, precision=0
)
_hours = partial(
    _sensor, device_class=SensorDeviceClass.DURATION, unit=UnitOfTime.HOURS, precision=0
)
_total = SensorStateClass.TOTAL_INCREASING

SENSORS: tuple[ComapSensorEntityDescription, ...] = (
    _power("actual_power", ValueGuid.ACTUAL_POWER),
    _power("nominal_power", ValueGuid.NOMINAL_POWER, entity_category=_DIAGNOSTIC),
    _power("mains_active_power", ValueGuid.P_MAINS),
    _sensor(  # var is the only unit of reactive power before Home Assistant 2025.8: 105,000 var
        "mains_reactive_power",
        ValueGuid.Q_MAINS,
        SensorDeviceClass.REACTIVE_POWER,
        UnitOfReactivePower.VOLT_AMPERE_REACTIVE,
        precision=0,
        value_fn=_kilo,
    ),
    _voltage("voltage_l1", ValueGuid.U_L1),
    _voltage("voltage_l2", ValueGuid.U_L2),
    _voltage("voltage_l3", ValueGuid.U_L3),
    _voltage("battery_voltage", ValueGuid.U_BATTERY, entity_category=_DIAGNOSTIC, precision=1),
    _sensor("engine_speed", ValueGuid.RPM, unit=REVOLUTIONS_PER_MINUTE, precision=0),
    _sensor(
        "nominal_engine_speed",
        ValueGuid.NOMINAL_RPM,
        unit=REVOLUTIONS_PER_MINUTE,
        state_class=None,
        precision=0,
        entity_category=_DIAGNOSTIC,
    ),
    _sensor(
        "generator_frequency",
        ValueGuid.FREQUENCY_GEN,
        SensorDeviceClass.FREQUENCY,
        UnitOfFrequency.HERTZ,
        precision=1,
    ),
    _sensor("fuel_level", ValueGuid.FUEL_LEVEL, unit=PERCENTAGE, precision=0),
    _hours("run_hours", ValueGuid.RUN_HOURS, state_class=_total),
    _sensor(  # the name says what is counted: no unit, so never "1 starts"
        "number_of_starts",
        ValueGuid.NUMBER_OF_STARTS,
        state_class=_total,
        precision=0,
        value_fn=_whole,
    ),
    _sensor(
        "imported_energy",
        ValueGuid.IMPORT_KWH,
        SensorDeviceClass.ENERGY,
        UnitOfEnergy.KILO_WATT_HOUR,
        state_class=_total,
        precision=0,
    ),
    _hours("service_time_shutdown", ValueGuid.SERVICE_TIME_SD, entity_category=_DIAGNOSTIC),
    _hours("service_time_1", ValueGuid.SERVICE_TIME_1, entity_category=_DIAGNOSTIC),
    _hours("service_time_3", ValueGuid.SERVICE_TIME_3, entity_category=_DIAGNOSTIC),
    _enum_sensor("engine_state", ValueGuid.ENGINE_STATE, ENGINE_STATES),
    _enum_sensor("breaker_state", ValueGuid.BREAKER_STATE, BREAKER_STATES),
    _enum_sensor("operating_mode", ValueGuid.MODE, OPERATING_MODES),
    _sensor(
        "communication_state",
        ValueGuid.COMM_STATE,
        state_class=None,
        entity_category=_DIAGNOSTIC,
        value_fn=_text,
    ),
    _sensor("unit_state", ValueGuid.UNIT_STATE, state_class=None, value_fn=_text),
    _sensor(  # unit "active" (translated): "1 active", "2 active", never "1 alarms"
        "alarms",
        ValueGuid.ALARM_LIST,
        precision=0,
        value_fn=_alarm_count,
        attrs_fn=lambda value: {"alarms": alarms(value)},
    ),
    _sensor(  # a new time every poll: off by default, so it does not fill the Logbook
        "last_update",
        ValueGuid.LAST_UPDATE,
        SensorDeviceClass.TIMESTAMP,
        state_class=None,
        entity_category=_DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=_timestamp,
    ),
)

SENSOR_VALUE_GUIDS = frozenset(description.value_guid for description in SENSORS)
"""Values that have a dedicated sensor; every other value gets a generic one."""


def generic_description(value: Value) -> ComapSensorEntityDescription:
    """The description of a value without a dedicated sensor: named after it, disabled.

    A value that parses as a number (when the sensor is created) is a measurement in its own
    unit; another shows the controller's text.
    """
    value_guid = value.value_guid.lower()
    numeric = _number(value) is not None
    return ComapSensorEntityDescription(
        key=value_guid,
        name=name_text(value.name) or value_guid,
        value_guid=value_guid,
        entity_registry_enabled_default=False,
        native_unit_of_measurement=value.unit if numeric else None,
        state_class=SensorStateClass.MEASUREMENT if numeric else None,
        suggested_display_precision=value.decimal_places if numeric else None,
        value_fn=_number if numeric else _text,
    )


class ComapGensetSensor(ComapEntity, SensorEntity):
    """A sensor of the genset's info or comments: unavailable until they have been read."""

    entity_description: ComapGensetSensorEntityDescription

    @property
    def _source(self) -> Any:
        genset = self.genset
        return None if genset is None else self.entity_description.source_fn(genset)

    @property
    def available(self) -> bool:
        """Unavailable until what the sensor shows has been read."""
        return super().available and self._source is not None

    @property
    def native_value(self) -> StateType | datetime:
        """The state the description makes."""
        source = self._source
        return None if source is None else self.entity_description.value_fn(source)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The attributes the description makes."""
        source = self._source
        if source is None or self.entity_description.attrs_fn is None:
            return None
        return self.entity_description.attrs_fn(source) or None


class ComapSensor(ComapGensetSensor):
    """A sensor of one genset value, as its description converts it.

    Unavailable while the genset does not report this value.
    """

    entity_description: ComapSensorEntityDescription

    def __init__(
        self,
        coordinator: ComapCoordinator,
        unit_guid: str,
        description: ComapSensorEntityDescription,
    ) -> None:
        """Create the sensor of ``description`` on the genset ``unit_guid``."""
        super().__init__(coordinator, unit_guid, description.value_guid, description)

    @property
    def _source(self) -> Value | None:
        genset = self.genset
        return genset.value(self.entity_description.value_guid) if genset else None


class ComapGenericSensor(ComapSensor):
    """A sensor of any other value (``generic_description``), read only while enabled."""

    async def async_added_to_hass(self) -> None:
        """Ask the coordinator to read this value from now on."""
        await super().async_added_to_hass()
        wanted = self.coordinator.enabled_generic_value_guids.setdefault(self.unit_guid, set())
        wanted.add(self.entity_description.value_guid)

    async def async_will_remove_from_hass(self) -> None:
        """Stop reading this value."""
        await super().async_will_remove_from_hass()
        self.coordinator.enabled_generic_value_guids.get(self.unit_guid, set()).discard(
            self.entity_description.value_guid
        )


CONNECTION_TYPES = ("airgate", "ip", "disabled")
"""States of the connection type sensor (``connection_type``)."""


def connection_type(connection: Connection | None) -> str | None:
    """How WebSupervisor reaches the controller: ``disabled``, ``airgate``, ``ip`` or None.

    Read from the info's ``connection`` block: ``enabled`` false is ``disabled``; an AirGate id
    is ``airgate``; an IP address is ``ip``; anything else is unknown. The AirGate id and the
    address themselves are never shown (they identify the site's connection).
    """
    if connection is None:
        return None
    if connection.enabled is False:
        return "disabled"
    if connection.air_gate_id and connection.air_gate_id.strip():
        return "airgate"
    if connection.ip_address and connection.ip_address.strip():
        return "ip"
    return None


def _info_sensor(key: str, **kwargs: Any) -> ComapGensetSensorEntityDescription:
    """A diagnostic sensor of the unit info (read once a day, no request of its own)."""
    return ComapGensetSensorEntityDescription(
        key=key,
        translation_key=key,
        entity_category=_DIAGNOSTIC,
        source_fn=lambda genset: genset.info,
        **kwargs,
    )


INFO_SENSORS: tuple[ComapGensetSensorEntityDescription, ...] = (
    _info_sensor("time_zone", value_fn=lambda info: state_text(info.timezone)),
    _info_sensor(
        "connection_type",
        device_class=SensorDeviceClass.ENUM,
        options=list(CONNECTION_TYPES),
        value_fn=lambda info: connection_type(info.connection),
        attrs_fn=lambda info: (
            {"controller_address": info.connection.controller_address}
            if info.connection and info.connection.controller_address is not None
            else {}
        ),
    ),
)
"""Time zone and connection type from the unit info; the position is the device tracker."""


def _comment_attributes(comments: list[Comment]) -> dict[str, Any]:
    """The newest comment's ``author``, ``date``, ``active``, and the newest ``comments``."""
    newest = comment_dict(comments[0]) if comments else {}
    return {
        "author": newest.get("author"),
        "date": newest.get("date"),
        "active": newest.get("active"),
        "comments": [comment_dict(comment) for comment in comments],
    }


COMMENT_SENSOR = ComapGensetSensorEntityDescription(
    key="latest_comment",
    translation_key="latest_comment",
    entity_registry_enabled_default=False,
    source_fn=lambda genset: genset.comments,
    value_fn=lambda comments: state_text(comments[0].text) if comments else None,
    attrs_fn=_comment_attributes,
)
"""The newest comment's text (255 at most); attributes: ``_comment_attributes``."""


class ComapCommentSensor(ComapGensetSensor):
    """The newest WebSupervisor comment of the genset (``COMMENT_SENSOR``).

    Disabled by default: only while it is enabled are the genset's comments read, each hour.
    """

    async def async_added_to_hass(self) -> None:
        """Ask the coordinator to read this genset's comments from now on."""
        await super().async_added_to_hass()
        self.coordinator.comment_readers.add(self.unit_guid)

    async def async_will_remove_from_hass(self) -> None:
        """Stop reading the comments."""
        await super().async_will_remove_from_hass()
        self.coordinator.comment_readers.discard(self.unit_guid)


def genset_sensors(coordinator: ComapCoordinator, unit_guid: str) -> list[SensorEntity]:
    """The sensors of one genset.

    Dedicated ones for the values it has, generic ones for the rest, the unit info's time zone
    and connection type, and the newest comment.
    """
    genset = coordinator.data[unit_guid]
    entities: list[SensorEntity] = [
        ComapSensor(coordinator, unit_guid, description)
        for description in SENSORS
        if description.value_guid in genset.values
    ]
    entities.extend(
        ComapGenericSensor(coordinator, unit_guid, generic_description(value))
        for guid, value in genset.values.items()
        if guid not in SENSOR_VALUE_GUIDS
    )
    entities.extend(
        ComapGensetSensor(coordinator, unit_guid, info.key, info) for info in INFO_SENSORS
    )
    entities.append(ComapCommentSensor(coordinator, unit_guid, COMMENT_SENSOR.key, COMMENT_SENSOR))
    return entities
