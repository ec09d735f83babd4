"""Parsing of FindFace webhook batches, default and verbose formats."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.sitewatch.providers.findface.api.payloads import (
    PayloadError,
    detect_section,
    parse_batch,
    parse_item,
)

FACE_DEFAULT = {
    "id": "7123456789012345678",
    "created_date": "2026-11-23T12:00:00+00:00",
    "bs_type": "realtime",
    "camera": 1,
    "camera_group": 1,
    "thumbnail": "http://ff/uploads/t.jpg",
    "fullframe": "http://ff/uploads/f.jpg",
    "matched": True,
    "matched_card": 17,
    "matched_lists": [1],
    "confidence": 0.91,
    "episode": 5,
    "features": {"age": 31, "gender": "male"},
}
FACE_VERBOSE = {
    **FACE_DEFAULT,
    "camera": {"id": 2, "name": "Parking"},
    "matched_card": {"id": 17, "name": "Alice"},
    "matched_lists": [{"id": 1, "name": "Employees"}],
}


def test_default_face_event() -> None:
    (item,), errors = parse_batch([FACE_DEFAULT], "face_events")
    assert errors == []
    assert item.section == "face_events"
    assert item.event_type == "matched"
    assert item.camera_id == 1
    assert item.card_id == 17
    assert item.card_name is None
    assert item.key == "face_events:7123456789012345678"
    assert item.data["confidence"] == 0.91
    assert item.data["watch_lists"] == [1]
    assert item.data["thumbnail_url"] == "http://ff/uploads/t.jpg"
    assert item.data["mode"] == "realtime"


def test_verbose_face_event_carries_names() -> None:
    item = parse_item(FACE_VERBOSE, "face_events")
    assert item.camera_id == 2
    assert item.card_name == "Alice"
    assert item.data["watch_lists"] == ["Employees"]


def test_unmatched_event_has_no_card() -> None:
    item = parse_item({**FACE_DEFAULT, "matched": False, "matched_card": None})
    assert item.event_type == "unmatched"
    assert item.card_id is None


@pytest.mark.parametrize(
    ("raw", "section"),
    [
        (FACE_DEFAULT, "face_events"),
        ({**FACE_DEFAULT, "features": {"upper_clothes": "red"}}, "body_events"),
        ({**FACE_DEFAULT, "features": {"license_plate": "1AB2345"}}, "car_events"),
        ({"id": 1, "open": True, "events_count": 1, "cameras": [1]}, "human_episodes"),
        ({"id": 1, "open": True, "events_count": 1, "last_car_event": {}}, "car_episodes"),
        ({"id": 1, "faces_count": 2, "camera": 1}, "counters"),
        ({"id": 1, "area": 3, "active": True, "duration": 0}, "areas"),
    ],
)
def test_detect_section(raw: dict[str, Any], section: str) -> None:
    assert detect_section(raw) == section


@pytest.mark.parametrize(
    ("open_", "count", "event_type"),
    [(True, 1, "episode_open"), (True, 4, "episode_event"), (False, 4, "episode_close")],
)
def test_episode_lifecycle(open_: bool, count: int, event_type: str) -> None:
    item = parse_item(
        {
            "id": 9,
            "open": open_,
            "events_count": count,
            "cameras": [1, 3],
            "matched_card": 17,
            "last_face_event": {"camera": 3},
            "closed_date": None if open_ else "2026-11-23T12:05:00+00:00",
        },
        "human_episodes",
    )
    assert item.event_type == event_type
    assert item.camera_id == 3
    assert item.data["events_count"] == count
    assert item.data["matched"] is True
    assert item.key == f"human_episodes:9:{event_type}:{count}"


def test_counter_record_and_area_activation() -> None:
    (record, activation), _ = parse_batch(
        [
            {
                "id": 11,
                "counter": 2,
                "camera": 1,
                "faces_count": 3,
                "silhouettes_count": 4,
                "cars_count": 0,
                "proximity_min": 0.8,
                "proximity_avg": 1.5,
                "proximity_max": 2.25,
            },
            {"id": 12, "area": {"id": 3, "name": "Gate"}, "active": False, "duration": 42},
        ]
    )
    assert record.section == "counters"
    assert record.data["faces"] == 3
    assert record.data["bodies"] == 4
    assert record.data["proximity_max"] == 2.25
    assert activation.section == "areas"
    assert activation.area_id == 3
    assert activation.event_type == "deactivated"
    assert activation.data["area_name"] == "Gate"
    assert activation.data["duration"] == 42


def test_one_bad_item_does_not_lose_the_batch() -> None:
    items, errors = parse_batch([FACE_DEFAULT, {"nothing": 1}, "text"])
    assert len(items) == 1
    assert errors == [
        "not a recognition event, episode, counter record or area activation",
        "item is not an object",
    ]


@pytest.mark.parametrize(
    ("payload", "section", "message"),
    [
        ("text", None, "expected a JSON array"),
        ([{"nothing": 1}], None, "not a recognition event"),
        ([FACE_DEFAULT], "bogus", "unknown section"),
        ([{**FACE_DEFAULT, "id": None}], "face_events", "missing or invalid 'id'"),
        ([{**FACE_DEFAULT, "camera": None}], "face_events", "missing or invalid 'camera'"),
        ([{"id": 1, "open": True, "events_count": 1}], "human_episodes", "without a camera"),
        ([{"id": 1, "faces_count": 1}], "counters", "without a camera"),
        ([{"id": 1, "active": True}], "areas", "without an area"),
    ],
)
def test_rejected(payload: Any, section: str | None, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_batch(payload, section)


def test_single_object_and_empty_batch() -> None:
    items, _ = parse_batch(FACE_DEFAULT, "face_events")
    assert len(items) == 1
    assert parse_batch([], "face_events") == ([], [])
