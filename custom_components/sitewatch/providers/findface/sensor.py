"""Sensors of the FindFace provider: the values of each camera's latest counter record.

Counter records are pushed (webhook section ``counters``); the sensors keep their last value
across restarts. A camera's own sensors show its latest record of any counter; per counter that
counts on it (``GET /counters/``) the camera also has sensors of that counter's records alone,
named after the counter (``Lobby occupancy faces counted``), so two counters on one camera do
not overwrite each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfLength
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity

from ...identity import entity_unique_id
from .api import PushItem
from .const import camera_device
from .coordinator import FindFaceCoordinator
from .entity import FindFaceCameraEntity


@dataclass(frozen=True, kw_only=True)
class FindFaceCounterDescription(SensorEntityDescription):
    """A sensor of one value of the camera's latest counter record."""

    value_fn: Callable[[PushItem], float | None]
    """The value of a counter record (a bounded number, or None when the record has none)."""


def _field(name: str) -> Callable[[PushItem], float | None]:
    """The value of field ``name`` of a record's data (a number set by the parser, else None)."""

    def value(item: PushItem) -> float | None:
        number = item.data.get(name)
        return number if isinstance(number, (int, float)) else None

    return value


def _whole(name: str) -> Callable[[PushItem], float | None]:
    """The value of field ``name`` as a whole number (``3``, not ``3.0``), else None."""
    number = _field(name)

    def value(item: PushItem) -> float | None:
        found = number(item)
        return None if found is None else round(found)

    return value


def _count(key: str, field: str, translation_key: str | None = None) -> FindFaceCounterDescription:
    """How many faces, bodies or cars the record counted (its ``field``), a whole number.

    No unit: the name says what is counted (``Faces counted``), so nothing reads ``1 faces``.
    """
    return FindFaceCounterDescription(
        key=key,
        translation_key=translation_key or key,
        value_fn=_whole(field),
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
    )


def _proximity(key: str) -> FindFaceCounterDescription:
    """A proximity of the record in metres (disabled by default)."""
    return FindFaceCounterDescription(
        key=key,
        translation_key=key,
        value_fn=_field(key),
        native_unit_of_measurement=UnitOfLength.METERS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_registry_enabled_default=False,
    )


COUNTER_SENSORS: Final[tuple[FindFaceCounterDescription, ...]] = (
    _count("faces_counted", "faces"),
    _count("bodies_counted", "bodies"),
    _count("cars_counted", "cars"),
    _proximity("proximity_min"),
    _proximity("proximity_avg"),
    _proximity("proximity_max"),
)


class FindFaceCounterSensor(FindFaceCameraEntity, RestoreSensor):
    """A value of the camera's latest counter record (kept across restarts)."""

    entity_description: FindFaceCounterDescription

    def __init__(
        self,
        coordinator: FindFaceCoordinator,
        camera_id: int,
        description: FindFaceCounterDescription,
    ) -> None:
        """Create the counter sensor of ``description`` on camera ``camera_id``."""
        super().__init__(coordinator, camera_id, description)
        self.push_targets = (("counters", camera_id),)

    async def async_added_to_hass(self) -> None:
        """Restore the last value."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_sensor_data()) is not None:
            self._attr_native_value = last.native_value

    @callback
    def handle_push(self, item: PushItem) -> None:
        """Take the value from the record."""
        self._attr_native_value = self.entity_description.value_fn(item)
        self.async_write_ha_state()


PER_COUNTER_SENSORS: Final[tuple[FindFaceCounterDescription, ...]] = (
    _count("faces", "faces", "counter_faces"),
    _count("bodies", "bodies", "counter_bodies"),
    _count("cars", "cars", "counter_cars"),
)
"""The sensors of one counter on one camera (``{counter} faces counted``...)."""


def counter_unique_key(counter_id: int, key: str) -> str:
    """The key of a counter's entity on a camera's device: ``counter_<id>_<key>``."""
    return f"counter_{counter_id}_{key}"


class FindFaceCounterRecordSensor(FindFaceCounterSensor):
    """A value of the latest record of one counter on one camera (kept across restarts)."""

    def __init__(
        self,
        coordinator: FindFaceCoordinator,
        camera_id: int,
        counter_id: int,
        description: FindFaceCounterDescription,
    ) -> None:
        """Create ``description`` of counter ``counter_id`` on camera ``camera_id``."""
        super().__init__(coordinator, camera_id, description)
        self.counter_id = counter_id
        self._attr_unique_id = entity_unique_id(
            coordinator.config_entry,
            camera_device(camera_id),
            counter_unique_key(counter_id, description.key),
        )
        self._attr_translation_placeholders = {
            "counter": coordinator.data.counters[counter_id].name
        }

    def accepts(self, item: PushItem) -> bool:
        """The records of its counter on its camera."""
        return super().accepts(item) and item.data.get("counter_id") == self.counter_id


def camera_sensors(coordinator: FindFaceCoordinator, camera_id: int) -> list[Entity]:
    """The counter sensors of camera ``camera_id``."""
    return [
        FindFaceCounterSensor(coordinator, camera_id, description)
        for description in COUNTER_SENSORS
    ]


def counter_sensors(
    coordinator: FindFaceCoordinator, camera_id: int, counter_id: int
) -> list[Entity]:
    """The sensors of counter ``counter_id`` on camera ``camera_id``."""
    return [
        FindFaceCounterRecordSensor(coordinator, camera_id, counter_id, description)
        for description in PER_COUNTER_SENSORS
    ]
