"""Config flow of Sitewatch: pick a provider, then that provider's steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .const import CONF_PROVIDER, DOMAIN, MINOR_VERSION
from .models import SitewatchConfigEntry
from .providers import PROVIDERS
from .providers.camlytics.config_flow import CamlyticsConfigFlowMixin
from .providers.comap.config_flow import ComapConfigFlowMixin
from .providers.facespace.config_flow import FaceSpaceConfigFlowMixin
from .providers.findface.config_flow import FindFaceConfigFlowMixin
from .providers.moonsense.config_flow import MoonsenseConfigFlowMixin


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
    MINOR_VERSION = MINOR_VERSION

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Let the user pick the provider to add."""
        return self.async_show_menu(step_id="user", menu_options=list(PROVIDERS))

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Reauthenticate with the provider's reauth step (``<provider>_reauth``)."""
        step = getattr(self, f"async_step_{entry_data[CONF_PROVIDER]}_reauth")
        result: ConfigFlowResult = await step()
        return result

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reconfigure with the provider's reconfigure step (``<provider>_reconfigure``)."""
        provider = self._get_reconfigure_entry().data[CONF_PROVIDER]
        result: ConfigFlowResult = await getattr(self, f"async_step_{provider}_reconfigure")()
        return result

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: SitewatchConfigEntry) -> OptionsFlow:
        """The options flow of the entry's provider."""
        return PROVIDERS[config_entry.data[CONF_PROVIDER]].options_flow()
