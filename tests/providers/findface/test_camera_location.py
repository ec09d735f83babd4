"""A FindFace camera's position on the map (its Location tracker), from the cameras list."""

from __future__ import annotations

from unittest.mock import AsyncMock

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.providers.findface.api import Camera

from .common import load_fixture

GATE = "device_tracker.gate_findface_location"
DOCK = "device_tracker.dock_findface_location"


def _cameras(**gate: object) -> list[Camera]:
    items = load_fixture("cameras.json")["results"]
    items[0] |= gate
    return [Camera.from_api(item) for item in items]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_camera_is_on_the_map_where_the_server_places_it(
    hass: HomeAssistant, mock_findface_client: AsyncMock, mock_config_entry: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    gate = hass.states.get(GATE)
    assert (gate.attributes["latitude"], gate.attributes["longitude"]) == (48.85, 2.35)
    # Dock has no position: its tracker is unavailable, not at 0, 0.
    assert hass.states.get(DOCK).state == STATE_UNAVAILABLE

    coordinator = mock_config_entry.runtime_data.coordinator
    for moved, expected in (
        ({"latitude": 50.0755, "longitude": 14.4378}, (50.0755, 14.4378)),
        ({"latitude": 0, "longitude": 0}, None),  # the server's "not set"
        ({"latitude": 91, "longitude": 14.4}, None),  # out of range: dropped by the parser
        ({"latitude": "north", "longitude": None}, None),
    ):
        mock_findface_client.cameras.return_value = _cameras(**moved)
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        state = hass.states.get(GATE)
        if expected is None:
            assert state.state == STATE_UNAVAILABLE, moved
        else:
            assert (state.attributes["latitude"], state.attributes["longitude"]) == expected
