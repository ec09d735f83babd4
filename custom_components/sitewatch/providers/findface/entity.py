"""Base entities of the FindFace provider: cameras are devices under the server's device."""

from __future__ import annotations

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription

from ...devices import child_device_info, provider_device_name
from ...entity import PushEntity
from ...identity import device_identifier, entity_unique_id
from .api import PushItem
from .const import SERVER, camera_device
from .coordinator import FindFaceCoordinator


def server_device(coordinator: FindFaceCoordinator) -> DeviceInfo:
    """Device of the FindFace server of an entry (areas live on it; cameras are under it)."""
    return DeviceInfo(
        identifiers={device_identifier(coordinator.config_entry, SERVER)},
        name=coordinator.config_entry.title,
        manufacturer="NtechLab",
        model="FindFace Multi",
        configuration_url=coordinator.client.base_url,
    )


class FindFaceEntity(PushEntity[FindFaceCoordinator, PushItem]):
    """An entity of a FindFace entry, taking the pushed items of its ``push_targets``.

    It counts itself in the coordinator's ``push_targets`` while it is added, so the receiver
    knows that an item has an entity to reach.
    """

    push_targets: tuple[tuple[str, int], ...] = ()
    """The (section, camera or area id) whose items this entity takes."""

    def accepts(self, item: PushItem) -> bool:
        """Items of one of its push targets."""
        return item.target in self.push_targets

    async def async_added_to_hass(self) -> None:
        """Listen to the entry's delivered items, counted in the coordinator's targets."""
        await super().async_added_to_hass()
        targets = self.coordinator.push_targets
        targets.update(self.push_targets)

        @callback
        def forget() -> None:
            targets.subtract(self.push_targets)
            for target in self.push_targets:
                if targets[target] <= 0:
                    del targets[target]

        self.async_on_remove(forget)


class FindFaceCameraEntity(FindFaceEntity):
    """An entity of one camera; unavailable while the camera is missing from the server.

    A pushed entity stays available while the REST poll fails (the camera is still known from
    the last successful poll): events keep arriving by webhook and must fire.
    """

    def __init__(
        self, coordinator: FindFaceCoordinator, camera_id: int, description: EntityDescription
    ) -> None:
        """The entity ``description`` of camera ``camera_id``.

        Its device, ``<camera> (FindFace)``, is under the server's, in the area named after the
        camera's group (``FindFaceData.area_of``).
        """
        super().__init__(coordinator)
        self.entity_description = description
        self.camera_id = camera_id
        entry = coordinator.config_entry
        self._attr_unique_id = entity_unique_id(entry, camera_device(camera_id), description.key)
        camera = coordinator.data.cameras[camera_id]
        self._attr_device_info = child_device_info(
            coordinator.hass,
            entry,
            server_device(coordinator),
            identifiers={device_identifier(entry, camera_device(camera_id))},
            name=provider_device_name(camera.name, "FindFace"),
            manufacturer="NtechLab",
            model="FindFace Multi camera",
            suggested_area=coordinator.data.area_of(camera),
        )

    @property
    def available(self) -> bool:
        """Available while the server lists the camera (whether or not the last poll worked)."""
        return self.camera_id in self.coordinator.data.cameras
