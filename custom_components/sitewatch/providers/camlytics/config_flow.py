"""Config flow steps of the Camlytics provider: keys, reauth, reconfigure, options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components import webhook
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
)

from ... import flow
from ...const import CONF_SCAN_INTERVAL
from ...identity import account_digest
from ...models import SitewatchConfigEntry
from ...schema import vol
from ...webhook import sender_url
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
    CONF_REPORT_FEEDS,
    CONF_SECRET_KEY,
    CONF_WEBHOOK_ID,
    POLLING,
    PROVIDER_CAMLYTICS,
)
from .coordinator import async_nonce_source, client_from_data, feed_option
from .runtime import CamlyticsRuntime

KEYS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_PUBLIC_KEY): str,
        vol.Required(CONF_SECRET_KEY): flow.PASSWORD_SELECTOR,
        vol.Optional(CONF_BASE_URL, default=DEFAULT_BASE_URL): flow.URL_SELECTOR,
    }
)
REAUTH_SCHEMA = vol.Schema(
    {vol.Required(CONF_PUBLIC_KEY): str, vol.Required(CONF_SECRET_KEY): flow.PASSWORD_SELECTOR}
)
CLIENT_ERRORS = flow.ClientErrors(
    "Camlytics",
    CamlyticsAuthenticationError,  # keys or signature refused
    (CamlyticsConnectionError, CamlyticsRateLimitError),  # still rate limited after retries
    CamlyticsError,
)


class CamlyticsAccountFlow(flow.AccountFlow):
    """The Camlytics account: its public and secret API keys (the public key names it)."""

    key = PROVIDER_CAMLYTICS
    schema = KEYS_SCHEMA
    reauth_schema = REAUTH_SCHEMA

    def account_of(self, data: Mapping[str, Any]) -> str:
        """A digest of the public key."""
        return account_digest(data[CONF_PUBLIC_KEY])

    async def async_check(
        self, data: Mapping[str, Any], entry: SitewatchConfigEntry | None
    ) -> tuple[dict[str, str], None]:
        """Check the API address (``base_url: invalid_url``), then list the locations."""
        if errors := flow.url_errors(CONF_BASE_URL, data.get(CONF_BASE_URL) or DEFAULT_BASE_URL):
            return errors, None
        nonces = await async_nonce_source(self.hass, data[CONF_PUBLIC_KEY])
        client = client_from_data(self.hass, dict(data), nonces)
        return (await flow.async_check_account(client.locations(), CLIENT_ERRORS))[0], None

    def title(self, data: Mapping[str, Any]) -> str:
        """``Camlytics``."""
        return "Camlytics"

    def initial_options(self) -> dict[str, Any]:
        """The default polling interval, every location."""
        return {CONF_SCAN_INTERVAL: POLLING.default, CONF_LOCATIONS: []}

    def entry_data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The keys, and a new webhook id."""
        return {**super().entry_data(data), CONF_WEBHOOK_ID: webhook.async_generate_id()}

    def reauth_suggested(self, entry: SitewatchConfigEntry) -> Mapping[str, Any]:
        """The entry's public key."""
        return {CONF_PUBLIC_KEY: entry.data[CONF_PUBLIC_KEY]}


class CamlyticsOptionsFlow(flow.SitewatchOptionsFlow):
    """Options of a Camlytics entry: polling interval, locations, and the webhook URL."""

    step = "camlytics_options"
    polling = POLLING

    def fields(self) -> dict[vol.Marker, Any]:
        """The locations to include (none: every location), and the report feeds to read."""
        runtime = getattr(self.config_entry, "runtime_data", None)
        locations = (
            runtime.coordinator.data.locations if isinstance(runtime, CamlyticsRuntime) else {}
        )
        options = [
            SelectOptionDict(value=str(lid), label=location.name)
            for lid, location in locations.items()
        ]
        return {
            vol.Optional(CONF_LOCATIONS): SelectSelector(
                SelectSelectorConfig(options=options, multiple=True)
            ),
            vol.Optional(CONF_REPORT_FEEDS): TextSelector(TextSelectorConfig(multiple=True)),
        }

    def field_defaults(self) -> dict[str, Any]:
        """Every location, no report feed."""
        return {CONF_LOCATIONS: [], CONF_REPORT_FEEDS: []}

    def other_options(self, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """The options; each report feed as ``<target> = <feed id>`` (``feed_option``).

        An entry without a target or a feed id is left out (at most 100 entries are kept).
        """
        options = super().other_options(user_input)
        entries = options.get(CONF_REPORT_FEEDS) or []
        feeds = [feed_option(entry) for entry in entries[:100] if isinstance(entry, str)]
        options[CONF_REPORT_FEEDS] = [entry for entry in feeds if entry is not None]
        return options

    def placeholders(self) -> dict[str, str]:
        """The webhook URL to give Camlytics."""
        return {"webhook_url": sender_url(self.hass, self.config_entry) or "-"}
