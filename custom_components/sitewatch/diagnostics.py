"""Diagnostics of a Sitewatch config entry, with every secret and personal detail redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .models import SitewatchConfigEntry

TO_REDACT = {
    "comap_key",
    "client_id",
    "secret",
    "secret_key",
    "api_key",
    "project_id",
    "app_id",
    "push_secret",
    "public_key",
    "login_id",
    "access_token",
    "token",
    "password",
    "unique_id",
    "ownerLoginId",
    "owner_login_id",
    "ipAddress",
    "airGateId",
    "latitude",
    "longitude",
    "webhook_id",
    "username",
    "cloudhook_url",
}


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
        TO_REDACT,
    )
