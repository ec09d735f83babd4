"""Runtime data of a FaceSpace entry: its coordinator, webhook and entities per camera."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...models import ProviderRuntime, SitewatchConfigEntry, async_add_entities_as_they_appear
from ...webhook import PushWebhook, redacted_webhook_urls
from .api import InView, Recognition
from .binary_sensor import camera_binary_sensors
from .const import CONF_WEBHOOK_ID
from .coordinator import FaceSpaceCoordinator
from .event import camera_events
from .sensor import camera_sensors

CAMERA_ENTITIES: Final[dict[Platform, Callable[[FaceSpaceCoordinator, str], list[Entity]]]] = {
    Platform.BINARY_SENSOR: camera_binary_sensors,
    Platform.EVENT: camera_events,
    Platform.SENSOR: camera_sensors,
}
"""The entities of one camera on each platform."""


@dataclass(eq=False)
class FaceSpaceRuntime(ProviderRuntime):
    """Runtime data of a FaceSpace entry: its coordinator, and its webhook when pushes are on."""

    entry: SitewatchConfigEntry
    coordinator: FaceSpaceCoordinator
    push: PushWebhook[Recognition | InView] | None

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the entities of every camera, and of cameras seen later."""
        entities = CAMERA_ENTITIES[platform]
        async_add_entities_as_they_appear(
            self.entry,
            self.coordinator,
            lambda: {
                camera: partial(entities, self.coordinator, camera)
                for camera in sorted(self.coordinator.data.cameras)
            },
            async_add_entities,
        )

    def diagnostics(self) -> dict[str, Any]:
        """Cameras, cursor, lines held, today's counts; the webhook URL with its id redacted."""
        webhook_id = self.entry.data[CONF_WEBHOOK_ID]
        data = self.coordinator.data
        return {
            "base_url": self.coordinator.client.base_url,
            "request_count": self.coordinator.client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "accept_push": self.push is not None,
            "webhook_urls": redacted_webhook_urls(self.coordinator.hass, webhook_id),
            "webhook": self.push.stats.as_dict() if self.push else {},
            "cursor": self.coordinator.cursor.isoformat(),
            "lines_held": self.coordinator.lines_held,
            "cameras": sorted(data.cameras),
            "cameras_active": data.cameras_active,
            "today": data.today,
        }
