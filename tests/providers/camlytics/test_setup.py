"""Camlytics setup: only the locations before the entry is loaded, the paced rest after it.

The client is mocked (hand-written payloads); a slow call is held on an ``asyncio.Event`` to
show that setup does not wait for it and that the entities fill once it answers.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from unittest.mock import AsyncMock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.providers.camlytics.api import (
    CamlyticsAuthenticationError,
    CamlyticsConnectionError,
)

from ...conftest import (
    assert_recovers_from_a_failed_first_refresh,
    assert_setup_fails,
    hold,
)
from .conftest import load_fixture, post

NOW = "2026-03-02T07:20:00+00:00"
"""Five minutes after the polled event (its time must not lie in the future)."""


@pytest.mark.freeze_time(NOW)
async def test_setup_does_not_wait_for_the_paced_refresh(
    hass: HomeAssistant, mock_client: AsyncMock, mock_entry: MockConfigEntry, ha_client: Any
) -> None:
    """Loaded after the locations alone; channels, counts and pushes follow the first refresh."""
    release = hold(mock_client.channels)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_entry.state is ConfigEntryState.LOADED
    mock_client.locations.assert_awaited_once()
    mock_client.trigger_totals.assert_not_awaited()
    # The location is known: its occupancy is unknown (not 0) until the counts arrive.
    assert hass.states.get("sensor.harbour_shop_occupancy").state == STATE_UNKNOWN
    assert hass.states.get("event.harbour_shop_door_analytics") is None
    assert hass.states.get("sensor.harbour_shop_door_enter_today") is None
    # No event entity yet: a pushed event is refused for the sender to retry, never dropped.
    body = load_fixture("events_webhook.json")
    assert await post(ha_client, body) == HTTPStatus.SERVICE_UNAVAILABLE

    release.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.harbour_shop_door_enter_today").state == "12"
    assert hass.states.get("sensor.harbour_shop_occupancy").state == "7"
    assert (
        hass.states.get("event.harbour_shop_door_analytics").attributes["record_id"] == 90001
    )  # polled
    mock_client.locations.assert_awaited_once()  # the first refresh took setup's locations
    assert await post(ha_client, body) == HTTPStatus.OK
    assert hass.states.get("event.harbour_shop_till_analytics").attributes["record_id"] == 90002


@pytest.mark.freeze_time(NOW)
async def test_a_failed_first_refresh_makes_entities_unavailable_until_it_recovers(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_client: AsyncMock,
    mock_entry: MockConfigEntry,
) -> None:
    """The totals fail: the counts are unavailable, the channels' event entities are not."""
    counts = ("sensor.harbour_shop_door_enter_today", "12")
    totals, down = mock_client.trigger_totals, CamlyticsConnectionError("down")
    await assert_recovers_from_a_failed_first_refresh(
        hass, freezer, mock_entry, totals, down, counts, "event.harbour_shop_door_analytics"
    )
    assert hass.states.get("sensor.harbour_shop_occupancy").state == "7"


@pytest.mark.freeze_time(NOW)
async def test_a_reload_right_after_a_request_leaves_the_locations_to_the_refresh(
    hass: HomeAssistant, mock_client: AsyncMock, mock_entry: MockConfigEntry
) -> None:
    """The key's limiter is busy: setup makes no request rather than wait for it."""
    await mock_client.limiter.wait()  # a request of the key just went out
    release = hold(mock_client.locations)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.harbour_shop_occupancy") is None
    release.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.harbour_shop_occupancy").state == "7"
    assert hass.states.get("sensor.harbour_shop_door_enter_today").state == "12"


async def test_setup_fails_when_the_locations_cannot_be_read(
    hass: HomeAssistant, mock_client: AsyncMock, mock_entry: MockConfigEntry
) -> None:
    """Unreachable: retried; keys refused: reauthentication; the channels are never asked."""
    errors = (CamlyticsConnectionError("down"), CamlyticsAuthenticationError("refused"))
    client = mock_client
    await assert_setup_fails(hass, mock_entry, client.locations, errors, client.channels)
