"""Sensors of a FaceSpace camera: last person seen and when, today's count, who is in view."""

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
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.typing import StateType

from .coordinator import FaceSpaceCoordinator, FaceSpaceData
from .entity import FaceSpaceCameraEntity


@dataclass(frozen=True, kw_only=True)
class FaceSpaceSensorEntityDescription(SensorEntityDescription):
    """A sensor of one camera: its value and attributes from the coordinator's data."""

    value_fn: Callable[[FaceSpaceData, str], StateType | datetime]
    """The state, given the data and the camera."""
    attrs_fn: Callable[[FaceSpaceData, str], dict[str, Any] | None] = lambda data, camera: None
    """The extra state attributes, given the data and the camera (None: none)."""


def _last_name(data: FaceSpaceData, camera: str) -> str | None:
    last = data.last_seen.get(camera)
    return last.name if last else None


def _last_seen_at(data: FaceSpaceData, camera: str) -> dict[str, Any] | None:
    last = data.last_seen.get(camera)
    return {"seen_at": last.time.isoformat()} if last else None


def _last_time(data: FaceSpaceData, camera: str) -> datetime | None:
    last = data.last_seen.get(camera)
    return last.time if last else None


def _in_view_count(data: FaceSpaceData, camera: str) -> int:
    presence = data.in_view.get(camera)
    return presence.count if presence else 0


def _in_view_names(data: FaceSpaceData, camera: str) -> dict[str, Any]:
    """The names (at most 32, each at most 255 characters), and whether a camera runs."""
    presence = data.in_view.get(camera)
    return {
        "names": list(presence.names) if presence else [],
        "cameras_active": data.cameras_active,
    }


SENSORS: tuple[FaceSpaceSensorEntityDescription, ...] = (
    FaceSpaceSensorEntityDescription(
        key="last_seen",
        translation_key="last_person_seen",
        value_fn=_last_name,
        attrs_fn=_last_seen_at,
    ),
    FaceSpaceSensorEntityDescription(
        key="last_recognition",
        translation_key="last_recognition",
        device_class=SensorDeviceClass.TIMESTAMP,
        # The camera's recognition event entity holds the same time (its state) and its Logbook
        # row says who: this copy would only repeat each recognition in the Logbook.
        entity_registry_enabled_default=False,
        value_fn=_last_time,
    ),
    FaceSpaceSensorEntityDescription(
        key="today",
        translation_key="recognitions_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=0,
        value_fn=lambda data, camera: data.today.get(camera, 0),
    ),
    FaceSpaceSensorEntityDescription(
        key="in_view",
        translation_key="people_in_view",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_in_view_count,
        attrs_fn=_in_view_names,
    ),
)
"""Per camera: the last person seen (``seen_at`` attribute), when, recognitions since midnight
UTC (FaceSpace times are UTC), and how many people are in view (``names`` attribute).

The counts are whole numbers without a unit: their names say what is counted, so nothing reads
"1 recognitions"."""


class FaceSpaceSensor(FaceSpaceCameraEntity, SensorEntity):
    """One sensor of a camera, read from the coordinator's data by its description."""

    entity_description: FaceSpaceSensorEntityDescription

    @property
    def native_value(self) -> StateType | datetime:
        """The description's value for this camera."""
        return self.entity_description.value_fn(self.coordinator.data, self.camera)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The description's attributes for this camera."""
        return self.entity_description.attrs_fn(self.coordinator.data, self.camera)


def camera_sensors(coordinator: FaceSpaceCoordinator, camera: str) -> list[Entity]:
    """The sensors of ``camera``."""
    return [FaceSpaceSensor(coordinator, camera, description) for description in SENSORS]
