"""Identifiers that name an account without revealing it."""

from __future__ import annotations

import hashlib
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er


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
