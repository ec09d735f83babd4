"""Runtime data of a Moonsense entry: its coordinator, webhook and entities per platform."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
from .api import WebhookEvent
from .const import CONF_WEBHOOK_ID
from .coordinator import MoonsenseCoordinator, Phone
from .device_tracker import phone_trackers
from .event import app_events
from .sensor import app_sensors, phone_sensors

APP_ENTITIES: Final[dict[Platform, Callable[[MoonsenseCoordinator], Sequence[Entity]]]] = {
    Platform.EVENT: app_events,
    Platform.SENSOR: app_sensors,
}
"""The entities of the app device on each platform of the provider."""
PHONE_ENTITIES: Final[dict[Platform, Callable[[MoonsenseCoordinator, Phone], Sequence[Entity]]]] = {
    Platform.DEVICE_TRACKER: phone_trackers,
    Platform.SENSOR: phone_sensors,
}
"""The entities of every phone's device on each platform of the provider."""


@dataclass(kw_only=True)
class MoonsenseRuntime(ProviderRuntime):
    """Runtime data of a Moonsense entry: one coordinator, one webhook, one app device, phones."""

    entry: SitewatchConfigEntry
    coordinator: MoonsenseCoordinator
    push: PushWebhook[WebhookEvent]

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the app's entities of ``platform``, and those of every phone as it appears."""
        coordinator = self.coordinator
        if (app := APP_ENTITIES.get(platform)) is not None:
            async_add_entities(app(coordinator))
        per_phone = PHONE_ENTITIES.get(platform)
        if per_phone is None:
            return

        def wanted() -> EntityFactories:
            return {
                ("phone", key): partial(_listed, per_phone, coordinator, phone)
                for key, phone in coordinator.data.phones.items()
                if phone.name is not None
            }

        async_add_entities_as_they_appear(self.entry, coordinator, wanted, async_add_entities)

    def diagnostics(self) -> dict[str, Any]:
        """Sessions and phones (by their device names, never an install id); webhook redacted."""
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
            "sessions_known": len(data.sessions),
            "unattributed_bundles": data.unattributed,
            "phones": [
                {
                    "name": phone.name,
                    "model": phone.model,
                    "platform": phone.platform,
                    "bundles": phone.bundles,
                    "dropped_readings": phone.dropped,
                    "has_readings": phone.readings is not None,
                }
                for phone in data.phones.values()
            ],
        }


def _listed(
    factory: Callable[[MoonsenseCoordinator, Phone], Sequence[Entity]],
    coordinator: MoonsenseCoordinator,
    phone: Phone,
) -> list[Entity]:
    return list(factory(coordinator, phone))
