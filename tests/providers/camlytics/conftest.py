"""Fixtures of the Camlytics tests: a client mocked at the client boundary with hand-written
payloads (``fixtures/``), a fast limiter and an entry on the simulator (integration tests)."""

from __future__ import annotations

from collections.abc import Callable, Generator
import json
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.identity import account_digest
from custom_components.sitewatch.providers.camlytics.api import (
    CamlyticsClient,
    Channel,
    Event,
    Location,
    RateLimiter,
    Trigger,
    TriggerTotal,
    parse_items,
)
from custom_components.sitewatch.providers.camlytics.coordinator import LIMITERS
from simulator.camlytics import CamlyticsSimulator

from ...conftest import SimulatorStack

WEBHOOK_ID = "camlytics-test-webhook"
FIXTURES = Path(__file__).parent / "fixtures"


def load_fixture(name: str) -> Any:
    """A hand-written payload of ``fixtures/`` (``events_webhook.json``...), decoded."""
    return json.loads((FIXTURES / name).read_text())


def _answer[T](name: str, build: Callable[[object], T]) -> list[T]:
    """The items of a fixture envelope's ``result``, built as the client builds them."""
    items, dropped = parse_items(load_fixture(name)["result"], build)
    assert not dropped, dropped
    return items


async def post(client: Any, body: Any) -> int:
    """POST ``body`` as JSON to the test entry's webhook; the HTTP status."""
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    return int(response.status)


@pytest.fixture
def mock_client() -> Generator[AsyncMock]:
    """The entry's client, mocked: answers from ``fixtures/`` (one location, two channels)."""
    client = AsyncMock(spec=CamlyticsClient)
    client.base_url = "https://cloud.camlytics.com/service/api/v1"
    client.request_count = 0
    client.dropped = {}
    client.limiter = RateLimiter()
    client.locations.return_value = _answer("locations.json", Location.from_api)
    client.channels.return_value = _answer("channels.json", Channel.from_api)
    client.triggers.return_value = _answer("triggers.json", Trigger.from_api)
    client.trigger_totals.return_value = _answer("totals_triggers.json", TriggerTotal.from_api)
    events = _answer("events.json", Event.from_api)
    client.events_page.return_value = (events, len(events))
    with patch(
        "custom_components.sitewatch.providers.camlytics.client_from_data", return_value=client
    ):
        yield client


@pytest.fixture
def mock_entry(hass: HomeAssistant) -> MockConfigEntry:
    """A Camlytics entry for the mocked client, added but not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Camlytics",
        entry_id="01JCAMLYTICS0ENTRY00000000",
        unique_id=account_digest("demo-public"),
        minor_version=MINOR_VERSION,
        data=entry_data("https://cloud.camlytics.com"),
        options={"scan_interval": 60, "locations": []},
    )
    entry.add_to_hass(hass)
    return entry


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
async def entry(hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any) -> MockConfigEntry:
    entry = add_entry(hass, simulators.url)
    assert await hass.config_entries.async_setup(entry.entry_id)
    # The events catch-up poll that starts with the webhook runs in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


@pytest.fixture
def sim(simulators: SimulatorStack) -> CamlyticsSimulator:
    """The Camlytics simulator."""
    return simulators.camlytics


def first_place(sim: CamlyticsSimulator) -> tuple[int, str]:
    """The first location of the simulator and its first channel (Main Street store Entrance)."""
    location = sim.locations()[0]["id"]
    return location, sim.channels(location)[0]["id"]
