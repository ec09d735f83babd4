"""Device registry housekeeping shared by the providers."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN, LOGGER


@callback
def async_remove_stale_devices(
    hass: HomeAssistant,
    entry: ConfigEntry,
    current: set[str],
    managed: Callable[[str], bool] = lambda identifier: True,
) -> None:
    """Detach ``entry`` from its devices whose identifier the service no longer lists.

    Args:
        hass: Home Assistant.
        entry: the config entry whose devices are checked.
        current: the identifiers (second part of ``(DOMAIN, identifier)``) that still exist.
        managed: which identifiers this refresh is responsible for (others are left alone,
            for example a provider's server device).
    """
    device_registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id):
        identifiers = {
            identifier
            for domain, identifier in device.identifiers
            if domain == DOMAIN and managed(identifier)
        }
        if identifiers and not identifiers & current:
            LOGGER.info("Removing %s, which the service no longer lists", device.name)
            device_registry.async_update_device(device.id, remove_config_entry_id=entry.entry_id)
