"""Diagnostics of a Sitewatch config entry, with every secret and personal detail redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import CONF_PROVIDER
from .models import SitewatchConfigEntry
from .providers import PROVIDERS

SHARED_TO_REDACT = frozenset({"unique_id", "webhook_id", "cloudhook_url"})
"""Redacted for every provider: the entry's account digest and its webhook."""


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> dict[str, Any]:
    """Return the entry (data and options) and the provider's state, redacted."""
    return async_redact_data(
        {
            "entry": {
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "provider": entry.runtime_data.diagnostics(),
        },
        SHARED_TO_REDACT | PROVIDERS[entry.data[CONF_PROVIDER]].to_redact,
    )
