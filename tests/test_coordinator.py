"""The shared coordinator: a failing provider is retried soon, then polled at its interval."""

from __future__ import annotations

from datetime import timedelta
import logging

from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.coordinator import RETRY_INTERVAL, SitewatchCoordinator

POLL = timedelta(minutes=5)


class Flaky(SitewatchCoordinator[int]):
    """Fails while ``failing`` is set."""

    title = "test"
    polling = POLL
    failing = False

    async def _async_poll(self) -> int:
        if self.failing:
            raise UpdateFailed("provider down")
        return 1


async def test_retries_sooner_while_failing(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    entry = MockConfigEntry(domain=DOMAIN)
    entry.add_to_hass(hass)
    coordinator = Flaky(hass, entry, client=None)  # type: ignore[arg-type]
    await coordinator.async_refresh()
    assert coordinator.update_interval == POLL
    coordinator.failing = True
    await coordinator.async_refresh()
    await coordinator.async_refresh()
    assert coordinator.update_interval == RETRY_INTERVAL
    assert _lines(caplog, "provider down") == 1  # one line down
    coordinator.set_poll_interval(timedelta(minutes=10))
    assert coordinator.update_interval == RETRY_INTERVAL  # still failing
    coordinator.failing = False
    await coordinator.async_refresh()
    assert coordinator.update_interval == timedelta(minutes=10)
    assert _lines(caplog, "recovered") == 1  # one line up


def _lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    """Log lines a user sees (info and above; newer versions repeat details at debug)."""
    return sum(
        text in record.getMessage() for record in caplog.records if record.levelno >= logging.INFO
    )
