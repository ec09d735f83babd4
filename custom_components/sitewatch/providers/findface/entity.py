"""Entities of the FindFace provider: one device per camera, areas on the server device."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined,unused-ignore]
    BinarySensorDeviceClass,  # typed as exported only up to 2025.x; exported on every version
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.components.sensor import (
    RestoreSensor,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfLength
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from ...bounds import bounded_text
from ...const import DOMAIN
from ...devices import child_device_info
from ...entity import SitewatchEntity
from .coordinator import FindFaceCoordinator
from .payloads import PushItem


def server_identifier(coordinator: FindFaceCoordinator) -> tuple[str, str]:
    """Device identifier of the FindFace server of an entry."""
    return (DOMAIN, f"findface_{coordinator.config_entry.entry_id}")


def server_device(coordinator: FindFaceCoordinator) -> DeviceInfo:
    """Device of the FindFace server of an entry (areas live on it; cameras are under it)."""
    return DeviceInfo(
        identifiers={server_identifier(coordinator)},
        name=coordinator.config_entry.title,
        manufacturer="NtechLab",
        model="FindFace Multi",
        configuration_url=coordinator.client.base_url,
    )


def camera_identifier(coordinator: FindFaceCoordinator, camera_id: int) -> tuple[str, str]:
    """Device identifier of a camera (camera ids are unique on one server only)."""
    return (DOMAIN, f"findface_{coordinator.config_entry.entry_id}_camera_{camera_id}")


def push_signal(entry_id: str) -> str:
    """Dispatcher signal carrying an entry's delivered webhook items (``list[PushItem]``)."""
    return f"{DOMAIN}_findface_push_{entry_id}"


def push_target(item: PushItem) -> tuple[str, int] | None:
    """Which entities take ``item``: (its section, its camera id, or its area id for areas)."""
    target_id = item.area_id if item.section == "areas" else item.camera_id
    return None if target_id is None else (item.section, target_id)


def target_unique_ids(entry_id: str, target: tuple[str, int]) -> list[tuple[str, str]]:
    """The (platform, unique id) of every entity that takes the items of ``target``."""
    section, target_id = target
    if section == "areas":
        return [("event", f"{entry_id}_area_{target_id}")]
    prefix = f"{entry_id}_camera_{target_id}_"
    if section == "counters":
        return [("sensor", prefix + description.key) for description in COUNTER_SENSORS]
    return [
        ("event", prefix + description.key)
        for description in CAMERA_EVENTS
        if description.section == section
    ]


