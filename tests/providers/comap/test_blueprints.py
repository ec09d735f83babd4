"""The genset blueprints on a ComAp genset, run by the values a coordinator refresh reads."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import AsyncMock

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from ...blueprints import async_automate_from
from .conftest import NORTH, genset_device_id
from .test_triggers import _refresh


@pytest.fixture
async def north(hass: HomeAssistant, mock_client: AsyncMock, mock_entry: MockConfigEntry) -> str:
    """The device id of the mocked genset North once its entry is set up."""
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    return genset_device_id(dr.async_get(hass), mock_entry, NORTH)


async def test_mains_failed_starts_the_genset_and_notifies(
    hass: HomeAssistant,
    mock_client: AsyncMock,
    mock_entry: MockConfigEntry,
    north: str,
    tmp_path: Path,
) -> None:
    calls = await async_automate_from(
        hass, tmp_path, {"backup": ("mains_failed_start_genset", {"genset": north})}
    )
    await _refresh(hass, mock_client, mock_entry, BREAKER_STATE="MainsOper")
    assert calls == []
    mock_client.command.assert_not_awaited()

    await _refresh(hass, mock_client, mock_entry, BREAKER_STATE="MainsFlt")
    mock_client.command.assert_awaited_once_with(NORTH, "start", None)
    assert len(calls) == 1
    assert calls[0].data["title"].startswith("Mains failed at ")
    assert calls[0].data["message"].endswith(": the Start command was sent.")

    # Island operation after the failure is still no mains: nothing more.
    await _refresh(hass, mock_client, mock_entry, BREAKER_STATE="IslOper")
    assert len(calls) == 1


async def test_a_new_alarm_is_notified_with_its_text(
    hass: HomeAssistant,
    mock_client: AsyncMock,
    mock_entry: MockConfigEntry,
    north: str,
    tmp_path: Path,
) -> None:
    calls = await async_automate_from(
        hass, tmp_path, {"alarm": ("genset_alarm", {"genset": north})}
    )
    await _refresh(hass, mock_client, mock_entry, ALARM_LIST="Wrn Battery Voltage|Wrn Fuel Level")
    await _refresh(
        hass,
        mock_client,
        mock_entry,
        ALARM_LIST="Wrn Battery Voltage|Wrn Fuel Level|Sd Oil Pressure",
    )
    assert len(calls) == 1
    assert calls[0].data["title"].startswith("Alarm on ")
    assert calls[0].data["message"].endswith(": Sd Oil Pressure (3 active).")
    # An alarm cleared is not notified.
    await _refresh(hass, mock_client, mock_entry, ALARM_LIST="Sd Oil Pressure")
    assert len(calls) == 1
