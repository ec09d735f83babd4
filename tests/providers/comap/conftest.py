"""An entry whose login id and credentials are distinctive, to prove none of them leaks."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN

from ...conftest import ComapServer, comap_data

LOGIN = "operator-login-7731"
KEY = "key-5521"
CLIENT_ID = "client-9902"
SECRET = "secret-4410"
PRIVATE = (LOGIN, KEY, CLIENT_ID, SECRET)


@pytest.fixture
def private_entry_unloaded(hass: HomeAssistant, comap_server: ComapServer) -> MockConfigEntry:
    """A ComAp entry (not set up) with a distinctive login id, key, client id and secret."""
    settings = comap_server.simulator.settings
    settings.key, settings.client_id, settings.secret, settings.login_id = (
        KEY,
        CLIENT_ID,
        SECRET,
        LOGIN,
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="ComAp WebSupervisor",
        unique_id=LOGIN,
        data=comap_data(
            comap_server.url, comap_key=KEY, client_id=CLIENT_ID, secret=SECRET, login_id=LOGIN
        ),
        options={"scan_interval": 60},
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def private_entry(
    hass: HomeAssistant, private_entry_unloaded: MockConfigEntry
) -> MockConfigEntry:
    """The entry with distinctive credentials, set up."""
    assert await hass.config_entries.async_setup(private_entry_unloaded.entry_id)
    await hass.async_block_till_done()
    return private_entry_unloaded


def our_log(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured log line except the simulator's own access log (the server's side)."""
    return "\n".join(
        f"{record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
        if record.name != "aiohttp.access"
    )


def assert_nothing_private(*texts: str) -> None:
    """None of the texts holds the login id or a credential (in any case)."""
    for text in texts:
        for private in PRIVATE:
            assert private.lower() not in text.lower()
