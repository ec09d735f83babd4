"""FindFace counters by counter id: two counters on one camera, their sensors and events.

Against the simulator, whose Lobby camera (3) has two counters (Lobby occupancy, Lobby queue).
The records are the simulator's own, posted through Home Assistant's webhook pipeline.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.occupancy import occupancy_sentence
from simulator.findface import FindFaceSimulator

from ...conftest import SimulatorStack
from ...occupancy_helpers import Fired
from .common import post

pytestmark = pytest.mark.integration

OCCUPANCY = "event.lobby_findface_lobby_occupancy_changes"
QUEUE = "event.lobby_findface_lobby_queue_changes"


def _record(sim: FindFaceSimulator, counter: int, faces: int, bodies: int) -> dict[str, Any]:
    (record,) = sim.emit("counters", camera=3, counter=counter)
    return record | {"faces_count": faces, "silhouettes_count": bodies, "cars_count": 0}


@pytest.fixture
def sim(findface_entry: MockConfigEntry, simulators: SimulatorStack) -> FindFaceSimulator:
    """The FindFace simulator, with the entry set up on it."""
    return simulators.findface


async def test_two_counters_on_one_camera_keep_their_own_values_and_events(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, sim: FindFaceSimulator
) -> None:
    occupancy, queue = Fired(hass, OCCUPANCY), Fired(hass, QUEUE)
    bodies = [(1, 5), (3, 2), (1, 7), (3, 2), (1, 4), (3, 0)]
    for counter, count in bodies:
        body = [_record(sim, counter, min(count, 1), count)]
        assert await post(hass_client, body, "counters") == HTTPStatus.OK
    await hass.async_block_till_done()

    # Each counter's sensors show its own last record; the camera's show the last of any.
    lobby = "sensor.lobby_findface"
    assert hass.states.get(f"{lobby}_lobby_occupancy_bodies_counted").state == "4"
    assert hass.states.get(f"{lobby}_lobby_queue_bodies_counted").state == "0"
    assert hass.states.get(f"{lobby}_bodies_counted").state == "0"
    # The first record of each is its baseline; then only its own changes fire.
    assert occupancy.events == [("entered", 7, 2, 0), ("exited", 4, 0, 3)]
    assert queue.events == [("exited", 0, 0, 2)]
    assert occupancy_sentence("exited", queue.data[0]) == "2 people left Lobby queue"
    assert hass.states.get(OCCUPANCY).attributes["friendly_name"] == (
        "Lobby (FindFace) Lobby occupancy changes"
    )


async def test_hostile_counts_fire_nothing(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, sim: FindFaceSimulator
) -> None:
    fired = Fired(hass, QUEUE)
    assert await post(hass_client, [_record(sim, 3, 1, 3)], "counters") == HTTPStatus.OK
    for hostile in (-1, 10**300, "NaN", 1.5e308 * 10, None):
        record = _record(sim, 3, 0, 0) | dict.fromkeys(
            ("faces_count", "silhouettes_count", "cars_count"), hostile
        )
        await post(hass_client, [record], "counters")
    await hass.async_block_till_done()
    assert fired.events == []
