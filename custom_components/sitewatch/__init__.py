"""Sitewatch: ComAp gensets and camera analytics services in Home Assistant."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .const import CONF_PROVIDER, DOMAIN, MINOR_VERSION
from .devices import device_has_available_entity
from .models import SitewatchConfigEntry
from .presence import PEOPLE_DEVICE, presence_registry
from .providers import PROVIDERS
from .webhook import (
    async_register_pending_webhooks,
    async_remove_push,
    async_start_push,
    async_stop_push,
)

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the providers' actions, and the webhook ids of the entries (503 until set up)."""
    for provider in PROVIDERS.values():
        if provider.async_setup_services is not None:
            provider.async_setup_services(hass)
    async_register_pending_webhooks(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> bool:
    """Bring an entry written by an older Sitewatch to the current version (1.4).

    1.2: the ComAp login id and the Camlytics public key leave the entry's unique id and its
    entities' unique ids (replaced by a digest); entity ids, history and automations stay.
    1.3: one id scheme of entities and devices. 1.4: the FindFace hook filters become options.
    Each provider's step is in its ``Provider.migrations``.
    """
    if entry.version > 1:
        return False  # written by a newer Sitewatch
    migrations = PROVIDERS[entry.data[CONF_PROVIDER]].migrations
    for minor_version in range(entry.minor_version + 1, MINOR_VERSION + 1):
        if (migrate := migrations.get(minor_version)) is not None:
            await migrate(hass, entry)
        hass.config_entries.async_update_entry(entry, minor_version=minor_version)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> bool:
    """Set up one provider account, forward its platforms, then take its pushes."""
    provider = PROVIDERS[entry.data[CONF_PROVIDER]]
    entry.runtime_data = runtime = await provider.async_setup_entry(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, provider.platforms)
    await async_start_push(hass, entry, runtime.push)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> bool:
    """Stop taking pushes (503 until set up again), then unload the entry's platforms."""
    await async_stop_push(hass, entry, entry.runtime_data.push)
    return await hass.config_entries.async_unload_platforms(
        entry, PROVIDERS[entry.data[CONF_PROVIDER]].platforms
    )


async def async_remove_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Clean up on the provider's side (for example delete the webhooks created there)."""
    await async_remove_push(hass, entry)
    if (remove := PROVIDERS[entry.data[CONF_PROVIDER]].async_remove_entry) is not None:
        await remove(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: SitewatchConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Whether a user may delete ``device`` from ``entry``: only when it is no longer current.

    The People device: when the entry hosts no person's entity. Any other device: when the
    entry's provider says the service no longer has it (``Provider.device_current``, or none of
    the entry's entities on it available). An entry that is not loaded cannot check: allowed.
    """
    identifiers = {identifier for domain, identifier in device.identifiers if domain == DOMAIN}
    if PEOPLE_DEVICE in identifiers:
        return not presence_registry(hass).hosts(entry.entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        return True
    current = PROVIDERS[entry.data[CONF_PROVIDER]].device_current
    if current is None:
        return not device_has_available_entity(hass, entry, device)
    return not current(entry, identifiers)
