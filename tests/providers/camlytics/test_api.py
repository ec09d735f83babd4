"""Tests of the Camlytics client: signing, nonces, the 1 request/s limiter, 429/503 back-off."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
import itertools
import re
import time
from typing import Any

import aiohttp
from aioresponses import aioresponses
import pytest
from yarl import URL

from custom_components.sitewatch.providers.camlytics.api import (
    CamlyticsApiError,
    CamlyticsAuthenticationError,
    CamlyticsClient,
    CamlyticsConnectionError,
    CamlyticsRateLimitError,
    Event,
    InvalidItem,
    NonceSource,
    RateLimiter,
    encode_query,
    parse_time,
    sign,
)

BASE = "https://cloud.test/service/api/v1"
ANY = re.compile(r"^https://cloud\.test/service/api/v1/.*$")
SEED_SECRET = "ehsd7485746548574"
SEED_URI = (
    "/service/api/v1/events?location_id=32&nonce=154&since=2020-10-13T06%3A12%3A00.000%2B01%3A00"
)


def ok(result: list[Any]) -> dict[str, Any]:
    return {"msg": "success", "result": result, "code": 0}


class FakeSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeper() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def client(session: aiohttp.ClientSession, sleeper: FakeSleep) -> CamlyticsClient:
    return CamlyticsClient(
        session,
        public_key="pub",
        secret_key=SEED_SECRET,
        base_url=BASE + "/",
        nonces=NonceSource(last=153, clock=lambda: 100.0),
        limiter=RateLimiter(interval=0.0, sleep=sleeper),
        sleep=sleeper,
    )


def sent(mock: aioresponses) -> list[tuple[URL, dict[str, str]]]:
    return [
        (url, call.kwargs["headers"])
        for (_method, url), calls in mock.requests.items()
        for call in calls
    ]


def test_signature_matches_the_seed_example() -> None:
    # The digest of the vendor's JavaScript/PHP signing example, computed with hashlib.
    import hashlib
    import hmac

    expected = hmac.new(SEED_SECRET.encode(), SEED_URI.encode(), hashlib.sha512).hexdigest()
    assert sign(SEED_SECRET, SEED_URI) == expected
    assert len(expected) == 128


def test_query_encoding_matches_encode_uri_component() -> None:
    query = encode_query(
        [("location_id", "32"), ("nonce", "154"), ("since", "2020-10-13T06:12:00.000+01:00")]
    )
    assert "/service/api/v1/events?" + query == SEED_URI


async def test_request_is_signed_as_sent(client: CamlyticsClient, mock: aioresponses) -> None:
    mock.get(ANY, payload=ok([]))
    since = datetime(2020, 10, 13, 6, 12, tzinfo=timezone(timedelta(hours=1)))
    await client.events(location_id=32, since=since)

    ((url, headers),) = sent(mock)
    # aioresponses re-encodes the URL it records; the signature proves what was signed.
    assert headers["X-Sign"] == sign(SEED_SECRET, SEED_URI)
    assert url.path_qs == URL(SEED_URI).path_qs
    assert headers["X-Key"] == "pub"
    assert SEED_SECRET not in str(url)
    assert SEED_SECRET not in str(headers)


def test_nonce_strictly_increases_within_a_second_and_across_restarts() -> None:
    saved: list[int] = []
    now = 1_700_000_000.0
    nonces = NonceSource(last=0, on_change=saved.append, clock=lambda: now)
    first, second, third = nonces.next(), nonces.next(), nonces.next()
    assert (first, second, third) == (1_700_000_000, 1_700_000_001, 1_700_000_002)
    # A restart in the same second resumes after the saved nonce, not the clock.
    restarted = NonceSource(last=saved[-1], clock=lambda: now)
    assert restarted.next() == 1_700_000_003


async def test_limiter_spaces_concurrent_calls() -> None:
    limiter = RateLimiter(interval=0.05)
    times: list[float] = []

    async def call() -> None:
        await limiter.wait()
        times.append(time.monotonic())

    await asyncio.gather(*(call() for _ in range(5)))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap >= 0.045 for gap in gaps), gaps


@pytest.mark.parametrize("status", [429, 503])
async def test_throttled_requests_back_off_and_retry(
    client: CamlyticsClient, mock: aioresponses, sleeper: FakeSleep, status: int
) -> None:
    mock.get(ANY, status=status, headers={"Retry-After": "3"})
    mock.get(ANY, status=status)
    mock.get(ANY, payload=ok([{"id": 1, "name": "Store", "timezone_offset": "+01:00"}]))

    locations = await client.locations()

    assert [location.name for location in locations] == ["Store"]
    # Each retry waits out Retry-After (2 s without one).
    assert [call for call in sleeper.calls if call >= 1][:1] == [3.0]
    assert 2.0 in sleeper.calls
    nonces = [int(url.query["nonce"]) for url, _ in sent(mock)]
    assert nonces == sorted(set(nonces))  # every retry signs a fresh, larger nonce


async def test_rate_limit_gives_up_after_retries(
    client: CamlyticsClient, mock: aioresponses, sleeper: FakeSleep
) -> None:
    mock.get(ANY, status=429, repeat=True)
    with pytest.raises(CamlyticsRateLimitError):
        await client.locations()
    assert len([call for call in sleeper.calls if call >= 1]) >= 3


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        (
            {"status": 401, "payload": {"msg": "Invalid key", "code": 401}},
            CamlyticsAuthenticationError,
        ),
        ({"status": 403, "body": "no"}, CamlyticsAuthenticationError),
        ({"status": 400, "payload": {"msg": "Invalid nonce", "code": 1001}}, CamlyticsApiError),
        ({"status": 500, "body": "oops"}, CamlyticsApiError),
        ({"payload": {"msg": "bad", "code": 7, "result": None}}, CamlyticsApiError),
        ({"payload": {"msg": "success", "code": 0, "result": {}}}, CamlyticsApiError),
        ({"payload": [1]}, CamlyticsApiError),
        ({"body": "not json"}, CamlyticsApiError),
        ({"exception": TimeoutError()}, CamlyticsConnectionError),
        ({"exception": aiohttp.ClientConnectionError()}, CamlyticsConnectionError),
    ],
)
async def test_errors(
    client: CamlyticsClient, mock: aioresponses, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    mock.get(ANY, **kwargs)
    with pytest.raises(error):
        await client.channels()


async def test_invalid_nonce_carries_its_code(client: CamlyticsClient, mock: aioresponses) -> None:
    mock.get(ANY, status=400, payload={"msg": "Invalid nonce", "code": 1001})
    with pytest.raises(CamlyticsApiError) as err:
        await client.channels()
    assert err.value.code == 1001


async def test_models(client: CamlyticsClient, mock: aioresponses) -> None:
    mock.get(
        ANY, payload=ok([{"name": "Lobby", "paid": 0, "active": 1, "id": "c1", "location_id": 123}])
    )
    mock.get(
        ANY,
        payload=ok(
            [
                {
                    "name": "Enter",
                    "active": 1,
                    "id": "t1",
                    "type": "Line",
                    "channel_id": "c1",
                    "location_id": 123,
                }
            ]
        ),
    )
    mock.get(
        ANY,
        payload=ok(
            [
                {
                    "trigger_name": "Enter",
                    "trigger_id": "t1",
                    "count": 42,
                    "channel_id": "c1",
                    "location_id": 123,
                }
            ]
        ),
    )
    mock.get(ANY, payload=ok([{"count": 5, "type": "TripwireCrossed", "channel_id": "c1"}]))
    mock.get(
        ANY,
        payload=ok(
            [
                {"trigger_id": "t1", "counting_data": [1], "histogram_time": "x"},
                {"trigger_id": "t1", "counting_data": [3], "histogram_time": "2026-01-01T05:00Z"},
            ]
        ),
    )
    mock.get(ANY, payload=ok([{"id": "oops"}]))

    (channel,) = await client.channels(location_id=123)
    assert (channel.id, channel.location_id, channel.active) == ("c1", 123, True)
    (trigger,) = await client.triggers(location_id=123)
    assert (trigger.name, trigger.type, trigger.channel_id) == ("Enter", "Line", "c1")
    (total,) = await client.trigger_totals(location_id=123, until=datetime(2026, 1, 1, tzinfo=UTC))
    assert total.count == 42
    assert (await client.type_totals())[0].type == "TripwireCrossed"
    # A histogram without a usable time is dropped and counted.
    (histogram,) = await client.histograms(location_id=1)
    assert (histogram.trigger_id, histogram.counting) == ("t1", (3.0,))
    assert client.dropped.pop("histograms: histogram without a valid time") == 1
    # An item whose id is not a number is dropped and counted; the answer is not an error.
    assert await client.locations() == []
    assert client.dropped == {"locations: location without a valid id": 1}
    urls = [url for url, _ in sent(mock)]
    assert urls[0].query["location_id"] == "123"
    assert "until" in urls[2].query
    assert client.request_count == 6
    assert client.base_url == BASE


def test_event_from_api_and_webhook_shapes() -> None:
    api = Event.from_api(
        {
            "record_id": 1635343534,
            "event_type": "RegionJoin",
            "trigger_id": "t1",
            "origin": "Face",
            "suborigin": "",
            "age_range": "26 - 35",
            "gender": "Male",
            "id": 34454545,
            "channel_id": "c1",
            "object_id": 6,
            "location_id": 123,
            "event_time": "2000-01-23T04:56:07.000+01:00",
        }
    )
    assert api.record_id == 1635343534
    assert api.suborigin is None
    assert api.event_time == datetime(2000, 1, 23, 3, 56, 7, tzinfo=UTC)
    hook = Event.from_api(
        {"record_id": 7, "id": None, "event_type": "X", "event_time": "2000-01-23 04:56:07.000"}
    )
    assert hook.event_time == datetime(2000, 1, 23, 4, 56, 7, tzinfo=UTC)
    flat = Event.from_api({"id": 9, "rule_name": "Enter", "channel_id": "c1", "location_id": "5"})
    assert (flat.event_type, flat.location_id) == ("Enter", 5)
    with pytest.raises(InvalidItem):
        Event.from_api({"event_type": "X"})
    assert parse_time("garbage") is None
    assert parse_time(None) is None
