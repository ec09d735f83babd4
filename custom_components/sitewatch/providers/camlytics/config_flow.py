"""Config flow steps of the Camlytics provider: keys, reauth, reconfigure, options."""

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
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from yarl import URL

from ...const import CONF_PROVIDER, LOGGER
from ...flow import ReloadingOptionsFlow
from ...identity import account_digest
from ...schema import vol
from ...webhook import sender_url
from . import CamlyticsRuntime, async_nonce_source, client_from_data
from .api import (
    DEFAULT_BASE_URL,
    CamlyticsAuthenticationError,
    CamlyticsConnectionError,
    CamlyticsError,
    CamlyticsRateLimitError,
)
from .const import (
    CONF_BASE_URL,
    CONF_LOCATIONS,
    CONF_PUBLIC_KEY,
    CONF_SCAN_INTERVAL,
    CONF_SECRET_KEY,
    CONF_WEBHOOK_ID,
    DEFAULT_SCAN_INTERVAL,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    PROVIDER_CAMLYTICS,
)

PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
KEYS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_PUBLIC_KEY): str,
        vol.Required(CONF_SECRET_KEY): PASSWORD,
        vol.Optional(CONF_BASE_URL, default=DEFAULT_BASE_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
    }
)
REAUTH_SCHEMA = vol.Schema(
    {vol.Required(CONF_PUBLIC_KEY): str, vol.Required(CONF_SECRET_KEY): PASSWORD}
)


def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {
        key: value.strip() if isinstance(value, str) else value for key, value in user_input.items()
    }
    if CONF_BASE_URL in cleaned:
        cleaned[CONF_BASE_URL] = cleaned[CONF_BASE_URL].rstrip("/")
    return cleaned


async def validate_keys(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """List the locations with ``data``; return the form errors (empty if fine).

    Errors: ``base_url: invalid_url``; ``base: invalid_auth`` (keys or signature refused);
    ``base: cannot_connect`` (unreachable, timed out, or still rate limited after retries);
    ``base: unknown`` (an unexpected answer, logged).
    """
    try:
        url = URL(data.get(CONF_BASE_URL) or DEFAULT_BASE_URL)
    except ValueError:
        return {CONF_BASE_URL: "invalid_url"}
    if url.scheme not in ("http", "https") or not url.host:
        return {CONF_BASE_URL: "invalid_url"}
    try:
        nonces = await async_nonce_source(hass, data[CONF_PUBLIC_KEY])
        await client_from_data(hass, dict(data), nonces).locations()
    except CamlyticsAuthenticationError:
        return {"base": "invalid_auth"}
    except (CamlyticsConnectionError, CamlyticsRateLimitError):
        return {"base": "cannot_connect"}
    except CamlyticsError:
        LOGGER.exception("Unexpected answer from Camlytics")
        return {"base": "unknown"}
    return {}


class CamlyticsConfigFlowMixin(ConfigFlow):
    """The Camlytics steps of the Sitewatch config flow."""

    async def async_step_camlytics(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API keys and check them by listing the locations."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _clean(user_input)
            await self.async_set_unique_id(account_digest(data[CONF_PUBLIC_KEY]))
            self._abort_if_unique_id_configured()
            if not (errors := await validate_keys(self.hass, data)):
                return self.async_create_entry(
                    title="Camlytics",
                    data={
                        CONF_PROVIDER: PROVIDER_CAMLYTICS,
                        **data,
                        CONF_WEBHOOK_ID: webhook.async_generate_id(),
                    },
                    options={CONF_SCAN_INTERVAL: DEFAULT_SCAN_INTERVAL, CONF_LOCATIONS: []},
                )
        return self.async_show_form(
            step_id="camlytics",
            data_schema=self.add_suggested_values_to_schema(KEYS_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_camlytics_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the keys again (the public key must stay the same)."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_clean(user_input)}
            await self.async_set_unique_id(account_digest(data[CONF_PUBLIC_KEY]))
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            if not (errors := await validate_keys(self.hass, data)):
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="camlytics_reauth",
            data_schema=self.add_suggested_values_to_schema(
                REAUTH_SCHEMA, {CONF_PUBLIC_KEY: entry.data[CONF_PUBLIC_KEY]}
            ),
            errors=errors,
        )

    async def async_step_camlytics_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the secret key or the API address (the public key must stay the same)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_clean(user_input)}
            await self.async_set_unique_id(account_digest(data[CONF_PUBLIC_KEY]))
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            if not (errors := await validate_keys(self.hass, data)):
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="camlytics_reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                KEYS_SCHEMA, user_input or dict(entry.data)
            ),
            errors=errors,
        )


class CamlyticsOptionsFlow(ReloadingOptionsFlow):
    """Options of a Camlytics entry: polling interval, locations, and the webhook URL."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the polling interval and the locations to include."""
        if user_input is not None:
            return self.async_create_entry(
                data={
                    CONF_SCAN_INTERVAL: int(user_input[CONF_SCAN_INTERVAL]),
                    CONF_LOCATIONS: user_input.get(CONF_LOCATIONS, []),
                }
            )
        runtime = getattr(self.config_entry, "runtime_data", None)
        locations = (
            runtime.coordinator.data.locations if isinstance(runtime, CamlyticsRuntime) else {}
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
                vol.Optional(CONF_LOCATIONS): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(value=str(lid), label=location.name)
                            for lid, location in locations.items()
                        ],
                        multiple=True,
                    )
                ),
            }
        )
        return self.async_show_form(
            step_id="camlytics_options",
            data_schema=self.add_suggested_values_to_schema(
                schema,
                {
                    CONF_SCAN_INTERVAL: self.config_entry.options.get(
                        CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL
                    ),
                    CONF_LOCATIONS: self.config_entry.options.get(CONF_LOCATIONS, []),
                },
            ),
            description_placeholders={
                "webhook_url": sender_url(self.hass, self.config_entry) or "-"
            },
        )

    async def async_step_camlytics_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The form's own step id (its own texts); same handling as init."""
        return await self.async_step_init(user_input)
