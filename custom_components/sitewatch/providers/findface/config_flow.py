"""Config flow steps of the FindFace Multi provider: server, webhook, reauth, reconfigure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
import uuid

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)
from yarl import URL

from ... import flow
from ...const import LOGGER
from ...identity import account_digest
from ...models import SitewatchConfigEntry
from ...schema import vol
from ...webhook import async_create_cloudhook, webhook_urls
from .api import (
    SECTIONS,
    FindFaceAuthenticationError,
    FindFaceClient,
    FindFaceConnectionError,
    FindFaceError,
)
from .const import (
    CONF_BATCH_SIZE,
    CONF_CLIENT_UUID,
    CONF_CLOUDHOOK_URL,
    CONF_HOOK_IDS,
    CONF_MATCHED_ONLY,
    CONF_PASSWORD,
    CONF_REGISTER_HOOKS,
    CONF_SEND_ATTEMPTS,
    CONF_TOKEN,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    PROVIDER_FINDFACE,
)
from .coordinator import client_from_data

CREDENTIALS: dict[vol.Marker, Any] = {
    vol.Optional(CONF_TOKEN): flow.PASSWORD_SELECTOR,
    vol.Optional(CONF_USERNAME): str,
    vol.Optional(CONF_PASSWORD): flow.PASSWORD_SELECTOR,
}
SERVER_FIELDS: dict[vol.Marker, Any] = {
    vol.Required(CONF_URL): flow.URL_SELECTOR,
    vol.Required(CONF_VERIFY_SSL, default=True): bool,
}
SERVER_SCHEMA = vol.Schema({**SERVER_FIELDS, **CREDENTIALS})
REAUTH_SCHEMA = vol.Schema(CREDENTIALS)
WEBHOOK_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_REGISTER_HOOKS, default=True): bool,
        vol.Required(CONF_MATCHED_ONLY, default=False): bool,
        vol.Required(CONF_BATCH_SIZE, default=1): NumberSelector(
            NumberSelectorConfig(min=1, max=100, step=1, mode=NumberSelectorMode.BOX)
        ),
        vol.Required(CONF_SEND_ATTEMPTS, default=10): NumberSelector(
            NumberSelectorConfig(min=0, max=100, step=1, mode=NumberSelectorMode.BOX)
        ),
    }
)


def server_id(url: str) -> str:
    """The server's scheme, host and port, lower-cased: the account an entry is for."""
    parsed = URL(url)
    return f"{parsed.scheme}://{(parsed.host or '').lower()}:{parsed.port}"


def server_account(url: str) -> str:
    """The entry's unique id: a digest of ``server_id`` (the address never appears in ids)."""
    return account_digest(server_id(url))


