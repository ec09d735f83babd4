"""Config flow steps of the FaceSpace provider: API key, reauth, reconfigure, options."""

from __future__ import annotations

from collections.abc import Mapping
import secrets
from typing import Any

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant

from ... import flow
from ...const import CONF_SCAN_INTERVAL
from ...identity import account_digest
from ...models import SitewatchConfigEntry
from ...schema import vol
from ...webhook import sender_url
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
    CONF_WEBHOOK_ID,
    POLLING,
    PROVIDER_FACESPACE,
    PUSH_SECRET_HEADER,
)
from .coordinator import client_from_data

KEY_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_API_KEY): flow.PASSWORD_SELECTOR,
        vol.Optional(CONF_BASE_URL, default=DEFAULT_BASE_URL): flow.URL_SELECTOR,
    }
)
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_API_KEY): flow.PASSWORD_SELECTOR})
CLIENT_ERRORS = flow.ClientErrors(
    "FaceSpace", FaceSpaceApiKeyError, FaceSpaceConnectionError, FaceSpaceError
)


async def validate_key(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """Check the API address (``base_url: invalid_url``), then ask who the cameras see now."""
    if errors := flow.url_errors(CONF_BASE_URL, data.get(CONF_BASE_URL) or DEFAULT_BASE_URL):
        return errors
    client = client_from_data(hass, data)
    return (await flow.async_check_account(client.realtime(), CLIENT_ERRORS))[0]


class FaceSpaceAccountFlow(flow.AccountFlow):
    """The FaceSpace account: its API key (FaceSpace has no account call to name it).

    The entry's unique id is a digest of the key it was added with and stays so: a new key in
    reauth or reconfigure cannot be tied to the account, so it is refused (``wrong_account``)
    only when it is the key of another FaceSpace entry.
    """

    key = PROVIDER_FACESPACE
    schema = KEY_SCHEMA
    reauth_schema = REAUTH_SCHEMA

    async def async_check(
        self, data: Mapping[str, Any], entry: SitewatchConfigEntry | None
    ) -> tuple[dict[str, str], str | None]:
        """Ask who the cameras see now (``validate_key``); the account a key names, if known."""
        digest = account_digest(data[CONF_API_KEY])
        taken = {
            other.unique_id
            for other in self.flow._async_current_entries(include_ignore=True)
            if entry is None or other.entry_id != entry.entry_id
        }
        if entry is not None and digest not in taken:
            digest = str(entry.unique_id)  # a new key of this entry's account, as far as we know
        return await validate_key(self.hass, data), digest

    def title(self, data: Mapping[str, Any]) -> str:
        """``FaceSpace``."""
        return "FaceSpace"

    def initial_options(self) -> dict[str, Any]:
        """The default polling interval, pushes off."""
        return {CONF_SCAN_INTERVAL: POLLING.default, CONF_ACCEPT_PUSH: False}

    def entry_data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The key, and a new webhook id."""
        return {**super().entry_data(data), CONF_WEBHOOK_ID: webhook.async_generate_id()}


class FaceSpaceOptionsFlow(flow.SitewatchOptionsFlow):
    """Options: polling interval, and pushed logs on the webhook with a shared secret."""

    step = "facespace_options"
    polling = POLLING

    @property
    def secret(self) -> str:
        """The push secret: the saved one, or one generated for this flow (saved with it)."""
        if not hasattr(self, "_secret"):
            self._secret: str = self.config_entry.options.get(
                CONF_PUSH_SECRET
            ) or secrets.token_urlsafe(24)
        return self._secret

    def fields(self) -> dict[vol.Marker, Any]:
        """Whether to accept pushes."""
        return {vol.Required(CONF_ACCEPT_PUSH): bool}

    def field_defaults(self) -> dict[str, Any]:
        """Pushes off."""
        return {CONF_ACCEPT_PUSH: False}

    def placeholders(self) -> dict[str, str]:
        """The webhook URL, the header and the secret to give FaceSpace."""
        return {
            "webhook_url": sender_url(self.hass, self.config_entry) or "-",
            "header": PUSH_SECRET_HEADER,
            "secret": self.secret,
        }

    def other_options(self, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """Whether to accept pushes, and the secret."""
        return {CONF_ACCEPT_PUSH: user_input[CONF_ACCEPT_PUSH], CONF_PUSH_SECRET: self.secret}
