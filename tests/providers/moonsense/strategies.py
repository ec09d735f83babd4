"""Hypothesis strategies of hostile and plausible Moonsense payloads, and their invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math
from typing import Any

from hypothesis import strategies as st

from custom_components.sitewatch.providers.moonsense.api import (
    ACTIVITY_TYPES,
    BATTERY_STATES,
    EVENT_TYPES,
    MAX_ID_TEXT,
    MAX_LABELS,
    MAX_RAW_ENUM_TEXT,
    READING_RANGES,
    Readings,
    Session,
    WebhookEvent,
)

ODD_TEXTS = [
    "",
    " ",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-0",
    "1" * 300,
    "9" * 5000,
    "0x10",
    "1968-01-01T00:00:00Z",
    "2068-01-01T00:00:00Z",
    "01/01/68",
    "SESSION_EXPLODED",
    "MYSTERY",
    "ÄÖ✓ 名前 \u2028\x00\x1b",
    "\ud800",
    "x" * 2000,
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=10),
    st.integers(),
    st.integers(min_value=-(10**300), max_value=10**300),
    st.floats(),
    st.text(max_size=12),
    st.text(min_size=300, max_size=400),
    st.sampled_from(ODD_TEXTS),
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
ENUM_TEXTS = st.sampled_from(
    [
        *(name.upper() for name in EVENT_TYPES.values()),
        *(name.upper() for name in ACTIVITY_TYPES.values()),
        *(name.upper() for name in BATTERY_STATES.values()),
        "walking",
        " Still ",
    ]
)
PLAUSIBLE = st.one_of(
    st.integers(min_value=-5, max_value=120),
    st.floats(min_value=-300, max_value=3000),
    st.integers(min_value=1_600_000_000_000, max_value=1_900_000_000_000),
    st.integers(min_value=1_600_000_000_000, max_value=1_900_000_000_000).map(str),
    ENUM_TEXTS,
    st.sampled_from(["2024-05-01T10:00:00Z", "2026-11-23T12:00:00.123+01:00", "s1", "gate"]),
)
VALUES = st.one_of(SCALARS, PLAUSIBLE, JSON)


def deep(depth: int, leaf: Any = 1) -> Any:
    """A value nested ``depth`` levels (lists and objects in turn), built without recursion."""
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"bundle": value}
    return value


def objects(keys: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Objects with some of ``keys`` (either key style given in ``keys``), or any value."""
    return st.one_of(st.dictionaries(st.sampled_from(keys), values, max_size=len(keys)), values)


SAMPLE = objects(
    [
        "determined_at",
        "determinedAt",
        "type",
        "confidence",
        "latitude",
        "longitude",
        "horizontal_accuracy",
        "horizontalAccuracy",
        "value",
    ],
    VALUES,
)
SAMPLES = st.one_of(st.lists(SAMPLE, max_size=3), VALUES)
BUNDLE = objects(
    [
        "battery",
        "activity_data",
        "activityData",
        "location_data",
        "locationData",
        "temperature_data",
        "light_data",
        "pressure_data",
        "humidity_data",
        "humidityData",
        "client_time",
        "clientTime",
    ],
    st.one_of(
        SAMPLES, objects(["capacity", "state", "wall_time_millis", "wallTimeMillis"], VALUES)
    ),
)
SEALED = objects(["bundle", "server_time_millis", "serverTimeMillis"], st.one_of(BUNDLE, VALUES))
EVENT = objects(
    [
        "event_type",
        "eventType",
        "session_id",
        "sessionId",
        "app_id",
        "project_id",
        "journey_id",
        "session_labels",
        "sessionLabels",
        "bundle",
        "client_session_group_id",
    ],
    st.one_of(VALUES, SEALED, st.lists(st.one_of(st.text(max_size=300), VALUES), max_size=40)),
)
SESSION = objects(
    [
        "session_id",
        "sessionId",
        "app_id",
        "region_id",
        "regionId",
        "journey_id",
        "labels",
        "created_at",
        "createdAt",
        "newest_event",
        "metadata",
    ],
    st.one_of(VALUES, st.lists(VALUES, max_size=3), objects(["platform", "name"], VALUES)),
)


def assert_text(value: object, limit: int) -> None:
    """None, or a clean text of at most ``limit`` characters."""
    if value is None:
        return
    assert isinstance(value, str)
    assert 0 < len(value) <= limit
    assert not any(ord(char) < 0x20 and char != "\t" for char in value)
    value.encode("utf-8")  # no lone surrogate


