"""Camlytics entities with the client mocked (hand-written payloads): every platform pinned.

Pinned with ``snapshot_entities``: ``snapshot_platform``'s comparison of the fields Sitewatch
sets, which holds on every supported Home Assistant (whole registry entries do not).
"""

from __future__ import annotations

from dataclasses import replace
from http import HTTPStatus
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.sitewatch.providers import PROVIDERS
from custom_components.sitewatch.providers.camlytics.api import CamlyticsConnectionError

from ...conftest import snapshot_entities
from .conftest import load_fixture, post

NOW = "2026-03-02T07:20:00+00:00"
"""Five minutes after the polled event (its time must not lie in the future)."""


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry, *platforms: Platform) -> None:
    only = replace(PROVIDERS["camlytics"], platforms=platforms)
    with patch.dict(PROVIDERS, {"camlytics": only}):
        assert await hass.config_entries.async_setup(entry.entry_id)
        # The events catch-up poll that starts with the webhook runs in the background.
        await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.freeze_time(NOW)
@pytest.mark.usefixtures("entity_registry_enabled_by_default", "mock_client")
@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.EVENT])
async def test_platform(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """Occupancy from the counts (12 in, 5 out), a queue, counts; the polled event fired."""
    await _set_up(hass, mock_entry, platform)
    snapshot_entities(hass, entity_registry, snapshot, mock_entry.entry_id)


@pytest.mark.freeze_time(NOW)
@pytest.mark.usefixtures("mock_client")
async def test_a_pushed_event_fires_on_its_channel(
    hass: HomeAssistant, mock_entry: MockConfigEntry, ha_client: Any
) -> None:
    await _set_up(hass, mock_entry, Platform.EVENT)
    assert await post(ha_client, load_fixture("events_webhook.json")) == HTTPStatus.OK
    till = hass.states.get("event.harbour_shop_till_analytics")
    assert till.attributes["event_type"] == "region_join"
    assert till.attributes["record_id"] == 90002
    assert till.attributes["trigger"] == "Till zone"
    assert till.attributes["event_time"] == "2026-03-02T07:16:30+00:00"
    # The door's event came by poll and is not fired again by a second poll.
    door = hass.states.get("event.harbour_shop_door_analytics")
    assert door.attributes["record_id"] == 90001
    await mock_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("event.harbour_shop_door_analytics").state == door.state


@pytest.mark.freeze_time(NOW)
async def test_a_failed_poll_leaves_pushed_values_available(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_client: AsyncMock,
    mock_entry: MockConfigEntry,
    ha_client: Any,
) -> None:
    await _set_up(hass, mock_entry, Platform.SENSOR)
    body = [{"queue": 3, "channel_id": "till-cam"}, {"occupancy": 6, "location_id": 7}]
    assert await post(ha_client, body) == HTTPStatus.OK
    mock_client.trigger_totals.side_effect = CamlyticsConnectionError("down")
    await mock_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.harbour_shop_door_enter_today").state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.harbour_shop_till_queue").state == "3"
    assert hass.states.get("sensor.harbour_shop_occupancy").state == "6"
