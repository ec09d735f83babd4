"""Coordinator behaviour that needs a closer look than the entity tests give."""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.providers.comap.api import (
    ComapApiError,
    ComapClient,
    ComapRateLimitError,
    Unit,
)
from custom_components.sitewatch.providers.comap.const import (
    INFO_READS_PER_REFRESH,
    SETUP_READS,
)
from custom_components.sitewatch.providers.comap.coordinator import ComapCoordinator

from ...budget import ManualBudget
from ...conftest import SimulatorStack
from .conftest import Tick, genset_device_id

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


async def test_429_during_setup_is_waited_out(
    hass: HomeAssistant,
    comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
    budgets: list[ManualBudget],
) -> None:
    simulators.simulator.fail_next(429, count=2)  # the token and the units list
    assert await hass.config_entries.async_setup(comap_entry.entry_id)
    await hass.async_block_till_done()

    assert comap_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(RPM).state == "0"
    assert budgets[0].slept == [1.0, 1.0]  # Retry-After: 1, twice


async def test_429s_past_the_clients_patience_retry_setup(
    hass: HomeAssistant,
    comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
    budgets: list[ManualBudget],
) -> None:
    simulators.simulator.fail_next(429, count=1000)
    await hass.config_entries.async_setup(comap_entry.entry_id)
    await hass.async_block_till_done()

    assert comap_entry.state is ConfigEntryState.SETUP_RETRY
    assert sum(budgets[0].slept) == 60.0  # a minute of Retry-After: 1, then the call failed


async def test_429_during_a_refresh_is_waited_out(
    hass: HomeAssistant,
    tick: Tick,
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
    budgets: list[ManualBudget],
) -> None:
    simulators.simulator.reset_stats()
    simulators.simulator.fail_next(429, count=3)
    await tick(60)

    assert hass.states.get(RPM).state == "0"
    assert loaded_comap_entry.runtime_data.coordinator.last_update_success
    assert budgets[0].slept.count(1.0) == 3
    stats = simulators.simulator.stats()
    assert stats["by_call"]["values"] == 2 + 3  # one per genset, and the three refused
    assert sorted(stats["values_by_unit"].values()) == [1, 1]


def _units(count: int) -> list[Unit]:
    return [
        Unit(unit_guid=f"00000000-0000-4000-8000-{number:012d}", name=f"Genset {number:03d}")
        for number in range(count)
    ]


async def test_a_large_site_loads_at_once_and_its_info_arrives_later(
    hass: HomeAssistant,
    tick: Tick,
    mock_client: AsyncMock,
    mock_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """200 gensets: setup reads a few, the rest at once in the background, info over cycles.

    After that, each refresh reads every genset's values once and at most ten infos; a
    device gets the model from the info when it arrives (the controller value until then).
    """
    units = _units(200)
    mock_client.units.return_value = units
    at_setup: list[tuple[int, int, int]] = []
    read_rest = ComapCoordinator.async_read_rest_in_background

    def count_then_read_rest(coordinator: ComapCoordinator) -> None:
        client = mock_client
        at_setup.append(
            (client.units.await_count, client.values.await_count, client.info.await_count)
        )
        read_rest(coordinator)

    with patch.object(ComapCoordinator, "async_read_rest_in_background", count_then_read_rest):
        assert await hass.config_entries.async_setup(mock_entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)

    assert mock_entry.state is ConfigEntryState.LOADED
    assert at_setup == [(1, SETUP_READS, 0)]  # the setup's requests: the units and four values
    coordinator = mock_entry.runtime_data.coordinator
    read = [call.args[0] for call in mock_client.values.await_args_list]
    assert sorted(read) == sorted(unit.unit_guid for unit in units)  # each genset once
    assert mock_client.info.await_count == INFO_READS_PER_REFRESH
    assert all(genset.online for genset in coordinator.data.values())
    assert hass.states.get("sensor.genset_199_engine_speed") is not None

    def models() -> list[str | None]:
        return [
            device_registry.async_get(
                genset_device_id(device_registry, mock_entry, u.unit_guid)
            ).model
            for u in units
        ]

    assert models().count("InteliGen 500") == INFO_READS_PER_REFRESH
    assert models().count("IG500") == 200 - INFO_READS_PER_REFRESH  # the controller value

    for cycle in range(1, 20):
        mock_client.values.reset_mock()
        await tick(60)
        assert mock_client.values.await_count == 200, cycle
        assert mock_client.info.await_count == INFO_READS_PER_REFRESH * (cycle + 1), cycle
    assert models() == ["InteliGen 500"] * 200

    mock_client.info.reset_mock()
    await tick(60)
    assert mock_client.info.await_count == 0  # read again a day later
    assert mock_client.units.await_count == 2  # every 15 minutes


async def test_a_refresh_asked_for_while_one_reads_reads_nothing_twice(
    hass: HomeAssistant, mock_client: AsyncMock, mock_entry: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    coordinator = mock_entry.runtime_data.coordinator
    mock_client.values.reset_mock()
    answer = mock_client.values.return_value
    in_flight = most = 0

    async def values(*_args: object) -> object:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0)
        in_flight -= 1
        return answer

    mock_client.values.side_effect = values
    await asyncio.gather(coordinator.async_refresh(), coordinator.async_refresh())

    # Never two reads of the genset at once: on Home Assistant 2025.4 the second refresh
    # returns the data the first is reading; newer versions run refreshes one after the other.
    assert most == 1
    assert mock_client.values.await_count in (1, 2)
    assert coordinator.last_update_success