def assert_sane_time(value: object) -> None:
    """None, or an aware time between 2000 and a day from now."""
    if value is None:
        return
    assert isinstance(value, datetime)
    assert value.tzinfo is not None
    assert datetime(2000, 1, 1, tzinfo=UTC) <= value <= datetime.now(UTC) + timedelta(days=1)


def assert_bounded_readings(readings: Readings) -> None:
    """Every reading typed, finite and in range; enum names known; raw texts bounded."""
    for name, (minimum, maximum) in READING_RANGES.items():
        value = getattr(readings, name)
        if value is None:
            continue
        assert isinstance(value, int | float)
        assert not isinstance(value, bool)
        assert math.isfinite(value)
        assert minimum <= value <= maximum, (name, value)
    assert isinstance(readings.battery_level, int | None)
    assert isinstance(readings.activity_confidence, int | None)
    assert (readings.latitude is None) == (readings.longitude is None)
    assert readings.battery_state in {None, *BATTERY_STATES.values()}
    assert readings.activity in {None, *ACTIVITY_TYPES.values()}
    assert_text(readings.raw_battery_state, MAX_RAW_ENUM_TEXT)
    assert_text(readings.raw_activity, MAX_RAW_ENUM_TEXT)
    assert_sane_time(readings.time)


def assert_bounded_event(event: WebhookEvent) -> None:
    """Every field of a parsed webhook event typed and bounded."""
    assert event.event_type in EVENT_TYPES.values()
    assert_text(event.raw_event_type, MAX_RAW_ENUM_TEXT)
    for value in (event.session_id, event.app_id, event.project_id, event.journey_id):
        assert_text(value, MAX_ID_TEXT)
    assert isinstance(event.labels, list)
    assert len(event.labels) <= MAX_LABELS
    for label in event.labels:
        assert label is not None
        assert_text(label, MAX_ID_TEXT)
    if event.readings is not None:
        assert_bounded_readings(event.readings)
    key = event.key
    assert key is None or (isinstance(key, str) and len(key) <= 2 * MAX_ID_TEXT)


def assert_bounded_session(session: Session) -> None:
    """Every field of a parsed session typed and bounded."""
    assert_text(session.session_id, MAX_ID_TEXT)
    assert session.session_id
    for value in (session.app_id, session.region_id, session.journey_id):
        assert_text(value, MAX_ID_TEXT)
    assert_text(session.platform, MAX_RAW_ENUM_TEXT)
    assert len(session.labels) <= MAX_LABELS
    for label in session.labels:
        assert_text(label, MAX_ID_TEXT)
    assert_sane_time(session.created_at)
    assert_sane_time(session.newest_event)


READING = st.one_of(PLAUSIBLE, SCALARS)
PLAUSIBLE_SAMPLE = st.fixed_dictionaries(
    {},
    optional={
        "determined_at": READING,
        "type": st.one_of(ENUM_TEXTS, READING),
        "confidence": READING,
        "latitude": READING,
        "longitude": READING,
        "horizontal_accuracy": READING,
        "value": READING,
    },
)
PLAUSIBLE_BUNDLE = st.fixed_dictionaries(
    {},
    optional={
        "battery": st.fixed_dictionaries(
            {}, optional={"capacity": READING, "state": st.one_of(ENUM_TEXTS, READING)}
        ),
        "activity_data": st.lists(PLAUSIBLE_SAMPLE, max_size=3),
        "location_data": st.lists(PLAUSIBLE_SAMPLE, max_size=2),
        "temperature_data": st.lists(PLAUSIBLE_SAMPLE, max_size=2),
        "light_data": st.lists(PLAUSIBLE_SAMPLE, max_size=2),
        "pressure_data": st.lists(PLAUSIBLE_SAMPLE, max_size=2),
        "humidity_data": st.lists(PLAUSIBLE_SAMPLE, max_size=2),
        "client_time": st.fixed_dictionaries({}, optional={"wall_time_millis": READING}),
    },
)
PLAUSIBLE_EVENT = st.fixed_dictionaries(
    {"event_type": st.one_of(ENUM_TEXTS, st.integers(-2, 9), st.text(max_size=300))},
    optional={
        "session_id": st.one_of(st.text(max_size=40), st.sampled_from(["s1", "s2", "s3"])),
        "app_id": st.text(max_size=300),
        "journey_id": st.text(max_size=20),
        "session_labels": st.lists(st.one_of(st.text(max_size=300), READING), max_size=40),
        "bundle": st.fixed_dictionaries(
            {}, optional={"bundle": PLAUSIBLE_BUNDLE, "server_time_millis": READING}
        ),
    },
)
"""Events of the right shape whose values are plausible, odd or hostile (mostly usable)."""
