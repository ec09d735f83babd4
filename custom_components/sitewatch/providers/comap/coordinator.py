"""Coordinator of a ComAp WebSupervisor account: its gensets and their values."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
import time
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import UpdateFailed

from ...bounds import MAX_ATTRIBUTE_ITEMS, MAX_ATTRIBUTE_TEXT
from ...const import DOMAIN, LOGGER
from ...coordinator import SitewatchCoordinator
from ...devices import async_remove_stale_devices
from ...identity import device_identifier, scoped_id
from ...models import SitewatchConfigEntry
from .api import (
    COMMAND_MODES,
    DEFAULT_BASE_URL,
    ComapAuthenticationError,
    ComapClient,
    ComapCommand,
    ComapError,
    ComapRateLimitError,
    Comment,
    Unit,
    UnitInfo,
    Value,
)
from .clean import clean_info, clean_unit, clean_value, name_text, newest_comments
from .const import (
    COMMENTS_REFRESH_INTERVAL,
    CONF_ADVANCED,
    CONF_BASE_URL,
    CONF_CLIENT_ID,
    CONF_COMAP_KEY,
    CONF_LOGIN_ID,
    CONF_SECRET,
    FOLLOW_INTERVAL,
    FOLLOW_STEADY_READS,
    FOLLOW_WITHIN,
    INFO_READS_PER_REFRESH,
    INFO_REFRESH_INTERVAL,
    INFO_RETRY_INTERVAL,
    MAX_PARALLEL_UNIT_REQUESTS,
    OPERATING_MODES,
    POLLING,
    SETUP_READS,
    UNITS_REFRESH_INTERVAL,
    ValueGuid,
)

MODE_SEPARATORS = (",", ";", "|")
MAX_VALUE_NAMES = 2_000
"""Most value names a genset remembers for ``get_history`` (the API lists at most 2,000)."""
FOLLOWED_VALUES = (
    ValueGuid.ENGINE_STATE,
    ValueGuid.BREAKER_STATE,
    ValueGuid.MODE,
    ValueGuid.GCB_MODE,
    ValueGuid.MCB_MODE,
)
"""The values whose change a command brings about, read quickly after it until they settle."""


def client_from_data(hass: HomeAssistant, data: dict[str, Any]) -> ComapClient:
    """A client on Home Assistant's shared session from config entry (or flow) data."""
    return ComapClient(
        async_get_clientsession(hass),
        comap_key=data[CONF_COMAP_KEY],
        client_id=data[CONF_CLIENT_ID],
        secret=data[CONF_SECRET],
        login_id=data[CONF_LOGIN_ID],
        base_url=data.get(CONF_ADVANCED, {}).get(CONF_BASE_URL) or DEFAULT_BASE_URL,
    )


def command_mode(text: str) -> str | None:
    """The documented ``changeMode`` mode (``off``, ``man``, ``aut``, ``test``) for a text.

    Case and spaces do not matter and ``auto`` means ``aut``; any other text is None.
    """
    mode = OPERATING_MODES.get(text.strip().lower())
    return mode if mode in COMMAND_MODES else None


