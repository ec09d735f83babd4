"""The unit info on the genset: its location on the map, time zone and connection type."""

from __future__ import annotations

from unittest.mock import AsyncMock

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.providers.comap.api import (
    ComapApiError,
    Connection,
    Position,
    UnitInfo,
)
from custom_components.sitewatch.providers.comap.device_tracker import genset_position
from custom_components.sitewatch.providers.comap.sensor import connection_type

from ...conftest import SimulatorStack
from .conftest import load_fixture

TRACKER = "device_tracker.genset_alpha_location"


@pytest.mark.integration
async def test_location_time_zone_and_connection_from_the_simulator(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    """Read with the info at setup; no refresh asks for the info again (once a day)."""
    tracker = hass.states.get(TRACKER)
    assert (tracker.attributes["latitude"], tracker.attributes["longitude"]) == (50.0755, 14.4378)
    assert tracker.attributes["position_type"] == "Static"
    assert tracker.attributes["source_type"] == "gps"
    assert hass.states.get("device_tracker.genset_beta_location").attributes["latitude"] == 49.1951
    assert hass.states.get("sensor.genset_alpha_time_zone").state == "Europe/Prague"
    connection = hass.states.get("sensor.genset_alpha_connection_type")
    assert connection.state == "airgate"
    assert connection.attributes["controller_address"] == 1
    assert "ALPHA01AG" not in str(connection.attributes)  # the AirGate id is never shown

    simulators.simulator.reset_stats()
    coordinator = loaded_comap_entry.runtime_data.coordinator
    for _ in range(3):
        await coordinator.async_refresh()
    calls = simulators.simulator.stats()["by_call"]
    assert (calls["values"], calls["info"], calls["comments"]) == (6, 0, 0)


@pytest.mark.usefixtures("mock_client")
async def test_info_entities_wait_for_the_info(
    hass: HomeAssistant, mock_entry: MockConfigEntry, mock_client: AsyncMock
) -> None:
    """Unavailable while the info cannot be read; the values' sensors are not affected."""
    good = mock_client.info.return_value
    mock_client.info.side_effect = ComapApiError("down", 500)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    for entity_id in (
        "device_tracker.genset_north_location",
        "sensor.genset_north_time_zone",
        "sensor.genset_north_connection_type",
    ):
        assert hass.states.get(entity_id).state == STATE_UNAVAILABLE, entity_id
    assert hass.states.get("sensor.genset_north_power").state != STATE_UNAVAILABLE

    mock_client.info.side_effect = None
    mock_client.info.return_value = good
    coordinator = mock_entry.runtime_data.coordinator
    coordinator.data[next(iter(coordinator.data))].info_due = 0
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.genset_north_time_zone").state == "Europe/Prague"
    assert hass.states.get("device_tracker.genset_north_location").attributes["latitude"] == 50.08


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ({"latitude": 50.08, "longitude": 14.42}, (50.08, 14.42)),
        ({"latitude": -90, "longitude": 180}, (-90, 180)),
        ({"latitude": 0, "longitude": 0}, None),
        ({"latitude": 91, "longitude": 14.42}, None),
        ({"latitude": 50.08, "longitude": -180.5}, None),
        ({"latitude": "50.08", "longitude": 14.42}, None),
        ({"latitude": 50.08}, None),
        ({"latitude": float("nan"), "longitude": 1}, None),
        ({"latitude": 10**300, "longitude": 1}, None),
    ],
)
def test_position(position: dict[str, object], expected: tuple[float, float] | None) -> None:
    assert genset_position(Position.parse(position)) == expected


@given(
    st.dictionaries(
        st.sampled_from(["latitude", "longitude", "positionType"]),
        st.from_type(object) | st.floats(),
    )
)
def test_any_position_is_on_the_map_or_none(raw: dict[str, object]) -> None:
    position = genset_position(Position.parse(raw))
    if position is not None:
        assert -90 <= position[0] <= 90
        assert -180 <= position[1] <= 180


@pytest.mark.parametrize(
    ("connection", "expected"),
    [
        (None, None),
        ({"enabled": True, "airGateId": "AG-0042", "ipAddress": None}, "airgate"),
        ({"enabled": True, "airGateId": " ", "ipAddress": "10.0.0.7", "port": 23}, "ip"),
        ({"enabled": False, "airGateId": "AG-0042"}, "disabled"),
        ({"enabled": True}, None),
        ({"enabled": "yes", "airGateId": 7, "ipAddress": ["x"]}, None),
    ],
)
def test_connection_type(connection: dict[str, object] | None, expected: str | None) -> None:
    info = UnitInfo.parse(load_fixture("info.json") | {"connection": connection})
    assert connection_type(info.connection) == expected
    assert connection_type(Connection()) is None
