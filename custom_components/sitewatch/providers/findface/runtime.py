"""Runtime data of a FindFace entry: which entities exist, and what diagnostics show."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...models import (
    EntityFactories,
    ProviderRuntime,
    SitewatchConfigEntry,
    async_add_entities_as_they_appear,
)
from ...webhook import PushWebhook, redacted_webhook_urls
from .api import PushItem
from .binary_sensor import camera_binary_sensors
from .const import CONF_CLOUDHOOK_URL, CONF_HOOK_IDS, CONF_WEBHOOK_ID
from .coordinator import FindFaceCoordinator
from .device_tracker import camera_trackers
from .event import area_events, camera_events, counter_events
from .image import camera_images
from .sensor import camera_sensors, counter_sensors

type EntitiesOf = Callable[[FindFaceCoordinator, int], list[Entity]]
"""The entities of one camera (or area), given its id."""

CAMERA_ENTITIES: Final[dict[Platform, EntitiesOf]] = {
    Platform.BINARY_SENSOR: camera_binary_sensors,
    Platform.DEVICE_TRACKER: camera_trackers,
    Platform.EVENT: camera_events,
    Platform.IMAGE: camera_images,
    Platform.SENSOR: camera_sensors,
}
"""Every camera's entities, per platform."""
AREA_ENTITIES: Final[dict[Platform, EntitiesOf]] = {Platform.EVENT: area_events}
"""Every area's entities (on the server's device), per platform."""
COUNTER_ENTITIES: Final[dict[Platform, Callable[[FindFaceCoordinator, int, int], list[Entity]]]] = {
    Platform.EVENT: counter_events,
    Platform.SENSOR: counter_sensors,
}
"""The entities of each counter on each of its cameras (camera id, counter id), per platform."""


@dataclass(eq=False)
class FindFaceRuntime(ProviderRuntime):
    """Runtime data of a FindFace entry: its coordinator (and client) and its webhook."""

    entry: SitewatchConfigEntry
    coordinator: FindFaceCoordinator
    push: PushWebhook[PushItem]

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the platform's entities of every camera (and area), and of those added later."""
        coordinator = self.coordinator
        per_camera = CAMERA_ENTITIES[platform]
        per_area = AREA_ENTITIES.get(platform)
        per_counter = COUNTER_ENTITIES.get(platform)

        def wanted() -> EntityFactories:
            factories: dict[Hashable, Callable[[], list[Entity]]] = {
                ("camera", camera_id): partial(per_camera, coordinator, camera_id)
                for camera_id in coordinator.data.cameras
            }
            if per_area is not None:
                for area_id in coordinator.data.areas:
                    factories[("area", area_id)] = partial(per_area, coordinator, area_id)
            if per_counter is not None:
                for camera_id in coordinator.data.cameras:
                    for counter_id in coordinator.data.counters_of(camera_id):
                        factories[("counter", camera_id, counter_id)] = partial(
                            per_counter, coordinator, camera_id, counter_id
                        )
            return factories

        async_add_entities_as_they_appear(self.entry, coordinator, wanted, async_add_entities)

    def diagnostics(self) -> dict[str, Any]:
        """Cameras, areas, webhook URL (id redacted; the cloudhook URL too) and counters."""
        webhook_id = self.entry.data[CONF_WEBHOOK_ID]
        webhook_urls = redacted_webhook_urls(
            self.coordinator.hass, webhook_id, self.entry.data.get(CONF_CLOUDHOOK_URL)
        )
        return {
            "base_url": self.coordinator.client.base_url,
            "request_count": self.coordinator.client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "webhook_urls": webhook_urls,
            "hook_ids": self.entry.data.get(CONF_HOOK_IDS, []),
            "webhook": self.push.stats.as_dict(),
            "cameras": {
                camera_id: {
                    "name": camera.name,
                    "active": camera.active,
                    "health": camera.health.status if camera.health else None,
                }
                for camera_id, camera in self.coordinator.data.cameras.items()
            },
            "areas": self.coordinator.data.areas,
            "watch_lists": self.coordinator.data.watch_lists,
            "counters": {
                counter_id: {"name": counter.name, "cameras": list(counter.cameras)}
                for counter_id, counter in self.coordinator.data.counters.items()
            },
        }
