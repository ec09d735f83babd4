"""The occupancy blueprint on a Camlytics location's occupancy, run by occupancy pushes."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from ...blueprints import async_automate_from
from ...conftest import SimulatorStack
from ...device_triggers import entity_of
from .conftest import post

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("fast_limiter")]


async def test_occupancy_above_the_limit_is_notified_once_per_crossing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    ha_client: Any,
    simulators: SimulatorStack,
    tmp_path: Path,
) -> None:
    location = simulators.camlytics.locations()[0]["id"]
    occupancy = entity_of(hass, entry, "sensor", f"location_{location}", "occupancy")
    calls = await async_automate_from(
        hass, tmp_path, {"crowded": ("occupancy_above", {"count": occupancy, "limit": 20})}
    )
    for value in (10, 21, 25, 19, 22):
        body = {"occupancy": value, "location_id": location}
        assert await post(ha_client, body) == HTTPStatus.OK
        await hass.async_block_till_done()
    name = hass.states.get(occupancy).name
    assert [call.data for call in calls] == [
        {"title": f"{name} above 20", "message": f"{name} is {value}, above the limit of 20."}
        for value in (21, 22)
    ]
