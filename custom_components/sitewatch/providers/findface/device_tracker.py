"""Where each FindFace camera stands on the map: the position the server lists for it."""

from __future__ import annotations

from homeassistant.const import EntityCategory
from homeassistant.helpers.entity import Entity, EntityDescription

from ...device_tracker import PlaceTracker, usable_position
from .coordinator import FindFaceCoordinator
from .entity import FindFaceCameraEntity

CAMERA_LOCATION = EntityDescription(
    key="location",
    translation_key="camera_location",
    entity_category=EntityCategory.DIAGNOSTIC,
)


class FindFaceCameraLocation(PlaceTracker, FindFaceCameraEntity):
    """A camera's position (``GET /cameras/``: ``latitude``, ``longitude``), read with the cameras.

    Unavailable while the camera is not listed or has no usable position.
    """

    def position(self) -> tuple[float, float] | None:
        """The camera's listed position, if usable."""
        camera = self.coordinator.data.cameras.get(self.camera_id)
        return usable_position(camera.latitude, camera.longitude) if camera else None


def camera_trackers(coordinator: FindFaceCoordinator, camera_id: int) -> list[Entity]:
    """The trackers of camera ``camera_id``: its location."""
    return [FindFaceCameraLocation(coordinator, camera_id, CAMERA_LOCATION)]
