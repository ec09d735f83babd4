"""The event entity of a FaceSpace camera: each log line, fired once, in time order."""

from __future__ import annotations

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity

from ...entity import PushEntity
from .api import Recognition
from .const import UNKNOWN_NAMES
from .coordinator import EVENT_KEY, FaceSpaceCoordinator
from .entity import FaceSpaceCameraEntity

RECOGNITION = EventEntityDescription(
    key=EVENT_KEY,
    translation_key="recognition",
    event_types=["recognized", "unknown"],
)
"""Each log line of the camera: ``recognized``, or ``unknown`` for strangers."""


class FaceSpaceRecognitionEvent(
    PushEntity[FaceSpaceCoordinator, Recognition], FaceSpaceCameraEntity, EventEntity
):
    """Fires the camera's lines the coordinator hands over (``entity.async_push``)."""

    entity_description: EventEntityDescription
    _unrecorded_attributes = frozenset({"recognized_at"})
    """Unique to each line: in the attributes when it fires, not recorded."""

    @property
    def available(self) -> bool:
        """Always: lines come by push too, so the poll's health must not hide them."""
        return True

    async def async_added_to_hass(self) -> None:
        """Receive the camera's lines (those held until now fire at once)."""
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.async_attach(self.camera, self))

    def accepts(self, item: Recognition) -> bool:
        """The lines of this entity's camera."""
        return item.camera == self.camera

    @callback
    def handle_push(self, item: Recognition) -> None:
        """Fire one line (name and camera bounded by the parser)."""
        unknown = item.name.strip().lower() in UNKNOWN_NAMES
        self._trigger_event(
            "unknown" if unknown else "recognized",
            {
                "name": item.name,
                "camera": item.camera,
                "recognized_at": item.time.isoformat(),
            },
        )
        self.async_write_ha_state()


def camera_events(coordinator: FaceSpaceCoordinator, camera: str) -> list[Entity]:
    """The event entity of ``camera``."""
    return [FaceSpaceRecognitionEvent(coordinator, camera, RECOGNITION)]
