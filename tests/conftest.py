"""Fixtures shared by every Sitewatch test.

HTTP goes to the bundled simulator, served in-process on 127.0.0.1 (the only address the test
harness lets sockets reach), with a clock the tests move by hand.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import partial
import json
import logging
import re
from typing import Any, Protocol
from unittest.mock import AsyncMock, PropertyMock, patch

import aiohttp
from aiohttp import web
from aioresponses import aioresponses
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from hypothesis import HealthCheck, settings
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.sitewatch.const import CONF_PROVIDER, DOMAIN
from custom_components.sitewatch.coordinator import RETRY_INTERVAL
from custom_components.sitewatch.providers.comap.const import (
    CONF_ADVANCED,
    CONF_BASE_URL,
    CONF_CLIENT_ID,
    CONF_COMAP_KEY,
    CONF_LOGIN_ID,
    CONF_SECRET,
    PROVIDER_COMAP,
)
from simulator.app import create_app
from simulator.camlytics import CamlyticsSimulator
from simulator.comap import ALPHA_GUID, BETA_GUID, ComapSimulator
from simulator.facespace import FaceSpaceSimulator
from simulator.findface import FindFaceSimulator
from simulator.moonsense import MoonsenseSimulator
from simulator.plugins import PLUGINS

# Generated inputs: the same examples on every run (a failure reproduces), no database on disk, no
# deadline (a 2-core CI machine is slow now and then); tests share the function's ``hass``.
settings.register_profile(
    "sitewatch",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("sitewatch")

SIM_START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def entity_ids_without_the_area() -> Iterator[None]:
    """New entity ids made of the device's and the entity's names, on every version.

    Home Assistant 2026.x puts the device's area first in a new entity id (the entity registry
    setting ``entity_id_parts``), earlier versions do not; Sitewatch suggests areas (a Camlytics
    location, a FindFace camera group), so without this the tests' entity ids (and the snapshots
    named after them) would depend on the version. Where the setting exists its default is made
    parent device, device, entity; older versions are left as they are.
    """
    settings = getattr(er, "EntityRegistrySettings", None)
    if settings is None:
        yield
        return
    part = er.EntityNamePart  # 2026.x only, like the setting
    parts = (part.PARENT_DEVICE, part.DEVICE, part.ENTITY)
    with patch.object(er, "EntityRegistrySettings", partial(settings, entity_id_parts=parts)):
        yield


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    entity_ids_without_the_area: None, enable_custom_integrations: None
) -> None:
    """Let Home Assistant load the integration from custom_components/.

    ``enable_custom_integrations`` starts ``hass``, so the entity id setting comes first.
    """


@pytest.fixture
def with_recorder(
    recorder_mock: Any, entity_ids_without_the_area: None, enable_custom_integrations: None
) -> None:
    """The recorder set up before ``hass`` (it must be), then the integration made loadable.

    A module whose tests need the recorder (the Logbook reads it) makes this its
    ``auto_enable_custom_integrations``.
    """


@pytest.fixture
async def logbook(hass: HomeAssistant) -> None:
    """Home Assistant's Logbook, set up before the HTTP server starts (``ha_client``).

    Needs the recorder (``with_recorder``).
    """
    assert await async_setup_component(hass, "logbook", {})
    await hass.async_block_till_done()


DEPRECATION_WORDS = ("deprecat", "stop working in home assistant", "breaks in")


class _DeprecationReports(logging.Handler):
    """Collects Home Assistant's log reports of deprecated use by Sitewatch."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        lowered = message.lower()
        if "sitewatch" in lowered and any(word in lowered for word in DEPRECATION_WORDS):
            self.reports.append(f"{record.name}: {message}")


@pytest.fixture(autouse=True)
def no_deprecated_use() -> Iterator[None]:
    """Fail a test during which Home Assistant reported a deprecated use by Sitewatch.

    Home Assistant reports these in the log (``report_usage``, deprecated constants), not as
    Python warnings; Python's own deprecation warnings from our modules are errors through
    ``filterwarnings`` in pyproject.toml.
    """
    handler = _DeprecationReports()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    assert not handler.reports, "deprecated use reported:\n" + "\n".join(handler.reports)


