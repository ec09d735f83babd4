"""Pieces shared by the providers' config and options flows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.core import callback


class ReloadingOptionsFlow(OptionsFlow):
    """An options flow whose changed options reload the entry, with no update listener.

    The same contract as Home Assistant's ``OptionsFlowWithReload`` (2025.8 and newer), done in
    the flow so that it also holds on 2025.4, the minimum in hacs.json: the options are stored,
    then one reload is scheduled, and only when they changed. Reauth and reconfigure reload
    through ``async_update_reload_and_abort``; with no listener, nothing reloads twice.
    """

    @callback
    def async_create_entry(self, *, data: Mapping[str, Any], **kwargs: Any) -> ConfigFlowResult:
        """Store ``data`` as the entry's options, reload if they changed, and finish."""
        entry = self.config_entry
        if self.hass.config_entries.async_update_entry(entry, options=data):
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return super().async_create_entry(data=data, **kwargs)
