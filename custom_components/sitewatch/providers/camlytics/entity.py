"""The base entity of the Camlytics provider: locations and their channels (cameras) as devices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

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


class SubjectDescription(Protocol):
    """An entity description of each location, channel or trigger (``subject``), by its id."""

    @property
    def key(self) -> str:
        """The end of the unique id."""

    @property
    def subject(self) -> str:
        """What the id names: ``location``, ``channel`` or ``trigger``."""

    @property
    def device_fn(self) -> Callable[[CamlyticsCoordinator, Any], DeviceInfo]:
        """The device of the id."""


class CamlyticsSubjectEntity(CamlyticsEntity):
    """An entity of one location, channel or trigger, as its description says."""

    entity_description: Any

    def __init__(
        self,
        coordinator: CamlyticsCoordinator,
        description: SubjectDescription,
        subject_id: int | str,
    ) -> None:
        """The entity ``description`` of ``subject_id`` (``<subject>_<id>``) on its device."""
        super().__init__(
            coordinator,
            subject=f"{description.subject}_{subject_id}",
            key=description.key,
            device=description.device_fn(coordinator, subject_id),
        )
        self.entity_description = description