@dataclass(slots=True)
class Genset:
    """One genset as the coordinator last saw it.

    Attributes:
        unit: the unit from the units list (name, unit GUID, WebSupervisor URL).
        info: the unit's info (application type, timezone...), None until it could be read.
        values: the values of the last successful values call, by lower-cased value GUID.
        online: whether the last values call for this genset succeeded.
        info_due: when (``time.monotonic``) the info is to be read (again): at once for a new
            genset, a day after it was read, 15 minutes after a failed read.
        value_names: the GUIDs of every value the genset ever reported, by lower-cased name
            (the first read lists them all; later reads ask only for the needed ones), so that
            ``get_history`` can pick a value by its name.
        comments: the newest comments (``MAX_COMMENTS``, newest first), None until read; they
            are read only while the genset's comments sensor is enabled.
        comments_due: when (``time.monotonic``) the comments are to be read (again).
    """

    unit: Unit
    info: UnitInfo | None = None
    values: dict[str, Value] = field(default_factory=dict)
    online: bool = False
    info_due: float = 0.0
    value_names: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] | None = None
    comments_due: float = 0.0

    @property
    def name(self) -> str:
        """The genset's name (bounded), or ``Genset <unit GUID>`` when the API gave none."""
        return self.unit.name or f"Genset {self.unit.unit_guid}"

    @property
    def model(self) -> str | None:
        """The device model: the info's application type, else the controller value, else None."""
        if self.info and self.info.application_type:
            return self.info.application_type
        controller = self.value(ValueGuid.CONTROLLER)
        return name_text(controller.value if controller else None)

    def value(self, value_guid: str) -> Value | None:
        """Return the value with this (lower-cased) GUID, or None when the genset lacks it."""
        return self.values.get(value_guid)

    def available_modes(self) -> list[str]:
        """The documented modes the genset lists in its available-modes value, else all four.

        The controller writes them upper-case (``OFF,MAN,AUT,TEST``); the API's ``changeMode``
        documents them lower-case, which is how they are offered and sent. A listed mode the
        API does not document cannot be sent, so it is not offered.
        """
        value = self.value(ValueGuid.MODES_AVAILABLE)
        text = (value.value or "")[:MAX_ATTRIBUTE_TEXT] if value else ""
        for separator in MODE_SEPARATORS:
            text = text.replace(separator, " ")
        words = text.split()[:MAX_ATTRIBUTE_ITEMS]
        modes = [mode for word in words if (mode := command_mode(word))]
        return list(dict.fromkeys(modes)) or list(COMMAND_MODES)

    def current_mode(self) -> str | None:
        """The genset's mode as a documented mode, or None when it reports none or another."""
        value = self.value(ValueGuid.MODE)
        return command_mode((value.value or "")[:64] if value else "")


type ComapData = dict[str, Genset]
"""Gensets of the account by lower-cased unit GUID."""


