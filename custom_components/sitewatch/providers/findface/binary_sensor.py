"""Binary sensors of the FindFace provider: each camera's connectivity, from its polled health."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined,unused-ignore]
    BinarySensorDeviceClass,  # typed as exported only up to 2025.x; exported on every version
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.helpers.entity import Entity

from ...bounds import bounded_text
from .api import Camera
from .coordinator import FindFaceCoordinator
from .entity import FindFaceCameraEntity

HEALTH_STATUSES: Final = ("GREEN", "YELLOW", "RED", "INPROGRESS")
"""Camera health statuses the server is known to report."""


@dataclass(frozen=True, kw_only=True)
class FindFaceCameraBinaryDescription(BinarySensorEntityDescription):
    """A binary sensor of a polled camera (``GET /cameras/``)."""

    value_fn: Callable[[Camera], bool | None]
    attrs_fn: Callable[[Camera], dict[str, Any] | None]


def _health_attributes(camera: Camera) -> dict[str, Any] | None:
    """The server's health status and message, bounded.

    A status outside the known set is ``unknown``, its original text in ``status_text``.
    """
    if camera.health is None:
        return None
    status = camera.health.status
    attributes: dict[str, Any] = {"status": status, "message": camera.health.message}
    if status is not None and status.upper() not in HEALTH_STATUSES:
        attributes["status"] = "unknown"
        attributes["status_text"] = bounded_text(status, 64)
    return attributes


CAMERA_BINARY_SENSORS: Final = (
    FindFaceCameraBinaryDescription(
        key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda camera: camera.health.healthy if camera.health else None,
        attrs_fn=_health_attributes,
    ),
)


class FindFaceCameraBinarySensor(FindFaceCameraEntity, BinarySensorEntity):
    """A polled state of the camera (its connectivity: GREEN health is connected)."""

    entity_description: FindFaceCameraBinaryDescription

    @property
    def available(self) -> bool:
        """Available while the poll works and the server lists the camera (it is polled)."""
        return self.coordinator.last_update_success and super().available

    @property
    def is_on(self) -> bool | None:
        """The description's value of the camera."""
        camera = self.coordinator.data.cameras.get(self.camera_id)
        return None if camera is None else self.entity_description.value_fn(camera)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The description's attributes of the camera."""
        camera = self.coordinator.data.cameras.get(self.camera_id)
        return None if camera is None else self.entity_description.attrs_fn(camera)


def camera_binary_sensors(coordinator: FindFaceCoordinator, camera_id: int) -> list[Entity]:
    """The binary sensors of camera ``camera_id``."""
    return [
        FindFaceCameraBinarySensor(coordinator, camera_id, description)
        for description in CAMERA_BINARY_SENSORS
    ]