def device_by_identifier(
    device_registry: dr.DeviceRegistry, entry: MockConfigEntry, identifier: tuple[str, str]
) -> dr.DeviceEntry | None:
    """The device of ``entry`` with ``identifier``, found the same way on every version.

    ``DeviceRegistry.async_get_device`` and lookups in ``DeviceRegistry.devices`` are
    deprecated (and refused from test code) on newer Home Assistant, whose replacements
    2025.4 does not have.
    """
    matches = [
        device
        for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id)
        if identifier in device.identifiers
    ]
    assert len(matches) <= 1, matches
    return matches[0] if matches else None


@dataclass
class SimClock:
    """A monotonic clock for the simulator that only moves when a test says so."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now

    def wallclock(self) -> datetime:
        return SIM_START + timedelta(seconds=self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class SimulatorStack:
    """The five running simulators on one loopback address, and the clock ComAp's runs on.

    ``simulator`` is ComAp's; the others are named by their provider.
    """

    url: str
    simulator: ComapSimulator
    findface: FindFaceSimulator
    camlytics: CamlyticsSimulator
    facespace: FaceSpaceSimulator
    moonsense: MoonsenseSimulator
    clock: SimClock
    alpha: str = ALPHA_GUID
    beta: str = BETA_GUID


TEST_SETTINGS: dict[str, dict[str, Any]] = {
    "comap": {"rate_limit": 0},
    "findface": {"retry_base": 0.01, "retry_cap": 0.05},
    "camlytics": {"rate_limit": 0, "retry_base": 0.01},
    "facespace": {"retry_base": 0.01},
    "moonsense": {"retry_base": 0.01},
}
"""Settings of the test simulators, by provider: no rate limits, fast webhook retries."""

ON_TEST_CLOCK = frozenset({"comap"})
"""The providers whose simulator runs on the test's ``SimClock`` (the others on real time)."""


@pytest.fixture
def sim_clock() -> SimClock:
    return SimClock()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """An aiohttp session for a client under test; pair it with ``mock`` to answer its requests."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    """Canned answers for every request made through aiohttp (nothing leaves the process)."""
    with aioresponses() as mocked:
        yield mocked


@pytest.fixture
async def simulators(sim_clock: SimClock, socket_enabled: None) -> AsyncIterator[SimulatorStack]:
    """All five simulators on one loopback port (ComAp: two gensets; FindFace: three cameras)."""
    clocks = {"clock": sim_clock, "wallclock": sim_clock.wallclock}
    by_key = {
        plugin.key: plugin.create(
            plugin.settings(**TEST_SETTINGS.get(plugin.key, {})),
            **(clocks if plugin.key in ON_TEST_CLOCK else {}),
        )
        for plugin in PLUGINS
    }
    runner = web.AppRunner(create_app(**by_key))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield SimulatorStack(
        url=f"http://127.0.0.1:{port}",
        simulator=by_key.pop("comap"),
        clock=sim_clock,
        **by_key,
    )
    await runner.cleanup()


def comap_data(url: str, **overrides: str) -> dict[str, object]:
    """Config entry data of the simulator's demo account."""
    return {
        CONF_PROVIDER: PROVIDER_COMAP,
        CONF_COMAP_KEY: "demo",
        CONF_CLIENT_ID: "demo",
        CONF_SECRET: "demo",
        CONF_LOGIN_ID: "demo",
        CONF_ADVANCED: {CONF_BASE_URL: url},
        **overrides,
    }


class Client(Protocol):
    """What the client tests count: every HTTP request a client sends."""

    @property
    def request_count(self) -> int: ...


type ClientCalls[C: Client] = Mapping[
    str, tuple[str, str | re.Pattern[str], Callable[[C], Awaitable[Any]]]
]
"""A client's calls by name: the HTTP method and URL of the request each sends, and the call."""


@dataclass(frozen=True)
class Failing:
    """A client call, the mocked answer to its request, and the error it must raise."""

    call: str
    answer: dict[str, Any]
    error: type[Exception]
    match: str | None = None

    def name(self) -> str:
        """The test id: the call and the answer."""
        return f"{self.call}-{self.answer}"


def failing(
    call: str, answers: Iterable[dict[str, Any]], error: type[Exception], match: str | None = None
) -> list[Failing]:
    """One case an answer, all raising ``error`` (its message matching ``match``)."""
    return [Failing(call, answer, error, match) for answer in answers]


