"""Identifiers that name an account without revealing it, and the one scheme of Sitewatch ids."""

from __future__ import annotations

from collections.abc import Callable
import hashlib
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import CONF_PROVIDER, DOMAIN


def account_digest(identifier: str) -> str:
    """A stable 16-hex-digit digest of an account identifier (a login id, an API key).

    Used where Home Assistant needs an id of the account (the config entry's unique id, entity
    unique ids), so that the identifier itself never appears in the registries, the UI, logs or
    diagnostics, while adding the same account twice is still recognised.
    """
    return hashlib.sha256(identifier.encode()).hexdigest()[:16]


async def async_replace_unique_id_prefix(
    hass: HomeAssistant, entry: ConfigEntry, old_prefix: str, new_prefix: str
) -> None:
    """Rewrite the entry's entity unique ids that start with ``old_prefix`` (registry migration).

    The entities keep their entity ids, names, history and the automations that use them.
    """

    @callback
    def rewrite(entity: er.RegistryEntry) -> dict[str, Any] | None:
        if not entity.unique_id.startswith(old_prefix):
            return None
        return {"new_unique_id": new_prefix + entity.unique_id.removeprefix(old_prefix)}

    await er.async_migrate_entries(hass, entry.entry_id, rewrite)


def scoped_id(entry: ConfigEntry, *parts: str | int) -> str:
    """``<provider>_<account>_<part>_...``: the one scheme of Sitewatch's ids.

    ``<account>`` is the entry's unique id, a digest for every provider (``account_digest``), so
    an id is stable across removing and adding the same account again and reveals nothing.
    Device identifiers are ``(DOMAIN, scoped_id(entry, device))``; entity unique ids are
    ``scoped_id(entry, device, key)`` (``device_identifier`` and ``entity_unique_id``).
    """
    return "_".join((entry.data[CONF_PROVIDER], str(entry.unique_id), *map(str, parts)))


def device_identifier(entry: ConfigEntry, device: str | int) -> tuple[str, str]:
    """The identifier of one device of ``entry`` (a genset's unit GUID, ``camera_12``...)."""
    return (DOMAIN, scoped_id(entry, device))


def entity_unique_id(entry: ConfigEntry, device: str | int, key: str) -> str:
    """The unique id of the entity ``key`` of ``device`` (its description's key, say)."""
    return scoped_id(entry, device, key)


async def async_migrate_identity(
    hass: HomeAssistant,
    entry: ConfigEntry,
    *,
    account: str,
    unique_id: Callable[[str], str | None],
    device: Callable[[str], str | None],
) -> None:
    """Bring an entry to the one id scheme (entry version 1.3); entity ids and history stay.

    Args:
        hass: Home Assistant.
        entry: the entry to migrate.
        account: the entry's new unique id (``account_digest`` of the account).
        unique_id: the new unique id of an entity, given its old one (None: leave it).
        device: the new identifier (second part) of a device, given its old one (None: leave it).
    """
    hass.config_entries.async_update_entry(entry, unique_id=account)

    @callback
    def rewrite(entity: er.RegistryEntry) -> dict[str, Any] | None:
        new = unique_id(entity.unique_id)
        return None if new is None or new == entity.unique_id else {"new_unique_id": new}

    await er.async_migrate_entries(hass, entry.entry_id, rewrite)
    device_registry = dr.async_get(hass)
    for entry_device in dr.async_entries_for_config_entry(device_registry, entry.entry_id):
        identifiers = {
            (domain, (device(identifier) or identifier) if domain == DOMAIN else identifier)
            for domain, identifier in entry_device.identifiers
        }
        if identifiers != entry_device.identifiers:
            device_registry.async_update_device(entry_device.id, new_identifiers=identifiers)
