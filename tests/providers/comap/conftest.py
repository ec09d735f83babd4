"""Fixtures of the ComAp tests.

Unit tests mock the client at its boundary (``mock_client``: every call answers the parsed
``fixtures/*.json``, written by hand from ``docs/providers/comap.md``); the integration tests
run against the simulator (``comap_entry``); the privacy tests use an entry whose login id and
credentials are distinctive, to prove none of them leaks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
import json
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.identity import account_digest, device_identifier
from custom_components.sitewatch.providers.comap.api import ComapClient, UnitInfo, Value
from custom_components.sitewatch.providers.comap.api.client import (
    MAX_RATE_LIMIT_WAIT,
    RATE_LIMIT,
    RATE_LIMIT_PATIENCE,
    RATE_WINDOW,
)
from custom_components.sitewatch.providers.comap.api.models import (
    Comment,
    File,
    Unit,
    ValueHistory,
    decode_list,
)

from ...budget import ManualBudget
from ...conftest import SimulatorStack, async_tick, comap_data, device_by_identifier

FIXTURES = Path(__file__).parent / "fixtures"
MOCK_URL = "https://wsv.test"
NORTH = "9f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
"""The unit GUID of the one genset of ``fixtures/units.json``."""

LOGIN = "operator-login-7731"
KEY = "key-5521"
CLIENT_ID = "client-9902"
SECRET = "secret-4410"
PRIVATE = (LOGIN, KEY, CLIENT_ID, SECRET)


def load_fixture(name: str) -> Any:
    """A JSON answer of ``fixtures/``."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def genset_device_id(
    device_registry: dr.DeviceRegistry, entry: MockConfigEntry, unit_guid: str
) -> str:
    """The device id of the genset ``unit_guid`` of ``entry`` (``comap_<account>_<unit>``)."""
    device = device_by_identifier(
        device_registry, entry, device_identifier(entry, unit_guid.lower())
    )
    assert device is not None, unit_guid
    return device.id


async def async_get_history(
    hass: HomeAssistant, device_id: str, value: str | list[str], start: str, end: str
) -> Any:
    """Call ``sitewatch.get_history`` for one genset (one value or several), return the answer."""
    return await hass.services.async_call(
        DOMAIN,
        "get_history",
        {"device_id": device_id, "value": value, "from": start, "to": end},
        blocking=True,
        return_response=True,
    )


def _entry(data: dict[str, object], login_id: str, **kwargs: Any) -> MockConfigEntry:
    """A ComAp entry at the current version, its unique id the digest of ``login_id``."""
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id=account_digest(login_id),
        minor_version=MINOR_VERSION,
        data=data,
        options={"scan_interval": 60},
        **kwargs,
    )


type Tick = Callable[[float], Awaitable[None]]
"""Moves the frozen clock on by some seconds and runs what falls due (``async_tick``)."""


@pytest.fixture
def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> Tick:
    """Move the frozen clock on by some seconds and run what falls due."""

    async def tick(seconds: float) -> None:
        await async_tick(hass, freezer, seconds)

    return tick


def manual_comap_budget() -> ManualBudget:
    """ComAp's request budget on a hand-moved clock: nothing really sleeps."""
    return ManualBudget(
        RATE_LIMIT, RATE_WINDOW, max_wait=MAX_RATE_LIMIT_WAIT, patience=RATE_LIMIT_PATIENCE
    )


@pytest.fixture(autouse=True)
def budgets() -> Iterator[list[ManualBudget]]:
    """Every ComAp client made (setup, flows) paces on a ``ManualBudget``; they are listed here.

    Waiting for the budget or out a 429 is recorded (``slept``) instead of really sleeping.
    """
    made: list[ManualBudget] = []

    def make(sleep: object = None) -> ManualBudget:
        made.append(manual_comap_budget())
        return made[-1]

    with patch("custom_components.sitewatch.providers.comap.api.client.comap_budget", make):
        yield made


@pytest.fixture
def mock_client() -> Iterator[AsyncMock]:
    """Every ComAp client made (setup, flows) is this mock, answering the fixtures."""
    client = AsyncMock(spec=ComapClient)
    client.login_id = "demo"
    client.base_url = MOCK_URL
    client.request_count = 0
    client.units.return_value = decode_list(Unit, load_fixture("units.json"), "units")
    client.info.return_value = UnitInfo.parse(load_fixture("info.json"))
    client.values.return_value = decode_list(Value, load_fixture("values.json"), "values")
    client.history.return_value = decode_list(ValueHistory, load_fixture("history.json"), "values")
    client.command.return_value = None
    client.comments.return_value = decode_list(Comment, load_fixture("comments.json"), "comments")
    client.files.return_value = decode_list(File, load_fixture("files.json"), "files")
    with patch(
        "custom_components.sitewatch.providers.comap.coordinator.ComapClient",
        return_value=client,
    ):
        yield client


@pytest.fixture
def mock_entry(hass: HomeAssistant) -> MockConfigEntry:
    """A ComAp entry for the mocked client, added to Home Assistant but not set up."""
    entry = _entry(
        comap_data(MOCK_URL),
        "demo",
        title="ComAp WebSupervisor",
        entry_id="01JSITEWATCHCOMAPMOCKED001",
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def genset(hass: HomeAssistant, mock_client: AsyncMock, mock_entry: MockConfigEntry) -> str:
    """The device id of the mocked genset, set up (Loaded, island operation, AUT, 2 alarms)."""
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    return genset_device_id(dr.async_get(hass), mock_entry, NORTH)


@pytest.fixture
def comap_entry(hass: HomeAssistant, simulators: SimulatorStack) -> MockConfigEntry:
    """A ComAp config entry for the simulator, added to Home Assistant but not set up."""
    entry = _entry(
        comap_data(simulators.url),
        "demo",
        title="ComAp WebSupervisor demo",
        entry_id="01JSITEWATCHCOMAPENTRY0001",
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_comap_entry(hass: HomeAssistant, comap_entry: MockConfigEntry) -> MockConfigEntry:
    """The ComAp entry, set up."""
    assert await hass.config_entries.async_setup(comap_entry.entry_id)
    await hass.async_block_till_done()
    return comap_entry


@pytest.fixture
def alpha(
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
    device_registry: dr.DeviceRegistry,
) -> str:
    """The device id of Genset Alpha in the loaded simulator entry."""
    return genset_device_id(device_registry, loaded_comap_entry, simulators.alpha)


@pytest.fixture
def beta(
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
    device_registry: dr.DeviceRegistry,
) -> str:
    """The device id of Genset Beta in the loaded simulator entry."""
    return genset_device_id(device_registry, loaded_comap_entry, simulators.beta)


@pytest.fixture
def private_entry_unloaded(hass: HomeAssistant, simulators: SimulatorStack) -> MockConfigEntry:
    """A ComAp entry (not set up) with a distinctive login id, key, client id and secret."""
    settings = simulators.simulator.settings
    settings.key, settings.client_id, settings.secret = KEY, CLIENT_ID, SECRET
    settings.login_id = LOGIN
    entry = _entry(
        comap_data(
            simulators.url, comap_key=KEY, client_id=CLIENT_ID, secret=SECRET, login_id=LOGIN
        ),
        LOGIN,
        title="ComAp WebSupervisor",
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
