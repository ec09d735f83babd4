"""Fixtures of the Camlytics tests: a fast limiter, an HTTP client, an entry on the simulator."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.identity import account_digest
from custom_components.sitewatch.providers.camlytics.api import RateLimiter
from custom_components.sitewatch.providers.camlytics.coordinator import LIMITERS

from ...conftest import ComapServer

WEBHOOK_ID = "camlytics-test-webhook"


@pytest.fixture
def fast_limiter(hass: HomeAssistant) -> None:
    """Space requests 1 ms apart instead of 1 s (the simulator's limit is off here)."""
    hass.data[LIMITERS] = _FastLimiters()


class _FastLimiters(dict[str, RateLimiter]):
    def setdefault(self, key: str, default: RateLimiter | None = None) -> RateLimiter:
        return super().setdefault(key, RateLimiter(interval=0.001))


def entry_data(url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "provider": "camlytics",
        "public_key": "demo-public",
        "secret_key": "demo-secret",
        "base_url": f"{url}/service/api/v1",
        "webhook_id": WEBHOOK_ID,
        **overrides,
    }


def add_entry(hass: HomeAssistant, url: str, **overrides: Any) -> MockConfigEntry:
    """A Camlytics entry (the current version) for the simulator at ``url``, added, not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Camlytics",
        unique_id=account_digest("demo-public"),
        minor_version=MINOR_VERSION,
        data=entry_data(url, **overrides),
        options={"scan_interval": 60, "locations": []},
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def entry(hass: HomeAssistant, comap_server: ComapServer, ha_client: Any) -> MockConfigEntry:
    entry = add_entry(hass, comap_server.url)
    assert await hass.config_entries.async_setup(entry.entry_id)
    # The events catch-up poll that starts with the webhook runs in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry
