"""Config flow steps of the Moonsense provider: token, reauth, reconfigure, options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
)

from ... import flow
from ...const import CONF_SCAN_INTERVAL
from ...identity import account_digest
from ...models import SitewatchConfigEntry
from ...schema import vol
from ...webhook import sender_url
from .api import (
    DEFAULT_REGION,
    DEFAULT_ROOT,
    MAX_ID_TEXT,
    MoonsenseAuthenticationError,
    MoonsenseConnectionError,
    MoonsenseError,
)
from .const import (
    CONF_JOURNEY,
    CONF_LABELS,
    CONF_PLATFORMS,
    CONF_REGION,
    CONF_ROOT,
    CONF_TOKEN,
    CONF_WEBHOOK_ID,
    DEFAULT_TITLE,
    PLATFORMS,
    POLLING,
    PROVIDER_MOONSENSE,
)
from .coordinator import client_from_data

TOKEN_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_TOKEN): flow.PASSWORD_SELECTOR,
        vol.Optional(CONF_ROOT, default=DEFAULT_ROOT): str,
        vol.Optional(CONF_REGION, default=DEFAULT_REGION): str,
    }
)
PLATFORM_SELECTOR = "moonsense_platform"
"""The platform names' translations (``selector`` in the translations)."""
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_TOKEN): flow.PASSWORD_SELECTOR})


def app_account(me: Mapping[str, str]) -> str:
    """``<project_id>/<app_id>`` of a token's description (``-`` for a missing one).

    Never stored or shown: entries are named by its ``account_digest``.
    """
    return f"{me.get('project_id') or '-'}/{me.get('app_id') or '-'}"


CLIENT_ERRORS = flow.ClientErrors(
    "Moonsense", MoonsenseAuthenticationError, MoonsenseConnectionError, MoonsenseError
)


async def validate_token(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> tuple[dict[str, str], str | None]:
    """Ask who the token is (``GET /v2/tokens/self``); return the form errors and the unique id.

    Errors: those of ``flow.async_check_account``. The unique id is the ``account_digest`` of
    ``<project_id>/<app_id>`` (``app_account``).
    """
    errors, me = await flow.async_check_account(
        client_from_data(hass, data).whoami(), CLIENT_ERRORS
    )
    return errors, None if me is None else account_digest(app_account(me))


class MoonsenseAccountFlow(flow.AccountFlow):
    """The Moonsense app a secret token belongs to (who-am-I names it)."""

    key = PROVIDER_MOONSENSE
    schema = TOKEN_SCHEMA
    reauth_schema = REAUTH_SCHEMA

    def clean(self, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """Strip the texts and any trailing ``/``."""
        return {
            key: value.rstrip("/") if isinstance(value, str) else value
            for key, value in flow.strip_texts(user_input).items()
        }

    async def async_check(
        self, data: Mapping[str, Any], entry: SitewatchConfigEntry | None
    ) -> tuple[dict[str, str], str | None]:
        """Ask who the token is (``validate_token``)."""
        return await validate_token(self.hass, data)

    def title(self, data: Mapping[str, Any]) -> str:
        """``Moonsense``, numbered when taken: a title without the app id."""
        return self.numbered_title(DEFAULT_TITLE)

    def initial_options(self) -> dict[str, Any]:
        """The default polling interval, every session."""
        return {CONF_SCAN_INTERVAL: POLLING.default, CONF_LABELS: []}

    def entry_data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The token, root domain and region, and a new webhook id."""
        return {**super().entry_data(data), CONF_WEBHOOK_ID: webhook.async_generate_id()}

    def reconfigure_suggested(self, entry: SitewatchConfigEntry) -> Mapping[str, Any]:
        """The root domain and region (not the token)."""
        return {CONF_ROOT: entry.data.get(CONF_ROOT), CONF_REGION: entry.data.get(CONF_REGION)}


class MoonsenseOptionsFlow(flow.SitewatchOptionsFlow):
    """Options: polling interval, labels, journey and platforms; shows the webhook URL."""

    step = "moonsense_options"
    polling = POLLING

    def fields(self) -> dict[vol.Marker, Any]:
        """The labels a session must carry, its journey and its platforms (none: any)."""
        return {
            vol.Optional(CONF_LABELS): SelectSelector(
                SelectSelectorConfig(options=[], multiple=True, custom_value=True)
            ),
            vol.Optional(CONF_JOURNEY): TextSelector(),
            vol.Optional(CONF_PLATFORMS): SelectSelector(
                SelectSelectorConfig(
                    options=list(PLATFORMS), multiple=True, translation_key=PLATFORM_SELECTOR
                )
            ),
        }

    def field_defaults(self) -> dict[str, Any]:
        """Every session."""
        return {CONF_LABELS: [], CONF_JOURNEY: "", CONF_PLATFORMS: []}

    def placeholders(self) -> dict[str, str]:
        """The webhook URL to give Moonsense."""
        return {"webhook_url": sender_url(self.hass, self.config_entry) or "-"}

    def other_options(self, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """The labels, stripped, without empty ones; the journey stripped; known platforms.

        The journey is an id as the API filters on it (at most ``MAX_ID_TEXT`` characters); the
        journey and the platforms are stored only when set (an entry without them is unchanged).
        """
        labels = [label.strip() for label in user_input.get(CONF_LABELS, []) if label.strip()]
        journey = str(user_input.get(CONF_JOURNEY) or "").strip()[:MAX_ID_TEXT]
        platforms = [p for p in PLATFORMS if p in user_input.get(CONF_PLATFORMS, [])]
        options: dict[str, Any] = {CONF_LABELS: labels}
        if journey:
            options[CONF_JOURNEY] = journey
        if platforms:
            options[CONF_PLATFORMS] = platforms
        return options
