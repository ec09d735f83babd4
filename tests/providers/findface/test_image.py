"""The image entity of a FindFace camera against the simulator, seen through Home Assistant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from http import HTTPStatus
from unittest.mock import patch

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.sitewatch.providers.findface.api import PushItem
from custom_components.sitewatch.providers.findface.runtime import FindFaceRuntime

from ...conftest import SimulatorStack

pytestmark = pytest.mark.integration

IMAGE = "image.entrance_findface_last_recognition"


@pytest.fixture(autouse=True)
def write_at_once() -> Iterator[None]:
    """Write every change at once (``coalesce``), as these tests check each one."""
    with patch("custom_components.sitewatch.coalesce.WRITE_INTERVAL", 0.0):
        yield


def _deliver(entry: MockConfigEntry, section: str, thumbnail: str | None, card: str | None) -> None:
    runtime = entry.runtime_data
    assert isinstance(runtime, FindFaceRuntime)
    runtime.coordinator.push(
        [
            PushItem(
                section=section,
                key=f"{section}:{dt_util.utcnow().timestamp()}",
                event_type="matched" if card else "unmatched",
                camera_id=1,
                card_name=card,
                data={
                    "matched": card is not None,
                    "detected_at": dt_util.utcnow().isoformat(),
                    "thumbnail_url": thumbnail,
                },
            )
        ]
    )


async def _picture(hass: HomeAssistant, ha_url: str) -> tuple[int, bytes, str]:
    state = hass.states.get(IMAGE)
    assert state is not None
    async with (
        aiohttp.ClientSession() as session,
        session.get(ha_url + state.attributes["entity_picture"]) as response,
    ):
        return response.status, await response.read(), response.content_type


async def test_the_last_thumbnail_is_shown(
    hass: HomeAssistant, findface_entry: MockConfigEntry, simulators: SimulatorStack, ha_url: str
) -> None:
    assert hass.states.get(IMAGE).state == "unknown"  # no recognition yet
    _deliver(findface_entry, "face_events", f"{simulators.url}/uploads/a_thumbnail.jpg", "Alice")
    await hass.async_block_till_done()
    state = hass.states.get(IMAGE)
    assert state.state != "unknown"
    assert state.attributes["kind"] == "face"
    assert state.attributes["card_name"] == "Alice"
    status, body, content_type = await _picture(hass, ha_url)
    assert (status, content_type) == (HTTPStatus.OK, "image/jpeg")
    assert body.startswith(b"\xff\xd8")  # the simulator's JPEG, fetched by Home Assistant

    # A car without a match, its picture on another host: shown as a recognition, not fetched.
    _deliver(findface_entry, "car_events", "http://203.0.113.9/uploads/car.jpg", None)
    await hass.async_block_till_done()
    assert hass.states.get(IMAGE).attributes["kind"] == "car"
    status, _, _ = await _picture(hass, ha_url)
    assert status == HTTPStatus.INTERNAL_SERVER_ERROR  # Home Assistant's "Unable to get image"


async def test_a_burst_writes_one_state_a_second(
    hass: HomeAssistant, findface_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    """Three events at once: the first shown at once, the newest once the second is over."""
    changes: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda event: (
            changes.append(event.data["new_state"].attributes.get("kind"))
            if event.data["entity_id"] == IMAGE
            else None
        ),
    )
    with patch("custom_components.sitewatch.coalesce.WRITE_INTERVAL", 1.0):
        for section in ("face_events", "body_events", "car_events"):
            _deliver(findface_entry, section, None, None)
        await hass.async_block_till_done()
        assert changes == ["face"]
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
        await hass.async_block_till_done()
    assert changes == ["face", "car"]
