"""The coordinator every provider's coordinator is built on."""

from __future__ import annotations

from abc import abstractmethod
import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, ClassVar, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import DOMAIN, LOGGER, PollingInterval
from .models import SitewatchConfigEntry

RETRY_INTERVAL: Final = timedelta(seconds=30)
"""How soon a failed refresh is tried again, whatever the provider's polling interval."""


class SitewatchCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Polls a provider at its interval, and sooner while the provider is failing.

    After a failed refresh (the API unreachable, hung past the client's timeout, refusing the
    credentials) the next one comes after ``RETRY_INTERVAL`` instead of a polling interval that
    may be many minutes, so the entities recover by themselves soon after the provider does. Home
    Assistant logs the failure once and the recovery once.

    The client's errors are mapped here, once for every provider (``translated_errors``): a
    subclass states its client's ``auth_error`` and base ``client_error``.

    Setup either refreshes fully (``async_config_entry_first_refresh``) or, when the full
    refresh is slow (paced requests, long answers), makes only the requests that must succeed for
    the entry to make sense and refreshes in the background (``async_setup_listing``).
    """

    config_entry: SitewatchConfigEntry
    auth_error: ClassVar[type[Exception] | tuple[type[Exception], ...]] = ()
    """The client's "credentials refused" error: becomes ``ConfigEntryAuthFailed``."""
    client_error: ClassVar[type[Exception] | tuple[type[Exception], ...]] = ()
    """The client's base error: any other becomes ``UpdateFailed`` (``update_failed``)."""
    title: ClassVar[str] = "provider"
    """The provider's name in log lines: ``sitewatch <title> <entry id>`` (which entry, never
    which account); lower-cased, it names the reauthentication message
    (``<title>_auth_failed``)."""
    polling: ClassVar[PollingInterval | timedelta] = timedelta(minutes=5)
    """The polling interval option of the provider, or a fixed interval."""

    def __init__(
        self, hass: HomeAssistant, config_entry: SitewatchConfigEntry, client: Any
    ) -> None:
        """Poll ``client`` at the entry's interval (``polling``)."""
        poll_interval = (
            self.polling.of(config_entry.options)
            if isinstance(self.polling, PollingInterval)
            else self.polling
        )
        super().__init__(
            hass,
            LOGGER,
            config_entry=config_entry,
            name=f"{DOMAIN} {self.title} {config_entry.entry_id}",
            update_interval=poll_interval,
        )
        self.client = client
        self.poll_interval = poll_interval
        self.first_refresh: asyncio.Task[None] | None = None
        """The first full refresh when it runs in the background (``async_setup_listing``)."""

    def set_poll_interval(self, interval: timedelta) -> None:
        """Poll every ``interval`` from the next refresh on (options changed)."""
        self.poll_interval = interval
        if self.last_update_success:
            self.update_interval = interval

    async def async_setup_listing(self, listing: Callable[[], Awaitable[object]]) -> None:
        """Set up: await ``listing``, then start the first full refresh in the background.

        ``listing`` makes the requests that must succeed for the entry to make sense
        (authenticate, list the things that become devices), a single fast request where
        possible. Home Assistant's start and the entry's setup do not wait for the rest: the
        entities appear and fill as the refresh brings their data (``first_refresh``); a failure
        of it makes them unavailable and is retried as any failed refresh.

        Raises:
            ConfigEntryAuthFailed: ``listing`` raised an ``auth_error`` (reauthentication).
            ConfigEntryNotReady: it raised another ``client_error`` (Home Assistant retries).
        """
        with self.translated_errors(ConfigEntryNotReady):
            await listing()
        self.async_start_first_refresh()

    @callback
    def async_start_first_refresh(self) -> None:
        """Start the first full refresh as a background task of the entry (``first_refresh``)."""
        self.first_refresh = self.config_entry.async_create_background_task(
            self.hass, self.async_refresh(), f"{self.name} first refresh"
        )

    async def async_after_first_refresh(self) -> None:
        """Return once the background first refresh is over (at once when there is none)."""
        if self.first_refresh is not None:
            await asyncio.shield(self.first_refresh)

    @contextmanager
    def translated_errors(self, failed: type[HomeAssistantError] = UpdateFailed) -> Iterator[None]:
        """Raise the client's errors as Home Assistant's, translated.

        Raises:
            ConfigEntryAuthFailed: an ``auth_error`` (starts reauthentication).
            UpdateFailed: any other ``client_error`` (the entities become unavailable), or
                ``failed`` when given (``ConfigEntryNotReady`` at setup).
        """
        try:
            yield
        except self.auth_error as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key=f"{self.title.lower()}_auth_failed"
            ) from err
        except self.client_error as err:
            raise failed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err

    async def _async_update_data(self) -> DataT:
        try:
            with self.translated_errors():
                data = await self._async_poll()
        except Exception:
            self.update_interval = min(self.poll_interval, RETRY_INTERVAL)
            raise
        self.update_interval = self.poll_interval
        return data

    @abstractmethod
    async def _async_poll(self) -> DataT:
        """Read the provider's data.

        Raises:
            ConfigEntryAuthFailed: the credentials were refused (starts reauthentication).
            UpdateFailed: the provider could not be read now (entities become unavailable).
            The client's errors: raised as the two above (``translated_errors``).
        """
