"""The person blueprint on a FaceSpace camera, run by the lines a poll reads: no picture."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from custom_components.sitewatch.providers.facespace.coordinator import camera_device

from ...blueprints import async_automate_from
from ...conftest import SimulatorStack
from ...device_triggers import device_of
from .conftest import async_refresh, async_setup_simulator

pytestmark = pytest.mark.integration


async def test_a_known_person_is_notified_without_a_picture(
    hass: HomeAssistant, simulators: SimulatorStack, tmp_path: Path
) -> None:
    entry = await async_setup_simulator(hass, simulators.url)
    sim = simulators.facespace
    sim.recognize("Lobby", "Someone")
    await async_refresh(hass, entry)  # the Lobby camera and its entities exist
    lobby = device_of(hass, entry, camera_device("Lobby"))
    calls = await async_automate_from(
        hass, tmp_path, {"alice": ("person_recognised", {"camera": lobby, "person": "Alice"})}
    )
    now = dt_util.utcnow().replace(microsecond=0)
    for second, name in enumerate(("Bob", "Alice", "Unknown"), start=1):
        sim.recognize("Lobby", name, now + timedelta(seconds=second))
    await async_refresh(hass, entry)
    assert len(calls) == 1
    camera = calls[0].data["title"].removeprefix("Alice at ")
    assert camera.startswith("Lobby")
    assert calls[0].data["message"] == f"Alice was recognised at {camera}."
    assert calls[0].data["data"] == {}
