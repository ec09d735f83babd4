"""Device triggers of Camlytics channels and locations, run by pushed and polled events."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.camlytics import CamlyticsSimulator

from ...conftest import SimulatorStack
from ...device_triggers import async_automate, async_capabilities, async_offered, device_of
from .conftest import post

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("fast_limiter")]


def _place(sim: CamlyticsSimulator) -> tuple[int, str]:
    location = sim.locations()[0]["id"]
    return location, sim.channels(location)[0]["id"]


def _pushed(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events as the webhook sends them (no ``id``)."""
    return [{**event, "id": None} for event in events]


async def test_channels_and_locations_offer_their_triggers(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulators: SimulatorStack,
) -> None:
    location, channel = _place(simulators.camlytics)
    channel_device = device_of(hass, entry, f"channel_{channel}")
    assert await async_offered(hass, channel_device) == [
        ("occupancy_above", "queue"),
        ("occupancy_below", "queue"),
        ("someone_entered", None),
        ("someone_exited", None),
    ]
    location_device = device_of(hass, entry, f"location_{location}")
    assert await async_offered(hass, location_device) == [
        ("occupancy_above", "occupancy"),
        ("occupancy_below", "occupancy"),
        ("occupancy_entered", None),
        ("occupancy_exited", None),
    ]
    fields = await async_capabilities(hass, location_device, "occupancy_below", subtype="occupancy")
    assert fields == [{"name": "below", "required": True, "type": "float"}]


async def test_entered_and_exited_run_once_per_crossing(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, simulators: SimulatorStack
) -> None:
    sim = simulators.camlytics
    location, channel = _place(sim)
    runs = await async_automate(
        hass,
        device_of(hass, entry, f"channel_{channel}"),
        {"in": {"type": "someone_entered"}, "out": {"type": "someone_exited"}},
    )
    entering = sim.emit_events(2, location, channel, trigger_name="Enter")
    assert await post(ha_client, _pushed(entering)) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert runs() == {"in": 2}  # two identical crossings in a row: two runs
    assert await post(ha_client, _pushed(sim.emit_events(1, location, channel, "Abandoned")))
    leaving = sim.emit_events(1, location, channel, trigger_name="Exit")
    assert await post(ha_client, _pushed(leaving)) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert runs() == {"in": 2, "out": 1}

    # Enter and Exit events (not line crossings), polled this time.
    for event_type in ("Enter", "Exit", "Enter"):
        sim.emit_events(1, location, channel, event_type)
    entry.runtime_data.coordinator._last_push.clear()  # as if no push came lately: poll
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert runs() == {"in": 4, "out": 2}


async def test_occupancy_and_queue_triggers_run_when_crossing_the_number(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, simulators: SimulatorStack
) -> None:
    location, channel = _place(simulators.camlytics)
    runs = await async_automate(
        hass,
        device_of(hass, entry, f"location_{location}"),
        {
            "over_20": {"type": "occupancy_above", "subtype": "occupancy", "above": 20},
            "under_5": {"type": "occupancy_below", "subtype": "occupancy", "below": 5},
            "queue_over_3": {
                "type": "occupancy_above",
                "subtype": "queue",
                "above": 3,
                "device_id": device_of(hass, entry, f"channel_{channel}"),
            },
        },
    )
    for value in (10, 21, 25, 19, 22, 4):
        body = {"occupancy": value, "location_id": location}
        assert await post(ha_client, body) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert runs() == {"over_20": 2, "under_5": 1}

    for value in (1, 4, 2, 5):
        assert await post(ha_client, {"queue": value, "channel_id": channel}) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert runs() == {"over_20": 2, "under_5": 1, "queue_over_3": 2}


async def test_location_entered_and_exited_run_on_occupancy_changes(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, simulators: SimulatorStack
) -> None:
    location, _ = _place(simulators.camlytics)
    runs = await async_automate(
        hass,
        device_of(hass, entry, f"location_{location}"),
        {"in": {"type": "occupancy_entered"}, "out": {"type": "occupancy_exited"}},
    )
    # The webhook taking over from polling is a change of source (no run), then 2 up, 1 down.
    for occupancy in (5, 7, 7, 6):
        assert await post(ha_client, {"occupancy": occupancy, "location_id": location}) == 200
    await hass.async_block_till_done()
    assert runs() == {"in": 1, "out": 1}
