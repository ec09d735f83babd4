"""Bounded values: whatever a payload holds, the result has its type and fits its limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math

from hypothesis import given, strategies as st

from custom_components.sitewatch.bounds import (
    EARLIEST_TIME,
    MAX_ABS_NUMBER,
    MAX_ATTRIBUTE_ITEMS,
    MAX_CLOCK_SKEW,
    MAX_STATE_TEXT,
    bounded_int,
    bounded_text,
    cursor_limit,
    finite_number,
    parse_time,
    sane_time,
    state_text,
    text_list,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**20, max_value=10**300)
    | st.floats()
    | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


@given(ANY_JSON)
def test_any_value_gives_a_bounded_text_or_none(value: object) -> None:
    text = state_text(value)
    assert text is None or (isinstance(text, str) and 0 < len(text) <= MAX_STATE_TEXT)
    if text is not None:
        assert not any(
            (ord(char) < 0x20 and char != "\t")
            or 0x7F <= ord(char) < 0xA0
            or char in "\u2028\u2029"
            for char in text
        )
        text.encode("utf-8")  # storable: no lone surrogates


@given(ANY_JSON)
def test_any_value_gives_a_finite_number_or_none(value: object) -> None:
    number = finite_number(value)
    assert number is None or (math.isfinite(number) and abs(number) <= MAX_ABS_NUMBER)


@given(ANY_JSON)
def test_any_value_gives_a_bounded_int_or_none(value: object) -> None:
    number = bounded_int(value, minimum=0, maximum=1000)
    assert number is None or (type(number) is int and 0 <= number <= 1000)


@given(ANY_JSON)
def test_any_value_gives_a_flat_bounded_list(value: object) -> None:
    texts = text_list(value)
    assert len(texts) <= MAX_ATTRIBUTE_ITEMS
    assert all(isinstance(text, str) for text in texts)


@given(ANY_JSON | st.datetimes().map(datetime.isoformat))
def test_any_value_gives_a_sane_time_or_none(value: object) -> None:
    parsed = parse_time(value, now=NOW)
    assert parsed is None or EARLIEST_TIME <= parsed <= NOW + MAX_CLOCK_SKEW
    assert parsed is None or parsed.tzinfo is UTC


def test_examples() -> None:
    assert bounded_text("  Alice\x00\n ") == "Alice"
    assert bounded_text("a\x85b\u2028c") == "abc"
    assert bounded_text("x" * 300, 10) == "xxxxxxxxx…"
    assert bounded_text(5) is None
    assert finite_number(float("nan")) is None
    assert finite_number(True) is None
    assert finite_number(10**300) is None
    assert finite_number(3) == 3.0
    assert finite_number(-1, minimum=0) is None
    assert bounded_int(3.0) == 3
    assert bounded_int(3.5) is None
    ten_utc = datetime(2026, 11, 29, 10, tzinfo=UTC)
    assert parse_time("2026-11-29T11:00:00+01:00", now=NOW) == ten_utc
    assert parse_time("2068-01-01T00:00:00Z", now=NOW) is None
    assert parse_time("1968-01-01T00:00:00Z", now=NOW) is None
    assert parse_time(1_790_000_000, now=NOW) == datetime.fromtimestamp(1_790_000_000, UTC)
    # Text that is not ASCII is not a time; a lone surrogate (JSON can carry one) crashed the
    # process in the C parser.
    for text in ("\ud800", "2026-11-29T11:00:00\ud800", "\uff12026-11-29T11:00:00Z"):
        assert parse_time(text, now=NOW) is None
    assert sane_time(datetime(2026, 11, 29, 12), now=NOW) == NOW  # naive is UTC
    assert cursor_limit(NOW) == NOW + timedelta(minutes=5)
    assert text_list(["a", 1, {"b": 2}, "c"]) == ["a", "c"]
