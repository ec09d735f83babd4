"""Fixtures of the FindFace tests: Home Assistant's HTTP API and a FindFace entry set up."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.providers.findface.config_flow import server_account

from ...conftest import ComapServer
from .common import entry_data


@pytest.fixture
async def ha_url(hass: HomeAssistant, hass_client: ClientSessionGenerator) -> str:
    """Serve Home Assistant's HTTP API on loopback and make it Home Assistant's own URL."""
    assert await async_setup_component(hass, "webhook", {})
    assert await async_setup_component(hass, "diagnostics", {})  # before the router freezes
    assert await async_setup_component(hass, "api", {})
    client = await hass_client()
    url = str(client.make_url("")).rstrip("/")
    hass.config.internal_url = url
    return url


@pytest.fixture
async def findface_entry(
    hass: HomeAssistant, comap_server: ComapServer, ha_url: str
) -> MockConfigEntry:
    """A FindFace entry against the simulator, set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="FindFace 127.0.0.1",
        entry_id="01JSITEWATCHFINDFACEENTRY01",
        unique_id=server_account(comap_server.url),
        minor_version=MINOR_VERSION,
        data=entry_data(comap_server.url),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry
