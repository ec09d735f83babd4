"""Property tests of the Moonsense parsers: any JSON gives typed bounded values or a parse error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
import json
import math
import re
from typing import Any

import aiohttp
from aioresponses import aioresponses
from hypothesis import given, strategies as st
from multidict import MultiDict
import orjson
import pytest

from custom_components.sitewatch.providers.moonsense.api import (
    MoonsenseApiError,
    MoonsenseClient,
    Readings,
    Session,
    WebhookEvent,
)
from custom_components.sitewatch.providers.moonsense.api.parsing import as_float, as_int, as_time
from custom_components.sitewatch.providers.moonsense.push import MoonsenseReceiver
from custom_components.sitewatch.webhook import PushRejected

from .strategies import (
    EVENT,
    JSON,
    PLAUSIBLE_EVENT,
    SEALED,
    SESSION,
    VALUES,
    assert_bounded_event,
    assert_bounded_readings,
    assert_bounded_session,
    deep,
)

CONTROL = "https://api.moonsense.cloud"
DATA = "https://us-central1.gcp.data-api.moonsense.cloud"
T0 = 1_700_000_000_000


def _outcome[T](parse: Callable[[Any], T], raw: Any) -> tuple[T | None, str | None]:
    """What a parser made of ``raw``: its value, or the message of its parse error."""
    try:
        return parse(raw), None
    except MoonsenseApiError as err:
        return None, str(err)


@given(raw=st.one_of(PLAUSIBLE_EVENT, EVENT, JSON))
def test_any_webhook_body_parses_bounded_or_fails_clearly(raw: Any) -> None:
    event, error = _outcome(WebhookEvent.from_api, raw)
    if event is None:
        assert error is not None
        assert 0 < len(error) <= 60  # a short fixed reason, never the payload
    else:
        assert_bounded_event(event)


@given(raw=st.one_of(SEALED, JSON))
def test_any_sealed_bundle_parses_bounded_or_fails_clearly(raw: Any) -> None:
    readings, error = _outcome(Readings.from_sealed_bundle, raw)
    if readings is None:
        assert error is not None
        assert not isinstance(raw, dict)
    else:
        assert_bounded_readings(readings)


@given(raw=st.one_of(SESSION, JSON))
def test_any_session_parses_bounded_or_fails_clearly(raw: Any) -> None:
    session, error = _outcome(Session.from_api, raw)
    if session is None:
        assert error in {
            "session without session_id",
            "session_id is not text",
            "session_id is too long",
        }
    else:
        assert_bounded_session(session)


@given(payload=st.one_of(st.lists(st.one_of(PLAUSIBLE_EVENT, EVENT), max_size=5), EVENT, JSON))
def test_receiver_parse_drops_bad_events_and_keeps_the_rest(payload: Any) -> None:
    receiver = MoonsenseReceiver.__new__(MoonsenseReceiver)
    bodies = payload if isinstance(payload, list) else [payload]
    outcomes = [_outcome(WebhookEvent.from_api, body) for body in bodies]
    usable = [event for event, _ in outcomes if event is not None]
    try:
        parsed = receiver.parse(payload, MultiDict())
    except PushRejected as err:
        rejected: str | None = str(err)
    else:
        rejected = None
        assert parsed.items == usable
        assert parsed.dropped == [error for _, error in outcomes if error is not None]
    assert (rejected is not None) == (
        not usable and (bool(bodies) or not isinstance(payload, list))
    )


@given(value=VALUES)
def test_number_helpers_never_raise(value: Any) -> None:
    number = as_int(value)
    assert number is None or (isinstance(number, int) and -(2**63) <= number < 2**64)
    real = as_float(value)
    assert real is None or math.isfinite(real)
    when = as_time(value)
    assert when is None or when >= datetime(2000, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("depth", [33, 300, 5000, 100_000])
def test_deep_nesting_at_every_field_reaches_no_recursion(depth: int) -> None:
    """Parsers read fixed levels: a 100,000-level value anywhere is a plain wrong value."""
    nested = deep(depth)
    for field in ("event_type", "session_id", "session_labels", "bundle", "journeyId", "other"):
        try:
            event = WebhookEvent.from_api({"event_type": 2, "session_id": "s1", field: nested})
        except MoonsenseApiError:
            continue
        assert_bounded_event(event)
    for body in (
        {"bundle": nested, "server_time_millis": nested},
        {"bundle": {"battery": nested, "activity_data": [nested], "client_time": nested}},
        {"bundle": {"location_data": [{"latitude": nested, "longitude": 1}]}},
        {"bundle": {"temperature_data": [{"value": nested, "determined_at": nested}]}},
    ):
        assert_bounded_readings(Readings.from_sealed_bundle(body))
    session = Session.from_api({"session_id": "s", "labels": [nested], "metadata": nested})
    assert session.labels == []
    with pytest.raises(MoonsenseApiError):
        WebhookEvent.from_api(nested)


@pytest.mark.parametrize(
    ("sample", "field", "expected"),
    [
        ({"type": "MYSTERY"}, "activity", ("unknown", "MYSTERY")),
        ({"type": 42}, "activity", ("unknown", "42")),
        ({"type": "x" * 300}, "activity", ("unknown", "x" * 63 + "…")),
        ({"type": 1.5}, "activity", ("unknown", None)),
        ({"type": [1]}, "activity", (None, None)),
    ],
)
def test_unknown_activity_is_unknown_with_its_text(
    sample: dict[str, Any], field: str, expected: tuple[Any, Any]
) -> None:
    readings = Readings.from_sealed_bundle({"bundle": {"activity_data": [sample]}})
    assert (readings.activity, readings.raw_activity) == expected


def test_unknown_battery_state_is_unknown_with_its_text() -> None:
    readings = Readings.from_sealed_bundle({"bundle": {"battery": {"state": "OVERHEATED"}}})
    assert (readings.battery_state, readings.raw_battery_state) == ("unknown", "OVERHEATED")


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity", "1e999", math.nan, math.inf])
def test_non_finite_readings_drop_the_reading_only(bad: Any) -> None:
    readings = Readings.from_sealed_bundle(
        {
            "bundle": {
                "battery": {"capacity": bad, "state": "FULL"},
                "temperature_data": [{"value": bad}],
                "light_data": [{"value": 10}],
                "location_data": [{"latitude": bad, "longitude": 2.0, "horizontal_accuracy": 3}],
                "activity_data": [{"type": "STILL", "confidence": bad}],
            },
            "server_time_millis": str(T0),
        }
    )
    assert readings == Readings(
        battery_state="full",
        raw_battery_state="FULL",
        light=10.0,
        activity="still",
        raw_activity="STILL",
        time=datetime.fromtimestamp(T0 / 1000, UTC),
        dropped=4,
    )


@pytest.mark.parametrize(
    ("bundle", "field"),
    [
        ({"battery": {"capacity": 101}}, "battery_level"),
        ({"battery": {"capacity": -1}}, "battery_level"),
        ({"battery": {"capacity": "1" * 300}}, "battery_level"),
        ({"activity_data": [{"type": 1, "confidence": 1000}]}, "activity_confidence"),
        ({"location_data": [{"latitude": 91, "longitude": 0}]}, "latitude"),
        ({"location_data": [{"latitude": 0, "longitude": -181}]}, "longitude"),
        ({"humidity_data": [{"value": 100.5}]}, "humidity"),
        ({"pressure_data": [{"value": 1e300}]}, "pressure"),
        ({"temperature_data": [{"value": -274}]}, "temperature"),
        ({"light_data": [{"value": -1}]}, "light"),
        ({"client_time": {"wall_time_millis": "-86400000"}}, "time"),
    ],
)
def test_out_of_range_readings_are_dropped(bundle: dict[str, Any], field: str) -> None:
    assert getattr(Readings.from_sealed_bundle({"bundle": bundle}), field) is None


async def test_rest_answers_nested_beyond_any_limit_are_api_errors() -> None:
    """orjson refuses the nesting with a decode error: no RecursionError from a REST answer."""
    nested = b"[" * 100_000 + b"]" * 100_000
    async with aiohttp.ClientSession() as session:
        client = MoonsenseClient(session, "token")
        with aioresponses() as mock:
            mock.get(f"{CONTROL}/v2/tokens/self", body=nested)
            with pytest.raises(MoonsenseApiError, match="Malformed JSON"):
                await client.whoami()
            sessions = {"sessions": [{"session_id": "s1", "labels": deep(1000)}]}
            mock.get(
                re.compile(rf"^{re.escape(CONTROL)}/v2/sessions\?.*$"), body=json.dumps(sessions)
            )
            (only,) = await client.sessions()
            assert only.session_id == "s1"
            line = b'{"bundle":' * 2000 + b"{}" + b"}" * 2000
            good = orjson.dumps({"bundle": {"battery": {"capacity": 5}}})
            mock.get(f"{DATA}/v2/sessions/s1/chunks/c1", body=line + b"\n" + good + b"\n")
            readings, errors = await client.read_chunk(only, "c1")
    assert [reading.battery_level for reading in readings] == [5]
    assert [error.line_number for error in errors] == [1]


async def test_whoami_keeps_only_bounded_texts() -> None:
    async with aiohttp.ClientSession() as session:
        client = MoonsenseClient(session, "token")
        with aioresponses() as mock:
            mock.get(
                f"{CONTROL}/v2/tokens/self",
                payload={"appId": "a", "projectId": {"x": 1}, "long": "x" * 300, "n": 5},
            )
            assert await client.whoami() == {"app_id": "a"}
