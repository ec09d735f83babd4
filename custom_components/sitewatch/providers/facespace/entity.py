"""The base entity of the FaceSpace provider: one device per camera."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription

from ...entity import SitewatchEntity
from ...identity import device_identifier, entity_unique_id
from .coordinator import FaceSpaceCoordinator, camera_device


class FaceSpaceCameraEntity(SitewatchEntity[FaceSpaceCoordinator]):
    """An entity of one FaceSpace camera, described by ``description`` (its key, its name)."""

    def __init__(
        self, coordinator: FaceSpaceCoordinator, camera: str, description: EntityDescription
    ) -> None:
        """Attach the entity to ``camera``'s device; the description's key ends its unique id."""
        super().__init__(coordinator)
        self.entity_description = description
        self.camera = camera
        entry = coordinator.config_entry
        self._attr_unique_id = entity_unique_id(entry, camera_device(camera), description.key)
        self._attr_device_info = DeviceInfo(
            identifiers={device_identifier(entry, camera_device(camera))},
            name=camera,
            manufacturer="Automa",
            model="FaceSpace camera",
        )
