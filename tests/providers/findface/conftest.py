"""Fixtures of the FindFace tests.

Unit tests: ``mock_findface_client`` (the client mocked at ``client_from_data``, answering with
the parsed JSON of ``fixtures/``) and ``mock_config_entry``. Integration tests: ``findface_entry``
(an entry set up against the simulator) and ``ha_url``.
"""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import AsyncMock, patch

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.providers.findface.api import (
    Camera,
    CounterInfo,
    FindFaceClient,
    Hook,
    NamedObject,
)

from ...conftest import SimulatorStack
from .common import SERVER_URL, config_entry, load_fixture


def _page(name: str) -> list[NamedObject]:
    return [NamedObject.from_api(item) for item in load_fixture(name)["results"]]


@pytest.fixture
def mock_findface_client() -> Iterator[AsyncMock]:
    """The FindFace client of every entry and flow, answering from ``fixtures/``."""
    client = AsyncMock(spec=FindFaceClient)
    client.base_url = SERVER_URL
    client.request_count = 0
    client.cameras.return_value = [
        Camera.from_api(item) for item in load_fixture("cameras.json")["results"]
    ]
    client.areas.return_value = _page("areas.json")
    client.watch_lists.return_value = _page("watch_lists.json")
    client.counters.return_value = [CounterInfo(1, "Dock occupancy", (2,))]
    client.card.return_value = NamedObject.from_api(load_fixture("card_human.json"))
    client.create_hook.side_effect = lambda name, url, **fields: Hook(
        id=len(client.create_hook.mock_calls), name=name, url=url
    )
    with (
        patch(
            "custom_components.sitewatch.providers.findface.client_from_data",
            return_value=client,
        ),
        patch(
            "custom_components.sitewatch.providers.findface.config_flow.client_from_data",
            return_value=client,
        ),
    ):
        yield client


@pytest.fixture
def mock_config_entry(hass: HomeAssistant) -> MockConfigEntry:
    """A FindFace entry of the mocked server, added to Home Assistant but not set up."""
    entry = config_entry(SERVER_URL, title="FindFace findface.example")
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def ha_url(hass: HomeAssistant, hass_client: ClientSessionGenerator) -> str:
    """Serve Home Assistant's HTTP API on loopback and make it Home Assistant's own URL."""
    assert await async_setup_component(hass, "webhook", {})
    assert await async_setup_component(hass, "diagnostics", {})  # before the router freezes
    assert await async_setup_component(hass, "image", {})  # the cameras' pictures, the same
    assert await async_setup_component(hass, "api", {})
    client = await hass_client()
    url = str(client.make_url("")).rstrip("/")
    hass.config.internal_url = url
    return url


@pytest.fixture
async def findface_entry(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> MockConfigEntry:
    """A FindFace entry against the simulator, set up."""
    entry = config_entry(simulators.url, title="FindFace 127.0.0.1")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry
