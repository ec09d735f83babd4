"""Camlytics analytic events read as sentences in Home Assistant's Logbook (issue 12).

Events are pushed through the webhook of an entry whose client is mocked (``fixtures/``: the
location Harbour shop with the channels Door, lines Enter and Exit, and Till, region Till zone);
the Logbook, with the recorder, is asked as the frontend asks it.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.identity import entity_unique_id
from custom_components.sitewatch.providers.camlytics.api import Event
from custom_components.sitewatch.providers.camlytics.coordinator import CamlyticsData
from custom_components.sitewatch.providers.camlytics.sentences import (
    channel_place,
    event_sentence,
)

from ...logbook import bus_events, sitewatch_rows
from .conftest import load_fixture, post

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("mock_client")]

DOOR = "door-cam"
TILL = "till-cam"
"""The channels (their event entities are looked up: their ids differ between versions)."""


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(with_recorder: None) -> None:
    """The recorder first (the Logbook reads it)."""


def _event(record_id: int, **fields: Any) -> dict[str, Any]:
    return {
        **load_fixture("events_webhook.json")[0],
        "record_id": record_id,
        "snapshot_id": -235343534,
        **fields,
    }


CASES: list[tuple[dict[str, Any], str, str]] = [
    (
        _event(
            1,
            event_type="TripwireCrossed",
            trigger_id="line-in",
            channel_id="door-cam",
            origin="Pedestrian",
        ),
        DOOR,
        "Person entered Harbour shop Door",
    ),
    (
        _event(
            2,
            event_type="TripwireCrossed",
            trigger_id="line-out",
            channel_id="door-cam",
            origin="Vehicle",
            suborigin="Car",
        ),
        DOOR,
        "Car left Harbour shop Door",
    ),
    (
        _event(3, gender="Male", age_range="26 - 35"),
        TILL,
        "Person entered Till zone at Harbour shop Till (Male, 26 - 35)",
    ),
    (
        _event(4, event_type="RegionLeave", origin=""),
        TILL,
        "Someone left Till zone at Harbour shop Till",
    ),
    (_event(5, event_type="Loitering"), TILL, "Person loitering at Harbour shop Till"),
    (_event(6, event_type="Abandoned"), TILL, "Object abandoned at Harbour shop Till"),
    (_event(7, event_type="Crowd", origin=""), TILL, "Crowd at Harbour shop Till"),
    (_event(8, event_type="FaceRecognized"), TILL, "FaceRecognized at Harbour shop Till"),
]


@pytest.mark.parametrize(("event", "channel", "message"), CASES)
async def test_each_kind_of_event_is_a_sentence_in_the_logbook(
    hass: HomeAssistant,
    logbook: None,
    ha_client: Any,
    hass_ws_client: WebSocketGenerator,
    mock_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    event: dict[str, Any],
    channel: str,
    message: str,
) -> None:
    """The pushed event's row is on its channel's event entity and device, as its sentence."""
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    entity_id = entity_registry.async_get_entity_id(
        "event", DOMAIN, entity_unique_id(mock_entry, f"channel_{channel}", "events")
    )
    assert entity_id is not None
    fired = bus_events(hass)
    assert await post(ha_client, [event]) == HTTPStatus.OK
    state = hass.states.get(entity_id)
    assert state.attributes["record_id"] == event["record_id"]
    assert state.attributes["snapshot_id"] == -235343534
    device_id = entity_registry.async_get(entity_id).device_id
    assert fired == [
        {
            "entity_id": entity_id,
            "device_id": device_id,
            "event_type": state.attributes["event_type"],
            "message": message,
        }
    ]
    rows = await sitewatch_rows(hass, hass_ws_client, entity_ids=[entity_id])
    # The door's polled event (Person entered, at setup) is the first row of the door.
    assert [row["message"] for row in rows][-1] == message
    assert {row["entity_id"] for row in rows} == {entity_id}
    rows = await sitewatch_rows(hass, hass_ws_client, device_ids=[device_id])
    assert [row["message"] for row in rows][-1] == message


SNAPSHOT_IDS = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=30),
    st.floats(),
    st.integers(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
)


@given(snapshot_id=SNAPSHOT_IDS)
def test_a_hostile_snapshot_id_is_left_out_not_raised(snapshot_id: object) -> None:
    """Any ``snapshot_id`` is a 64-bit integer or None; the event is kept either way."""
    event = Event.from_api(_event(9, snapshot_id=snapshot_id))
    assert event.record_id == 9
    value = event.snapshot_id
    assert value is None or (type(value) is int and -(2**63) < value < 2**63)
    if type(snapshot_id) is int and -(2**63) < snapshot_id < 2**63:
        assert value == snapshot_id


def test_an_event_of_an_unlisted_channel_names_the_channel() -> None:
    """A channel no longer listed still gets a sentence (``Channel <id>``)."""
    event = Event.from_api(_event(10, event_type="Removed", channel_id="gone"))
    place = channel_place(CamlyticsData(), "gone")
    assert event_sentence(event, None, place) == "Object removed at Channel gone"
