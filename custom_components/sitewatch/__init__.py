"""Sitewatch: ComAp gensets and camera analytics services in Home Assistant."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import CONF_PROVIDER, DOMAIN
from .models import SitewatchConfigEntry
from .providers import PROVIDER_REMOVALS, PROVIDERS
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, whatever the entries)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> bool:
    """Set up one provider account and forward its platforms."""
    runtime = await PROVIDERS[entry.data[CONF_PROVIDER]](hass, entry)
    entry.runtime_data = runtime
    await hass.config_entries.async_forward_entry_setups(entry, runtime.platforms)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> bool:
    """Unload the entry's platforms."""
    platforms: tuple[Platform, ...] = entry.runtime_data.platforms
    return await hass.config_entries.async_unload_platforms(entry, platforms)


async def async_remove_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Clean up on the provider's side (for example delete the webhooks created there)."""
    if (remove := PROVIDER_REMOVALS.get(entry.data[CONF_PROVIDER])) is not None:
        await remove(hass, entry)
