"""FindFace events read as sentences in Home Assistant's Logbook (issue 12), their new fields.

Each kind of item goes through the webhook of a set-up entry; the Logbook (with the recorder) is
asked as the frontend asks it, for the event entity and for its device.
"""

from __future__ import annotations

from http import HTTPStatus
import math
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.sitewatch.bounds import MAX_STATE_TEXT
from custom_components.sitewatch.providers.findface.api.payloads import (
    FEATURES,
    MAX_FEATURE_TEXT,
    ItemDropped,
    parse_item,
)
from custom_components.sitewatch.providers.findface.sentences import sentence

from ...logbook import bus_events, sitewatch_rows
from .common import post
from .test_hostile import HOSTILE, assert_item_bounded, event_entity, template

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(with_recorder: None) -> None:
    """The recorder first (the Logbook reads it)."""


@pytest.fixture
async def loaded(
    hass: HomeAssistant, mock_findface_client: Any, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The FindFace entry of the mocked server (cameras Gate 1, Dock 2; area Loading bay 4)."""
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


def _car(item_id: int, matched: bool) -> dict[str, Any]:
    return {
        **template("car_events", item_id),
        "matched": matched,
        "matched_card": 7 if matched else None,
        "matched_lists": [1] if matched else [],
        "confidence": 0.88,
        "features": {
            "license_plate": {"name": "AB-123-CD", "confidence": 0.97},
            "make": "Toyota",
            "model": "Camry",
            "color": "white",
            "body": "sedan",
        },
    }


CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "face_events",
        {
            **template("face_events", 1),
            "matched": True,
            "matched_card": 7,
            "matched_lists": [1],
            "confidence": 0.93,
        },
        "Visitor 7 recognised at Gate (FindFace), watch list Staff, 93 %",
    ),
    ("face_events", template("face_events", 2), "Unknown face at Gate (FindFace)"),
    (
        "body_events",
        {**template("body_events", 3), "matched": True, "matched_card": 7, "confidence": 0.8},
        "Visitor 7 recognised by body at Gate (FindFace), 80 %",
    ),
    ("body_events", template("body_events", 4), "Unknown body at Gate (FindFace)"),
    ("car_events", _car(5, False), "Car AB-123-CD (white Toyota Camry) at Gate (FindFace)"),
    (
        "car_events",
        _car(6, True),
        "Car Visitor 7 (white Toyota Camry) recognised at Gate (FindFace), plate AB-123-CD,"
        " watch list Staff, 88 %",
    ),
    (
        "human_episodes",
        {**template("human_episodes", 7), "matched_card": 7},
        "Episode of Visitor 7 opened at Gate (FindFace)",
    ),
    (
        "car_episodes",
        {**template("car_episodes", 8), "open": False, "events_count": 12},
        "Episode of an unknown car closed at Gate (FindFace) after 12 events",
    ),
    (
        "car_episodes",
        {**template("car_episodes", 14), "best_car_event": _car(15, False)},
        "Episode of car AB-123-CD opened at Gate (FindFace)",
    ),
    ("areas", {**template("areas", 9), "area": 4}, "Loading bay activated"),
    (
        "areas",
        {**template("areas", 10), "area": 4, "active": False, "duration": 125.4},
        "Loading bay deactivated after 2 min 5 s",
    ),
]


@pytest.mark.parametrize(("section", "item", "message"), CASES)
async def test_each_kind_of_item_is_a_sentence_in_the_logbook(
    hass: HomeAssistant,
    logbook: None,
    loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
    entity_registry: er.EntityRegistry,
    section: str,
    item: dict[str, Any],
    message: str,
) -> None:
    """One row per item, on the event entity and its device, reading as the sentence."""
    fired = bus_events(hass)
    target = item["area"] if section == "areas" else 1
    entity_id = event_entity(hass, loaded, section, target)
    assert await post(hass_client, [item], section) == HTTPStatus.OK
    device_id = entity_registry.async_get(entity_id).device_id

    state = hass.states.get(entity_id)
    assert fired == [
        {
            "entity_id": entity_id,
            "device_id": device_id,
            "event_type": state.attributes["event_type"],
            "message": message,
        }
    ]
    for rows in (
        await sitewatch_rows(hass, hass_ws_client, entity_ids=[entity_id]),
        await sitewatch_rows(hass, hass_ws_client, device_ids=[device_id]),
    ):
        assert [(row["message"], row["entity_id"], row["name"]) for row in rows] == [
            (message, entity_id, state.name)
        ]


async def test_recognitions_carry_features_quality_group_and_looks_like(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, loaded: MockConfigEntry
) -> None:
    """The fields people automate on are flat attributes; per-event ones are not recorded."""
    face = {
        **template("face_events", 11),
        "camera_group": {"id": 1, "name": "North yard"},
        "quality": 0.71,
        "looks_like_confidence": 0.44,
        "features": {
            "age": 34,
            "gender": {"name": "female", "confidence": 0.9},
            "emotions": "happy",
            "medmask": "none",
            "unknown_feature": "ignored",
        },
    }
    assert await post(hass_client, [face], "face_events") == HTTPStatus.OK
    assert await post(hass_client, [_car(12, False)], "car_events") == HTTPStatus.OK
    attributes = hass.states.get(event_entity(hass, loaded, "face_events", 1)).attributes
    assert {key: attributes[key] for key in attributes if key.startswith("face_")} == {
        "face_age": 34,
        "face_gender": "female",
        "face_emotions": "happy",
        "face_medmask": "none",
    }
    assert attributes["quality"] == 0.71
    assert attributes["looks_like_confidence"] == 0.44
    assert attributes["camera_group_id"] == 1
    assert attributes["camera_group_name"] == "North yard"
    car = hass.states.get(event_entity(hass, loaded, "car_events", 1)).attributes
    assert (car["car_license_plate"], car["car_make"], car["car_model"]) == (
        "AB-123-CD",
        "Toyota",
        "Camry",
    )
    assert (car["car_color"], car["car_body"]) == ("white", "sedan")
    episode = {
        **template("car_episodes", 16),
        "best_car_event": {**_car(17, False), "fullframe": "http://ff/f.jpg"},
    }
    assert await post(hass_client, [episode], "car_episodes") == HTTPStatus.OK
    best = hass.states.get(event_entity(hass, loaded, "car_episodes", 1)).attributes
    assert (best["thumbnail_url"], best["fullframe_url"]) == ("http://ff/t.jpg", "http://ff/f.jpg")
    assert best["car_license_plate"] == "AB-123-CD"


FEATURE_VALUES = st.one_of(
    HOSTILE,
    st.sampled_from([math.nan, math.inf, -1, 10**7, "x" * 10_000, {"name": {"name": "deep"}}]),
    st.builds(lambda value: {"name": value, "confidence": value}, HOSTILE),
)


@given(
    section=st.sampled_from(sorted(FEATURES)),
    data=st.data(),
)
def test_hostile_features_quality_and_groups_are_dropped_not_raised(
    section: str, data: st.DataObject
) -> None:
    """Oversized, nested, NaN or mistyped new fields leave the item bounded (or drop a field)."""
    prefix, keys = FEATURES[section]
    item = template(section, 1)
    item["features"] = data.draw(
        st.one_of(
            HOSTILE,
            st.dictionaries(st.sampled_from([*keys, "other"]), FEATURE_VALUES, max_size=8),
        )
    )
    for key in ("quality", "looks_like_confidence", "camera_group"):
        if data.draw(st.booleans()):
            item[key] = data.draw(FEATURE_VALUES)
    try:
        parsed = parse_item(item, section)
    except ItemDropped:
        pytest.fail("a bad optional field must not drop the item")
    assert_item_bounded(parsed)
    for key, value in parsed.data.items():
        if key.startswith(f"{prefix}_"):
            assert key.removeprefix(f"{prefix}_") in keys
            assert value is not None
            assert not isinstance(value, str) or len(value) <= MAX_FEATURE_TEXT
    for key in ("quality", "looks_like_confidence"):
        value = parsed.data[key]
        assert value is None or (isinstance(value, float) and 0 <= value <= 1)
    message = sentence(parsed)
    assert message is not None
    assert message.encode("utf-8")


async def test_a_sentence_longer_than_a_state_is_cut(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, loaded: MockConfigEntry
) -> None:
    """A 300-character card name makes a sentence the shared entity cuts to 255 characters."""
    fired = bus_events(hass)
    item = {
        **template("face_events", 13),
        "matched": True,
        "matched_card": {"id": 3, "name": "N" * 300},
    }
    assert await post(hass_client, [item], "face_events") == HTTPStatus.OK
    (data,) = fired
    assert len(data["message"]) == MAX_STATE_TEXT
    assert data["message"].startswith("N" * 200)
    assert data["message"].endswith("…")
    assert all(isinstance(value, str) and len(value) <= 255 for value in data.values())
