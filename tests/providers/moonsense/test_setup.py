"""Moonsense setup: the token is checked before the entry loads, today's sessions after it."""

from __future__ import annotations

from http import HTTPStatus
from unittest.mock import MagicMock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.coordinator import RETRY_INTERVAL
from custom_components.sitewatch.providers.moonsense.api import (
    MoonsenseAuthenticationError,
    MoonsenseConnectionError,
)

from ...conftest import assert_setup_fails, async_tick, hold
from .conftest import WEBHOOK_ID, async_setup_entry, load_fixture


async def test_setup_does_not_wait_for_the_sessions(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    mock_client: MagicMock,
    mock_entry: MockConfigEntry,
) -> None:
    """Loaded once the token is checked; pushes are taken at once; the counts follow the poll."""
    assert await async_setup_component(hass, "webhook", {})
    release = hold(mock_client.sessions)
    await async_setup_entry(hass, mock_entry)
    assert mock_entry.state is ConfigEntryState.LOADED
    mock_client.whoami.assert_awaited_once()
    # Unknown rather than 0 sessions until today's sessions are read.
    assert hass.states.get("sensor.moonsense_sessions_today").state == STATE_UNKNOWN
    assert hass.states.get("sensor.moonsense_active_sessions").state == STATE_UNKNOWN
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", json=load_fixture("webhook_bundle_received.json")
    )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert hass.states.get("sensor.moonsense_battery").state == "64"

    release.set()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.moonsense_sessions_today").state == "2"
    assert hass.states.get("sensor.moonsense_active_sessions").state == "1"


async def test_a_failed_first_poll_makes_the_session_sensors_unavailable_until_it_recovers(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_client: MagicMock,
    mock_entry: MockConfigEntry,
) -> None:
    sessions = mock_client.sessions.return_value
    mock_client.sessions.side_effect = MoonsenseConnectionError("down")
    await async_setup_entry(hass, mock_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert mock_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.moonsense_sessions_today").state == STATE_UNAVAILABLE
    assert hass.states.get("event.moonsense_session").state != STATE_UNAVAILABLE

    mock_client.sessions.side_effect = None
    mock_client.sessions.return_value = sessions
    await async_tick(hass, freezer, RETRY_INTERVAL.total_seconds() + 1)
    assert hass.states.get("sensor.moonsense_sessions_today").state == "2"


@pytest.mark.parametrize(
    "error", [MoonsenseAuthenticationError("refused"), MoonsenseConnectionError("down")]
)
async def test_setup_fails_when_the_token_cannot_be_checked(
    hass: HomeAssistant, mock_client: MagicMock, mock_entry: MockConfigEntry, error: Exception
) -> None:
    mock_client.whoami.side_effect = error
    await assert_setup_fails(
        hass, mock_entry, auth_failed=isinstance(error, MoonsenseAuthenticationError)
    )
    mock_client.sessions.assert_not_awaited()
