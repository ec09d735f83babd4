"""FaceSpace setup: the cameras are listed before the entry loads, the logs are read after it."""

from __future__ import annotations

from typing import Any
from unittest.mock import AsyncMock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from custom_components.sitewatch.providers.facespace.api import (
    FaceSpaceApiKeyError,
    FaceSpaceConnectionError,
)

from ...conftest import (
    assert_recovers_from_a_failed_first_refresh,
    assert_setup_fails,
    hold,
)
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
    assert hass.states.get("sensor.camera1_facespace_people_in_view").state == "1"
    assert hass.states.get("event.camera1_facespace_recognition").state == STATE_UNKNOWN

    release.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("event.camera1_facespace_recognition").attributes["name"] == "Bob"


async def test_a_failed_first_refresh_makes_the_sensors_unavailable_until_it_recovers(
    hass: HomeAssistant, mock_client: AsyncMock, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(NOW)
    await assert_recovers_from_a_failed_first_refresh(
        hass,
        freezer,
        facespace_entry(hass),
        mock_client.get_logs_range,
        FaceSpaceConnectionError("down"),
        polled=("sensor.camera1_facespace_people_in_view", "1"),
        pushed="event.camera1_facespace_recognition",
    )
    assert hass.states.get("event.camera1_facespace_recognition").attributes["name"] == "Bob"


async def test_setup_fails_when_the_cameras_cannot_be_listed(
    hass: HomeAssistant, mock_client: AsyncMock
) -> None:
    """Unreachable: retried; key refused: reauthentication; the logs are never read."""
    errors = (FaceSpaceConnectionError("down"), FaceSpaceApiKeyError("refused"))
    entry, client = facespace_entry(hass), mock_client
    await assert_setup_fails(hass, entry, client.realtime, errors, client.get_logs_range)


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
    await assert_recovers_from_a_failed_first_refresh(
        hass,
        freezer,
        facespace_entry(hass, accept_push=True),
        mock_client.realtime,
        FaceSpaceConnectionError("down"),
        polled=("sensor.camera1_facespace_people_in_view", "1"),
        pushed="event.camera1_facespace_recognition",
    )
