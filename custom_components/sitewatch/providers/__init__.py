"""The providers Sitewatch brings into Home Assistant, one package each.

Adding a provider: a package here with its client, coordinator and entities, an entry in
``PROVIDERS``, and its config flow steps (``config_flow.py``) and strings (``translations``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from homeassistant.core import HomeAssistant

from ..models import ProviderRuntime, SitewatchConfigEntry
from .camlytics import (
    async_migrate_camlytics_identity,
    async_remove_camlytics_entry,
    async_setup_camlytics_entry,
)
from .camlytics.const import PROVIDER_CAMLYTICS
from .comap import async_migrate_comap_identity, async_setup_comap_entry
from .comap.const import PROVIDER_COMAP
from .facespace import async_setup_facespace_entry
from .facespace.const import PROVIDER_FACESPACE
from .findface import async_remove_findface_entry, async_setup_findface_entry
from .findface.const import PROVIDER_FINDFACE
from .moonsense import async_setup_moonsense_entry
from .moonsense.const import PROVIDER_MOONSENSE

type ProviderSetup = Callable[[HomeAssistant, SitewatchConfigEntry], Awaitable[ProviderRuntime]]

type ProviderRemove = Callable[[HomeAssistant, SitewatchConfigEntry], Awaitable[None]]

type ProviderMigration = Callable[[HomeAssistant, SitewatchConfigEntry], Awaitable[None]]

PROVIDERS: Final[dict[str, ProviderSetup]] = {
    PROVIDER_COMAP: async_setup_comap_entry,
    PROVIDER_FINDFACE: async_setup_findface_entry,
    PROVIDER_CAMLYTICS: async_setup_camlytics_entry,
    PROVIDER_FACESPACE: async_setup_facespace_entry,
    PROVIDER_MOONSENSE: async_setup_moonsense_entry,
}
"""Set-up function of each provider, by the provider key stored in the config entry."""
PROVIDER_REMOVALS: Final[dict[str, ProviderRemove]] = {
    PROVIDER_CAMLYTICS: async_remove_camlytics_entry,
    PROVIDER_FINDFACE: async_remove_findface_entry,
}
"""Clean-up on the provider's side when an entry is deleted (for example its webhooks)."""
PROVIDER_MIGRATIONS_TO_1_2: Final[dict[str, ProviderMigration]] = {
    PROVIDER_CAMLYTICS: async_migrate_camlytics_identity,
    PROVIDER_COMAP: async_migrate_comap_identity,
}
"""Entry version 1.2: account identifiers replaced by their digest in unique ids."""
