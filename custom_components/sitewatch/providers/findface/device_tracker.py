"""Where each FindFace camera stands on the map: the position the server lists for it."""

from __future__ import annotations

# TrackerEntity is exported from the package on every version, typed as such from 2026.x.
from homeassistant.components.device_tracker import (  # type: ignore[attr-defined,unused-ignore]
    TrackerEntity,
)
from homeassistant.components.device_tracker.const import SourceType
from homeassistant.const import EntityCategory
from homeassistant.helpers.entity import Entity, EntityDescription

from .coordinator import FindFaceCoordinator
from .entity import FindFaceCameraEntity

CAMERA_LOCATION = EntityDescription(
    key="location",
    translation_key="camera_location",
    entity_category=EntityCategory.DIAGNOSTIC,
)


class FindFaceCameraLocation(FindFaceCameraEntity, TrackerEntity):
    """A camera's position (``GET /cameras/``: ``latitude``, ``longitude``), read with the cameras.

    Unavailable while the camera is not listed or has no usable position (both within ±90/±180;
    0, 0 means none was set).
    """

    _attr_source_type = SourceType.GPS

    def _position(self) -> tuple[float, float] | None:
        camera = self.coordinator.data.cameras.get(self.camera_id)
        if camera is None or camera.latitude is None or camera.longitude is None:
            return None
        if camera.latitude == camera.longitude == 0:
            return None
        return camera.latitude, camera.longitude

    @property
    def available(self) -> bool:
        """Available while the camera is listed with a position."""
        return super().available and self._position() is not None

    @property
    def latitude(self) -> float | None:
        """Latitude in decimal degrees."""
        position = self._position()
        return position[0] if position else None

    @property
    def longitude(self) -> float | None:
        """Longitude in decimal degrees."""
        position = self._position()
        return position[1] if position else None

    @property
    def location_accuracy(self) -> int:
        """0: the server gives no accuracy."""
        return 0


def camera_trackers(coordinator: FindFaceCoordinator, camera_id: int) -> list[Entity]:
    """The trackers of camera ``camera_id``: its location."""
    return [FindFaceCameraLocation(coordinator, camera_id, CAMERA_LOCATION)]
