"""Every Moonsense platform with the client mocked, pinned by snapshots.

``snapshot_entities`` (``tests/conftest.py``) is ``snapshot_platform`` reduced to what Sitewatch
sets, so that the snapshots hold on every Home Assistant version the project tests on.
"""

from __future__ import annotations

from dataclasses import replace
from http import HTTPStatus
from unittest.mock import MagicMock, patch

from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.sitewatch.providers import PROVIDERS
from custom_components.sitewatch.providers.moonsense.api import MoonsenseConnectionError

from ...conftest import snapshot_entities
from .conftest import WEBHOOK_ID, async_setup_entry, load_fixture


@pytest.mark.usefixtures("mock_client", "entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.EVENT, Platform.DEVICE_TRACKER])
async def test_platform(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    mock_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """The polled sessions of ``sessions.json``, then the bundle of a posted webhook.

    Two phones (the iPhone and the Pixel of ``sessions.json``), each with its entities (the
    noisy ones enabled here); the bundle's readings only on the iPhone's.
    """
    assert await async_setup_component(hass, "webhook", {})
    only = replace(PROVIDERS["moonsense"], platforms=(platform,))
    with patch.dict(PROVIDERS, {"moonsense": only}):
        await async_setup_entry(hass, mock_entry)
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", json=load_fixture("webhook_bundle_received.json")
    )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    snapshot_entities(hass, entity_registry, snapshot, mock_entry.entry_id)


async def test_pushed_entities_stay_available_while_the_poll_fails(
    hass: HomeAssistant, mock_client: MagicMock, mock_entry: MockConfigEntry
) -> None:
    await async_setup_entry(hass, mock_entry)
    mock_client.sessions.side_effect = MoonsenseConnectionError("down")
    await mock_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.moonsense_sessions_today").state == STATE_UNAVAILABLE
    for entity_id in (
        "sensor.iphone142_battery",
        "event.moonsense_session",
        "device_tracker.iphone142_location",
    ):
        assert hass.states.get(entity_id).state != STATE_UNAVAILABLE
