"""Config flow steps of the FindFace Multi provider: server, webhook, reauth, reconfigure.

The webhook step (and the options) choose the hooks Sitewatch keeps on the server and their
filters (``api.hooks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final
import uuid

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
)
from yarl import URL

from ... import flow
from ...const import LOGGER
from ...identity import account_digest
from ...models import SitewatchConfigEntry
from ...schema import vol
from ...webhook import async_create_cloudhook, webhook_urls
from .api import (
    FindFaceApiError,
    FindFaceAuthenticationError,
    FindFaceClient,
    FindFaceConnectionError,
    FindFaceError,
)
from .api.hooks import KINDS, HookSettings, async_sync_hooks, legacy_settings
from .const import (
    CONF_BATCH_SIZE,
    CONF_CAMERA_GROUPS,
    CONF_CAMERAS,
    CONF_CLIENT_UUID,
    CONF_CLOUDHOOK_URL,
    CONF_HOOK_IDS,
    CONF_MATCHED_ONLY,
    CONF_MIN_CONFIDENCE,
    CONF_PASSWORD,
    CONF_REGISTER_HOOKS,
    CONF_SECTIONS,
    CONF_SEND_ATTEMPTS,
    CONF_TOKEN,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    CONF_WATCH_LISTS,
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
BOX = NumberSelectorMode.BOX
CHOSEN_IDS: Final = (CONF_CAMERAS, CONF_CAMERA_GROUPS, CONF_WATCH_LISTS)
"""The options holding server object ids (stored as ints, chosen by name)."""


@dataclass(frozen=True, slots=True)
class ServerChoices:
    """What the server offers to filter by, as ``{id: name}`` (the form's selectors)."""

    cameras: dict[int, str]
    camera_groups: dict[int, str]
    watch_lists: dict[int, str]


async def async_read_choices(client: FindFaceClient) -> ServerChoices:
    """Read the cameras, camera groups and watch lists (``GET /cameras/``, ...).

    Camera groups a token may not read (``FindFaceApiError``) are left empty.

    Raises:
        FindFaceError: the cameras or watch lists could not be read.
    """
    cameras = {camera.id: camera.name for camera in await client.cameras()}
    watch_lists = {item.id: item.name for item in await client.watch_lists()}
    try:
        groups = {item.id: item.name for item in await client.camera_groups()}
    except FindFaceApiError as err:
        LOGGER.debug("FindFace camera groups not read: %s", err)
        groups = {}
    return ServerChoices(cameras, groups, watch_lists)


async def _async_choices(client: FindFaceClient) -> ServerChoices | None:
    """``async_read_choices``, or None (logged) when the server could not answer."""
    try:
        return await async_read_choices(client)
    except FindFaceError as err:
        LOGGER.warning("Could not read the FindFace cameras and watch lists: %s", err)
        return None


def _id_selector(names: Mapping[int, str], chosen: Iterable[int]) -> SelectSelector:
    """Several of the server's objects, by name; a chosen one the server lost shows its id."""
    known = dict(names)
    for object_id in chosen:
        known.setdefault(object_id, f"#{object_id}")
    return SelectSelector(
        SelectSelectorConfig(
            options=[
                SelectOptionDict(value=str(object_id), label=name)
                for object_id, name in sorted(known.items(), key=lambda item: item[1].casefold())
            ],
            multiple=True,
        )
    )


def hook_schema(choices: ServerChoices, register: bool, settings: HookSettings) -> vol.Schema:
    """The webhook form: whether Sitewatch manages the hooks, and their filters.

    Defaults are ``register`` and ``settings`` (a new entry's, or the stored options).
    """
    chosen = {
        CONF_CAMERAS: settings.cameras,
        CONF_CAMERA_GROUPS: settings.camera_groups,
        CONF_WATCH_LISTS: settings.watch_lists,
    }
    names = {
        CONF_CAMERAS: choices.cameras,
        CONF_CAMERA_GROUPS: choices.camera_groups,
        CONF_WATCH_LISTS: choices.watch_lists,
    }
    fields: dict[vol.Marker, Any] = {
        vol.Required(CONF_REGISTER_HOOKS, default=register): bool,
        vol.Required(CONF_SECTIONS, default=sorted(settings.kinds, key=list(KINDS).index)): (
            SelectSelector(
                SelectSelectorConfig(
                    options=list(KINDS), multiple=True, translation_key="findface_sections"
                )
            )
        ),
    }
    for key in CHOSEN_IDS:
        default = [str(object_id) for object_id in chosen[key]]
        fields[vol.Optional(key, default=default)] = _id_selector(names[key], chosen[key])
    fields |= {
        vol.Required(CONF_MATCHED_ONLY, default=settings.matched_only): bool,
        vol.Required(CONF_MIN_CONFIDENCE, default=settings.min_confidence or 0.0): (
            NumberSelector(
                NumberSelectorConfig(min=0, max=1, step=0.01, mode=NumberSelectorMode.SLIDER)
            )
        ),
        vol.Required(CONF_BATCH_SIZE, default=settings.batch_size): NumberSelector(
            NumberSelectorConfig(min=1, max=100, step=1, mode=BOX)
        ),
        vol.Required(CONF_SEND_ATTEMPTS, default=settings.send_attempts): NumberSelector(
            NumberSelectorConfig(min=0, max=100, step=1, mode=BOX)
        ),
    }
    return vol.Schema(fields)


def settings_from_input(user_input: Mapping[str, Any]) -> HookSettings:
    """The hook settings of a submitted webhook form (or of stored options: same keys)."""

    def ids(key: str) -> tuple[int, ...]:
        return tuple(sorted({int(value) for value in user_input.get(key, [])}))

    confidence = float(user_input.get(CONF_MIN_CONFIDENCE) or 0)
    return HookSettings(
        kinds=frozenset(kind for kind in user_input.get(CONF_SECTIONS, KINDS) if kind in KINDS),
        cameras=ids(CONF_CAMERAS),
        camera_groups=ids(CONF_CAMERA_GROUPS),
        watch_lists=ids(CONF_WATCH_LISTS),
        matched_only=bool(user_input.get(CONF_MATCHED_ONLY, False)),
        min_confidence=round(confidence, 2) if confidence > 0 else None,
        batch_size=int(user_input.get(CONF_BATCH_SIZE, 1)),
        send_attempts=int(user_input.get(CONF_SEND_ATTEMPTS, 10)),
    )


def hook_options(register: bool, settings: HookSettings) -> dict[str, Any]:
    """The entry options storing ``register`` and ``settings`` (ids as ints, kinds in order)."""
    return {
        CONF_REGISTER_HOOKS: register,
        CONF_SECTIONS: [kind for kind in KINDS if kind in settings.kinds],
        CONF_CAMERAS: list(settings.cameras),
        CONF_CAMERA_GROUPS: list(settings.camera_groups),
        CONF_WATCH_LISTS: list(settings.watch_lists),
        CONF_MATCHED_ONLY: settings.matched_only,
        CONF_MIN_CONFIDENCE: settings.min_confidence or 0.0,
        CONF_BATCH_SIZE: settings.batch_size,
        CONF_SEND_ATTEMPTS: settings.send_attempts,
    }


def stored_hook_options(entry: SitewatchConfigEntry) -> dict[str, Any]:
    """The entry's hook options; for an entry made before them (1.3), what its hooks meant.

    ``legacy_settings``: one hook was "matched faces only", otherwise everything; Sitewatch
    managed the hooks when it made any. Batch size and send attempts were not stored then:
    they are left out (the options form reads them from the server's hook).
    """
    if CONF_SECTIONS in entry.options:
        return dict(entry.options)
    hook_ids: list[int] = entry.data.get(CONF_HOOK_IDS, [])
    options = hook_options(bool(hook_ids), legacy_settings(hook_ids))
    del options[CONF_BATCH_SIZE], options[CONF_SEND_ATTEMPTS]
    return {**entry.options, **options}


def _form_errors(user_input: Mapping[str, Any], urls: Mapping[str, str]) -> dict[str, str]:
    """``sections: no_sections`` or ``base: no_url`` when the hooks cannot be made so."""
    if not user_input[CONF_REGISTER_HOOKS]:
        return {}
    if not user_input.get(CONF_SECTIONS):
        return {CONF_SECTIONS: "no_sections"}
    if "local" not in urls:
        return {"base": "no_url"}
    return {}


async def async_apply_hooks(
    client: FindFaceClient,
    urls: Mapping[str, str],
    hook_ids: list[int],
    user_input: Mapping[str, Any],
) -> tuple[dict[str, str], list[int]]:
    """Create, change or delete Sitewatch's hooks as the form asks (``async_sync_hooks``).

    Returns the form errors (``base: cannot_register`` when the server refused; the hooks are
    then as they were) and the hook ids to store.
    """
    if errors := _form_errors(user_input, urls):
        return errors, hook_ids
    settings = settings_from_input(user_input) if user_input[CONF_REGISTER_HOOKS] else None
    try:
        return {}, await async_sync_hooks(client, urls.get("local", ""), hook_ids, settings)
    except FindFaceError as err:
        LOGGER.warning("Could not update the webhooks on the FindFace server: %s", err)
        return {"base": "cannot_register"}, hook_ids


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


class FindFaceAccountFlow(flow.AccountFlow):
    """The FindFace server and its credentials, then its webhooks (step ``findface_webhook``)."""

    key = PROVIDER_FINDFACE
    schema = SERVER_SCHEMA
    reauth_schema = REAUTH_SCHEMA
    wrong_account = "wrong_server"
    _choices: ServerChoices | None = None

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
        """Show the webhook URL and offer to create the webhooks, filtered, on the server.

        Aborts ``cannot_connect`` when the server's cameras or watch lists cannot be read.
        """
        data = self._data
        if CONF_CLOUDHOOK_URL not in data:
            data[CONF_CLOUDHOOK_URL] = await async_create_cloudhook(
                self.hass, data[CONF_WEBHOOK_ID]
            )
        client = client_from_data(self.hass, data)
        if (choices := self._choices or await _async_choices(client)) is None:
            return self.flow.async_abort(reason="cannot_connect")
        self._choices = choices
        urls = webhook_urls(self.hass, data[CONF_WEBHOOK_ID], data[CONF_CLOUDHOOK_URL])
        errors: dict[str, str] = {}
        if user_input is not None:
            errors, hook_ids = await async_apply_hooks(client, urls, [], user_input)
            if not errors:
                return self.flow.async_create_entry(
                    title=self.title(data),
                    data={**data, CONF_HOOK_IDS: hook_ids},
                    options=hook_options(
                        user_input[CONF_REGISTER_HOOKS], settings_from_input(user_input)
                    ),
                )
        return self.flow.async_show_form(
            step_id="findface_webhook",
            data_schema=self.flow.add_suggested_values_to_schema(
                hook_schema(choices, True, HookSettings()), user_input
            ),
            errors=errors,
            description_placeholders=_url_placeholders(urls),
        )


class FindFaceOptionsFlow(flow.SitewatchOptionsFlow):
    """Options of a FindFace entry: its webhook URL, and the hooks Sitewatch keeps on the server.

    Submitting changes the hooks on the server first (``async_sync_hooks``: patched in place,
    created or deleted); only when the server took them are the options stored. No reload:
    nothing running depends on them.
    """

    step = "webhook"
    reload = False
    _choices: ServerChoices | None = None

    def placeholders(self) -> dict[str, str]:
        """The URLs to give the server."""
        return _url_placeholders(self._urls())

    def _urls(self) -> Mapping[str, str]:
        data = self.config_entry.data
        return webhook_urls(self.hass, data[CONF_WEBHOOK_ID], data.get(CONF_CLOUDHOOK_URL))

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the hook form with the server's names; apply and store what was submitted.

        Aborts ``cannot_connect`` when the server's cameras or watch lists cannot be read.
        """
        entry = self.config_entry
        client = client_from_data(self.hass, entry.data)
        if (choices := self._choices or await _async_choices(client)) is None:
            return self.async_abort(reason="cannot_connect")
        self._choices = choices
        hook_ids: list[int] = list(entry.data.get(CONF_HOOK_IDS, []))
        errors: dict[str, str] = {}
        if user_input is not None:
            errors, kept = await async_apply_hooks(client, self._urls(), hook_ids, user_input)
            if not errors:
                if kept != hook_ids:
                    self.hass.config_entries.async_update_entry(
                        entry, data={**entry.data, CONF_HOOK_IDS: kept}
                    )
                options = hook_options(
                    user_input[CONF_REGISTER_HOOKS], settings_from_input(user_input)
                )
                return self.async_create_entry(data={**entry.options, **options})
        stored = stored_hook_options(entry)
        if CONF_BATCH_SIZE not in stored and hook_ids:
            stored.update(await _async_hook_delivery(client, hook_ids[0]))
        return self.async_show_form(
            step_id=self.step,
            data_schema=self.add_suggested_values_to_schema(
                hook_schema(choices, stored[CONF_REGISTER_HOOKS], settings_from_input(stored)),
                user_input,
            ),
            errors=errors,
            description_placeholders=self.placeholders(),
        )


async def _async_hook_delivery(client: FindFaceClient, hook_id: int) -> dict[str, int]:
    """A hook's batch size and send attempts as the server has them (none if unreadable)."""
    try:
        hook = await client.hook(hook_id)
    except FindFaceError as err:
        LOGGER.debug("FindFace webhook %s not read: %s", hook_id, err)
        return {}
    return {CONF_BATCH_SIZE: hook.batch_size, CONF_SEND_ATTEMPTS: hook.send_attempts}


def _url_placeholders(urls: Mapping[str, str]) -> dict[str, str]:
    """The URLs for the form texts (``-`` for one that is not available)."""
    return {"webhook_url": urls.get("local", "-"), "cloudhook_url": urls.get("cloud", "-")}
