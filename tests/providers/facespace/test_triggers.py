"""Device triggers of FaceSpace cameras, run by the lines the poll and the webhook deliver."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from ...conftest import SimulatorStack
from ...device_triggers import async_automate, async_capabilities, async_offered, device_named
from .conftest import HOOK, KEY, async_refresh, async_setup_simulator

pytestmark = pytest.mark.integration


async def test_cameras_offer_recognitions_with_the_names_seen(
    hass: HomeAssistant, editor_ws: WebSocketGenerator, simulators: SimulatorStack
) -> None:
    entry = await async_setup_simulator(hass, simulators.url)
    sim = simulators.facespace
    sim.recognize("Lobby", "Alice")
    sim.recognize("Entrance", "Bob")
    sim.recognize("Parking", "Unknown")
    await async_refresh(hass, entry)
    lobby = device_named(hass, entry, "Lobby")
    assert await async_offered(hass, lobby) == [("person_recognized", None), ("unknown_face", None)]
    fields = await async_capabilities(editor_ws, lobby, "person_recognized")
    assert [field["name"] for field in fields] == ["person"]
    assert fields[0]["selector"]["select"]["options"] == ["Alice", "Bob"]


async def test_recognitions_run_once_per_line_polled_or_pushed(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry = await async_setup_simulator(hass, simulators.url, accept_push=True)
    sim = simulators.facespace
    sim.recognize("Lobby", "Someone")
    await async_refresh(hass, entry)  # the Lobby camera and its entities exist
    runs = await async_automate(
        hass,
        device_named(hass, entry, "Lobby"),
        {
            "anyone": {"type": "person_recognized"},
            "alice": {"type": "person_recognized", "person": "ALICE"},
            "stranger": {"type": "unknown_face"},
        },
    )
    now = dt_util.utcnow().replace(microsecond=0)
    for second, name in enumerate(("Alice", "Alice", "Bob", "Unknown"), start=1):
        sim.recognize("Lobby", name, now + timedelta(seconds=second))
    sim.recognize("Entrance", "Alice", now + timedelta(seconds=5))
    await async_refresh(hass, entry)
    assert runs() == {"anyone": 3, "alice": 2, "stranger": 1}

    line = f"Alice @ {(now + timedelta(seconds=6)).strftime('%H:%M:%S %d/%m/%y')}"
    response = await ha_client.post(HOOK, json={"Lobby": [line]}, headers={"x-api-key": KEY})
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert runs() == {"anyone": 4, "alice": 3, "stranger": 1}
