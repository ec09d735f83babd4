"""What the providers' entry-wide actions share: the entry a call is about, and its times."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from homeassistant.core import ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .models import ProviderRuntime
from .schema import vol

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
"""The optional field of an entry-wide action that names the entry (a config entry selector)."""

TIME_BOUND = vol.Any(cv.date, cv.datetime)
"""A period's start or end in an action: a date alone (a whole day) or a date and time."""


def in_home_zone[TimeT: (datetime | None, date | datetime | None)](value: TimeT) -> TimeT:
    """A naive datetime from the UI, in Home Assistant's time zone; dates and aware times as is."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt_util.get_default_time_zone())
    return value


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
