"""Config flow steps of the FaceSpace provider: API key, reauth, reconfigure, options."""

from __future__ import annotations

from collections.abc import Mapping
import secrets
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.core import HomeAssistant
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
from ...flow import ReloadingOptionsFlow
from ...schema import vol
from ...webhook import sender_url
from . import account_id, client_from_data
from .api import (
    DEFAULT_BASE_URL,
    FaceSpaceApiKeyError,
    FaceSpaceConnectionError,
    FaceSpaceError,
)
from .const import (
    CONF_ACCEPT_PUSH,
    CONF_API_KEY,
    CONF_BASE_URL,
    CONF_PUSH_SECRET,
    CONF_SCAN_INTERVAL,
    CONF_WEBHOOK_ID,
    DEFAULT_SCAN_INTERVAL,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    PROVIDER_FACESPACE,
    PUSH_SECRET_HEADER,
)

PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
KEY_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_API_KEY): PASSWORD,
        vol.Optional(CONF_BASE_URL, default=DEFAULT_BASE_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
    }
)
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_API_KEY): PASSWORD})


def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {
        key: value.strip() if isinstance(value, str) else value for key, value in user_input.items()
    }
    if CONF_BASE_URL in cleaned:
        cleaned[CONF_BASE_URL] = cleaned[CONF_BASE_URL].rstrip("/")
    return cleaned


async def validate_key(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """Ask who the cameras see now with ``data``; return the form errors (empty if fine).

    Errors: ``base_url: invalid_url``; ``base: invalid_auth``; ``base: cannot_connect``;
    ``base: unknown`` (an unexpected answer, logged).
    """
    try:
        url = URL(data.get(CONF_BASE_URL) or DEFAULT_BASE_URL)
    except ValueError:
        return {CONF_BASE_URL: "invalid_url"}
    if url.scheme not in ("http", "https") or not url.host:
        return {CONF_BASE_URL: "invalid_url"}
    try:
        await client_from_data(hass, data).realtime()
    except FaceSpaceApiKeyError:
        return {"base": "invalid_auth"}
    except FaceSpaceConnectionError:
        return {"base": "cannot_connect"}
    except FaceSpaceError:
        LOGGER.exception("Unexpected answer from FaceSpace")
        return {"base": "unknown"}
    return {}


class FaceSpaceConfigFlowMixin(ConfigFlow):
    """The FaceSpace steps of the Sitewatch config flow."""

    async def async_step_facespace(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API key and check it."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _clean(user_input)
            await self.async_set_unique_id(account_id(data[CONF_API_KEY]))
            self._abort_if_unique_id_configured()
            if not (errors := await validate_key(self.hass, data)):
                return self.async_create_entry(
                    title="FaceSpace",
                    data={
                        CONF_PROVIDER: PROVIDER_FACESPACE,
                        **data,
                        CONF_WEBHOOK_ID: webhook.async_generate_id(),
                    },
                    options={CONF_SCAN_INTERVAL: DEFAULT_SCAN_INTERVAL, CONF_ACCEPT_PUSH: False},
                )
        return self.async_show_form(
            step_id="facespace",
            data_schema=self.add_suggested_values_to_schema(KEY_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_facespace_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API key again (of the same account)."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_clean(user_input)}
            if not (errors := await validate_key(self.hass, data)):
                return self.async_update_reload_and_abort(
                    entry, data=data, unique_id=account_id(data[CONF_API_KEY])
                )
        return self.async_show_form(
            step_id="facespace_reauth", data_schema=REAUTH_SCHEMA, errors=errors
        )

    async def async_step_facespace_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API key or the API address."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_clean(user_input)}
            if not (errors := await validate_key(self.hass, data)):
                return self.async_update_reload_and_abort(
                    entry, data=data, unique_id=account_id(data[CONF_API_KEY])
                )
        return self.async_show_form(
            step_id="facespace_reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                KEY_SCHEMA, user_input or {CONF_BASE_URL: entry.data.get(CONF_BASE_URL)}
            ),
            errors=errors,
        )


class FaceSpaceOptionsFlow(ReloadingOptionsFlow):
    """Options: polling interval, and pushed logs on the webhook with a shared secret."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Go to the FaceSpace options form."""
        return await self.async_step_facespace_options()

    async def async_step_facespace_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the interval (2 to 300 s) and whether to accept pushes."""
        options = self.config_entry.options
        if not hasattr(self, "_secret"):
            # Shown with the URL, then saved: generated once per flow, kept once saved.
            self._secret: str = options.get(CONF_PUSH_SECRET) or secrets.token_urlsafe(24)
        secret = self._secret
        if user_input is not None:
            return self.async_create_entry(
                data={
                    CONF_SCAN_INTERVAL: int(user_input[CONF_SCAN_INTERVAL]),
                    CONF_ACCEPT_PUSH: user_input[CONF_ACCEPT_PUSH],
                    CONF_PUSH_SECRET: secret,
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
                vol.Required(CONF_ACCEPT_PUSH): bool,
            }
        )
        return self.async_show_form(
            step_id="facespace_options",
            data_schema=self.add_suggested_values_to_schema(
                schema,
                {
                    CONF_SCAN_INTERVAL: options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL),
                    CONF_ACCEPT_PUSH: options.get(CONF_ACCEPT_PUSH, False),
                },
            ),
            description_placeholders={
                "webhook_url": sender_url(self.hass, self.config_entry) or "-",
                "header": PUSH_SECRET_HEADER,
                "secret": secret,
            },
        )
