"""The event entity of a FaceSpace camera: each log line, fired once, in time order."""

from __future__ import annotations

from homeassistant.components.event import EventEntityDescription
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity

from ...devices import provider_device_name
from ...entity import PushEntity, SitewatchEventEntity
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


def is_unknown(item: Recognition) -> bool:
    """Whether the line names a stranger (``UNKNOWN_NAMES``, any case)."""
    return item.name.strip().lower() in UNKNOWN_NAMES


def recognition_sentence(item: Recognition) -> str:
    """The Logbook sentence of a line: "Bob recognised at Entrance (FaceSpace)".

    A stranger is "Unknown face at Entrance (FaceSpace)"; the place is the camera as its
    device is named. Name and camera are bounded by the parser.
    """
    place = provider_device_name(item.camera, "FaceSpace")
    if is_unknown(item):
        return f"Unknown face at {place}"
    return f"{item.name} recognised at {place}"


class FaceSpaceRecognitionEvent(
    PushEntity[FaceSpaceCoordinator, Recognition], FaceSpaceCameraEntity, SitewatchEventEntity
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
        """Fire one line (name and camera bounded by the parser), with its sentence."""
        self.async_fire(
            "unknown" if is_unknown(item) else "recognized",
            {
                "name": item.name,
                "camera": item.camera,
                "recognized_at": item.time.isoformat(),
            },
            recognition_sentence(item),
        )


def camera_events(coordinator: FaceSpaceCoordinator, camera: str) -> list[Entity]:
    """The event entity of ``camera``."""
    return [FaceSpaceRecognitionEvent(coordinator, camera, RECOGNITION)]
