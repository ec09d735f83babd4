"""The base entity of the Camlytics provider: locations and their channels (cameras) as devices."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo

from ...devices import child_device_info
from ...entity import SitewatchEntity
from ...identity import device_identifier, entity_unique_id
from .coordinator import CamlyticsCoordinator


def location_device(coordinator: CamlyticsCoordinator, location_id: int) -> DeviceInfo:
    """Device of a location (``location_<id>``)."""
    return DeviceInfo(
        identifiers={device_identifier(coordinator.config_entry, f"location_{location_id}")},
        name=coordinator.data.locations[location_id].name,
        manufacturer="Camlytics",
        model="Location",
    )


def channel_device(coordinator: CamlyticsCoordinator, channel_id: str) -> DeviceInfo:
    """Device of a channel (camera, ``channel_<id>``), under its location."""
    channel = coordinator.data.channels[channel_id]
    info = DeviceInfo(
        identifiers={device_identifier(coordinator.config_entry, f"channel_{channel_id}")},
        name=channel.name,
        manufacturer="Camlytics",
        model="Channel",
    )
    if channel.location_id is None or channel.location_id not in coordinator.data.locations:
        return info
    return child_device_info(
        coordinator.hass,
        coordinator.config_entry,
        location_device(coordinator, channel.location_id),
        **info,
    )


class CamlyticsEntity(SitewatchEntity[CamlyticsCoordinator]):
    """An entity of one location, channel or trigger, shown on ``device``."""

    def __init__(
        self, coordinator: CamlyticsCoordinator, *, subject: str, key: str, device: DeviceInfo
    ) -> None:
        """Unique id ``camlytics_<account>_<subject>_<key>`` (``location_3``, ``occupancy``)."""
        super().__init__(coordinator)
        self._attr_unique_id = entity_unique_id(coordinator.config_entry, subject, key)
        self._attr_device_info = device
