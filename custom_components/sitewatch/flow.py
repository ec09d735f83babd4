"""The account and options flows every provider shares; each provider states only what differs.

A provider's ``AccountFlow`` subclass gives the fields, how they are checked and which account
they name; Sitewatch's one config flow (``config_flow.py``) runs its steps under the provider's
step ids: ``<key>`` (add an account), ``<key>_reauth``, ``<key>_reconfigure`` and any
``async_step_<name>`` the subclass adds (step id ``<key>_<name>``). Translations are keyed by
those step ids.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from itertools import chain, count
from typing import TYPE_CHECKING, Any, ClassVar

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from yarl import URL

from .const import CONF_BASE_URL, CONF_PROVIDER, CONF_SCAN_INTERVAL, LOGGER, PollingInterval
from .schema import vol

if TYPE_CHECKING:
    from .models import SitewatchConfigEntry

PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
"""A secret field of a form (hidden as typed)."""
URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
"""An address field of a form."""


def seconds_selector(minimum: int, maximum: int) -> NumberSelector:
    """A whole number of seconds from ``minimum`` to ``maximum`` (a polling interval, say)."""
    return NumberSelector(
        NumberSelectorConfig(
            min=minimum, max=maximum, step=1, unit_of_measurement="s", mode=NumberSelectorMode.BOX
        )
    )


def strip_texts(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """``user_input`` with the white space around every text removed."""
    return {
        key: value.strip() if isinstance(value, str) else value for key, value in user_input.items()
    }


def neutral_title(title: str, taken: Collection[str]) -> str:
    """``title``, or ``title 2`` (3...) when ``taken`` has it: a title without an account id."""
    numbered = (f"{title} {number}" for number in count(2))
    return next(candidate for candidate in chain([title], numbered) if candidate not in taken)


def url_errors(field: str, text: str) -> dict[str, str]:
    """``{field: "invalid_url"}`` unless ``text`` is an absolute http(s) URL (then no error)."""
    try:
        url = URL(text.strip())
    except ValueError:
        return {field: "invalid_url"}
    return {} if url.scheme in ("http", "https") and url.host else {field: "invalid_url"}


@dataclass(frozen=True, slots=True)
class ClientErrors:
    """A provider client's errors, as an account check shows them in the form."""

    service: str
    """Names the provider in the log line of an unexpected answer (``the ComAp API``)."""
    auth: type[Exception]
    """The credentials were refused: ``base: invalid_auth``."""
    connect: type[Exception] | tuple[type[Exception], ...]
    """Unreachable, timed out (rate limited...): ``base: cannot_connect``."""
    other: type[Exception]
    """The client's base error: ``base: unknown``, logged with its traceback."""


async def async_check_account[T](
    call: Awaitable[T], errors: ClientErrors
) -> tuple[dict[str, str], T | None]:
    """Await a provider call made with the typed credentials.

    Returns the form errors (empty if fine) and the call's result (None on an error).
    """
    try:
        result = await call
    except errors.auth:
        return {"base": "invalid_auth"}, None
    except errors.connect:
        return {"base": "cannot_connect"}, None
    except errors.other:
        LOGGER.exception("Unexpected answer from %s", errors.service)
        return {"base": "unknown"}, None
    return {}, result


