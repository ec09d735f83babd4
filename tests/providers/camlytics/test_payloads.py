"""Camlytics parsers under generated hostile input: typed, bounded items or fixed reasons only.

Webhook bodies (``parse_webhook``) and REST answer items (``Location.from_api`` and the rest, and
the client's handling of a whole answer) are fed any JSON value, including values the webhook
pipeline never passes on (NaN, Infinity, 300-digit integers, nesting 300 levels deep).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import json
import math
import re
from typing import Any

import aiohttp
from aioresponses import aioresponses
from hypothesis import given, strategies as st
import pytest

from custom_components.sitewatch.bounds import EARLIEST_TIME, MAX_CLOCK_SKEW, MAX_STATE_TEXT
from custom_components.sitewatch.providers.camlytics.api import (
    MAX_COUNT,
    MAX_ID_LENGTH,
    MAX_INT64,
    MAX_METRIC,
    CamlyticsClient,
    CamlyticsError,
    Channel,
    Event,
    Histogram,
    InvalidItem,
    Location,
    Metric,
    NonceSource,
    PayloadError,
    RateLimiter,
    Trigger,
    TriggerTotal,
    TypeTotal,
    event_key,
    parse_items,
    parse_webhook,
)

from ...conftest import nested_json

WEBHOOK_REASONS = {
    "item is not an object",
    "event is not an object",
    "event without a valid record id",
    "occupancy is not a number in range",
    "queue is not a number in range",
    "occupancy without a valid location id",
    "queue without a valid channel id",
    "neither an event nor an occupancy or queue reading",
    "too many items in one body",
}
HUGE = st.integers(min_value=10**20, max_value=10**300) | st.integers(
    min_value=-(10**300), max_value=-(10**20)
)
TEXT = st.text(max_size=8) | st.text(min_size=300, max_size=400) | st.just("ąčę 日本 🚪")
TIMES = st.sampled_from(
    [
        "1968-01-01T00:00:00Z",
        "2068-01-01T00:00:00Z",
        "2026-11-23 10:00:00.000",
        "2026-11-23T10:00:00.000+01:00",
        "not a time",
        "",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | HUGE
    | st.floats()  # NaN and both infinities included
    | TEXT
    | TIMES
)

ANY_JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
) | st.integers(min_value=33, max_value=300).map(nested_json)
EVENT_FIELDS = (
    "record_id",
    "id",
    "event_type",
    "rule_name",
    "channel_id",
    "location_id",
    "event_time",
    "trigger_id",
    "origin",
    "suborigin",
    "age_range",
    "gender",
    "object_id",
)
METRIC_FIELDS = (
    "metric",
    "occupancy",
    "current_occupancy",
    "queue",
    "queue_length",
    "value",
    "location_id",
    "channel_id",
    "time",
    "timestamp",
)
# Objects that look like Camlytics items: known keys, any values (often valid ones).
FIELD_VALUES = (
    ANY_JSON
    | st.integers(min_value=0, max_value=10**6)
    | st.sampled_from(["occupancy", "queue", "TripwireCrossed", "c1", "5"])
)
ITEM_LIKE = st.dictionaries(st.sampled_from(EVENT_FIELDS + METRIC_FIELDS), FIELD_VALUES, max_size=8)
BODIES = ANY_JSON | ITEM_LIKE | st.lists(ITEM_LIKE | ANY_JSON, max_size=6)


def _bounded_text(value: object, limit: int = MAX_STATE_TEXT) -> bool:
    return value is None or (isinstance(value, str) and 0 < len(value) <= limit)


def _sane(value: datetime | None) -> bool:
    latest = datetime.now(UTC) + MAX_CLOCK_SKEW + timedelta(minutes=1)
    return value is None or (value.tzinfo is not None and EARLIEST_TIME <= value <= latest)


def _ident(value: object) -> bool:
    return value is None or (
        isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH and value.isprintable()
    )


def _int64(value: object) -> bool:
    return value is None or (type(value) is int and -MAX_INT64 <= value <= MAX_INT64)


def assert_event_bounded(event: Event) -> None:
    assert type(event.record_id) is int or isinstance(event.record_id, str)
    if isinstance(event.record_id, int):
        assert 0 <= event.record_id <= MAX_INT64
    else:
        assert _ident(event.record_id)
    assert len(event_key(event)) <= 6 + MAX_ID_LENGTH + 13
    assert isinstance(event.event_type, str)
    assert 0 < len(event.event_type) <= MAX_STATE_TEXT
    for text in (event.origin, event.suborigin, event.age_range, event.gender):
        assert _bounded_text(text)
    assert _ident(event.channel_id)
    assert _ident(event.trigger_id)
    assert _int64(event.location_id)
    assert _int64(event.object_id)
    assert _sane(event.event_time)


def assert_metric_bounded(metric: Metric) -> None:
    assert metric.kind in ("occupancy", "queue")
    assert type(metric.value) is float
    assert math.isfinite(metric.value)
    assert 0 <= metric.value <= MAX_METRIC
    assert _int64(metric.location_id)
    assert _ident(metric.channel_id)
    if metric.kind == "occupancy":
        assert metric.location_id is not None
    else:
        assert metric.channel_id is not None
    assert _sane(metric.time)
    assert len(metric.key) < 200


@given(BODIES)
def test_any_webhook_body_gives_bounded_items_or_fixed_reasons(body: object) -> None:
    try:
        items, dropped = parse_webhook(body)
    except PayloadError as err:
        reason = str(err)
    else:
        reason = ""
    if reason:
        assert reason.startswith(("no usable item (", "body is neither"))
        return
    assert set(dropped) <= WEBHOOK_REASONS
    count = len(body) if isinstance(body, list) else 1
    assert len(items) + len(dropped) == count
    for item in items:
        if isinstance(item, Event):
            assert_event_bounded(item)
        else:
            assert_metric_bounded(item)


@pytest.mark.parametrize(
    "bad",
    [
        math.nan,
        math.inf,
        -math.inf,
        10**300,
        -(10**300),
        1e300,
        -1,
        "NaN",
        "Infinity",
        "many",
        True,
        None,
        [1],
        {"v": 1},
        nested_json(300),
    ],
)
def test_a_bad_occupancy_or_queue_value_drops_only_its_item(bad: object) -> None:
    good = {"metric": "occupancy", "location_id": 7, "occupancy": 3, "time": "2026-11-23T10:00Z"}
    event = {"record_id": 1, "event_type": "RegionJoin", "channel_id": "c1"}
    items, dropped = parse_webhook(
        [
            {"metric": "occupancy", "location_id": 7, "occupancy": bad},
            {"metric": "queue", "channel_id": "c1", "queue": bad},
            good,
            event,
        ]
    )
    assert dropped == ["occupancy is not a number in range", "queue is not a number in range"]
    assert [type(item) for item in items] == [Metric, Event]
    assert items[0].value == 3.0
    # A body of only bad values is unusable as a whole (400).
    with pytest.raises(PayloadError):
        parse_webhook({"occupancy": bad, "location_id": 7})


def test_fields_are_typed_and_cut() -> None:
    long = "x" * 400
    (event,), dropped = parse_webhook(
        [
            {
                "record_id": "r" * 129,  # too long an id: dropped, never cut
            },
            {
                "record_id": 10**300,
            },
            {
                "record_id": 5,
                "event_type": long,
                "channel_id": {"nested": ["value"]},
                "origin": ["Face"],
                "gender": 1,
                "event_time": "1968-01-01T00:00:00Z",
                "object_id": 10**300,
                "location_id": "12",
            },
        ]
    )
    assert dropped == ["event without a valid record id"] * 2
    assert event.record_id == 5
    assert len(event.event_type) == MAX_STATE_TEXT
    assert event.event_type.endswith("…")
    assert (event.channel_id, event.origin, event.gender) == (None, None, None)
    assert (event.event_time, event.object_id, event.location_id) == (None, None, 12)


def test_integer_and_text_record_ids_share_a_key() -> None:
    (by_int, by_text), _ = parse_webhook([{"record_id": 42}, {"id": "42", "rule_name": "Enter"}])
    assert event_key(by_int) == event_key(by_text) == "event:42"


BUILDERS: list[Callable[[object], object]] = [
    Location.from_api,
    Channel.from_api,
    Trigger.from_api,
    TriggerTotal.from_api,
    Event.from_api,
    TypeTotal.from_api,
    Histogram.from_api,
]
ANSWER_FIELDS = (
    "id",
    "name",
    "timezone_offset",
    "location_id",
    "active",
    "type",
    "channel_id",
    "trigger_id",
    "trigger_name",
    "count",
    "histogram_time",
    "counting_data",
    "lifetime_data",
    *EVENT_FIELDS,
)
ANSWER_ITEMS = ANY_JSON | st.dictionaries(
    st.sampled_from(ANSWER_FIELDS),
    FIELD_VALUES
    | st.sampled_from(["Lobby", "+01:00", "-99:99", "2026-01-01T05:00:00+00:00"])
    | st.lists(FIELD_VALUES, max_size=70),
    max_size=8,
)


@given(st.lists(ANSWER_ITEMS, max_size=5))
def test_any_answer_items_give_bounded_models_or_fixed_reasons(result: list[Any]) -> None:
    for build in BUILDERS:
        items, dropped = parse_items(result, build)
        assert len(items) + len(dropped) == len(result)
        assert all(len(reason) < 60 for reason in dropped)
        for item in items:
            match item:
                case Location():
                    assert _int64(item.id)
                    assert item.id is not None
                    assert _bounded_text(item.name)
                    assert item.name
                    assert _bounded_text(item.timezone_offset, 16)
                case Channel() | Trigger():
                    assert _ident(item.id)
                    assert item.id is not None
                    assert _bounded_text(item.name)
                    assert item.name
                    assert _int64(item.location_id)
                case TriggerTotal():
                    assert _ident(item.trigger_id)
                    assert item.trigger_id is not None
                    assert item.count is None or (type(item.count) is int)
                    assert item.count is None or 0 <= item.count <= MAX_COUNT
                    assert _bounded_text(item.trigger_name)
                case Event():
                    assert_event_bounded(item)
                case TypeTotal():
                    assert _bounded_text(item.type)
                    assert type(item.count) is int
                    assert 0 <= item.count <= MAX_COUNT
                    assert _ident(item.channel_id)
                case Histogram():
                    assert _ident(item.trigger_id)
                    assert item.start.tzinfo is not None
                    for bins in (item.counting, item.lifetime):
                        assert len(bins) <= 64
                        assert all(type(b) is float and 0 <= b <= 1e9 for b in bins)
                case _:
                    pytest.fail(f"unexpected {item!r}")


def test_a_huge_count_is_no_count() -> None:
    (total,) = parse_items([{"trigger_id": "t1", "count": 10**300}], TriggerTotal.from_api)[0]
    assert total.count is None
    with pytest.raises(InvalidItem):
        TriggerTotal.from_api({"trigger_id": {"a": 1}, "count": 1})


ANY_URL = re.compile(r"^https://cloud\.test/.*$")


@given(ANY_JSON | st.fixed_dictionaries({"code": ANY_JSON, "msg": ANY_JSON, "result": ANY_JSON}))
async def test_any_answer_body_gives_events_or_a_client_error(body: Any) -> None:
    """The whole answer: a list of bounded events, or a CamlyticsError (nothing else)."""

    async def no_sleep(_: float) -> None:
        return None

    text = _dumps(body)
    async with aiohttp.ClientSession() as session:
        client = CamlyticsClient(
            session,
            public_key="pub",
            secret_key="sec",
            base_url="https://cloud.test/service/api/v1",
            nonces=NonceSource(),
            limiter=RateLimiter(interval=0.0, sleep=no_sleep),
            sleep=no_sleep,
        )
        with aioresponses() as mock:
            mock.get(ANY_URL, body=text, content_type="application/json")
            try:
                events, size = await client.events_page(1)
            except CamlyticsError:
                return
    assert size >= len(events)
    for event in events:
        assert_event_bounded(event)


def _dumps(value: Any) -> str:
    """JSON text of ``value`` as a hostile server would send it (NaN, huge numbers as written)."""
    return json.dumps(value, allow_nan=True)


def test_histograms_keep_only_short_lists_of_finite_bins() -> None:
    base = {"trigger_id": "t1", "histogram_time": "2026-01-01T05:00:00+00:00"}
    good = Histogram.from_api(base | {"counting_data": [3400.5, 199.5], "lifetime_data": [1, 0]})
    assert (good.counting, good.lifetime) == ((3400.5, 199.5), (1.0, 0.0))
    assert good.start.isoformat() == "2026-01-01T05:00:00+00:00"
    for bins in ([float("nan")], [-1], [10**300], list(range(65)), "1,2", [[1]], [True]):
        with pytest.raises(InvalidItem):
            Histogram.from_api(base | {"counting_data": bins})
    with pytest.raises(InvalidItem):
        TypeTotal.from_api({"type": "TripwireCrossed", "count": float("inf")})
