"""Config flow of Sitewatch: pick a provider, then that provider's account steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .const import CONF_PROVIDER, DOMAIN, MINOR_VERSION
from .flow import AccountFlow
from .models import SitewatchConfigEntry
from .providers import PROVIDERS


class SitewatchConfigFlow(ConfigFlow, domain=DOMAIN):
    """One config entry per provider account; the steps are the providers' ``AccountFlow``s.

    A form's step id names its provider: ``comap``, ``comap_reauth``, ``findface_webhook``...;
    ``async_step_<key>`` runs that provider's ``async_step_user`` and ``async_step_<key>_<name>``
    its ``async_step_<name>``.
    """

    VERSION = 1
    MINOR_VERSION = MINOR_VERSION

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Let the user pick the provider to add."""
        return self.async_show_menu(step_id="user", menu_options=list(PROVIDERS))

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Reauthenticate with the entry's provider."""
        return await self._account_flow(entry_data[CONF_PROVIDER]).async_step_reauth()

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reconfigure with the entry's provider."""
        provider = self._get_reconfigure_entry().data[CONF_PROVIDER]
        return await self._account_flow(provider).async_step_reconfigure()

    def _account_flow(self, key: str) -> AccountFlow:
        """The account steps of provider ``key``, one object for the whole flow."""
        flows: dict[str, AccountFlow] = self.__dict__.setdefault("_account_flows", {})
        if key not in flows:
            flows[key] = PROVIDERS[key].config_flow(self)
        return flows[key]

    def __getattr__(self, name: str) -> Callable[..., Any]:
        """``async_step_<key>`` and ``async_step_<key>_<name>``: a provider's step."""
        step = name.removeprefix("async_step_")
        if step != name:
            for key in PROVIDERS:
                if step == key:
                    return self._account_flow(key).async_step_user
                if step.startswith(f"{key}_") and (
                    method := getattr(
                        self._account_flow(key), f"async_step_{step.removeprefix(f'{key}_')}", None
                    )
                ):
                    return method  # type: ignore[no-any-return]
        raise AttributeError(name)

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: SitewatchConfigEntry) -> OptionsFlow:
        """The options flow of the entry's provider."""
        return PROVIDERS[config_entry.data[CONF_PROVIDER]].options_flow()
