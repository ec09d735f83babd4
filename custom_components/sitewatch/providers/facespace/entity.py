"""Entities of the FaceSpace provider: one device per camera."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.event import EventEntity
from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo

from ...const import DOMAIN
from ...entity import SitewatchEntity
from .api import Recognition
from .const import UNKNOWN_NAMES
from .coordinator import FaceSpaceCoordinator


class FaceSpaceCameraEntity(SitewatchEntity[FaceSpaceCoordinator]):
    """An entity of one FaceSpace camera."""

    def __init__(self, coordinator: FaceSpaceCoordinator, camera: str, key: str) -> None:
        """Attach the entity to ``camera``; ``key`` makes its unique id."""
        super().__init__(coordinator)
        self.camera = camera
        entry_id = coordinator.config_entry.entry_id
        self._attr_unique_id = f"{entry_id}_{camera}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, f"facespace_{entry_id}_{camera}")},
            name=camera,
            manufacturer="Automa",
            model="FaceSpace camera",
        )


class FaceSpaceRecognitionEvent(FaceSpaceCameraEntity, EventEntity):
    """Each log line of the camera as an event: ``recognized``, or ``unknown`` for strangers."""

    _attr_translation_key = "recognition"

    def __init__(self, coordinator: FaceSpaceCoordinator, camera: str) -> None:
        """Create the event entity of ``camera``."""
        super().__init__(coordinator, camera, "recognition")
        self._attr_event_types = ["recognized", "unknown"]

    @property
    def available(self) -> bool:
        """Always: lines come by push too, so the poll's health must not hide them."""
        return True

    async def async_added_to_hass(self) -> None:
        """Receive the camera's lines (those held until now fire at once)."""
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.async_subscribe(self.camera, self._fire))

    @callback
    def _fire(self, recognition: Recognition) -> None:
        """Fire one line (name and camera bounded by the parser)."""
        unknown = recognition.name.strip().lower() in UNKNOWN_NAMES
        self._trigger_event(
            "unknown" if unknown else "recognized",
            {
                "name": recognition.name,
                "camera": recognition.camera,
                "recognized_at": recognition.time.isoformat(),
            },
        )
        self.async_write_ha_state()


class FaceSpaceLastSeen(FaceSpaceCameraEntity, SensorEntity):
    """The last person the camera recognised; when, as the ``seen_at`` attribute."""

    _attr_translation_key = "last_person_seen"

    def __init__(self, coordinator: FaceSpaceCoordinator, camera: str) -> None:
        """Create the sensor of ``camera``."""
        super().__init__(coordinator, camera, "last_seen")

    @property
    def native_value(self) -> str | None:
        """The person's name."""
        last = self.coordinator.data.last_seen.get(self.camera)
        return last.name if last else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """When the person was seen (UTC)."""
        last = self.coordinator.data.last_seen.get(self.camera)
        return {"seen_at": last.time.isoformat()} if last else None


class FaceSpaceLastSeenTime(FaceSpaceCameraEntity, SensorEntity):
    """When the camera last recognised someone."""

    _attr_translation_key = "last_recognition"
    _attr_device_class = SensorDeviceClass.TIMESTAMP

    def __init__(self, coordinator: FaceSpaceCoordinator, camera: str) -> None:
        """Create the sensor of ``camera``."""
        super().__init__(coordinator, camera, "last_recognition")

    @property
    def native_value(self) -> datetime | None:
        """The time of the last recognition."""
        last = self.coordinator.data.last_seen.get(self.camera)
        return last.time if last else None


class FaceSpaceToday(FaceSpaceCameraEntity, SensorEntity):
    """Recognitions on the camera since midnight UTC (FaceSpace times are UTC)."""

    _attr_translation_key = "recognitions_today"
    _attr_state_class = SensorStateClass.TOTAL_INCREASING

    def __init__(self, coordinator: FaceSpaceCoordinator, camera: str) -> None:
        """Create the sensor of ``camera``."""
        super().__init__(coordinator, camera, "today")

    @property
    def native_value(self) -> int:
        """The count."""
        return self.coordinator.data.today.get(self.camera, 0)


class FaceSpaceInView(FaceSpaceCameraEntity, SensorEntity):
    """How many people the camera sees now; their names as the ``names`` attribute."""

    _attr_translation_key = "people_in_view"
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(self, coordinator: FaceSpaceCoordinator, camera: str) -> None:
        """Create the sensor of ``camera``."""
        super().__init__(coordinator, camera, "in_view")

    @property
    def native_value(self) -> int:
        """The number of names in view."""
        presence = self.coordinator.data.in_view.get(self.camera)
        return presence.count if presence else 0

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The names (at most 32, each at most 255 characters), and whether a camera runs."""
        presence = self.coordinator.data.in_view.get(self.camera)
        return {
            "names": list(presence.names) if presence else [],
            "cameras_active": self.coordinator.data.cameras_active,
        }


CAMERA_ENTITIES = (
    FaceSpaceLastSeen,
    FaceSpaceLastSeenTime,
    FaceSpaceToday,
    FaceSpaceInView,
)
