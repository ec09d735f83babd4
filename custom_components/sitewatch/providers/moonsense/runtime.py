"""Runtime data of a Moonsense entry: its coordinator, webhook and entities per platform."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...models import ProviderRuntime, SitewatchConfigEntry
from ...webhook import PushWebhook, redacted_webhook_urls
from .api import WebhookEvent
from .const import CONF_WEBHOOK_ID
from .coordinator import MoonsenseCoordinator
from .device_tracker import app_trackers
from .event import app_events
from .sensor import app_sensors

ENTITY_FACTORIES: Final[dict[Platform, Callable[[MoonsenseCoordinator], Sequence[Entity]]]] = {
    Platform.DEVICE_TRACKER: app_trackers,
    Platform.EVENT: app_events,
    Platform.SENSOR: app_sensors,
}
"""The entities of the app device on each platform of the provider."""


@dataclass(kw_only=True)
class MoonsenseRuntime(ProviderRuntime):
    """Runtime data of a Moonsense entry: one coordinator, one webhook, one app device."""

    entry: SitewatchConfigEntry
    coordinator: MoonsenseCoordinator
    push: PushWebhook[WebhookEvent]

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the app's entities of ``platform``."""
        async_add_entities(ENTITY_FACTORIES[platform](self.coordinator))

    def diagnostics(self) -> dict[str, Any]:
        """Sessions and readings; webhook URL with the id redacted."""
        webhook_id = self.entry.data[CONF_WEBHOOK_ID]
        data = self.coordinator.data
        client = self.coordinator.client
        return {
            "control_url": client.control_url,
            "data_url": client.data_url(),
            "request_count": client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "webhook_urls": redacted_webhook_urls(self.coordinator.hass, webhook_id),
            "webhook": self.push.stats.as_dict(),
            "sessions_today": len(data.created_today),
            "active_sessions": len(data.active),
            "has_readings": data.readings is not None,
        }