def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Strip text fields and drop empty credentials."""
    cleaned: dict[str, Any] = {}
    for key, value in user_input.items():
        value = value.strip() if isinstance(value, str) else value
        if value != "":
            cleaned[key] = value
    if CONF_URL in cleaned:
        cleaned[CONF_URL] = cleaned[CONF_URL].rstrip("/")
    return cleaned


def _with_new_credentials(
    entry_data: Mapping[str, Any], updates: Mapping[str, Any]
) -> dict[str, Any]:
    """Entry data with ``updates`` applied; the old token or user name and password dropped."""
    kept = {
        key: value
        for key, value in entry_data.items()
        if key not in (CONF_TOKEN, CONF_USERNAME, CONF_PASSWORD)
    }
    return {**kept, **updates}


CLIENT_ERRORS = flow.ClientErrors(
    "the FindFace server",
    FindFaceAuthenticationError,
    FindFaceConnectionError,  # unreachable, TLS failure, timeout
    FindFaceError,
)


async def validate_server(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """List the cameras with ``data``; return the form errors (empty if fine).

    Errors: ``url: invalid_url``; ``base: missing_credentials`` (neither a token nor a user name
    and password); and those of ``flow.async_check_account``.
    """
    if errors := flow.url_errors(CONF_URL, data[CONF_URL]):
        return errors
    if not data.get(CONF_TOKEN) and not (data.get(CONF_USERNAME) and data.get(CONF_PASSWORD)):
        return {"base": "missing_credentials"}
    client = client_from_data(hass, dict(data))
    return (await flow.async_check_account(client.cameras(), CLIENT_ERRORS))[0]


async def register_hooks(
    client: FindFaceClient,
    webhook_url: str,
    *,
    batch_size: int,
    send_attempts: int,
    matched_only: bool,
) -> list[int]:
    """Create one hook per section on the server (``?section=`` in each URL); return their ids.

    With ``matched_only`` a single hook for matched face events is created.
    """
    sections = ["face_events"] if matched_only else list(SECTIONS)
    hook_ids: list[int] = []
    try:
        for section in sections:
            section_filter: dict[str, Any] = {"matched": True} if matched_only else {}
            hook = await client.create_hook(
                f"Home Assistant ({section})",
                str(URL(webhook_url).update_query(section=section)),
                batch_size=batch_size,
                send_attempts=send_attempts,
                filters={section: section_filter},
            )
            hook_ids.append(hook.id)
    except FindFaceError:
        for hook_id in hook_ids:
            await client.delete_hook(hook_id)
        raise
    return hook_ids


class FindFaceAccountFlow(flow.AccountFlow):
    """The FindFace server and its credentials, then its webhooks (step ``findface_webhook``)."""

    key = PROVIDER_FINDFACE
    schema = SERVER_SCHEMA
    reauth_schema = REAUTH_SCHEMA
    wrong_account = "wrong_server"

    def clean(self, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """Strip text fields and drop empty credentials (``_clean``)."""
        return _clean(user_input)

    async def async_check(
        self, data: Mapping[str, Any], entry: SitewatchConfigEntry | None
    ) -> tuple[dict[str, str], str | None]:
        """List the cameras (``validate_server``); the server names the entry (a digest)."""
        errors = await validate_server(self.hass, data)
        return errors, None if errors else server_account(data[CONF_URL])

    def title(self, data: Mapping[str, Any]) -> str:
        """``FindFace <host>``."""
        return f"FindFace {URL(data[CONF_URL]).host}"

    def merged(self, entry: SitewatchConfigEntry, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        """The entry's data with the new fields; the old credentials dropped."""
        return _with_new_credentials(entry.data, cleaned)

    def reauth_placeholders(self, entry: SitewatchConfigEntry) -> dict[str, str]:
        """The server whose credentials are asked for."""
        return {"url": entry.data[CONF_URL]}

    async def async_create(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Keep the checked server, then offer to create its webhooks."""
        self._data = {
            **self.entry_data(data),
            CONF_WEBHOOK_ID: webhook.async_generate_id(),
            CONF_CLIENT_UUID: str(uuid.uuid4()),
        }
        return await self.async_step_webhook()

    async def async_step_webhook(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the webhook URL and offer to create the webhooks on the server."""
        data = self._data
        if CONF_CLOUDHOOK_URL not in data:
            data[CONF_CLOUDHOOK_URL] = await async_create_cloudhook(
                self.hass, data[CONF_WEBHOOK_ID]
            )
        urls = webhook_urls(self.hass, data[CONF_WEBHOOK_ID], data[CONF_CLOUDHOOK_URL])
        errors: dict[str, str] = {}
        if user_input is not None:
            hook_ids: list[int] = []
            if user_input[CONF_REGISTER_HOOKS]:
                if "local" not in urls:
                    errors["base"] = "no_url"
                else:
                    try:
                        hook_ids = await register_hooks(
                            client_from_data(self.hass, data),
                            urls["local"],
                            batch_size=int(user_input[CONF_BATCH_SIZE]),
                            send_attempts=int(user_input[CONF_SEND_ATTEMPTS]),
                            matched_only=user_input[CONF_MATCHED_ONLY],
                        )
                    except FindFaceError as err:
                        LOGGER.warning("Could not create the webhooks on the server: %s", err)
                        errors["base"] = "cannot_register"
            if not errors:
                return self.flow.async_create_entry(
                    title=self.title(data), data={**data, CONF_HOOK_IDS: hook_ids}
                )
        return self.flow.async_show_form(
            step_id="findface_webhook",
            data_schema=self.flow.add_suggested_values_to_schema(WEBHOOK_SCHEMA, user_input),
            errors=errors,
            description_placeholders=_url_placeholders(urls),
        )


class FindFaceOptionsFlow(flow.SitewatchOptionsFlow):
    """Options of a FindFace entry: shows the webhook URL to copy into a hand-made webhook."""

    step = "webhook"
    reload = False

    def placeholders(self) -> dict[str, str]:
        """The URLs to give the server."""
        data = self.config_entry.data
        return _url_placeholders(
            webhook_urls(self.hass, data[CONF_WEBHOOK_ID], data.get(CONF_CLOUDHOOK_URL))
        )

    def options_from(self, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """Nothing to change: the options stay."""
        return dict(self.config_entry.options)


def _url_placeholders(urls: Mapping[str, str]) -> dict[str, str]:
    """The URLs for the form texts (``-`` for one that is not available)."""
    return {"webhook_url": urls.get("local", "-"), "cloudhook_url": urls.get("cloud", "-")}
