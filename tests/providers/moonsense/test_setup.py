"""Moonsense setup: the token is checked before the entry loads, today's sessions after it."""

from __future__ import annotations

from http import HTTPStatus
from unittest.mock import MagicMock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.providers.moonsense.api import (
    MoonsenseAuthenticationError,
    MoonsenseConnectionError,
)

from ...conftest import (
    assert_recovers_from_a_failed_first_refresh,
    assert_setup_fails,
    hold,
)
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
    assert hass.states.get("sensor.iphone142_battery").state == "64"

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
    """The sessions fail: their sensors are unavailable, the pushed entities are not."""
    sessions, down = mock_client.sessions, MoonsenseConnectionError("down")
    today = ("sensor.moonsense_sessions_today", "2")
    await assert_recovers_from_a_failed_first_refresh(
        hass, freezer, mock_entry, sessions, down, today, "event.moonsense_session"
    )


async def test_setup_fails_when_the_token_cannot_be_checked(
    hass: HomeAssistant, mock_client: MagicMock, mock_entry: MockConfigEntry
) -> None:
    """Unreachable: retried; token refused: reauthentication; no session is read."""
    errors = (MoonsenseConnectionError("down"), MoonsenseAuthenticationError("refused"))
    await assert_setup_fails(hass, mock_entry, mock_client.whoami, errors, mock_client.sessions)
