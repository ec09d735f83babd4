"""FaceSpace test scaffolding: the entry, its setup, and a client mocked at the client boundary."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.identity import account_digest
from custom_components.sitewatch.providers.facespace.api import (
    DEFAULT_BASE_URL,
    FaceSpaceClient,
    parse_logs,
    parse_realtime,
)
from custom_components.sitewatch.providers.facespace.coordinator import FaceSpaceCoordinator

FIXTURES = Path(__file__).parent / "fixtures"
KEY = "demo-facespace"
ACCOUNT = account_digest(KEY)
SECRET = "shared-secret"
ENTRY_ID = "01FACESPACEENTRY"
WEBHOOK_ID = "facespace-test-webhook"
HOOK = f"/api/webhook/{WEBHOOK_ID}"
STORE_KEY = f"{DOMAIN}.facespace.{ENTRY_ID}"


def load_fixture(name: str) -> Any:
    """A hand-written wire payload of ``fixtures/``."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def camera_device(camera: str) -> str:
    """The device identifier (second part) of ``camera`` of the test entry."""
    return f"facespace_{ACCOUNT}_camera_{camera}"


ACCOUNT_DEVICE = f"facespace_{ACCOUNT}_account"
"""The device identifier (second part) of the test entry's account, the cameras' parent."""


def facespace_entry(
    hass: HomeAssistant,
    base_url: str = DEFAULT_BASE_URL,
    *,
    minor_version: int = MINOR_VERSION,
    **options: Any,
) -> MockConfigEntry:
    """The test FaceSpace entry (polling every 5 s, pushes off unless ``options`` say so)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="FaceSpace",
        unique_id=ACCOUNT,
        entry_id=ENTRY_ID,
        minor_version=minor_version,
        data={
            "provider": "facespace",
            "api_key": KEY,
            "base_url": base_url,
            "webhook_id": WEBHOOK_ID,
        },
        options={"scan_interval": 5, "accept_push": False, "push_secret": SECRET, **options},
    )
    entry.add_to_hass(hass)
    return entry


def simulator_entry(hass: HomeAssistant, url: str, **options: Any) -> MockConfigEntry:
    """The test entry on the simulator served at ``url``."""
    return facespace_entry(hass, f"{url}/facespace", **options)


async def async_setup(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Set ``entry`` up; it must load."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def async_setup_simulator(hass: HomeAssistant, url: str, **options: Any) -> MockConfigEntry:
    """The test entry on the simulator served at ``url``, set up, its first refresh done."""
    entry = await async_setup(hass, simulator_entry(hass, url, **options))
    await coordinator_of(entry).async_after_first_refresh()  # in the background
    await hass.async_block_till_done()
    return entry


def coordinator_of(entry: MockConfigEntry) -> FaceSpaceCoordinator:
    """The entry's coordinator."""
    coordinator: FaceSpaceCoordinator = entry.runtime_data.coordinator
    return coordinator


async def async_refresh(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Poll now and wait for what it fires."""
    await coordinator_of(entry).async_refresh()
    await hass.async_block_till_done()


class Fired:
    """The events fired on FaceSpace event entities (restored states are not events)."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Listen from now on."""
        self.since = dt_util.utcnow()
        self.events: list[Event] = []
        self._seen: set[tuple[Any, ...]] = set()
        hass.bus.async_listen("state_changed", self._take)

    @callback  # in the event loop, in order (a plain method would run in the executor)
    def _take(self, event: Event) -> None:
        new = event.data["new_state"]
        if not event.data["entity_id"].startswith("event.") or new is None:
            return
        fired_at = dt_util.parse_datetime(new.state)
        line = (new.attributes.get("name"), new.attributes.get("recognized_at"))
        fire = (event.data["entity_id"], new.state, *line)
        if fired_at is not None and fired_at >= self.since and fire not in self._seen:
            self._seen.add(fire)  # a restored state repeats its last event, attributes and all
            self.events.append(event)

    def names(self, entity_id: str | None = None) -> list[str]:
        """The names of the lines fired (on ``entity_id`` only, when given), in order."""
        return [
            event.data["new_state"].attributes["name"]
            for event in self.events
            if entity_id is None or event.data["entity_id"] == entity_id
        ]


@pytest.fixture
def mock_client() -> Iterator[AsyncMock]:
    """The FaceSpace client, mocked: ``fixtures/logs.json`` and ``fixtures/realtime.json``."""
    client = AsyncMock(spec=FaceSpaceClient)
    client.base_url = DEFAULT_BASE_URL
    client.request_count = 0
    client.get_logs_range.return_value = parse_logs(load_fixture("logs.json"))
    client.realtime.return_value = parse_realtime(load_fixture("realtime.json"))
    with (
        patch(
            "custom_components.sitewatch.providers.facespace.client_from_data",
            return_value=client,
        ),
        patch(
            "custom_components.sitewatch.providers.facespace.config_flow.client_from_data",
            return_value=client,
        ),
    ):
        yield client