async def assert_fails_at_once[C: Client](
    client: C, mock: aioresponses, calls: ClientCalls[C], case: Failing
) -> None:
    """Answer the call's request with ``case.answer``: exactly ``case.error``, after one request."""
    method, url, request = calls[case.call]
    mock.add(url, method, **case.answer)
    with pytest.raises(case.error, match=case.match) as err:
        await request(client)
    assert type(err.value) is case.error
    assert client.request_count == 1


async def diagnostics_without(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entry: MockConfigEntry,
    *secrets: str,
) -> dict[str, Any]:
    """The entry's diagnostics, once none of ``secrets`` is found anywhere in them."""
    diagnostics: dict[str, Any] = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    for secret in secrets:
        assert secret not in text
    return diagnostics


def nested_json(levels: int) -> Any:
    """``"leaf"`` inside ``levels`` containers, objects and lists in turn (past any depth limit)."""
    value: Any = "leaf"
    for level in range(levels):
        value = [value] if level % 2 else {"n": value}
    return value


MENU = ["comap", "findface", "camlytics", "facespace", "moonsense"]
"""The add-integration menu: one step a provider, in this order."""


async def provider_form(hass: HomeAssistant, provider: str) -> str:
    """Open the add-integration flow and pick ``provider`` in the menu: the flow id of its form."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": provider}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == provider
    return result["flow_id"]


async def async_tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time on, fire the timers that are due and wait for the refreshes they start.

    Coordinator refreshes run as background tasks doing real loopback I/O, so they are
    waited for explicitly.
    """
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def hold(mock: AsyncMock) -> asyncio.Event:
    """Make the mocked call wait for the returned event, then answer as it did before.

    Shows that setup does not wait for a slow call: set the event to let the call answer.
    """
    release = asyncio.Event()
    answer = mock.return_value

    async def held(*args: Any, **kwargs: Any) -> Any:
        await release.wait()
        return answer

    mock.side_effect = held
    return release


async def assert_setup_fails(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    listing: AsyncMock,
    errors: tuple[Exception, Exception],
    slow: AsyncMock,
) -> None:
    """Set ``entry`` up with its ``listing`` call raising each of ``errors``: the setup fails.

    ``errors`` is an error of an unreachable service, which ends in a retry of the setup, and a
    refusal of the credentials, which ends in reauthentication. The ``slow`` call of the
    background refresh is never made.
    """
    for error, state in zip(
        errors, (ConfigEntryState.SETUP_RETRY, ConfigEntryState.SETUP_ERROR), strict=True
    ):
        listing.side_effect = error
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is state
        reauth = [
            flow
            for flow in hass.config_entries.flow.async_progress()
            if flow["context"].get("source") == SOURCE_REAUTH
        ]
        assert len(reauth) == (state is ConfigEntryState.SETUP_ERROR)
        await hass.config_entries.async_unload(entry.entry_id)
    slow.assert_not_awaited()


async def assert_recovers_from_a_failed_first_refresh(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    call: AsyncMock,
    error: Exception,
    polled: tuple[str, str],
    pushed: str,
) -> None:
    """Set ``entry`` up while ``call`` of its background refresh raises ``error``.

    The entry loads; the ``polled`` entity is unavailable and the ``pushed`` one is not; once
    ``call`` answers again (its ``return_value``) the retry shows the ``polled`` state.
    """
    call.side_effect = error
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    entity_id, recovered = polled
    assert hass.states.get(entity_id).state == STATE_UNAVAILABLE
    assert hass.states.get(pushed).state != STATE_UNAVAILABLE
    call.side_effect = None
    await async_tick(hass, freezer, RETRY_INTERVAL.total_seconds() + 1)
    assert hass.states.get(entity_id).state == recovered


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, including those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


