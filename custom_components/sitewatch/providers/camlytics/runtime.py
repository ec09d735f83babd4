"""Runtime data of a Camlytics entry: its coordinator, webhook and entities, and diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...models import (
    EntityFactories,
    ProviderRuntime,
    SitewatchConfigEntry,
    async_add_entities_as_they_appear,
)
from ...webhook import redacted_webhook_urls
from .const import CONF_WEBHOOK_ID
from .coordinator import CamlyticsCoordinator
from .event import event_entities
from .push import CamlyticsWebhook
from .sensor import sensor_entities

ENTITIES: Final[Mapping[Platform, Callable[[CamlyticsCoordinator], EntityFactories]]] = {
    Platform.EVENT: event_entities,
    Platform.SENSOR: sensor_entities,
}
"""Per platform, the entities that should exist for the coordinator's data."""


class CamlyticsRuntime(ProviderRuntime):
    """Runtime data of a Camlytics entry."""

    push: CamlyticsWebhook

    def __init__(
        self,
        entry: SitewatchConfigEntry,
        coordinator: CamlyticsCoordinator,
        push: CamlyticsWebhook,
    ) -> None:
        """Keep the coordinator and the webhook."""
        self.entry = entry
        self.coordinator = coordinator
        self.push = push

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add entities for the included locations, and for those that appear later."""
        async_add_entities_as_they_appear(
            self.entry,
            self.coordinator,
            partial(ENTITIES[platform], self.coordinator),
            async_add_entities,
        )

    def diagnostics(self) -> dict[str, Any]:
        """Locations, channels, triggers, counts and readings; webhook URL with the id redacted."""
        coordinator = self.coordinator
        data = coordinator.data
        return {
            "base_url": coordinator.client.base_url,
            "request_count": coordinator.client.request_count,
            "last_update_success": coordinator.last_update_success,
            "webhook_urls": redacted_webhook_urls(
                coordinator.hass, self.entry.data[CONF_WEBHOOK_ID]
            ),
            "webhook": self.push.stats.as_dict(),
            "delivered_keys_remembered": len(self.push.seen),
            "answer_items_dropped": dict(coordinator.client.dropped),
            "events_cursor": {lid: when.isoformat() for lid, when in coordinator.cursors.items()},
            "locations": {lid: loc.name for lid, loc in data.locations.items()},
            "channels": {cid: channel.name for cid, channel in data.channels.items()},
            "triggers": {tid: trigger.name for tid, trigger in data.triggers.items()},
            "trigger_counts": data.trigger_counts,
            "occupancy": {lid: r.value for lid, r in data.occupancy.items()},
            "queues": {cid: r.value for cid, r in data.queues.items()},
        }