class AccountFlow:
    """One provider's account steps, run on behalf of Sitewatch's config flow (``self.flow``).

    A subclass sets ``key``, ``schema`` and ``reauth_schema`` and implements ``async_check`` and
    ``title``; it overrides the other hooks only where its provider differs.
    """

    key: ClassVar[str]
    """The provider key: the step ids are ``<key>``, ``<key>_reauth``, ``<key>_reconfigure``."""
    schema: ClassVar[vol.Schema]
    """The fields asked to add an account, and again to reconfigure it."""
    reauth_schema: ClassVar[vol.Schema]
    """The fields asked to reauthenticate."""
    wrong_account: ClassVar[str] = "wrong_account"
    """Abort reason when reauth or reconfigure names another account than the entry's."""

    def __init__(self, flow: ConfigFlow) -> None:
        """Run on behalf of ``flow``."""
        self.flow = flow
        self.hass: HomeAssistant = flow.hass

    # What a provider states.

    def clean(self, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """The typed input as stored: texts stripped, the API address without a trailing ``/``."""
        cleaned = strip_texts(user_input)
        if isinstance(base_url := cleaned.get(CONF_BASE_URL), str):
            cleaned[CONF_BASE_URL] = base_url.rstrip("/")
        return cleaned

    def account_of(self, data: Mapping[str, Any]) -> str | None:
        """The entry's unique id when the data alone tells it (a digest); None: ask the check."""
        return None

    async def async_check(
        self, data: Mapping[str, Any], entry: SitewatchConfigEntry | None
    ) -> tuple[dict[str, str], str | None]:
        """Try ``data`` against the provider (for ``entry`` in reauth and reconfigure).

        Returns the form errors (empty if fine) and the account's unique id when the provider
        told it (None when ``account_of`` tells it).
        """
        raise NotImplementedError

    def title(self, data: Mapping[str, Any]) -> str:
        """Title of a new entry; never an account identifier (the user may rename it)."""
        raise NotImplementedError

    def initial_options(self) -> dict[str, Any]:
        """The options of a new entry."""
        return {}

    def entry_data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The data stored in a new entry."""
        return {CONF_PROVIDER: self.key, **data}

    def merged(self, entry: SitewatchConfigEntry, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        """The entry's data after reauth or reconfigure with ``cleaned``."""
        return {**entry.data, **cleaned}

    def reauth_placeholders(self, entry: SitewatchConfigEntry) -> dict[str, str] | None:
        """Texts shown in the reauth form."""
        return None

    def reauth_suggested(self, entry: SitewatchConfigEntry) -> Mapping[str, Any] | None:
        """Values filled in the reauth form."""
        return None

    def reconfigure_suggested(self, entry: SitewatchConfigEntry) -> Mapping[str, Any]:
        """Values filled in the reconfigure form (the entry's data by default)."""
        return entry.data

    def numbered_title(self, title: str) -> str:
        """``title``, numbered when another entry has it (``neutral_title``)."""
        return neutral_title(
            title, {entry.title for entry in self.flow._async_current_entries(include_ignore=True)}
        )

    async def async_create(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Create the entry of a checked account (a provider may ask more first)."""
        return self.flow.async_create_entry(
            title=self.title(data), data=self.entry_data(data), options=self.initial_options()
        )

    # The shared steps.

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the account, check it, and create the entry (abort if already added)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = self.clean(user_input)
            if (account := self.account_of(data)) is not None:
                await self.flow.async_set_unique_id(account)
                self.flow._abort_if_unique_id_configured()
            errors, found = await self.async_check(data, None)
            if found is not None:
                await self.flow.async_set_unique_id(found)
                self.flow._abort_if_unique_id_configured()
            if not errors:
                return await self.async_create(data)
        return self.flow.async_show_form(
            step_id=self.key,
            data_schema=self.flow.add_suggested_values_to_schema(self.schema, user_input),
            errors=errors,
        )

    async def async_step_reauth(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for new credentials of the same account, check them, and reload the entry."""
        entry = self.flow._get_reauth_entry()
        return await self._async_update(
            entry,
            user_input,
            step="reauth",
            schema=self.flow.add_suggested_values_to_schema(
                self.reauth_schema, self.reauth_suggested(entry)
            ),
            placeholders=self.reauth_placeholders(entry),
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change any field of the same account, check it, and reload the entry."""
        entry = self.flow._get_reconfigure_entry()
        return await self._async_update(
            entry,
            user_input,
            step="reconfigure",
            schema=self.flow.add_suggested_values_to_schema(
                self.schema, user_input or self.reconfigure_suggested(entry)
            ),
        )

    async def _async_update(
        self,
        entry: SitewatchConfigEntry,
        user_input: dict[str, Any] | None,
        *,
        step: str,
        schema: vol.Schema,
        placeholders: dict[str, str] | None = None,
    ) -> ConfigFlowResult:
        """Reauth and reconfigure: the account must stay the entry's (``wrong_account``)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = self.merged(entry, self.clean(user_input))
            if (account := self.account_of(data)) is not None:
                await self.flow.async_set_unique_id(account)
                self.flow._abort_if_unique_id_mismatch(reason=self.wrong_account)
            errors, found = await self.async_check(data, entry)
            if found is not None:
                await self.flow.async_set_unique_id(found)
                self.flow._abort_if_unique_id_mismatch(reason=self.wrong_account)
            if not errors:
                return self.flow.async_update_reload_and_abort(entry, data=data)
        return self.flow.async_show_form(
            step_id=f"{self.key}_{step}",
            data_schema=schema,
            errors=errors,
            description_placeholders=placeholders,
        )


class SitewatchOptionsFlow(OptionsFlow):
    """An entry's options: one form (step id ``step``), stored when submitted.

    Changed options reload the entry (the contract of Home Assistant's ``OptionsFlowWithReload``,
    2025.8 and newer, done here so that it also holds on 2025.4, the minimum in hacs.json), unless
    ``apply`` takes them without a reload. Reauth and reconfigure reload through
    ``async_update_reload_and_abort``; with no update listener, nothing reloads twice.
    """

    step: ClassVar[str] = "init"
    """The form's step id (its texts in the translations)."""
    reload: ClassVar[bool] = True
    """Whether changed options reload the entry; False: ``apply`` takes them."""
    polling: ClassVar[PollingInterval | None] = None
    """The provider's polling interval, asked first in the form (None: no such option)."""

    def fields(self) -> dict[vol.Marker, Any]:
        """The provider's own fields, after the polling interval."""
        return {}

    def field_defaults(self) -> dict[str, Any]:
        """The values of the provider's own options while the entry has none."""
        return {}

    def other_options(self, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """The provider's own options from the submitted form (as typed by default)."""
        return {key: user_input.get(key, default) for key, default in self.field_defaults().items()}

    def placeholders(self) -> dict[str, str] | None:
        """Texts shown in the form."""
        return None

    def options_schema(self) -> vol.Schema:
        """The polling interval (whole seconds within its bounds), then the provider's fields."""
        interval: dict[vol.Marker, Any] = {}
        if self.polling is not None:
            interval[vol.Required(CONF_SCAN_INTERVAL)] = seconds_selector(
                self.polling.minimum, self.polling.maximum
            )
        return vol.Schema({**interval, **self.fields()})

    def suggested(self) -> Mapping[str, Any]:
        """The current options, each defaulted."""
        options = self.config_entry.options
        defaults = self.field_defaults()
        if self.polling is not None:
            defaults[CONF_SCAN_INTERVAL] = self.polling.default
        return {key: options.get(key, default) for key, default in defaults.items()}

    def options_from(self, user_input: Mapping[str, Any]) -> dict[str, Any]:
        """The options to store: the interval in whole seconds and the provider's own."""
        options = self.other_options(user_input)
        if self.polling is not None:
            options[CONF_SCAN_INTERVAL] = int(user_input[CONF_SCAN_INTERVAL])
        return options

    @callback
    def apply(self, options: Mapping[str, Any]) -> None:
        """Take changed options in the running entry (when ``reload`` is False)."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the form; store what was submitted."""
        if user_input is not None:
            options = self.options_from(user_input)
            if not self.reload:
                self.apply(options)
            elif self.hass.config_entries.async_update_entry(self.config_entry, options=options):
                self.hass.config_entries.async_schedule_reload(self.config_entry.entry_id)
            return self.async_create_entry(data=options)
        return self.async_show_form(
            step_id=self.step,
            data_schema=self.add_suggested_values_to_schema(
                self.options_schema(), self.suggested()
            ),
            description_placeholders=self.placeholders(),
        )

    def __getattr__(self, name: str) -> Callable[..., Any]:
        """The form's own step id (``async_step_<step>``) is handled as ``init``."""
        if name == f"async_step_{self.step}" and self.step != "init":
            return self.async_step_init
        raise AttributeError(name)
