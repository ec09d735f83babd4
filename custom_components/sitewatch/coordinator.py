"""The coordinator every provider's coordinator is built on."""

from __future__ import annotations

from abc import abstractmethod
from datetime import timedelta
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .const import LOGGER
from .models import SitewatchConfigEntry

RETRY_INTERVAL: Final = timedelta(seconds=30)
"""How soon a failed refresh is tried again, whatever the provider's polling interval."""


class SitewatchCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Polls a provider at its interval, and sooner while the provider is failing.

    After a failed refresh (the API unreachable, hung past the client's timeout, refusing the
    credentials) the next one comes after ``RETRY_INTERVAL`` instead of a polling interval that
    may be many minutes, so the entities recover by themselves soon after the provider does. Home
    Assistant logs the failure once and the recovery once.
    """

    config_entry: SitewatchConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: SitewatchConfigEntry,
        *,
        name: str,
        poll_interval: timedelta,
    ) -> None:
        """Poll every ``poll_interval``; ``name`` appears in log lines (no account identifier)."""
        super().__init__(
            hass, LOGGER, config_entry=config_entry, name=name, update_interval=poll_interval
        )
        self.poll_interval = poll_interval

    def set_poll_interval(self, interval: timedelta) -> None:
        """Poll every ``interval`` from the next refresh on (options changed)."""
        self.poll_interval = interval
        if self.last_update_success:
            self.update_interval = interval

    async def _async_update_data(self) -> DataT:
        try:
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
        """
