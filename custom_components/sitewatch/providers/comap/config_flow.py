"""Config flow steps of the ComAp WebSupervisor provider (user, reauth, reconfigure, options)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from yarl import URL

from ...const import CONF_PROVIDER, LOGGER
from ...identity import account_digest
from ...schema import vol
from . import ComapRuntime, client_from_data, neutral_title
from .api import (
    DEFAULT_BASE_URL,
    ComapAuthenticationError,
    ComapConnectionError,
    ComapError,
    ComapRateLimitError,
)
from .const import (
    CONF_ADVANCED,
    CONF_BASE_URL,
    CONF_CLIENT_ID,
    CONF_COMAP_KEY,
    CONF_LOGIN_ID,
    CONF_SCAN_INTERVAL,
    CONF_SECRET,
    DEFAULT_SCAN_INTERVAL,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    PROVIDER_COMAP,
)

PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


def _account_schema() -> vol.Schema:
    """Fields of the user and reconfigure steps."""
    return vol.Schema(
        {
            vol.Required(CONF_COMAP_KEY): PASSWORD,
            vol.Required(CONF_CLIENT_ID): str,
            vol.Required(CONF_SECRET): PASSWORD,
            vol.Required(CONF_LOGIN_ID): str,
            vol.Required(CONF_ADVANCED): section(
                vol.Schema({vol.Required(CONF_BASE_URL, default=DEFAULT_BASE_URL): URL_SELECTOR}),
                {"collapsed": True},
            ),
        }
    )


REAUTH_SCHEMA = vol.Schema(
    {vol.Required(CONF_COMAP_KEY): PASSWORD, vol.Required(CONF_SECRET): PASSWORD}
)


def _valid_base_url(text: str) -> bool:
    """Whether ``text`` is an absolute http(s) URL."""
    try:
        url = URL(text.strip())
    except ValueError:
        return False
    return url.scheme in ("http", "https") and bool(url.host)


async def validate_account(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """Authenticate and list the units with ``data``; return the form errors (empty if fine).

    Errors: ``base_url: invalid_url``, ``base: invalid_auth`` (key, client id, secret or login
    id refused), ``base: cannot_connect`` (unreachable, timed out or rate limited),
    ``base: unknown`` (anything else, logged).
    """
    if not _valid_base_url(data.get(CONF_ADVANCED, {}).get(CONF_BASE_URL, DEFAULT_BASE_URL)):
        return {CONF_ADVANCED: "invalid_url"}
    try:
        await client_from_data(hass, dict(data)).units()
    except ComapAuthenticationError:
        return {"base": "invalid_auth"}
    except (ComapConnectionError, ComapRateLimitError):
        return {"base": "cannot_connect"}
    except ComapError:
        LOGGER.exception("Unexpected answer from the ComAp API")
        return {"base": "unknown"}
    return {}


def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Strip the text fields the user typed."""
    cleaned: dict[str, Any] = {
        key: value.strip() if isinstance(value, str) else value for key, value in user_input.items()
    }
    if CONF_ADVANCED in cleaned:
        base_url: str = cleaned[CONF_ADVANCED].get(CONF_BASE_URL, DEFAULT_BASE_URL)
        cleaned[CONF_ADVANCED] = {CONF_BASE_URL: base_url.strip().rstrip("/")}
    return cleaned


class ComapConfigFlowMixin(ConfigFlow):
    """The ComAp steps of the Sitewatch config flow."""

    def _neutral_comap_title(self) -> str:
        """``ComAp WebSupervisor``, numbered when taken: a title without the login id.

        The login id is an account identifier and stays private; the user may rename the entry.
        """
        return neutral_title(
            {entry.title for entry in self._async_current_entries(include_ignore=True)}
        )

    async def async_step_comap(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the account, check it by listing units, and create the entry."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _clean(user_input)
            await self.async_set_unique_id(account_digest(data[CONF_LOGIN_ID]))
            self._abort_if_unique_id_configured()
            if not (errors := await validate_account(self.hass, data)):
                return self.async_create_entry(
                    title=self._neutral_comap_title(),
                    data={CONF_PROVIDER: PROVIDER_COMAP, **data},
                    options={CONF_SCAN_INTERVAL: DEFAULT_SCAN_INTERVAL},
                )
        return self.async_show_form(
            step_id="comap",
            data_schema=self.add_suggested_values_to_schema(_account_schema(), user_input),
            errors=errors,
        )

    async def async_step_comap_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new Comap-Key and secret and check them."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            updates = _clean(user_input)
            if not (errors := await validate_account(self.hass, {**entry.data, **updates})):
                return self.async_update_reload_and_abort(entry, data_updates=updates)
        return self.async_show_form(
            step_id="comap_reauth",
            data_schema=REAUTH_SCHEMA,
            errors=errors,
            description_placeholders={"login_id": entry.data[CONF_LOGIN_ID]},
        )

    async def async_step_comap_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change any field of the account; the login id must stay the same account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _clean(user_input)
            await self.async_set_unique_id(account_digest(data[CONF_LOGIN_ID]))
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            if not (errors := await validate_account(self.hass, data)):
                return self.async_update_reload_and_abort(entry, data_updates=data)
        return self.async_show_form(
            step_id="comap_reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _account_schema(), user_input or dict(entry.data)
            ),
            errors=errors,
        )


class ComapOptionsFlow(OptionsFlow):
    """Options of a ComAp entry: the polling interval, applied without a reload."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the polling interval (seconds, 30 to 3600)."""
        if user_input is not None:
            seconds = int(user_input[CONF_SCAN_INTERVAL])
            entry = self.config_entry
            if entry.state is ConfigEntryState.LOADED and isinstance(
                runtime := entry.runtime_data, ComapRuntime
            ):
                runtime.coordinator.set_poll_interval(timedelta(seconds=seconds))
            return self.async_create_entry(data={CONF_SCAN_INTERVAL: seconds})
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
                )
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                schema,
                {
                    CONF_SCAN_INTERVAL: self.config_entry.options.get(
                        CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL
                    )
                },
            ),
        )
