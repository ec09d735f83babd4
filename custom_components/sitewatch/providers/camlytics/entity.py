"""The base entity of the Camlytics provider: locations and their channels (cameras) as devices."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo

from ...devices import child_device_info, child_name
from ...entity import SitewatchEntity
from ...identity import device_identifier, entity_unique_id
from .coordinator import CamlyticsCoordinator


def location_device(coordinator: CamlyticsCoordinator, location_id: int) -> DeviceInfo:
    """Device of a location (``location_<id>``), named after it, in the area of that name."""
    name = coordinator.data.locations[location_id].name
    return DeviceInfo(
        identifiers={device_identifier(coordinator.config_entry, f"location_{location_id}")},
        name=name,
        manufacturer="Camlytics",
        model="Location",
        suggested_area=name,
    )


def channel_device(coordinator: CamlyticsCoordinator, channel_id: str) -> DeviceInfo:
    """Device of a channel (camera, ``channel_<id>``), under its location.

    Named ``<location> <channel>`` (``Main Street store Entrance``: every location has its
    Entrance) and in the location's area; a channel of no listed location is named after itself.
    """
    channel = coordinator.data.channels[channel_id]
    info = DeviceInfo(
        identifiers={device_identifier(coordinator.config_entry, f"channel_{channel_id}")},
        name=channel.name,
        manufacturer="Camlytics",
        model="Channel",
    )
    if channel.location_id is None or channel.location_id not in coordinator.data.locations:
        return info
    location = location_device(coordinator, channel.location_id)
    info["name"] = child_name(location["name"] or "", channel.name)
    info["suggested_area"] = location.get("suggested_area")
    return child_device_info(coordinator.hass, coordinator.config_entry, location, **info)


class CamlyticsEntity(SitewatchEntity[CamlyticsCoordinator]):
    """An entity of one location, channel or trigger, shown on ``device``."""

    def __init__(
        self, coordinator: CamlyticsCoordinator, *, subject: str, key: str, device: DeviceInfo
    ) -> None:
        """Unique id ``camlytics_<account>_<subject>_<key>`` (``location_3``, ``occupancy``)."""
        super().__init__(coordinator)
        self._attr_unique_id = entity_unique_id(coordinator.config_entry, subject, key)
        self._attr_device_info = device
