"""Tests of the FaceSpace client against aioresponses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
import re
from typing import Any

import aiohttp
from aioresponses import aioresponses
import pytest
from yarl import URL

from custom_components.sitewatch.providers.facespace.api import (
    DEFAULT_BASE_URL,
    FaceSpaceApiKeyError,
    FaceSpaceClient,
    FaceSpaceConnectionError,
    FaceSpaceDateError,
    FaceSpaceError,
    FaceSpaceUsageError,
    LogParseError,
    LogsResult,
    Presence,
    RealtimeResult,
    Recognition,
    format_bound,
    parse_line,
    parse_logs,
    parse_push,
)

from ...conftest import ClientCalls, Failing, assert_fails_at_once, failing
from .conftest import load_fixture

BASE = "https://facespace.test/facespace"
LOGS_URL = f"{BASE}/logs"
RECOGNITION_URL = f"{BASE}/recognition"
LOGS = re.compile(rf"^{re.escape(LOGS_URL)}(\?.*)?$")
RECOGNITION = re.compile(rf"^{re.escape(RECOGNITION_URL)}(\?.*)?$")
KEY = "k3y"


@pytest.fixture
def delays() -> list[float]:
    """The retry delays the client asked for, in order."""
    return []


@pytest.fixture
def client(session: aiohttp.ClientSession, delays: list[float]) -> FaceSpaceClient:
    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    return FaceSpaceClient(session, KEY, BASE + "/", sleep=fake_sleep)


def _calls(mock: aioresponses, path: str) -> list[Any]:
    """Every GET whose URL path is ``path`` (any query), in the order made."""
    found: list[Any] = []
    for (method, url), calls in mock.requests.items():
        if method == "GET" and url.path == URL(BASE).path + path:
            found.extend(calls)
    return found


def _only_call(mock: aioresponses, path: str) -> Any:
    (call,) = _calls(mock, path)
    return call


def _utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


# --- construction ---------------------------------------------------------------------------


def test_base_url_default_and_trailing_slash(session: aiohttp.ClientSession) -> None:
    assert FaceSpaceClient(session, KEY).base_url == DEFAULT_BASE_URL
    assert DEFAULT_BASE_URL == "https://visionapi.automa.one/facespace"
    assert FaceSpaceClient(session, KEY, "https://x.test/api///").base_url == "https://x.test/api"


async def test_request_count_and_headers(client: FaceSpaceClient, mock: aioresponses) -> None:
    assert client.request_count == 0
    mock.get(LOGS, payload={})
    mock.get(RECOGNITION, payload={})

    await client.get_logs_range()
    await client.realtime()

    assert client.request_count == 2
    for call in (_only_call(mock, "/logs"), _only_call(mock, "/recognition")):
        assert call.kwargs["headers"]["x-api-key"] == KEY
        assert call.kwargs["headers"]["Accept"] == "application/json"
        assert isinstance(call.kwargs["timeout"], aiohttp.ClientTimeout)
        assert call.kwargs["timeout"].total == 15.0


async def test_request_timeout_is_passed(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    client = FaceSpaceClient(session, KEY, BASE, request_timeout=2.5)
    mock.get(RECOGNITION, payload={})
    await client.realtime()
    assert _only_call(mock, "/recognition").kwargs["timeout"].total == 2.5


# --- query bounds ---------------------------------------------------------------------------


async def test_no_bounds_sends_no_params(client: FaceSpaceClient, mock: aioresponses) -> None:
    mock.get(LOGS, payload={})

    result = await client.get_logs_range()

    assert result == LogsResult({}, [])
    call = _only_call(mock, "/logs")
    assert call.kwargs["params"] == {}
    ((_, url),) = [key for key in mock.requests if key[1].path.endswith("/logs")]
    assert url == URL(LOGS_URL)


async def test_datetime_start_drops_seconds_and_end_missing(
    client: FaceSpaceClient, mock: aioresponses
) -> None:
    mock.get(LOGS, payload={})

    await client.get_logs_range(start=_utc(2023, 10, 23, 10, 7, 59, 999999), camera_id="Cam1")

    assert _only_call(mock, "/logs").kwargs["params"] == {
        "start_time": "10:07 23/10/23",
        "camera_id": "Cam1",
    }


async def test_aware_non_utc_datetime_is_converted(
    client: FaceSpaceClient, mock: aioresponses
) -> None:
    mock.get(LOGS, payload={})
    plus_two = timezone(timedelta(hours=2))

    # 01:30 on the 24th at UTC+2 is 23:30 on the 23rd in UTC: the day changes too.
    await client.get_logs_range(
        start=datetime(2023, 10, 24, 1, 30, 12, tzinfo=plus_two),
        end=datetime(2023, 10, 24, 4, 0, tzinfo=plus_two),
    )

    assert _only_call(mock, "/logs").kwargs["params"] == {
        "start_time": "23:30 23/10/23",
        "end_time": "02:00 24/10/23",
    }


async def test_date_only_bounds(client: FaceSpaceClient, mock: aioresponses) -> None:
    mock.get(LOGS, payload={})

    await client.get_logs_range(start=date(2023, 10, 3), end=date(2023, 11, 4))

    call = _only_call(mock, "/logs")
    assert call.kwargs["params"] == {"start_time": "03/10/23", "end_time": "04/11/23"}
    assert "camera_id" not in call.kwargs["params"]


async def test_same_day_dates_mean_the_whole_day(
    client: FaceSpaceClient, mock: aioresponses
) -> None:
    mock.get(LOGS, payload={}, repeat=True)

    await client.get_logs_range(start=date(2023, 10, 23), end=date(2023, 10, 23))
    # A date end covers its whole day, so a start late that day is fine.
    await client.get_logs_range(start=_utc(2023, 10, 23, 23, 59, 59), end=date(2023, 10, 23))
    # A datetime end at the very start of a date start is fine as well (equal bounds).
    await client.get_logs_range(start=date(2023, 10, 23), end=_utc(2023, 10, 23, 0, 0))

    params = [call.kwargs["params"] for call in _calls(mock, "/logs")]
    assert params == [
        {"start_time": "23/10/23", "end_time": "23/10/23"},
        {"start_time": "23:59 23/10/23", "end_time": "23/10/23"},
        {"start_time": "23/10/23", "end_time": "00:00 23/10/23"},
    ]


async def test_empty_camera_id_is_not_sent(client: FaceSpaceClient, mock: aioresponses) -> None:
    mock.get(LOGS, payload={})
    await client.get_logs_range(end=date(2023, 10, 23), camera_id="")
    assert _only_call(mock, "/logs").kwargs["params"] == {"end_time": "23/10/23"}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (_utc(2023, 10, 23, 10, 0), _utc(2023, 10, 23, 9, 59)),
        (date(2023, 10, 24), date(2023, 10, 23)),
        (date(2023, 10, 24), _utc(2023, 10, 23, 23, 59, 59)),
        (_utc(2023, 10, 24, 0, 0), date(2023, 10, 23)),
        # 01:00 on the 24th at UTC+2 is still the 23rd in UTC: fine; 03:00 is not.
        (datetime(2023, 10, 24, 3, 0, tzinfo=timezone(timedelta(hours=2))), date(2023, 10, 23)),
    ],
)
async def test_end_before_start_is_a_usage_error(
    client: FaceSpaceClient, mock: aioresponses, start: datetime | date, end: datetime | date
) -> None:
    with pytest.raises(FaceSpaceUsageError, match="end is before the start"):
        await client.get_logs_range(start=start, end=end)
    assert client.request_count == 0


async def test_start_converted_to_utc_before_comparing_with_a_date_end(
    client: FaceSpaceClient, mock: aioresponses
) -> None:
    mock.get(LOGS, payload={})
    start = datetime(2023, 10, 24, 1, 0, tzinfo=timezone(timedelta(hours=2)))
    await client.get_logs_range(start=start, end=date(2023, 10, 23))
    assert _only_call(mock, "/logs").kwargs["params"] == {
        "start_time": "23:00 23/10/23",
        "end_time": "23/10/23",
    }


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2023, 10, 23, 10, 0), None),
        (None, datetime(2023, 10, 23, 10, 0)),
        (datetime(2020, 1, 1), _utc(2030, 1, 1)),
    ],
)
async def test_naive_datetime_is_a_usage_error(
    client: FaceSpaceClient, start: datetime | None, end: datetime | None
) -> None:
    with pytest.raises(FaceSpaceUsageError, match="timezone-aware"):
        await client.get_logs_range(start=start, end=end)
    assert client.request_count == 0


@pytest.mark.parametrize(
    "start", [_utc(2023, 10, 23, 10, 0), date(2023, 10, 23), datetime(2023, 10, 23, 10, 0)]
)
async def test_naive_end_with_a_start_is_a_usage_error(
    client: FaceSpaceClient, start: datetime | date
) -> None:
    with pytest.raises(FaceSpaceUsageError):
        await client.get_logs_range(start=start, end=datetime(2023, 10, 24, 10, 0))


async def test_date_end_covers_the_last_second_of_the_day(
    client: FaceSpaceClient, mock: aioresponses
) -> None:
    mock.get(LOGS, payload={})
    await client.get_logs_range(
        start=_utc(2023, 10, 23, 23, 59, 59, 500000), end=date(2023, 10, 23)
    )
    assert _only_call(mock, "/logs").kwargs["params"] == {
        "start_time": "23:59 23/10/23",
        "end_time": "23/10/23",
    }


def test_format_bound() -> None:
    assert format_bound(_utc(2023, 1, 2, 3, 4, 5)) == "03:04 02/01/23"
    assert format_bound(date(2023, 1, 2)) == "02/01/23"
    assert format_bound(datetime(2023, 1, 2, 0, 30, tzinfo=timezone(timedelta(hours=-5)))) == (
        "05:30 02/01/23"
    )
    with pytest.raises(FaceSpaceUsageError):
        format_bound(datetime(2023, 1, 2, 3, 4))


# --- log lines ------------------------------------------------------------------------------


def test_parse_line_is_day_first_utc() -> None:
    recognition = parse_line("Camera1", "Alice @ 00:05:22 23/10/23")
    assert recognition == Recognition(
        time=_utc(2023, 10, 23, 0, 5, 22), camera="Camera1", name="Alice"
    )
    assert recognition.time.tzinfo is UTC
    # 05/10 is the 5th of October, not the 10th of May.
    assert parse_line("C", "Bob @ 11:15:47 05/10/23").time == _utc(2023, 10, 5, 11, 15, 47)


def test_parse_line_name_may_contain_the_separator() -> None:
    recognition = parse_line("C", "Ann @ Home @ 07:30:00 23/10/23")
    assert recognition.name == "Ann @ Home"
    assert recognition.time == _utc(2023, 10, 23, 7, 30)


def test_parse_line_strips_spaces() -> None:
    assert parse_line("C", "  Eve  @  23:59:59 23/10/23 ").name == "Eve"


@pytest.mark.parametrize(
    "line",
    [
        " @ 00:05:22 23/10/23",  # empty name
        "   @ 00:05:22 23/10/23",  # blank name
        "Alice 00:05:22 23/10/23",  # no separator
        "Alice@00:05:22 23/10/23",  # separator without spaces
        "Alice @ 00:05:22 10/23/23",  # month first: month 23
        "Alice @ 00:05 23/10/23",  # no seconds
        "Alice @ 25:00:00 23/10/23",
        "Alice @ 00:05:22 23/10/2023",  # four-digit year
        "Alice @ 00:05:22 23/10/23 extra",
        "Alice @ ",
        "",
    ],
)
def test_parse_line_malformed(line: str) -> None:
    with pytest.raises(LogParseError) as info:
        parse_line("Camera9", line)
    assert info.value.camera == "Camera9"
    assert info.value.line == line
    assert "Camera9" in str(info.value)
    assert repr(line) in str(info.value)
    assert isinstance(info.value, FaceSpaceDateError)
    assert isinstance(info.value, FaceSpaceError)


@pytest.mark.parametrize(
    ("line", "shown"),
    [(None, "<NoneType>"), (42, "42"), (["Alice @ 00:05:22 23/10/23"], "<list>")],
)
def test_parse_line_not_a_string(line: Any, shown: str) -> None:
    with pytest.raises(LogParseError) as info:
        parse_line("C", line)
    assert info.value.line == shown
    assert info.value.reason == "log line is not text"


def test_recognition_key_and_order() -> None:
    early = Recognition(time=_utc(2023, 10, 23, 0, 5, 22), camera="Camera1", name="Alice")
    late = Recognition(time=_utc(2023, 10, 23, 0, 5, 23), camera="Camera0", name="Aaron")
    assert early.key == "Camera1|Alice|2023-10-23T00:05:22+00:00"
    assert early.key != Recognition(early.time, "Camera2", "Alice").key
    assert early.key != Recognition(early.time, "Camera1", "Bob").key
    assert early < late
    with pytest.raises(AttributeError):
        early.name = "Mallory"  # type: ignore[misc]


def test_parse_logs_keeps_good_lines_and_lists_bad_ones() -> None:
    result = parse_logs(
        {
            "Camera1": [
                "Bob @ 11:15:47 23/10/23",
                "garbage",
                "Alice @ 00:05:22 23/10/23",
                "Carl @ 99:99:99 23/10/23",
            ],
            "Camera2": ["Dana @ 18:45:30 23/10/23", "Charlie @ 07:30:00 23/10/23"],
            "Camera3": [],
        }
    )

    assert [(r.name, r.time) for r in result.recognitions["Camera1"]] == [
        ("Alice", _utc(2023, 10, 23, 0, 5, 22)),
        ("Bob", _utc(2023, 10, 23, 11, 15, 47)),
    ]
    assert [r.name for r in result.recognitions["Camera2"]] == ["Charlie", "Dana"]
    assert result.recognitions["Camera3"] == []
    assert [(e.camera, e.line) for e in result.errors] == [
        ("Camera1", "garbage"),
        ("Camera1", "Carl @ 99:99:99 23/10/23"),
    ]


def test_logs_result_all_orders_across_cameras() -> None:
    result = parse_logs(
        {
            "Camera1": ["Alice @ 00:05:22 23/10/23", "Bob @ 11:15:47 24/10/23"],
            "Camera2": ["Charlie @ 07:30:00 23/10/23", "Dana @ 00:05:22 23/10/23"],
        }
    )
    assert [(r.camera, r.name) for r in result.all()] == [
        ("Camera1", "Alice"),
        ("Camera2", "Dana"),
        ("Camera2", "Charlie"),
        ("Camera1", "Bob"),
    ]
    assert LogsResult({}, []).all() == []


def test_parse_logs_numeric_camera_names_become_strings() -> None:
    result = parse_logs({1: ["Alice @ 00:05:22 23/10/23"]})
    assert list(result.recognitions) == ["1"]
    assert result.recognitions["1"][0].camera == "1"


@pytest.mark.parametrize("payload", [[], "x", None, 3])
def test_parse_logs_not_an_object(payload: Any) -> None:
    with pytest.raises(FaceSpaceUsageError, match="object of cameras"):
        parse_logs(payload)


def test_parse_logs_camera_not_a_list_loses_only_that_camera() -> None:
    result = parse_logs(
        {"Camera1": "Alice @ 00:05:22 23/10/23", "Camera2": ["Bo @ 00:05:22 23/10/23"]}
    )
    assert [r.name for r in result.all()] == ["Bo"]
    assert [(e.camera, e.reason) for e in result.errors] == [
        ("Camera1", "camera entry is not a list")
    ]


async def test_get_logs_range_parses_the_answer(
    client: FaceSpaceClient, mock: aioresponses
) -> None:
    mock.get(
        LOGS,
        payload={
            "Camera1": ["Bob @ 11:15:47 23/10/23", "Alice @ 00:05:22 23/10/23", "bad"],
            "Camera2": ["Charlie @ 07:30:00 23/10/23"],
        },
    )

    result = await client.get_logs_range(start=date(2023, 10, 23), end=date(2023, 10, 23))

    assert [r.name for r in result.all()] == ["Alice", "Charlie", "Bob"]
    assert [e.line for e in result.errors] == ["bad"]


# --- real-time ------------------------------------------------------------------------------


async def test_realtime_presence(client: FaceSpaceClient, mock: aioresponses) -> None:
    mock.get(
        RECOGNITION,
        payload={"Camera1": ["Alice", "Bob"], "Camera2": [], "Camera3": "oops", "Camera4": [7]},
    )

    assert await client.realtime() == RealtimeResult(
        {"Camera1": Presence(2, ("Alice", "Bob")), "Camera2": Presence(0, ())},
        ["camera entry is not a list", "real-time names are not text"],
    )
    assert _only_call(mock, "/recognition").kwargs["params"] == {}


async def test_realtime_stop_means_no_camera(client: FaceSpaceClient, mock: aioresponses) -> None:
    mock.get(RECOGNITION, payload={"stop": "No cameras active..."})
    assert await client.realtime() is None


# --- errors and retries ---------------------------------------------------------------------


CALLS: ClientCalls[FaceSpaceClient] = {
    "realtime": ("GET", RECOGNITION, lambda client: client.realtime()),
    "logs": ("GET", LOGS, lambda client: client.get_logs_range(start=date(2023, 10, 23))),
}
"""Each client call by name: the HTTP method and URL it requests, and the call."""


@pytest.mark.parametrize(
    "case",
    [
        *failing(
            "realtime",
            [{"payload": payload} for payload in (["Alice"], "Alice", 3)],
            FaceSpaceUsageError,
            "object of cameras",
        ),
        *failing(
            "realtime",
            [{"status": status, "payload": {"error": "Invalid API key"}} for status in (401, 403)],
            FaceSpaceApiKeyError,
            "Invalid API key",
        ),
        *failing(
            "logs",
            [{"status": 400, "payload": {"error": "Invalid date format"}}],
            FaceSpaceDateError,
            "Invalid date format",
        ),
        *(
            Failing(
                "logs",
                {"status": status, "body": "Not Found"},
                FaceSpaceUsageError,
                f"HTTP {status}: None",
            )
            for status in (404, 405, 422)
        ),
    ],
    ids=Failing.name,
)
async def test_a_failing_answer_raises_its_error(
    client: FaceSpaceClient, mock: aioresponses, delays: list[float], case: Failing
) -> None:
    """A body of the wrong shape, a refused key, a bad date or another 4xx: one request, no wait."""
    await assert_fails_at_once(client, mock, CALLS, case)
    assert delays == []


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_retried_then_succeeds_on_third_try(
    client: FaceSpaceClient, mock: aioresponses, delays: list[float], status: int
) -> None:
    mock.get(RECOGNITION, status=status, payload={"error": "busy"})
    mock.get(RECOGNITION, status=status, body="")
    mock.get(RECOGNITION, payload={"Camera1": ["Alice"]})

    assert await client.realtime() == RealtimeResult({"Camera1": Presence(1, ("Alice",))}, [])
    assert delays == [1.0, 2.0]
    assert client.request_count == 3
    assert len(_calls(mock, "/recognition")) == 3


@pytest.mark.parametrize("status", [429, 503])
async def test_still_failing_after_three_tries(
    client: FaceSpaceClient, mock: aioresponses, delays: list[float], status: int
) -> None:
    mock.get(LOGS, status=status, payload={"error": "slow down"}, repeat=True)

    with pytest.raises(FaceSpaceConnectionError, match=f"HTTP {status}: slow down"):
        await client.get_logs_range()
    assert delays == [1.0, 2.0]
    assert client.request_count == 3
    # The same query is sent on every try.
    assert all(call.kwargs["params"] == {} for call in _calls(mock, "/logs"))


@pytest.mark.parametrize(
    ("exception", "message"),
    [
        (TimeoutError(), "Timeout"),
        (aiohttp.ClientConnectionError("refused"), "Cannot reach FaceSpace: refused"),
        (aiohttp.ServerDisconnectedError(), "Cannot reach FaceSpace"),
    ],
)
async def test_network_failures_are_retried(
    client: FaceSpaceClient,
    mock: aioresponses,
    delays: list[float],
    exception: Exception,
    message: str,
) -> None:
    mock.get(LOGS, exception=exception, repeat=True)
    with pytest.raises(FaceSpaceConnectionError, match=message):
        await client.get_logs_range()
    assert delays == [1.0, 2.0]
    assert client.request_count == 3


async def test_timeout_then_success(
    client: FaceSpaceClient, mock: aioresponses, delays: list[float]
) -> None:
    mock.get(RECOGNITION, exception=TimeoutError())
    mock.get(RECOGNITION, payload={"stop": "No cameras active"})
    assert await client.realtime() is None
    assert delays == [1.0]


@pytest.mark.parametrize("body", ["not json", "{", ""])
async def test_malformed_json(
    client: FaceSpaceClient, mock: aioresponses, delays: list[float], body: str
) -> None:
    mock.get(LOGS, body=body, content_type="application/json")
    with pytest.raises(FaceSpaceUsageError, match="Malformed JSON from /logs"):
        await client.get_logs_range()
    assert delays == []


async def test_json_without_json_content_type_is_accepted(
    client: FaceSpaceClient, mock: aioresponses
) -> None:
    mock.get(RECOGNITION, body='{"Camera1": ["Alice"]}', content_type="text/html")
    assert await client.realtime() == RealtimeResult({"Camera1": Presence(1, ("Alice",))}, [])


async def test_error_object_with_200_is_a_usage_error(
    client: FaceSpaceClient, mock: aioresponses, delays: list[float]
) -> None:
    mock.get(LOGS, payload={"error": "Camera not found"})
    with pytest.raises(FaceSpaceUsageError, match="FaceSpace error: Camera not found"):
        await client.get_logs_range(camera_id="Nope")
    assert delays == []
    assert client.request_count == 1


async def test_non_object_logs_answer(client: FaceSpaceClient, mock: aioresponses) -> None:
    mock.get(LOGS, payload=["Alice @ 00:05:22 23/10/23"])
    with pytest.raises(FaceSpaceUsageError, match="object of cameras"):
        await client.get_logs_range()


def test_parse_push_tells_logs_from_real_time_bodies() -> None:
    """Hand-written bodies (``fixtures/``): logs, real-time, stop; anything else is refused."""
    logs = parse_push(load_fixture("logs.json"))
    assert isinstance(logs, LogsResult)
    assert [(line.camera, line.name) for line in logs.all()][-1] == ("Camera1", "Bob")
    realtime = parse_push(load_fixture("realtime.json"))
    assert isinstance(realtime, RealtimeResult)
    assert realtime.cameras["Camera2"] == Presence(2, ("Unknown", "Dana"))
    assert parse_push(load_fixture("realtime_stop.json")) is None
    with pytest.raises(FaceSpaceUsageError):
        parse_push(["Alice @ 09:00:05 24/10/23"])