class FindFacePushEntity(SitewatchEntity[FindFaceCoordinator]):
    """An entity that may take the webhook items its entry delivers.

    It says which items it takes with ``push_targets`` and counts itself in the coordinator's
    ``push_targets`` while it is added, so the receiver knows that an item has an entity to reach.
    """

    push_targets: tuple[tuple[str, int], ...] = ()
    """The (section, camera or area id) whose items this entity takes."""

    def accepts(self, item: PushItem) -> bool:
        """Whether this entity takes ``item``; none by default."""
        return False

    @callback
    def handle_push(self, item: PushItem) -> None:
        """Take one accepted item."""

    async def async_added_to_hass(self) -> None:
        """Listen to the entry's delivered items."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, push_signal(self.coordinator.config_entry.entry_id), self._take
            )
        )
        targets = self.coordinator.push_targets
        targets.update(self.push_targets)

        @callback
        def forget() -> None:
            targets.subtract(self.push_targets)
            for target in self.push_targets:
                if targets[target] <= 0:
                    del targets[target]

        self.async_on_remove(forget)

    @callback
    def _take(self, items: list[PushItem]) -> None:
        for item in items:
            if self.accepts(item):
                self.handle_push(item)


class FindFaceCameraEntity(FindFacePushEntity):
    """An entity of one camera; unavailable while the camera is missing from the server.

    A pushed entity stays available while the REST poll fails (the camera is still known from
    the last successful poll): events keep arriving by webhook and must fire.
    """

    def __init__(self, coordinator: FindFaceCoordinator, camera_id: int, key: str) -> None:
        """Attach the entity to camera ``camera_id``; ``key`` makes its unique id."""
        super().__init__(coordinator)
        self.camera_id = camera_id
        self._attr_unique_id = f"{coordinator.config_entry.entry_id}_camera_{camera_id}_{key}"
        camera = coordinator.data.cameras[camera_id]
        self._attr_device_info = child_device_info(
            coordinator.hass,
            coordinator.config_entry,
            server_device(coordinator),
            identifiers={camera_identifier(coordinator, camera_id)},
            name=camera.name,
            manufacturer="NtechLab",
            model="FindFace Multi camera",
        )

    @property
    def available(self) -> bool:
        """Available while the server lists the camera (whether or not the last poll worked)."""
        return self.camera_id in self.coordinator.data.cameras


@dataclass(frozen=True, kw_only=True)
class FindFaceEventDescription(EventEntityDescription):
    """An event entity fed by one webhook section."""

    section: str


RECOGNITION_TYPES = ["matched", "unmatched"]
EPISODE_TYPES = ["episode_open", "episode_event", "episode_close"]
CAMERA_EVENTS: tuple[FindFaceEventDescription, ...] = (
    FindFaceEventDescription(
        key="face_event",
        translation_key="face_event",
        section="face_events",
        event_types=RECOGNITION_TYPES,
    ),
    FindFaceEventDescription(
        key="body_event",
        translation_key="body_event",
        section="body_events",
        event_types=RECOGNITION_TYPES,
    ),
    FindFaceEventDescription(
        key="car_event",
        translation_key="car_event",
        section="car_events",
        event_types=RECOGNITION_TYPES,
    ),
    FindFaceEventDescription(
        key="human_episode",
        translation_key="human_episode",
        section="human_episodes",
        event_types=EPISODE_TYPES,
    ),
    FindFaceEventDescription(
        key="car_episode",
        translation_key="car_episode",
        section="car_episodes",
        event_types=EPISODE_TYPES,
    ),
)


class FindFaceCameraEvent(FindFaceCameraEntity, EventEntity):
    """Recognitions or episodes of one camera, as events."""

    entity_description: FindFaceEventDescription

    def __init__(
        self,
        coordinator: FindFaceCoordinator,
        camera_id: int,
        description: FindFaceEventDescription,
    ) -> None:
        """Create the event entity of ``description`` on camera ``camera_id``."""
        super().__init__(coordinator, camera_id, description.key)
        self.entity_description = description
        self.push_targets = ((description.section, camera_id),)

    def accepts(self, item: PushItem) -> bool:
        """Items of this camera and section."""
        return item.section == self.entity_description.section and item.camera_id == self.camera_id

    @callback
    def handle_push(self, item: PushItem) -> None:
        """Fire the item as an event."""
        self._trigger_event(item.event_type, item.data)
        self.async_write_ha_state()


class FindFaceAreaEvent(FindFacePushEntity, EventEntity):
    """Activations of one area, on the server device."""

    _attr_translation_key = "area_activation"

    def __init__(self, coordinator: FindFaceCoordinator, area_id: int) -> None:
        """Create the event entity of area ``area_id``."""
        super().__init__(coordinator)
        self.area_id = area_id
        self._attr_event_types = ["activated", "deactivated"]
        self._attr_unique_id = f"{coordinator.config_entry.entry_id}_area_{area_id}"
        self._attr_translation_placeholders = {"area": coordinator.data.areas[area_id]}
        self._attr_device_info = DeviceInfo(identifiers={server_identifier(coordinator)})
        self.push_targets = (("areas", area_id),)

    @property
    def available(self) -> bool:
        """Available while the server lists the area (whether or not the last poll worked)."""
        return self.area_id in self.coordinator.data.areas

    def accepts(self, item: PushItem) -> bool:
        """Activations of this area."""
        return item.section == "areas" and item.area_id == self.area_id

    @callback
    def handle_push(self, item: PushItem) -> None:
        """Fire the activation as an event."""
        self._trigger_event(item.event_type, item.data)
        self.async_write_ha_state()


@dataclass(frozen=True, kw_only=True)
class FindFaceCounterDescription(SensorEntityDescription):
    """A sensor of one field of the camera's latest counter record (``field`` in PushItem.data)."""

    field: str


