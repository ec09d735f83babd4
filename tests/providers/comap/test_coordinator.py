"""Coordinator behaviour that needs a closer look than the entity tests give."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.providers.comap.api import (
    ComapApiError,
    ComapClient,
    ComapRateLimitError,
)

from ...conftest import SimulatorStack
from .conftest import Tick

pytestmark = pytest.mark.integration

RPM = "sensor.genset_alpha_engine_speed"


async def test_rate_limit_skips_polls_until_retry_after(
    hass: HomeAssistant, tick: Tick, loaded_comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    with patch.object(ComapClient, "values", side_effect=ComapRateLimitError(90)):
        await tick(60)
    assert hass.states.get(RPM).state == STATE_UNAVAILABLE

    simulators.simulator.reset_stats()
    await tick(60)  # still inside Retry-After: no request at all
    assert simulators.simulator.stats()["total"] == 0
    assert hass.states.get(RPM).state == STATE_UNAVAILABLE

    await tick(60)
    assert hass.states.get(RPM).state == "0"


async def test_info_failure_is_retried_with_the_units_list(
    hass: HomeAssistant, tick: Tick, comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    with patch.object(ComapClient, "info", side_effect=ComapApiError("boom", 500)):
        assert await hass.config_entries.async_setup(comap_entry.entry_id)
        await hass.async_block_till_done()
    assert comap_entry.state is ConfigEntryState.LOADED
    coordinator = comap_entry.runtime_data.coordinator
    assert all(genset.info is None for genset in coordinator.data.values())
    assert hass.states.get(RPM).state == "0"

    await tick(15 * 60)
    assert all(genset.info is not None for genset in coordinator.data.values())
    assert all(genset.online for genset in coordinator.data.values())
    assert hass.states.get(RPM).state == "0"