def _plain(value: Any) -> Any:
    """``value`` as plain JSON-like data: enums by value, mappings and sets sorted."""
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in sorted(value.items(), key=str)}
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(item) for item in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def snapshot_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry_id: str,
) -> None:
    """Compare every entity of a config entry with the snapshot: what Sitewatch sets.

    Unlike ``snapshot_platform``, only the registry fields an integration controls and the
    state with its attributes are compared, as plain data, so the same snapshots hold on every
    Home Assistant version (newer ones add registry fields and change their formats).
    """
    entries = er.async_entries_for_config_entry(entity_registry, config_entry_id)
    assert entries, "the config entry has no entities"
    for entry in sorted(entries, key=lambda entry: entry.entity_id):
        assert entry.disabled_by is None, f"{entry.entity_id} is disabled"
        registered = {
            "unique_id": entry.unique_id,
            "translation_key": entry.translation_key,
            "original_name": entry.original_name,
            "original_device_class": entry.original_device_class,
            "original_icon": entry.original_icon,
            "entity_category": entry.entity_category,
            "capabilities": _without(entry.capabilities, NEWER_CAPABILITIES),
            "supported_features": entry.supported_features,
            "unit_of_measurement": entry.unit_of_measurement,
        }
        assert _plain(registered) == snapshot(name=f"{entry.entity_id}-entry")
        state = hass.states.get(entry.entity_id)
        assert state is not None, f"{entry.entity_id} has no state"
        shown = {
            "state": _shown_state(entry, state),
            "attributes": _without(state.attributes, NEWER_ATTRIBUTES),
        }
        assert _plain(shown) == snapshot(name=f"{entry.entity_id}-state")


def every_entity(hass: HomeAssistant, config_entry_id: str) -> dict[str, dict[str, Any]]:
    """Every entity of a config entry by entity id: unique id, device, state and attributes.

    As plain data, the same on every Home Assistant version; for the simulator-backed snapshots
    that pin what a user sees (across the 1.3 migration only unique ids and device identifiers
    changed in them). The entry's account digest reads ``<account>``.
    """
    entity_registry = er.async_get(hass)
    device_registry = dr.async_get(hass)
    config_entry = hass.config_entries.async_get_entry(config_entry_id)
    assert config_entry is not None
    assert config_entry.unique_id

    def accountless(identifier: str) -> str:
        """The account digest (it depends on the simulator's port) as ``<account>``."""
        return identifier.replace(str(config_entry.unique_id), "<account>")

    shown: dict[str, dict[str, Any]] = {}
    for registered in sorted(
        er.async_entries_for_config_entry(entity_registry, config_entry_id),
        key=lambda registered: registered.entity_id,
    ):
        state = hass.states.get(registered.entity_id)
        assert state is not None, f"{registered.entity_id} has no state"
        device = device_registry.async_get(registered.device_id or "")
        assert device is not None, f"{registered.entity_id} has no device"
        shown[registered.entity_id] = {
            "unique_id": accountless(registered.unique_id),
            "device_identifiers": sorted(
                (domain, accountless(identifier)) for domain, identifier in device.identifiers
            ),
            "device_name": device.name,
            "state": _shown_state(registered, state),
            "attributes": _plain(_without(state.attributes, NEWER_ATTRIBUTES)),
        }
    return shown


def _shown_state(registered: er.RegistryEntry, state: State) -> str:
    """The state as snapshots pin it: an event's is ``<fired>`` once it fired.

    An event entity's state is when it last fired, to the millisecond, which newer Home
    Assistant versions may take a millisecond later under a frozen clock; whether it fired, and
    with which attributes, is what the snapshot pins.
    """
    if registered.domain == "event" and state.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE):
        return "<fired>"
    return state.state


NEWER_CAPABILITIES = frozenset({"tracking_type"})
"""Capabilities newer Home Assistant adds by itself (device trackers), left out of snapshots."""
NEWER_ATTRIBUTES = frozenset({"in_zones", "tracking_type", "access_token", "entity_picture"})
"""State attributes newer Home Assistant adds by itself (device trackers), and the random ones
of image entities (their access token, also in their picture's URL), left out of snapshots."""


def _without(values: Mapping[str, Any] | None, left_out: frozenset[str]) -> dict[str, Any] | None:
    """``values`` without the keys ``left_out``; None when only such keys were there."""
    if values is None:
        return None
    kept = {key: value for key, value in values.items() if key not in left_out}
    return None if not kept and values.keys() & left_out else kept


@pytest.fixture
async def ha_client(hass: HomeAssistant, hass_client: ClientSessionGenerator) -> Any:
    """Home Assistant's HTTP API on loopback, for posting to webhooks.

    Also Home Assistant's internal URL, and an external URL (another name for the same
    address), since the cloud providers are given the external one.
    """
    assert await async_setup_component(hass, "webhook", {})
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client()
    hass.config.internal_url = str(client.make_url("")).rstrip("/")
    hass.config.external_url = hass.config.internal_url.replace("127.0.0.1", "localhost")
    return client
