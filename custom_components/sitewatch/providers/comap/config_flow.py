"""Config flow steps of the ComAp WebSupervisor provider (account, reauth, reconfigure, options)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import callback
from homeassistant.data_entry_flow import section

from ... import flow
from ...const import CONF_SCAN_INTERVAL
from ...identity import account_digest
from ...models import SitewatchConfigEntry
from ...schema import vol
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
    CONF_SECRET,
    POLLING,
    PROVIDER_COMAP,
)
from .coordinator import client_from_data
from .runtime import ComapRuntime

DEFAULT_TITLE = "ComAp WebSupervisor"
"""Title of a ComAp entry (numbered when another entry has it); never the login id."""

ACCOUNT_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_COMAP_KEY): flow.PASSWORD_SELECTOR,
        vol.Required(CONF_CLIENT_ID): str,
        vol.Required(CONF_SECRET): flow.PASSWORD_SELECTOR,
        vol.Required(CONF_LOGIN_ID): str,
        vol.Required(CONF_ADVANCED): section(
            vol.Schema({vol.Required(CONF_BASE_URL, default=DEFAULT_BASE_URL): flow.URL_SELECTOR}),
            {"collapsed": True},
        ),
    }
)
REAUTH_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_COMAP_KEY): flow.PASSWORD_SELECTOR,
        vol.Required(CONF_SECRET): flow.PASSWORD_SELECTOR,
    }
)
CLIENT_ERRORS = flow.ClientErrors(
    "the ComAp API",
    ComapAuthenticationError,
    (ComapConnectionError, ComapRateLimitError),  # rate limited: cannot connect now
    ComapError,
)


class ComapAccountFlow(flow.AccountFlow):
    """The ComAp account: Comap-Key, client id and secret, and the login id it acts as."""

    key = PROVIDER_COMAP
    schema = ACCOUNT_SCHEMA
    reauth_schema = REAUTH_SCHEMA

    def initial_options(self) -> dict[str, Any]:
        """Poll every 60 s."""
        return {CONF_SCAN_INTERVAL: POLLING.default}

    def clean(self, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """Strip the texts, and the trailing ``/`` of the API address."""
        cleaned = flow.strip_texts(user_input)
        if CONF_ADVANCED in cleaned:
            base_url: str = cleaned[CONF_ADVANCED].get(CONF_BASE_URL, DEFAULT_BASE_URL)
            cleaned[CONF_ADVANCED] = {CONF_BASE_URL: base_url.strip().rstrip("/")}
        return cleaned

    def account_of(self, data: Mapping[str, Any]) -> str:
        """A digest of the login id (never the login id itself)."""
        return account_digest(data[CONF_LOGIN_ID])

    async def async_check(
        self, data: Mapping[str, Any], entry: SitewatchConfigEntry | None
    ) -> tuple[dict[str, str], None]:
        """Check the API address (``advanced: invalid_url``), then list the units."""
        base_url = data.get(CONF_ADVANCED, {}).get(CONF_BASE_URL, DEFAULT_BASE_URL)
        if errors := flow.url_errors(CONF_ADVANCED, base_url):
            return errors, None
        client = client_from_data(self.hass, dict(data))
        return (await flow.async_check_account(client.units(), CLIENT_ERRORS))[0], None

    def title(self, data: Mapping[str, Any]) -> str:
        """``ComAp WebSupervisor``, numbered when taken: a title without the login id."""
        return self.numbered_title(DEFAULT_TITLE)

    def reauth_placeholders(self, entry: SitewatchConfigEntry) -> dict[str, str]:
        """The login id whose credentials are asked for."""
        return {"login_id": entry.data[CONF_LOGIN_ID]}


class ComapOptionsFlow(flow.SitewatchOptionsFlow):
    """Options of a ComAp entry: the polling interval, applied without a reload."""

    reload = False
    polling = POLLING

    @callback
    def apply(self, options: Mapping[str, Any]) -> None:
        """Poll at the new interval from the next refresh on."""
        entry = self.config_entry
        if entry.state is ConfigEntryState.LOADED and isinstance(
            runtime := entry.runtime_data, ComapRuntime
        ):
            runtime.coordinator.set_poll_interval(POLLING.of(options))
