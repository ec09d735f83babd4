"""Device trackers of Sitewatch; each provider supplies its own."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .models import SitewatchConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SitewatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the provider's device trackers."""
    entry.runtime_data.async_setup_platform(Platform.DEVICE_TRACKER, async_add_entities)
