"""Generated hostile input for the FaceSpace parsers: typed, bounded items or drop reasons only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.sitewatch.bounds import EARLIEST_TIME, MAX_ATTRIBUTE_ITEMS
from custom_components.sitewatch.providers.facespace.api import (
    DROP_REASONS,
    MAX_CAMERA_NAME,
    MAX_SHOWN,
    FaceSpaceUsageError,
    LogParseError,
    Presence,
    Recognition,
    parse_line,
    parse_logs,
    parse_realtime,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

TEXT = (
    st.text(max_size=40)
    | st.text(min_size=250, max_size=400)
    | st.sampled_from(["", " ", "\x00", "\ud800", "Ünïcødé 名前", "Unknown", "a @ b"])
)
NUMBERS = (
    st.integers()
    | st.floats()
    | st.sampled_from([float("nan"), float("inf"), -float("inf"), 10**300, -(10**300)])
)
JSON = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=30,
)
TIMES = st.one_of(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2099, 12, 31)),
    st.integers(min_value=-3 * 86400, max_value=3 * 86400).map(
        lambda seconds: (NOW + timedelta(seconds=seconds)).replace(tzinfo=None)
    ),
).map(lambda moment: moment.strftime("%H:%M:%S %d/%m/%y"))
LINES = st.one_of(
    st.tuples(TEXT, TIMES).map(lambda parts: f"{parts[0]} @ {parts[1]}"),
    st.tuples(TEXT, TEXT).map(lambda parts: f"{parts[0]} @ {parts[1]}"),
    TEXT,
    JSON,
)


def _nested(depth: int) -> Any:
    value: Any = "Alice @ 00:00:00 01/01/24"
    for _ in range(depth):
        value = [value]
    return value


def _check_recognition(recognition: Recognition) -> None:
    assert isinstance(recognition.name, str)
    assert 0 < len(recognition.name) <= 255
    assert recognition.name == recognition.name.strip()
    assert isinstance(recognition.camera, str)
    assert 0 < len(recognition.camera) <= MAX_CAMERA_NAME
    assert recognition.time.tzinfo is UTC
    assert EARLIEST_TIME <= recognition.time <= NOW + timedelta(days=1)
    recognition.name.encode("utf-8")  # storable
    recognition.key.encode("utf-8")


def _check_error(error: LogParseError) -> None:
    assert error.reason in DROP_REASONS
    assert len(error.line) <= MAX_SHOWN
    assert len(error.camera) <= MAX_SHOWN
    assert len(str(error)) < 3 * MAX_SHOWN


@given(camera=JSON, line=LINES)
def test_parse_line_gives_a_bounded_recognition_or_a_drop_reason(camera: Any, line: Any) -> None:
    try:
        recognition = parse_line(camera, line, now=NOW)
    except LogParseError as err:
        _check_error(err)
    else:
        _check_recognition(recognition)


@given(payload=st.dictionaries(TEXT, st.lists(LINES, max_size=6) | JSON, max_size=6) | JSON)
def test_parse_logs_gives_bounded_recognitions_and_drop_reasons(payload: Any) -> None:
    try:
        result = parse_logs(payload, now=NOW)
    except FaceSpaceUsageError:
        assert not isinstance(payload, dict)
        return
    for camera, recognitions in result.recognitions.items():
        assert recognitions == sorted(recognitions)
        for recognition in recognitions:
            assert recognition.camera == camera
            _check_recognition(recognition)
    for error in result.errors:
        _check_error(error)
    lines = sum(len(v) if isinstance(v, list) else 1 for v in payload.values())
    assert len(result.all()) + len(result.errors) == lines


@given(payload=st.dictionaries(TEXT, st.lists(TEXT | JSON, max_size=40) | JSON, max_size=6) | JSON)
def test_parse_realtime_gives_bounded_presence_or_drop_reasons(payload: Any) -> None:
    try:
        result = parse_realtime(payload)
    except FaceSpaceUsageError:
        assert not isinstance(payload, dict)
        return
    if result is None:
        assert "stop" in payload
        return
    assert len(result.cameras) + len(result.errors) == len(payload)
    assert set(result.errors) <= DROP_REASONS
    for camera, presence in result.cameras.items():
        assert 0 < len(camera) <= MAX_CAMERA_NAME
        assert isinstance(presence, Presence)
        assert presence.count >= len(presence.names)
        assert len(presence.names) <= MAX_ATTRIBUTE_ITEMS
        assert all(0 < len(name) <= 255 for name in presence.names)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Mallory @ 00:00:00 01/01/68", "log line time is out of range"),  # read as 2068
        ("Mallory @ 00:00:00 01/01/69", "log line time is out of range"),  # read as 1969
        ("Mallory @ 12:00:00 25/11/26", "log line time is out of range"),  # two days ahead
        ("Mallory @ 00:00:00 31/02/24", "log line time is malformed"),
        ("Mallory @ \u0660\u0660:00:00 01/01/24", "log line time is malformed"),  # Arabic digits
        (" @ 00:00:00 01/01/24", "log line has no name"),
        ("\x00\x01 @ 00:00:00 01/01/24", "log line has no name"),
        ("no separator", "log line is malformed"),
        (_nested(300), "log line is not text"),
        (10**300, "log line is not text"),
        (float("nan"), "log line is not text"),
    ],
)
def test_hostile_lines_are_dropped_with_a_fixed_reason(line: Any, reason: str) -> None:
    with pytest.raises(LogParseError) as info:
        parse_line("Lobby", line, now=NOW)
    assert info.value.reason == reason


def test_a_line_within_a_day_ahead_is_kept() -> None:
    line = parse_line("Lobby", "Zoe @ 11:00:00 24/11/26", now=NOW)
    assert line.time == NOW + timedelta(hours=23)


def test_names_and_cameras_are_bounded() -> None:
    recognition = parse_line("Lobby", "x" * 300 + " @ 11:00:00 23/11/26", now=NOW)
    assert len(recognition.name) == 255
    assert recognition.name.endswith("…")
    for camera in ("x" * (MAX_CAMERA_NAME + 1), "", " ", "Lob\nby", "\ud800", None, 1.5):
        with pytest.raises(LogParseError) as info:
            parse_line(camera, "Zoe @ 11:00:00 23/11/26", now=NOW)
        assert info.value.reason == "camera name is unusable"
    huge = "y" * 100_000
    with pytest.raises(LogParseError) as info:
        parse_line("Lobby", huge, now=NOW)
    assert len(info.value.line) == MAX_SHOWN
    assert len(str(info.value)) < 3 * MAX_SHOWN


def test_deep_values_reach_no_recursive_code() -> None:
    deep = _nested(5000)
    result = parse_logs({"Lobby": [deep, "Ann @ 11:00:00 23/11/26"], "Hall": {"x": deep}}, now=NOW)
    assert [r.name for r in result.all()] == ["Ann"]
    assert sorted(e.reason for e in result.errors) == [
        "camera entry is not a list",
        "log line is not text",
    ]
    realtime = parse_realtime({"Lobby": [deep], "Hall": ["Ann"], "Gate": {"x": deep}})
    assert realtime is not None
    assert realtime.cameras == {"Hall": Presence(1, ("Ann",))}
    assert sorted(realtime.errors) == ["camera entry is not a list", "real-time names are not text"]


def test_realtime_names_are_capped_and_counted() -> None:
    realtime = parse_realtime({"Lobby": [f"P{n}" for n in range(100)] + ["", " "]})
    assert realtime is not None
    presence = realtime.cameras["Lobby"]
    assert presence.count == 100
    assert len(presence.names) == MAX_ATTRIBUTE_ITEMS
    assert parse_realtime({"stop": "No cameras active..."}) is None
