"""Camlytics occupancy and queue as events: push and poll paths, restarts, hostile counts."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.occupancy import occupancy_sentence
from simulator.camlytics import CamlyticsSimulator

from ...occupancy_helpers import Fired
from .conftest import WEBHOOK_ID, first_place, post

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("fast_limiter")]

OCCUPANCY_EVENTS = "event.main_street_store_occupancy_changes"
QUEUE_EVENTS = "event.main_street_store_entrance_queue_changes"


async def test_pushed_occupancy_fires_entered_exited_and_a_change_of_source(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, sim: CamlyticsSimulator
) -> None:
    location, channel = first_place(sim)
    fired = Fired(hass, OCCUPANCY_EVENTS)
    queue = Fired(hass, QUEUE_EVENTS)
    for value in (5, 8, 8, 6):
        assert await post(ha_client, {"occupancy": value, "location_id": location}) == 200
    for value in (2, 3):
        assert await post(ha_client, {"queue": value, "channel_id": channel}) == 200
    await hass.async_block_till_done()
    # Polled Enter minus Exit (0) was the baseline; the webhook taking over is a change.
    assert fired.events == [
        ("changed", 5, 0, 0),
        ("entered", 8, 3, 0),
        ("exited", 6, 0, 2),
    ]
    assert fired.data[1]["place"] == "Main Street store"
    assert occupancy_sentence("entered", fired.data[1]) == "3 people entered Main Street store"
    # The queue had no reading: 2 is its baseline.
    assert queue.events == [("entered", 3, 1, 0)]
    assert occupancy_sentence("entered", queue.data[0]) == (
        "1 person entered Main Street store Entrance queue"
    )


async def test_hostile_counts_fire_nothing(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, sim: CamlyticsSimulator
) -> None:
    location, _ = first_place(sim)
    assert await post(ha_client, {"occupancy": 4, "location_id": location}) == 200
    await hass.async_block_till_done()
    fired = Fired(hass, OCCUPANCY_EVENTS)
    for body in (
        b'{"occupancy": NaN, "location_id": %d}' % location,
        b'{"occupancy": -3, "location_id": %d}' % location,
        b'{"occupancy": 1%s, "location_id": %d}' % (b"0" * 300, location),
    ):
        response = await ha_client.post(
            f"/api/webhook/{WEBHOOK_ID}", data=body, headers={"Content-Type": "application/json"}
        )
        assert response.status == HTTPStatus.BAD_REQUEST
    await hass.async_block_till_done()
    assert fired.events == []
    assert await post(ha_client, {"occupancy": 7, "location_id": location}) == 200
    await hass.async_block_till_done()
    assert fired.events == [("entered", 7, 3, 0)]


async def test_polled_occupancy_fires_and_a_restart_does_not(
    hass: HomeAssistant, entry: MockConfigEntry, sim: CamlyticsSimulator
) -> None:
    location, channel = first_place(sim)
    coordinator = entry.runtime_data.coordinator
    fired = Fired(hass, OCCUPANCY_EVENTS)
    sim.emit_events(3, location, channel, trigger_name="Enter")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    sim.emit_events(1, location, channel, trigger_name="Exit")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert fired.events == [("entered", 3, 3, 0), ("exited", 2, 0, 1)]

    # After a reload (as after a restart) the occupancy of 2 is the new baseline: no
    # "2 people entered", and the event entity shows its last event again.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert fired.events == [("entered", 3, 3, 0), ("exited", 2, 0, 1)]
    assert hass.states.get(OCCUPANCY_EVENTS).attributes["occupancy"] == 2
