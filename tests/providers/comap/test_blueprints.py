"""The genset blueprints on a ComAp genset, run by the values a coordinator refresh reads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from unittest.mock import AsyncMock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.providers.comap.api.exceptions import (
    ComapCommandNotConfirmedError,
)

from ...blueprints import async_automate_from
from ...conftest import SimulatorStack, async_tick
from .conftest import NORTH
from .test_triggers import _refresh

type Refresh = Callable[..., Awaitable[None]]


@pytest.fixture
def refresh(hass: HomeAssistant, mock_client: AsyncMock, mock_entry: MockConfigEntry) -> Refresh:
    """Refresh the genset with values set by ``ValueGuid`` name (``BREAKER_STATE="MainsFlt"``)."""
    return partial(_refresh, hass, mock_client, mock_entry)


async def test_mains_failed_starts_the_genset_and_notifies(
    hass: HomeAssistant, mock_client: AsyncMock, genset: str, refresh: Refresh, tmp_path: Path
) -> None:
    calls = await async_automate_from(
        hass, tmp_path, {"backup": ("mains_failed_start_genset", {"genset": genset})}
    )
    await refresh(BREAKER_STATE="MainsOper")
    assert calls == []
    mock_client.command.assert_not_awaited()

    await refresh(BREAKER_STATE="MainsFlt")
    mock_client.command.assert_awaited_once_with(NORTH, "start", None)
    assert [call.data for call in calls] == [
        {
            "title": "Mains failed at Genset North",
            "message": "Mains failed at Genset North: the Start command was sent.",
        }
    ]

    # Island operation after the failure is still no mains: nothing more.
    await refresh(BREAKER_STATE="IslOper")
    assert len(calls) == 1


async def test_a_new_alarm_is_notified_with_its_text(
    hass: HomeAssistant, genset: str, refresh: Refresh, tmp_path: Path
) -> None:
    calls = await async_automate_from(
        hass, tmp_path, {"alarm": ("genset_alarm", {"genset": genset})}
    )
    await refresh(ALARM_LIST="Wrn Battery Voltage|Wrn Fuel Level")
    await refresh(ALARM_LIST="Wrn Battery Voltage|Wrn Fuel Level|Sd Oil Pressure")
    assert [call.data for call in calls] == [
        {"title": "Alarm on Genset North", "message": "Genset North: Sd Oil Pressure (3 active)."}
    ]
    # An alarm cleared is not notified.
    await refresh(ALARM_LIST="Sd Oil Pressure")
    assert len(calls) == 1


async def test_a_refused_start_is_notified_all_the_same(
    hass: HomeAssistant, mock_client: AsyncMock, genset: str, refresh: Refresh, tmp_path: Path
) -> None:
    """OFF mode, say: the controller does not confirm the command; the user still hears of it."""
    mock_client.command.side_effect = ComapCommandNotConfirmedError("refused")
    calls = await async_automate_from(
        hass, tmp_path, {"backup": ("mains_failed_start_genset", {"genset": genset})}
    )
    await refresh(BREAKER_STATE="MainsOper")
    await refresh(BREAKER_STATE="MainsFlt")
    mock_client.command.assert_awaited_once()
    assert [call.data["title"] for call in calls] == ["Mains failed at Genset North"]


@pytest.mark.integration
async def test_at_the_simulator_mains_failure_starts_the_genset_and_alarms_are_notified(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    alpha: str,
    simulators: SimulatorStack,
    tmp_path: Path,
) -> None:
    """The whole path: the simulated site loses mains, the poll reads it, the blueprint starts
    the genset through the ComAp API, and a new alarm raised on the controller is notified."""
    calls = await async_automate_from(
        hass,
        tmp_path,
        {
            "backup": ("mains_failed_start_genset", {"genset": alpha}),
            "alarm": ("genset_alarm", {"genset": alpha}),
        },
    )
    simulators.simulator.reset_stats()
    simulators.simulator.set_mains(simulators.alpha, False)
    await async_tick(hass, freezer, 60)
    assert hass.states.get("sensor.genset_alpha_breaker_state").state == "mains_failure"
    assert simulators.simulator.stats()["by_call"]["command"] == 1
    assert [call.data["title"] for call in calls] == ["Mains failed at Genset Alpha"]
    simulators.clock.advance(30)
    await async_tick(hass, freezer, 60)
    assert hass.states.get("sensor.genset_alpha_engine_state").state in ("running", "loaded")

    simulators.simulator.raise_alarm(simulators.alpha, "Sd Oil Pressure")
    await async_tick(hass, freezer, 60)
    assert calls[-1].data == {
        "title": "Alarm on Genset Alpha",
        "message": "Genset Alpha: Sd Oil Pressure (1 active).",
    }
