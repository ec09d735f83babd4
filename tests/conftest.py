"""Fixtures shared by every Sitewatch test.

HTTP goes to the bundled simulator, served in-process on 127.0.0.1 (the only address the test
harness lets sockets reach), with a clock the tests move by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from unittest.mock import PropertyMock, patch

from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.sitewatch.const import CONF_PROVIDER, DOMAIN
from custom_components.sitewatch.providers.comap.const import (
    CONF_ADVANCED,
    CONF_BASE_URL,
    CONF_CLIENT_ID,
    CONF_COMAP_KEY,
    CONF_LOGIN_ID,
    CONF_SCAN_INTERVAL,
    CONF_SECRET,
    PROVIDER_COMAP,
)
from simulator.app import create_app
from simulator.camlytics import CamlyticsSettings, CamlyticsSimulator
from simulator.comap import ALPHA_GUID, BETA_GUID, ComapSettings, ComapSimulator
from simulator.facespace import FaceSpaceSettings, FaceSpaceSimulator
from simulator.findface import FindFaceSettings, FindFaceSimulator
from simulator.moonsense import MoonsenseSettings, MoonsenseSimulator

SIM_START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


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
class ComapServer:
    """The running simulator: its address, ComAp and FindFace state, and clock."""

    url: str
    simulator: ComapSimulator
    findface: FindFaceSimulator
    camlytics: CamlyticsSimulator
    facespace: FaceSpaceSimulator
    moonsense: MoonsenseSimulator
    clock: SimClock
    alpha: str = ALPHA_GUID
    beta: str = BETA_GUID


@pytest.fixture
def sim_clock() -> SimClock:
    return SimClock()


@pytest.fixture
async def comap_server(sim_clock: SimClock, socket_enabled: None) -> AsyncIterator[ComapServer]:
    """The simulator (two gensets, no rate limit; three FindFace cameras) on a loopback port."""
    simulator = ComapSimulator(
        ComapSettings(rate_limit=0), clock=sim_clock, wallclock=sim_clock.wallclock
    )
    findface = FindFaceSimulator(FindFaceSettings(retry_base=0.01, retry_cap=0.05))
    camlytics = CamlyticsSimulator(CamlyticsSettings(rate_limit=0, retry_base=0.01))
    facespace = FaceSpaceSimulator(FaceSpaceSettings(retry_base=0.01))
    moonsense = MoonsenseSimulator(MoonsenseSettings(retry_base=0.01))
    runner = web.AppRunner(create_app(simulator, findface, camlytics, facespace, moonsense))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield ComapServer(
        url=f"http://127.0.0.1:{port}",
        simulator=simulator,
        findface=findface,
        camlytics=camlytics,
        facespace=facespace,
        moonsense=moonsense,
        clock=sim_clock,
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


@pytest.fixture
def comap_entry(hass: HomeAssistant, comap_server: ComapServer) -> MockConfigEntry:
    """A ComAp config entry for the simulator, added to Home Assistant but not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="ComAp WebSupervisor demo",
        unique_id="demo",
        entry_id="01JSITEWATCHCOMAPENTRY0001",
        data=comap_data(comap_server.url),
        options={CONF_SCAN_INTERVAL: 60},
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_comap_entry(hass: HomeAssistant, comap_entry: MockConfigEntry) -> MockConfigEntry:
    """The ComAp entry, set up."""
    assert await hass.config_entries.async_setup(comap_entry.entry_id)
    await hass.async_block_till_done()
    return comap_entry


async def async_tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time on, fire the timers that are due and wait for the refreshes they start.

    Coordinator refreshes run as background tasks doing real loopback I/O, so they are
    waited for explicitly.
    """
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, including those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots serialised as Home Assistant does (registry entries and states, stable ids)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)
