"""What the providers' entry-wide actions share: finding the entry a call is about."""

from __future__ import annotations

from typing import Final

from homeassistant.core import ServiceCall
from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN
from .models import ProviderRuntime

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
"""The optional field of an entry-wide action that names the entry (a config entry selector)."""


def runtime_for_call[RuntimeT: ProviderRuntime](
    call: ServiceCall, runtime_type: type[RuntimeT], missing_key: str
) -> RuntimeT:
    """The runtime data of the loaded entry ``call`` names, or of the only loaded one of its kind.

    Args:
        call: the action call; its optional ``config_entry_id`` names the entry.
        runtime_type: the provider's runtime class (only its entries are considered).
        missing_key: the translation key of the error when none or several entries match.

    Raises:
        ServiceValidationError: no loaded entry of the kind matches, or several do.
    """
    wanted = call.data.get(ATTR_CONFIG_ENTRY_ID)
    runtimes = [
        entry.runtime_data
        for entry in call.hass.config_entries.async_loaded_entries(DOMAIN)
        if isinstance(entry.runtime_data, runtime_type) and wanted in (None, entry.entry_id)
    ]
    if len(runtimes) != 1:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key=missing_key)
    return runtimes[0]
