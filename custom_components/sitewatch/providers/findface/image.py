"""The image entity of a FindFace camera: the thumbnail of its last face, body or car event."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from homeassistant.components.image import ImageEntityDescription
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity
from homeassistant.util import dt as dt_util

from ...bounds import parse_time
from ...thumbnails import RecognitionImage, same_host_url
from .api import PushItem
from .api.payloads import RECOGNITION_SECTIONS
from .const import CONF_VERIFY_SSL
from .coordinator import FindFaceCoordinator
from .entity import FindFaceCameraEntity

LAST_RECOGNITION: Final = ImageEntityDescription(
    key="last_recognition_image", translation_key="last_recognition_image"
)
KINDS: Final = {"face_events": "face", "body_events": "body", "car_events": "car"}
"""What each recognition section shows, in the ``kind`` attribute."""


class FindFaceCameraImage(FindFaceCameraEntity, RecognitionImage):
    """The thumbnail of the camera's last face, body or car recognition, matched or not.

    Attributes: ``kind`` (face, body, car), ``matched``, ``card_name``, ``detected_at``. The
    picture is fetched from the server's host only (``thumbnails.same_host_url``), with the
    entry's TLS setting; a recognition without a usable URL clears the picture.
    """

    _unrecorded_attributes = frozenset({"detected_at"})
    """Unique to each recognition: shown, not recorded."""

    def __init__(self, coordinator: FindFaceCoordinator, camera_id: int) -> None:
        """The image entity of camera ``camera_id``."""
        FindFaceCameraEntity.__init__(self, coordinator, camera_id, LAST_RECOGNITION)
        RecognitionImage.__init__(
            self,
            coordinator.hass,
            verify_ssl=coordinator.config_entry.data.get(CONF_VERIFY_SSL, True),
        )
        self.push_targets = tuple((section, camera_id) for section in RECOGNITION_SECTIONS)

    @callback
    def handle_push(self, item: PushItem) -> None:
        """Show the recognition's thumbnail."""
        data = item.data
        detected_at = data.get("detected_at")
        when: datetime = parse_time(detected_at) or dt_util.utcnow()
        self.show(
            same_host_url(data.get("thumbnail_url"), self.coordinator.client.base_url),
            when,
            {
                "kind": KINDS.get(item.section),
                "matched": data.get("matched"),
                "card_name": item.card_name,
                "detected_at": detected_at,
            },
        )


def camera_images(coordinator: FindFaceCoordinator, camera_id: int) -> list[Entity]:
    """The image entity of camera ``camera_id``."""
    return [FindFaceCameraImage(coordinator, camera_id)]
