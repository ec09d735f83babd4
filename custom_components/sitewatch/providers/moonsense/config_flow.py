"""Config flow steps of the Moonsense provider: token, reauth, reconfigure, options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ...const import CONF_PROVIDER, LOGGER
from ...flow import ReloadingOptionsFlow
from ...schema import vol
from ...webhook import sender_url
from . import client_from_data
from .api import (
    DEFAULT_REGION,
    DEFAULT_ROOT,
    MoonsenseAuthenticationError,
    MoonsenseConnectionError,
    MoonsenseError,
)
from .const import (
    CONF_LABELS,
    CONF_REGION,
    CONF_ROOT,
    CONF_SCAN_INTERVAL,
    CONF_TOKEN,
    CONF_WEBHOOK_ID,
    DEFAULT_SCAN_INTERVAL,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    PROVIDER_MOONSENSE,
)

PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
TOKEN_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_TOKEN): PASSWORD,
        vol.Optional(CONF_ROOT, default=DEFAULT_ROOT): str,
        vol.Optional(CONF_REGION, default=DEFAULT_REGION): str,
    }
)
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_TOKEN): PASSWORD})


def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value.strip().rstrip("/") if isinstance(value, str) else value
        for key, value in user_input.items()
    }


async def validate_token(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> tuple[dict[str, str], str | None]:
    """Ask who the token is; return the form errors and the app's unique id.

    Errors: ``base: invalid_auth``, ``base: cannot_connect``, ``base: unknown`` (logged).
    The unique id is ``<project_id>/<app_id>``.
    """
    try:
        me = await client_from_data(hass, data).whoami()
    except MoonsenseAuthenticationError:
        return {"base": "invalid_auth"}, None
    except MoonsenseConnectionError:
        return {"base": "cannot_connect"}, None
    except MoonsenseError:
        LOGGER.exception("Unexpected answer from Moonsense")
        return {"base": "unknown"}, None
    return {}, f"{me.get('project_id') or '-'}/{me.get('app_id') or '-'}"


class MoonsenseConfigFlowMixin(ConfigFlow):
    """The Moonsense steps of the Sitewatch config flow."""

    async def async_step_moonsense(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the secret token and check it with who-am-I."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _clean(user_input)
            errors, unique_id = await validate_token(self.hass, data)
            if unique_id is not None:
                await self.async_set_unique_id(unique_id)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(
                    title=f"Moonsense {unique_id.rsplit('/', 1)[-1]}",
                    data={
                        CONF_PROVIDER: PROVIDER_MOONSENSE,
                        **data,
                        CONF_WEBHOOK_ID: webhook.async_generate_id(),
                    },
                    options={CONF_SCAN_INTERVAL: DEFAULT_SCAN_INTERVAL, CONF_LABELS: []},
                )
        return self.async_show_form(
            step_id="moonsense",
            data_schema=self.add_suggested_values_to_schema(TOKEN_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_moonsense_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new token of the same app."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_clean(user_input)}
            errors, unique_id = await validate_token(self.hass, data)
            if unique_id is not None:
                await self.async_set_unique_id(unique_id)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="moonsense_reauth", data_schema=REAUTH_SCHEMA, errors=errors
        )

    async def async_step_moonsense_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the token, root domain or region (same app)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_clean(user_input)}
            errors, unique_id = await validate_token(self.hass, data)
            if unique_id is not None:
                await self.async_set_unique_id(unique_id)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="moonsense_reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                TOKEN_SCHEMA,
                user_input
                or {CONF_ROOT: entry.data.get(CONF_ROOT), CONF_REGION: entry.data.get(CONF_REGION)},
            ),
            errors=errors,
        )


class MoonsenseOptionsFlow(ReloadingOptionsFlow):
    """Options: polling interval and the labels sessions must carry; shows the webhook URL."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Go to the Moonsense options form."""
        return await self.async_step_moonsense_options()

    async def async_step_moonsense_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the interval (30 to 3600 s) and the labels (none: every session)."""
        if user_input is not None:
            return self.async_create_entry(
                data={
                    CONF_SCAN_INTERVAL: int(user_input[CONF_SCAN_INTERVAL]),
                    CONF_LABELS: [
                        label.strip() for label in user_input.get(CONF_LABELS, []) if label.strip()
                    ],
                }
            )
        schema = vol.Schema(
            {
                vol.Required(CONF_SCAN_INTERVAL): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_SCAN_INTERVAL,
                        max=MAX_SCAN_INTERVAL,
                        step=1,
                        unit_of_measurement="s",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
                vol.Optional(CONF_LABELS): SelectSelector(
                    SelectSelectorConfig(options=[], multiple=True, custom_value=True)
                ),
            }
        )
        options = self.config_entry.options
        return self.async_show_form(
            step_id="moonsense_options",
            data_schema=self.add_suggested_values_to_schema(
                schema,
                {
                    CONF_SCAN_INTERVAL: options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL),
                    CONF_LABELS: options.get(CONF_LABELS, []),
                },
            ),
            description_placeholders={
                "webhook_url": sender_url(self.hass, self.config_entry) or "-"
            },
        )
