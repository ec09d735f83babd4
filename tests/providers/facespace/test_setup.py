"""FaceSpace setup: the cameras are listed before the entry loads, the logs are read after it."""

from __future__ import annotations

from typing import Any
from unittest.mock import AsyncMock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
import pytest

from custom_components.sitewatch.coordinator import RETRY_INTERVAL
from custom_components.sitewatch.providers.facespace.api import (
    FaceSpaceApiKeyError,
    FaceSpaceConnectionError,
)

from ...conftest import assert_setup_fails, async_tick, hold
from .conftest import STORE_KEY, async_setup, facespace_entry
from .test_platforms import NOW


async def test_setup_does_not_wait_for_the_logs(
    hass: HomeAssistant, mock_client: AsyncMock, freezer: FrozenDateTimeFactory
) -> None:
    """Loaded with its cameras after one request; the logged lines fire once they are read."""
    freezer.move_to(NOW)
    release = hold(mock_client.get_logs_range)
    entry = await async_setup(hass, facespace_entry(hass))
    assert entry.state is ConfigEntryState.LOADED
    mock_client.realtime.assert_awaited_once()
    assert hass.states.get("sensor.camera1_people_in_view").state == "1"
    assert hass.states.get("event.camera1_recognition").state == STATE_UNKNOWN

    release.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("event.camera1_recognition").attributes["name"] == "Bob"


async def test_a_failed_first_refresh_makes_the_sensors_unavailable_until_it_recovers(
    hass: HomeAssistant, mock_client: AsyncMock, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    logs = mock_client.get_logs_range.return_value
    mock_client.get_logs_range.side_effect = FaceSpaceConnectionError("down")
    entry = await async_setup(hass, facespace_entry(hass))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.camera1_people_in_view").state == STATE_UNAVAILABLE

    mock_client.get_logs_range.side_effect = None
    mock_client.get_logs_range.return_value = logs
    await async_tick(hass, freezer, RETRY_INTERVAL.total_seconds() + 1)
    assert hass.states.get("sensor.camera1_people_in_view").state == "1"
    assert hass.states.get("event.camera1_recognition").attributes["name"] == "Bob"


@pytest.mark.parametrize(
    "error", [FaceSpaceApiKeyError("refused"), FaceSpaceConnectionError("down")]
)
async def test_setup_fails_when_the_cameras_cannot_be_listed(
    hass: HomeAssistant, mock_client: AsyncMock, error: Exception
) -> None:
    mock_client.realtime.side_effect = error
    await assert_setup_fails(
        hass, facespace_entry(hass), auth_failed=isinstance(error, FaceSpaceApiKeyError)
    )
    mock_client.get_logs_range.assert_not_awaited()


async def test_with_pushes_and_known_cameras_an_unreachable_service_does_not_stop_setup(
    hass: HomeAssistant,
    mock_client: AsyncMock,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Pushed lines can still fire; the entities that follow the poll wait for it to recover."""
    freezer.move_to(NOW)
    hass_storage[STORE_KEY] = {
        "version": 1,
        "key": STORE_KEY,
        "data": {"cursor": None, "seen": [], "cameras": {"Camera1": {"seen_at": None}}},
    }
    realtime = mock_client.realtime.return_value
    mock_client.realtime.side_effect = FaceSpaceConnectionError("down")
    entry = await async_setup(hass, facespace_entry(hass, accept_push=True))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.camera1_people_in_view").state == STATE_UNAVAILABLE
    assert hass.states.get("event.camera1_recognition").state != STATE_UNAVAILABLE

    mock_client.realtime.side_effect = None
    mock_client.realtime.return_value = realtime
    await async_tick(hass, freezer, RETRY_INTERVAL.total_seconds() + 1)
    assert hass.states.get("sensor.camera1_people_in_view").state == "1"