class ComapCoordinator(SitewatchCoordinator[ComapData]):
    """Polls one account: the units list every 15 minutes, every genset's values each interval.

    A refresh makes one values request per genset and at most ``INFO_READS_PER_REFRESH`` info
    requests for gensets whose info is due (new ones, and each once a day), with at most
    ``MAX_PARALLEL_UNIT_REQUESTS`` in flight; the client paces them to the API's rate limit.
    The first read of a genset asks for every value, so that its generic sensors can be
    created; later reads ask only for the values that enabled entities need.

    The setup's refresh reads the units list and at most ``SETUP_READS`` values and info
    requests, so that it takes a fraction of a second whatever the site's size; the gensets it
    left unread are read by a refresh that ``async_read_rest_in_background`` starts at once.
    Each genset's entities appear with its first values; its device gets the model from the
    info when the info arrives.

    Raises (from a refresh): ``ConfigEntryAuthFailed`` when the credentials are refused, which
    starts reauthentication; ``UpdateFailed`` when the API cannot be reached, kept rate limiting
    us past the client's patience or every genset failed, which marks the entities unavailable
    until a later refresh succeeds.
    """

    title = "ComAp"
    client: ComapClient
    polling = POLLING
    auth_error = ComapAuthenticationError
    client_error = ComapError

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: SitewatchConfigEntry,
        client: ComapClient,
        needed_value_guids: frozenset[str],
    ) -> None:
        """Set up the coordinator; ``needed_value_guids`` are the lower-cased GUIDs entities use."""
        super().__init__(hass, config_entry, client)
        self._needed_value_guids = needed_value_guids
        self.enabled_generic_value_guids: dict[str, set[str]] = {}
        """Value GUIDs of enabled generic sensors, by unit GUID; the entities keep this."""
        self.comment_readers: set[str] = set()
        """Unit GUIDs whose comments sensor is enabled (only their comments are read)."""
        self._units_read_at: float | None = None
        self._rate_limited_until = 0.0
        self._semaphore = asyncio.Semaphore(MAX_PARALLEL_UNIT_REQUESTS)
        self._setup_pending = True
        """The next refresh is the setup's: it reads at most ``SETUP_READS`` gensets."""
        self._left_unread = False
        """The setup's refresh left gensets unread (a large site): the next one reads them."""
        self._polling = False
        self._following: dict[str, _Follow] = {}
        """The follow-up reads of gensets that were just sent a command, by unit GUID."""
        config_entry.async_on_unload(self._async_stop_following)
        self.data = {}

    def request_units_refresh(self) -> None:
        """Read the units list again on the next refresh (for example after a 404)."""
        self._units_read_at = None

    @callback
    def async_read_rest_in_background(self) -> None:
        """Refresh at once in the background when the setup's refresh left gensets unread."""
        if self._left_unread:
            self.config_entry.async_create_background_task(
                self.hass, self.async_refresh(), f"{self.name} first values"
            )

    async def _async_poll(self) -> ComapData:
        """Read the units list when due, then the gensets' values and the info that is due.

        A refresh asked for while another is still reading (a large site's first one, a
        command's) returns the data as it is instead of reading everything twice.
        """
        now = time.monotonic()
        if now < self._rate_limited_until:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": f"{self._rate_limited_until - now:.0f}"},
            )
        if self._polling:
            return self.data
        self._polling = True
        try:
            gensets = await self._gensets()
            errors = await self._read_gensets(gensets)
        except ComapRateLimitError as err:
            self._rate_limited_until = time.monotonic() + err.retry_after
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": f"{err.retry_after:.0f}"},
            ) from err
        finally:
            self._polling = False
        if errors and all(error is not None for error in errors):
            first = next(error for error in errors if error is not None)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(first)},
            ) from first
        return gensets

    async def _read_gensets(self, gensets: ComapData) -> list[ComapError | None]:
        """Read the values (and the info that is due) of the gensets this refresh reads.

        The setup's refresh reads at most ``SETUP_READS`` gensets (values first, then info);
        the refresh that follows it reads the gensets it left unread; any other reads them all.
        Returns the values calls' errors (None for a genset that answered), one per genset read.
        """
        every = list(gensets.values())
        setup = self._setup_pending
        if setup:
            values_for = every[:SETUP_READS]
            info_limit = SETUP_READS - len(values_for)
        else:
            values_for = [g for g in every if not g.values] if self._left_unread else every
            info_limit = INFO_READS_PER_REFRESH
        self._left_unread = self._setup_pending and len(values_for) < len(every)
        self._setup_pending = False
        now = time.monotonic()
        info_for = [(key, g) for key, g in gensets.items() if g.info_due <= now][:info_limit]
        comments_limit = 0 if setup else info_limit - len(info_for)
        comments_for = [
            genset
            for key, genset in gensets.items()
            if key in self.comment_readers and genset.comments_due <= now
        ][:comments_limit]
        results = await asyncio.gather(
            *(self._read_values(genset) for genset in values_for),
            *(self._read_info(key, genset) for key, genset in info_for),
            *(self._read_comments(genset) for genset in comments_for),
        )
        return results[: len(values_for)]

    async def _gensets(self) -> ComapData:
        """Return the gensets, reading the units list when it is due (new units get no info)."""
        now = time.monotonic()
        if (
            self._units_read_at is not None
            and now - self._units_read_at < UNITS_REFRESH_INTERVAL.total_seconds()
        ):
            return self.data
        units = [clean_unit(unit) for unit in await self.client.units()]
        self._units_read_at = now
        gensets: ComapData = {}
        for unit in units:
            key = unit.unit_guid.lower()
            if (known := self.data.get(key)) is not None:
                known.unit = unit
                gensets[key] = known
            else:
                gensets[key] = Genset(unit=unit)
        async_remove_stale_devices(
            self.hass, self.config_entry, {scoped_id(self.config_entry, key) for key in gensets}
        )
        return gensets

    async def _read_info(self, key: str, genset: Genset) -> None:
        """Read a genset's info into it; a failure is tried again after a while.

        Once its device exists, the device's model follows the info.
        """
        try:
            async with self._semaphore:
                info = clean_info(await self.client.info(genset.unit.unit_guid))
        except (ComapAuthenticationError, ComapRateLimitError):
            raise
        except ComapError as err:
            LOGGER.debug("Could not read the info of genset %s: %s", genset.unit.unit_guid, err)
            genset.info_due = time.monotonic() + INFO_RETRY_INTERVAL.total_seconds()
            return
        genset.info = info
        genset.info_due = time.monotonic() + INFO_REFRESH_INTERVAL.total_seconds()
        registry = dr.async_get(self.hass)
        identifier = device_identifier(self.config_entry, key)
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            if identifier in device.identifiers and genset.model and device.model != genset.model:
                registry.async_update_device(device.id, model=genset.model)

    async def _read_comments(self, genset: Genset) -> None:
        """Read a genset's newest comments into it; a failure is tried again after a while."""
        try:
            async with self._semaphore:
                comments = await self.client.comments(genset.unit.unit_guid)
        except (ComapAuthenticationError, ComapRateLimitError):
            raise
        except ComapError as err:
            LOGGER.debug("Could not read the comments of genset %s: %s", genset.name, err)
            genset.comments_due = time.monotonic() + INFO_RETRY_INTERVAL.total_seconds()
            return
        genset.comments = newest_comments(comments, self.client.login_id)
        genset.comments_due = time.monotonic() + COMMENTS_REFRESH_INTERVAL.total_seconds()

    async def _read_values(self, genset: Genset) -> ComapError | None:
        """Read one genset's values into it; returns the error when that genset failed."""
        unit_guid = genset.unit.unit_guid
        value_guids: list[str] | None = None
        if genset.values:
            wanted = self._needed_value_guids | self.enabled_generic_value_guids.get(
                unit_guid.lower(), set()
            )
            value_guids = sorted(wanted)
        try:
            async with self._semaphore:
                values = await self.client.values(unit_guid, value_guids)
        except (ComapAuthenticationError, ComapRateLimitError):
            raise
        except ComapError as err:
            if genset.online:
                LOGGER.info("Genset %s is unavailable: %s", genset.name, err)
            genset.online = False
            self.request_units_refresh()
            return err
        if not genset.online and genset.values:
            LOGGER.info("Genset %s is available again", genset.name)
        genset.values = {value.value_guid.lower(): clean_value(value) for value in values}
        for guid, value in genset.values.items():
            if value.name and len(genset.value_names) < MAX_VALUE_NAMES:
                genset.value_names.setdefault(value.name.lower(), guid)
        genset.online = True
        return None

    async def async_send_command(
        self, unit_guid: str, command: str, mode: str | None = None
    ) -> None:
        """Send ``command`` (and ``mode`` for changeMode) to a genset, then follow its values.

        The command counts as done only when the API answered the documented success answer
        (``docs/providers/comap.md``, Commands); anything else is an error the user sees. A
        confirmed command is followed by a read of the genset at once and then every
        ``FOLLOW_INTERVAL`` s until its state settles (``_async_follow_read``); a genset the
        data does not know gets a whole refresh instead.

        Args:
            unit_guid: the genset's lower-cased unit GUID (a key of the coordinator data).
            command: a ``ComapCommand``.
            mode: for changeMode, a mode as the user or the controller wrote it (``AUT``,
                ``auto``, ``man``...); it is sent as the documented lower-case mode.

        Raises:
            ServiceValidationError: translated ``invalid_mode`` when changeMode gets a mode the
                API does not document (nothing is sent).
            HomeAssistantError: translated ``command_not_confirmed`` when the genset did not
                confirm the command: an error status, a timeout, or a 2xx answer that is not the
                success answer (HTML, empty, not JSON, a failure result). An authentication
                failure also starts reauthentication.
        """
        genset = self.data.get(unit_guid)
        name = genset.name if genset else unit_guid
        if command == ComapCommand.CHANGE_MODE:
            sent_mode = command_mode(mode or "")
            if sent_mode is None:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="invalid_mode",
                    translation_placeholders={
                        "mode": mode or "",
                        "modes": ", ".join(COMMAND_MODES),
                    },
                )
            mode = sent_mode
        try:
            await self.client.command(genset.unit.unit_guid if genset else unit_guid, command, mode)
        except ComapError as err:
            if isinstance(err, ComapAuthenticationError):
                self.config_entry.async_start_reauth(self.hass)
            LOGGER.warning("%s did not confirm the %s command: %s", name, command, err)
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_not_confirmed",
                translation_placeholders={"command": command, "genset": name, "reason": str(err)},
            ) from err
        if genset is None:
            await self.async_request_refresh()
            return
        self._async_stop_following(unit_guid)
        follow = _Follow(last=_followed_state(genset), until=time.monotonic() + FOLLOW_WITHIN)
        self._following[unit_guid] = follow
        await self._async_follow_read(unit_guid, follow)

    async def _async_follow_read(self, key: str, follow: _Follow) -> None:
        """Read a genset that was sent a command; read it again in ``FOLLOW_INTERVAL`` s.

        Its entities show each read at once, so "Starting" turns to "Running" within seconds
        of the command rather than at the next poll. It stops once the state settled
        (``FOLLOW_STEADY_READS`` reads without a change of ``FOLLOWED_VALUES`` after they
        changed), after ``FOLLOW_WITHIN`` s, at an authentication or rate-limit error (the
        next refresh reports those), or when the entry unloads. Every read goes through the
        client's request budget; a read that fails is tried again at the next step.
        """
        genset = self.data.get(key)
        if genset is None or self._following.get(key) is not follow:
            return
        try:
            failed = await self._read_values(genset)
        except (ComapAuthenticationError, ComapRateLimitError):
            self._async_stop_following(key)
            return
        if failed is None:
            self.async_update_listeners()
            state = _followed_state(genset)
            if state != follow.last:
                follow.changed, follow.steady, follow.last = True, 0, state
            else:
                follow.steady += 1
        if (follow.changed and follow.steady >= FOLLOW_STEADY_READS) or (
            time.monotonic() >= follow.until
        ):
            self._async_stop_following(key)
            return

        @callback
        def _next(_now: datetime) -> None:
            self.config_entry.async_create_background_task(
                self.hass, self._async_follow_read(key, follow), f"{self.name} follow a command"
            )

        follow.cancel = async_call_later(self.hass, FOLLOW_INTERVAL, _next)

    @callback
    def _async_stop_following(self, key: str | None = None) -> None:
        """Stop following genset ``key`` after its command (every genset: ``None``)."""
        for stopped in [key] if key is not None else list(self._following):
            if (follow := self._following.pop(stopped, None)) and follow.cancel:
                follow.cancel()


@dataclass(slots=True)
class _Follow:
    """Where the follow-up reads of one genset after a command stand."""

    last: tuple[str | None, ...]
    """The ``FOLLOWED_VALUES`` texts of the previous read."""
    until: float
    """Monotonic seconds after which it stops."""
    changed: bool = False
    steady: int = 0
    """Reads without a change since the last change."""
    cancel: CALLBACK_TYPE | None = None
    """Cancels the next read's timer."""


def _followed_state(genset: Genset) -> tuple[str | None, ...]:
    """The texts of the genset's ``FOLLOWED_VALUES`` (None for a value it lacks)."""
    return tuple(
        value.value if (value := genset.value(guid)) is not None else None
        for guid in FOLLOWED_VALUES
    )
