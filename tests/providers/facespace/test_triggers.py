"""Device triggers of FaceSpace cameras, run by the lines the poll and the webhook deliver."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from custom_components.sitewatch.providers.facespace.coordinator import camera_device

from ... import device_triggers as triggers
from ...conftest import SimulatorStack
from .conftest import HOOK, KEY, async_refresh, async_setup_simulator

pytestmark = pytest.mark.integration

LOBBY = camera_device("Lobby")


async def test_cameras_offer_recognitions_with_the_names_seen(
    hass: HomeAssistant, simulators: SimulatorStack
) -> None:
    entry = await async_setup_simulator(hass, simulators.url)
    sim = simulators.facespace
    sim.recognize("Lobby", "Alice")
    sim.recognize("Entrance", "Bob")
    sim.recognize("Parking", "Unknown")
    await async_refresh(hass, entry)
    lobby = triggers.device_of(hass, entry, LOBBY)
    assert await triggers.async_offered(hass, lobby) == [
        ("person_recognized", None),
        ("unknown_face", None),
    ]
    fields = await triggers.async_capabilities(hass, lobby, "person_recognized")
    assert [field["name"] for field in fields] == ["person"]
    assert fields[0]["selector"]["select"]["options"] == ["Alice", "Bob"]


async def test_recognitions_run_once_per_line_polled_or_pushed(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry = await async_setup_simulator(hass, simulators.url, accept_push=True)
    sim = simulators.facespace
    sim.recognize("Lobby", "Someone")
    await async_refresh(hass, entry)  # the Lobby camera and its entities exist
    runs = await triggers.async_automate(
        hass,
        triggers.device_of(hass, entry, LOBBY),
        triggers.recognitions(" ALICE"),
    )
    now = dt_util.utcnow().replace(microsecond=0)
    for second, name in enumerate(("Alice", "Alice", "Bob", "Unknown"), start=1):
        sim.recognize("Lobby", name, now + timedelta(seconds=second))
    sim.recognize("Entrance", "Alice", now + timedelta(seconds=5))
    await async_refresh(hass, entry)
    assert runs() == {"anyone": 3, "person": 2, "unknown": 1}

    line = f"Alice @ {(now + timedelta(seconds=6)).strftime('%H:%M:%S %d/%m/%y')}"
    response = await ha_client.post(HOOK, json={"Lobby": [line]}, headers={"x-api-key": KEY})
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert runs() == {"anyone": 4, "person": 3, "unknown": 1}