def _proximity(key: str) -> FindFaceCounterDescription:
    return FindFaceCounterDescription(
        key=key,
        translation_key=key,
        field=key,
        native_unit_of_measurement=UnitOfLength.METERS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_registry_enabled_default=False,
    )


COUNTER_SENSORS: tuple[FindFaceCounterDescription, ...] = (
    FindFaceCounterDescription(
        key="faces_counted",
        translation_key="faces_counted",
        field="faces",
        state_class=SensorStateClass.MEASUREMENT,
    ),
    FindFaceCounterDescription(
        key="bodies_counted",
        translation_key="bodies_counted",
        field="bodies",
        state_class=SensorStateClass.MEASUREMENT,
    ),
    FindFaceCounterDescription(
        key="cars_counted",
        translation_key="cars_counted",
        field="cars",
        state_class=SensorStateClass.MEASUREMENT,
    ),
    _proximity("proximity_min"),
    _proximity("proximity_avg"),
    _proximity("proximity_max"),
)


class FindFaceCounterSensor(FindFaceCameraEntity, RestoreSensor):
    """A value of the camera's latest counter record (kept across restarts)."""

    entity_description: FindFaceCounterDescription

    def __init__(
        self,
        coordinator: FindFaceCoordinator,
        camera_id: int,
        description: FindFaceCounterDescription,
    ) -> None:
        """Create the counter sensor of ``description`` on camera ``camera_id``."""
        super().__init__(coordinator, camera_id, description.key)
        self.entity_description = description
        self.push_targets = (("counters", camera_id),)

    async def async_added_to_hass(self) -> None:
        """Restore the last value."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_sensor_data()) is not None:
            self._attr_native_value = last.native_value

    def accepts(self, item: PushItem) -> bool:
        """Counter records of this camera."""
        return item.section == "counters" and item.camera_id == self.camera_id

    @callback
    def handle_push(self, item: PushItem) -> None:
        """Take the field from the record (a bounded number or None, set by the parser)."""
        value = item.data.get(self.entity_description.field)
        self._attr_native_value = value if isinstance(value, (int, float)) else None
        self.async_write_ha_state()


HEALTH_STATUSES: Final = ("GREEN", "YELLOW", "RED", "INPROGRESS")
"""Camera health statuses the server is known to report."""


class FindFaceCameraHealth(FindFaceCameraEntity, BinarySensorEntity):
    """The camera's connectivity, from its health status (GREEN is connected)."""

    entity_description = BinarySensorEntityDescription(
        key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
    )

    def __init__(self, coordinator: FindFaceCoordinator, camera_id: int) -> None:
        """Create the connectivity sensor of camera ``camera_id``."""
        super().__init__(coordinator, camera_id, "connectivity")

    @property
    def available(self) -> bool:
        """Available while the poll works and the server lists the camera (it is polled)."""
        return self.coordinator.last_update_success and super().available

    @property
    def is_on(self) -> bool | None:
        """Whether the server reports the camera healthy."""
        camera = self.coordinator.data.cameras.get(self.camera_id)
        return camera.health.healthy if camera and camera.health else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The server's health status and message, bounded.

        A status outside the known set is ``unknown``, its original text in ``status_text``.
        """
        camera = self.coordinator.data.cameras.get(self.camera_id)
        if camera is None or camera.health is None:
            return None
        status = camera.health.status
        attributes: dict[str, Any] = {"status": status, "message": camera.health.message}
        if status is not None and status.upper() not in HEALTH_STATUSES:
            attributes["status"] = "unknown"
            attributes["status_text"] = bounded_text(status, 64)
        return attributes
