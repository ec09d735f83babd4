"""The base entity of the FaceSpace provider: one device per camera, under the account's."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription

from ...devices import child_device_info, provider_device_name
from ...entity import SitewatchEntity
from ...identity import device_identifier, entity_unique_id
from .const import ACCOUNT_DEVICE
from .coordinator import FaceSpaceCoordinator, camera_device


def account_device(entry: ConfigEntry) -> DeviceInfo:
    """The device of the entry's FaceSpace account, named after the entry (``FaceSpace``)."""
    return DeviceInfo(
        identifiers={device_identifier(entry, ACCOUNT_DEVICE)},
        name=entry.title,
        manufacturer="Automa",
        model="FaceSpace",
    )


class FaceSpaceCameraEntity(SitewatchEntity[FaceSpaceCoordinator]):
    """An entity of one FaceSpace camera, described by ``description`` (its key, its name)."""

    def __init__(
        self, coordinator: FaceSpaceCoordinator, camera: str, description: EntityDescription
    ) -> None:
        """Attach the entity to ``camera``'s device; the description's key ends its unique id.

        The device, ``<camera> (FaceSpace)``, is under the account's (``account_device``).
        """
        super().__init__(coordinator)
        self.entity_description = description
        self.camera = camera
        entry = coordinator.config_entry
        self._attr_unique_id = entity_unique_id(entry, camera_device(camera), description.key)
        self._attr_device_info = child_device_info(
            coordinator.hass,
            entry,
            account_device(entry),
            identifiers={device_identifier(entry, camera_device(camera))},
            name=provider_device_name(camera, "FaceSpace"),
            manufacturer="Automa",
            model="FaceSpace camera",
        )
