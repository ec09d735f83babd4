"""Config flow of Sitewatch: pick a provider, then that provider's steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .const import CONF_PROVIDER, DOMAIN
from .providers.camlytics.config_flow import CamlyticsConfigFlowMixin, CamlyticsOptionsFlow
from .providers.camlytics.const import PROVIDER_CAMLYTICS
from .providers.comap.config_flow import ComapConfigFlowMixin, ComapOptionsFlow
from .providers.comap.const import PROVIDER_COMAP
from .providers.facespace.config_flow import FaceSpaceConfigFlowMixin, FaceSpaceOptionsFlow
from .providers.facespace.const import PROVIDER_FACESPACE
from .providers.findface.config_flow import FindFaceConfigFlowMixin, FindFaceOptionsFlow
from .providers.findface.const import PROVIDER_FINDFACE
from .providers.moonsense.config_flow import MoonsenseConfigFlowMixin, MoonsenseOptionsFlow
from .providers.moonsense.const import PROVIDER_MOONSENSE

PROVIDER_MENU = [
    PROVIDER_COMAP,
    PROVIDER_FINDFACE,
    PROVIDER_CAMLYTICS,
    PROVIDER_FACESPACE,
    PROVIDER_MOONSENSE,
]
"""Menu of the user step: one option per provider, each the name of that provider's step."""


class SitewatchConfigFlow(
    ComapConfigFlowMixin,
    FindFaceConfigFlowMixin,
    CamlyticsConfigFlowMixin,
    FaceSpaceConfigFlowMixin,
    MoonsenseConfigFlowMixin,
    domain=DOMAIN,
):
    """One config entry per provider account."""

    VERSION = 1
    MINOR_VERSION = 2

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Let the user pick the provider to add."""
        return self.async_show_menu(step_id="user", menu_options=PROVIDER_MENU)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Reauthenticate with the provider's reauth step."""
        if entry_data[CONF_PROVIDER] == PROVIDER_FINDFACE:
            return await self.async_step_findface_reauth()
        if entry_data[CONF_PROVIDER] == PROVIDER_CAMLYTICS:
            return await self.async_step_camlytics_reauth()
        if entry_data[CONF_PROVIDER] == PROVIDER_FACESPACE:
            return await self.async_step_facespace_reauth()
        if entry_data[CONF_PROVIDER] == PROVIDER_MOONSENSE:
            return await self.async_step_moonsense_reauth()
        return await self.async_step_comap_reauth()

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reconfigure with the provider's reconfigure step."""
        provider = self._get_reconfigure_entry().data[CONF_PROVIDER]
        if provider == PROVIDER_FINDFACE:
            return await self.async_step_findface_reconfigure()
        if provider == PROVIDER_CAMLYTICS:
            return await self.async_step_camlytics_reconfigure()
        if provider == PROVIDER_FACESPACE:
            return await self.async_step_facespace_reconfigure()
        if provider == PROVIDER_MOONSENSE:
            return await self.async_step_moonsense_reconfigure()
        return await self.async_step_comap_reconfigure()

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """The options flow of the entry's provider."""
        return OPTIONS_FLOWS[config_entry.data[CONF_PROVIDER]]()


OPTIONS_FLOWS: dict[str, type[OptionsFlow]] = {
    PROVIDER_COMAP: ComapOptionsFlow,
    PROVIDER_FINDFACE: FindFaceOptionsFlow,
    PROVIDER_CAMLYTICS: CamlyticsOptionsFlow,
    PROVIDER_FACESPACE: FaceSpaceOptionsFlow,
    PROVIDER_MOONSENSE: MoonsenseOptionsFlow,
}
