"""FaceSpace recognitions read as sentences in Home Assistant's Logbook (issue 12).

Lines are pushed to an entry whose client is mocked (``fixtures/``: cameras Camera1, Camera2);
the Logbook, with the recorder, is asked as the frontend asks it.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from ...logbook import bus_events, sitewatch_rows
from .conftest import HOOK, KEY, SECRET, async_setup, coordinator_of, facespace_entry

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("mock_client")]

ENTITY = "event.camera1_facespace_recognition"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(with_recorder: None) -> None:
    """The recorder first (the Logbook reads it)."""


LINES = [
    ("Bob", "recognized", "Bob recognised at Camera1 (FaceSpace)"),
    ("unknown person", "unknown", "Unknown face at Camera1 (FaceSpace)"),
]
"""A name in a line, the event type it fires and its sentence."""


@pytest.mark.parametrize(("name", "event_type", "message"), LINES)
async def test_a_line_is_a_sentence_in_the_logbook(
    hass: HomeAssistant,
    logbook: None,
    ha_client: Any,
    hass_ws_client: WebSocketGenerator,
    entity_registry: er.EntityRegistry,
    name: str,
    event_type: str,
    message: str,
) -> None:
    """A pushed line's row is on the camera's event entity and device, as its sentence."""
    entry = await async_setup(hass, facespace_entry(hass, accept_push=True, push_secret=SECRET))
    await coordinator_of(entry).async_after_first_refresh()
    await hass.async_block_till_done()
    fired = bus_events(hass)
    line = f"{name} @ {dt_util.utcnow().strftime('%H:%M:%S %d/%m/%y')}"
    response = await ha_client.post(HOOK, json={"Camera1": [line]}, headers={"x-api-key": KEY})
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    device_id = entity_registry.async_get(ENTITY).device_id
    assert fired == [
        {
            "entity_id": ENTITY,
            "device_id": device_id,
            "event_type": event_type,
            "message": message,
        }
    ]
    for rows in (
        await sitewatch_rows(hass, hass_ws_client, entity_ids=[ENTITY]),
        await sitewatch_rows(hass, hass_ws_client, device_ids=[device_id]),
    ):
        assert rows[-1]["message"] == message
        assert {row["entity_id"] for row in rows} == {ENTITY}
