"""Runtime data of a ComAp entry: which entities each genset has, and its diagnostics."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...models import (
    EntityFactories,
    ProviderRuntime,
    SitewatchConfigEntry,
    async_add_entities_as_they_appear,
)
from .button import genset_buttons
from .const import ValueGuid
from .coordinator import ComapCoordinator
from .device_tracker import genset_trackers
from .select import genset_selects
from .sensor import SENSOR_VALUE_GUIDS, genset_sensors

ENTITY_FACTORIES: dict[Platform, Callable[[ComapCoordinator, str], list[Any]]] = {
    Platform.SENSOR: genset_sensors,
    Platform.BUTTON: genset_buttons,
    Platform.SELECT: genset_selects,
    Platform.DEVICE_TRACKER: genset_trackers,
}
"""The entities of one genset, by platform."""
NEEDED_VALUE_GUIDS = SENSOR_VALUE_GUIDS | {ValueGuid.SERIAL_NUMBER, ValueGuid.MODES_AVAILABLE}
"""Values read on every refresh: those of the dedicated sensors, the select and device info."""


class ComapRuntime(ProviderRuntime):
    """Runtime data of a ComAp entry: its one coordinator (and through it the client)."""

    def __init__(self, entry: SitewatchConfigEntry, coordinator: ComapCoordinator) -> None:
        """Keep the entry and its coordinator."""
        self.entry = entry
        self.coordinator = coordinator

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the platform's entities of every genset, and of gensets that appear later."""
        factory = ENTITY_FACTORIES[platform]

        def wanted() -> EntityFactories:
            return {
                unit_guid: partial(factory, self.coordinator, unit_guid)
                for unit_guid, genset in self.coordinator.data.items()
                if genset.values
            }

        async_add_entities_as_they_appear(self.entry, self.coordinator, wanted, async_add_entities)

    def diagnostics(self) -> dict[str, Any]:
        """Gensets with their info and values, and the client's request count."""
        return {
            "base_url": self.coordinator.client.base_url,
            "request_count": self.coordinator.client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "gensets": {
                unit_guid: {
                    "unit": genset.unit.to_dict(),
                    "info": genset.info.to_dict() if genset.info else None,
                    "online": genset.online,
                    "comments": [comment.to_dict() for comment in genset.comments or []],
                    "values": [value.to_dict() for value in genset.values.values()],
                }
                for unit_guid, genset in self.coordinator.data.items()
            },
        }
