"""Tests of the Moonsense Cloud client and models against aioresponses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
import json
import re
from typing import Any

import aiohttp
from aioresponses import CallbackResult, aioresponses
import pytest
from yarl import URL

from custom_components.sitewatch.providers.moonsense import api
from custom_components.sitewatch.providers.moonsense.api import (
    DEFAULT_REGION,
    DEFAULT_TIMEOUT,
    PER_PAGE,
    BundleParseError,
    Chunk,
    MoonsenseApiError,
    MoonsenseAuthenticationError,
    MoonsenseClient,
    MoonsenseConnectionError,
    MoonsenseError,
    Readings,
    Session,
    WebhookEvent,
    as_float,
    as_int,
    as_time,
    snake_keys,
)

from ...conftest import ClientCalls, Failing, assert_fails_at_once, failing

TOKEN = "s3cret-token"
CONTROL = "https://api.moonsense.cloud"
DATA = "https://us-central1.gcp.data-api.moonsense.cloud"
BASE = "http://sim.test:8080/moonsense"

SESSIONS_URL = re.compile(rf"^{re.escape(CONTROL)}/v2/sessions\?.*$")
T0 = 1_700_000_000_000
"""A time in milliseconds since the epoch (2023-11-14T22:13:20Z)."""


def _ms(millis: int) -> datetime:
    return datetime.fromtimestamp(millis / 1000, tz=UTC)


@pytest.fixture
def client(session: aiohttp.ClientSession) -> MoonsenseClient:
    return MoonsenseClient(session, TOKEN)


@pytest.fixture
def sim(session: aiohttp.ClientSession) -> MoonsenseClient:
    return MoonsenseClient(session, TOKEN, root=f" {BASE}/ ")


def _calls(mock: aioresponses) -> list[tuple[str, URL, dict[str, Any]]]:
    """Every request made, in order: method, URL (query merged in), call kwargs."""
    return [
        (method, url, call.kwargs)
        for (method, url), recorded in mock.requests.items()
        for call in recorded
    ]


def _paths(mock: aioresponses) -> list[str]:
    return [str(url.with_query(None)) for _, url, _ in _calls(mock)]


def _page(items: list[dict[str, Any]], next_page: Any, key: str = "sessions") -> dict[str, Any]:
    return {key: items, "pagination": {"current_page": 1, "next_page": next_page}}


def _session(session_id: str, region: str | None = None) -> Session:
    raw: dict[str, Any] = {"session_id": session_id}
    if region:
        raw["region_id"] = region
    return Session.from_api(raw)


FULL_BUNDLE_SNAKE: dict[str, Any] = {
    "bundle": {
        "client_time": {"wall_time_millis": str(T0 + 500), "timer_millis": "12"},
        "battery": {"capacity": "87", "state": "CHARGING"},
        "activity_data": [
            {"determined_at": str(T0 + 300), "type": "WALKING", "confidence": 80},
            {"determined_at": str(T0 + 100), "type": "STILL", "confidence": 99},
        ],
        "location_data": [
            {
                "determined_at": str(T0),
                "latitude": 1.0,
                "longitude": 2.0,
                "horizontal_accuracy": 50.0,
            },
            {
                "determined_at": str(T0 + 200),
                "latitude": 48.8566,
                "longitude": "2.3522",
                "horizontal_accuracy": 4.5,
                "provider": "gps",
            },
        ],
        "temperature_data": [
            {"determined_at": str(T0), "value": 19.0},
            {"determined_at": str(T0 + 10), "value": 21.5},
        ],
        "light_data": [{"determined_at": str(T0), "value": 320}],
        "pressure_data": [{"determined_at": str(T0), "value": "1013.25"}],
        "humidity_data": [{"determined_at": str(T0), "value": 45.5}],
        "index": 7,
    },
    "app_id": "app-1",
    "session_id": "s1",
    "server_time_millis": str(T0 + 900),
}

FULL_BUNDLE_CAMEL: dict[str, Any] = {
    "bundle": {
        "clientTime": {"wallTimeMillis": T0 + 500},
        "battery": {"capacity": 42, "state": 2},
        "activityData": [
            {"determinedAt": T0 + 100, "type": 1, "confidence": "70"},
            {"determinedAt": T0 + 300, "type": 5, "confidence": "95"},
        ],
        "locationData": [
            {
                "determinedAt": str(T0),
                "latitude": -33.8688,
                "longitude": 151.2093,
                "horizontalAccuracy": 12,
            }
        ],
        "temperatureData": [{"determinedAt": str(T0), "value": -3.5}],
        "lightData": [{"determinedAt": str(T0), "value": 0.5}],
        "pressureData": [{"determinedAt": str(T0), "value": 990}],
        "humidityData": [{"determinedAt": str(T0), "value": "80"}],
    },
    "appId": "app-1",
    "sessionId": "s1",
    "serverTimeMillis": str(T0 + 900),
}


# --- URLs -------------------------------------------------------------------------------------


def test_default_root_urls(client: MoonsenseClient) -> None:
    assert client.root == "moonsense.cloud"
    assert client.default_region == DEFAULT_REGION == "us-central1.gcp"
    assert client.control_url == CONTROL
    assert client.data_url() == DATA
    assert client.data_url(None) == DATA
    assert (
        client.data_url("europe-west1.gcp") == "https://europe-west1.gcp.data-api.moonsense.cloud"
    )


def test_custom_root_domain_and_region(session: aiohttp.ClientSession) -> None:
    client = MoonsenseClient(
        session, TOKEN, root=" moonsense.example/ ", default_region="asia-east1.gcp"
    )
    assert client.control_url == "https://api.moonsense.example"
    assert client.data_url() == "https://asia-east1.gcp.data-api.moonsense.example"
    assert client.data_url("eu.gcp") == "https://eu.gcp.data-api.moonsense.example"


def test_full_url_root(sim: MoonsenseClient, session: aiohttp.ClientSession) -> None:
    assert sim.root == BASE
    assert sim.control_url == BASE
    assert sim.data_url() == f"{BASE}/data/{DEFAULT_REGION}"
    assert sim.data_url("eu.gcp") == f"{BASE}/data/eu.gcp"
    other = MoonsenseClient(session, TOKEN, root="http://127.0.0.1:9999", default_region="r1")
    assert other.control_url == "http://127.0.0.1:9999"
    assert other.data_url() == "http://127.0.0.1:9999/data/r1"


def test_no_request_before_the_first_call(client: MoonsenseClient, mock: aioresponses) -> None:
    assert client.request_count == 0
    assert not mock.requests


# --- whoami, auth header ----------------------------------------------------------------------


async def test_whoami_sends_bearer_and_normalizes_keys(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    mock.get(
        f"{CONTROL}/v2/tokens/self",
        payload={"appId": "app-1", "projectId": "proj-1", "credentialId": "cred", "name": "n"},
    )

    answer = await client.whoami()

    assert answer == {
        "app_id": "app-1",
        "project_id": "proj-1",
        "credential_id": "cred",
        "name": "n",
    }
    [(method, url, kwargs)] = _calls(mock)
    assert method == "GET"
    assert url == URL(f"{CONTROL}/v2/tokens/self")
    assert kwargs["headers"] == {"Authorization": f"Bearer {TOKEN}"}
    assert kwargs["params"] is None
    assert kwargs["timeout"].total == DEFAULT_TIMEOUT
    assert client.request_count == 1


async def test_whoami_on_a_full_url_root(sim: MoonsenseClient, mock: aioresponses) -> None:
    mock.get(f"{BASE}/v2/tokens/self", payload={"app_id": "a", "project_id": "p"})
    assert await sim.whoami() == {"app_id": "a", "project_id": "p"}
    assert _paths(mock) == [f"{BASE}/v2/tokens/self"]


async def test_request_timeout_is_configurable(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    client = MoonsenseClient(session, "other", request_timeout=3.5)
    mock.get(f"{CONTROL}/v2/tokens/self", payload={})
    assert await client.whoami() == {}
    [(_, _, kwargs)] = _calls(mock)
    assert kwargs["timeout"].total == 3.5
    assert kwargs["headers"]["Authorization"] == "Bearer other"


# --- sessions ---------------------------------------------------------------------------------


async def test_sessions_single_page_without_filters(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    mock.get(
        SESSIONS_URL,
        payload=_page(
            [
                {
                    "session_id": "s1",
                    "app_id": "app",
                    "region_id": "us-central1.gcp",
                    "created_at": "2024-05-01T10:00:00Z",
                },
                {"sessionId": "s2", "regionId": "eu.gcp", "createdAt": "2024-05-01T11:00:00.5Z"},
            ],
            0,
        ),
    )

    sessions = await client.sessions()

    assert [s.session_id for s in sessions] == ["s1", "s2"]
    assert [s.region_id for s in sessions] == ["us-central1.gcp", "eu.gcp"]
    assert sessions[1].created_at == datetime(2024, 5, 1, 11, 0, 0, 500000, tzinfo=UTC)
    [(_, url, kwargs)] = _calls(mock)
    assert str(url.with_query(None)) == f"{CONTROL}/v2/sessions"
    assert kwargs["params"] == [("per_page", str(PER_PAGE)), ("page", "1")]
    assert kwargs["headers"] == {"Authorization": f"Bearer {TOKEN}"}
    assert client.request_count == 1


async def test_sessions_sends_every_filter(client: MoonsenseClient, mock: aioresponses) -> None:
    mock.get(SESSIONS_URL, payload=_page([], 0))
    start = datetime(2024, 5, 1, 0, 0, tzinfo=UTC)
    end = datetime(2024, 5, 2, 12, 30, 15, tzinfo=timezone(timedelta(hours=2)))

    assert (
        await client.sessions(
            min_created_at=start,
            max_created_at=end,
            labels=["gate", "night shift"],
            journey_id="j-9",
            platforms=["ios", "android", "web"],
            per_page=10,
        )
        == []
    )

    [(_, url, kwargs)] = _calls(mock)
    assert kwargs["params"] == [
        ("per_page", "10"),
        ("filter[min_created_at]", "2024-05-01T00:00:00+00:00"),
        ("filter[max_created_at]", "2024-05-02T12:30:15+02:00"),
        ("filter[labels][]", "gate"),
        ("filter[labels][]", "night shift"),
        ("filter[journey_id]", "j-9"),
        ("filter[platforms][]", "ios"),
        ("filter[platforms][]", "android"),
        ("filter[platforms][]", "web"),
        ("page", "1"),
    ]
    # The RFC 3339 times parse back to the same instants.
    assert datetime.fromisoformat(url.query["filter[min_created_at]"]) == start
    assert datetime.fromisoformat(url.query["filter[max_created_at]"]) == end
    # (aioresponses sorts the recorded query; the order sent is in kwargs["params"] above.)
    assert sorted(url.query.getall("filter[labels][]")) == ["gate", "night shift"]
    assert sorted(url.query.getall("filter[platforms][]")) == ["android", "ios", "web"]


async def test_sessions_empty_filters_are_not_sent(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    mock.get(SESSIONS_URL, payload=_page([], 0))
    await client.sessions(labels=[], platforms=[], journey_id="")
    [(_, _, kwargs)] = _calls(mock)
    assert kwargs["params"] == [("per_page", "50"), ("page", "1")]


async def test_sessions_follow_many_pages_in_order(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    mock.get(SESSIONS_URL, payload=_page([{"session_id": "a"}, {"session_id": "b"}], 2))
    mock.get(
        SESSIONS_URL, payload={"sessions": [{"sessionId": "c"}], "pagination": {"nextPage": "3"}}
    )
    mock.get(SESSIONS_URL, payload=_page([{"session_id": "d"}], 5))
    mock.get(SESSIONS_URL, payload=_page([{"session_id": "e"}], 0))

    sessions = await client.sessions(labels=["x"])

    assert [s.session_id for s in sessions] == ["a", "b", "c", "d", "e"]
    calls = _calls(mock)
    assert [url.query["page"] for _, url, _ in calls] == ["1", "2", "3", "5"]
    # The filters are repeated on every page.
    assert all(url.query.getall("filter[labels][]") == ["x"] for _, url, _ in calls)
    assert all(kwargs["params"][-1][0] == "page" for _, _, kwargs in calls)
    assert client.request_count == 4


async def test_sessions_stop_when_next_page_goes_back(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    mock.get(SESSIONS_URL, payload=_page([{"session_id": "a"}], 2))
    mock.get(SESSIONS_URL, payload=_page([{"session_id": "b"}], 1))
    mock.get(SESSIONS_URL, payload=_page([{"session_id": "never"}], 0))

    assert [s.session_id for s in await client.sessions()] == ["a", "b"]
    assert [url.query["page"] for _, url, _ in _calls(mock)] == ["1", "2"]


@pytest.mark.parametrize(
    "item", [{"app_id": "a"}, {"session_id": ""}, {"session_id": ["x"]}, "s1", None]
)
async def test_sessions_item_without_id_is_skipped(
    client: MoonsenseClient, mock: aioresponses, item: Any
) -> None:
    """One broken item does not make every poll fail: the other sessions are kept."""
    mock.get(SESSIONS_URL, payload=_page([{"session_id": "ok"}, item], 0))
    assert [session.session_id for session in await client.sessions()] == ["ok"]


async def test_sessions_on_a_full_url_root(sim: MoonsenseClient, mock: aioresponses) -> None:
    mock.get(re.compile(rf"^{re.escape(BASE)}/v2/sessions\?.*$"), payload=_page([], 0))
    assert await sim.sessions() == []
    assert _paths(mock) == [f"{BASE}/v2/sessions"]


# --- Session.from_api, describe session ------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            {
                "session_id": "s1",
                "app_id": "app",
                "region_id": "us-central1.gcp",
                "journey_id": "j1",
                "client_session_group_id": "g",
                "labels": [
                    {"label_id": "l1", "name": "gate", "created_at": "2024-05-01T10:00:00Z"},
                    {"label_id": "l2", "name": "night"},
                ],
                "created_at": "2024-05-01T10:00:00Z",
                "newest_event": "2024-05-01T10:05:00.123+02:00",
                "metadata": {"platform": "ios", "model": "iPhone"},
                "counters": {"battery": "12"},
            },
            Session(
                session_id="s1",
                app_id="app",
                region_id="us-central1.gcp",
                journey_id="j1",
                labels=["gate", "night"],
                created_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
                newest_event=datetime(
                    2024, 5, 1, 10, 5, 0, 123000, tzinfo=timezone(timedelta(hours=2))
                ),
                platform="ios",
                model="iPhone",
            ),
            id="snake_case_with_label_objects",
        ),
        pytest.param(
            {
                "sessionId": "s2",
                "appId": "app",
                "regionId": "eu.gcp",
                "journeyId": "",
                "labels": ["gate", "", None, "yard"],
                "createdAt": str(T0),
                "newestEvent": T0 + 1000,
                "metadata": {"platform": "android", "systemVersion": "14"},
            },
            Session(
                session_id="s2",
                app_id="app",
                region_id="eu.gcp",
                journey_id=None,
                labels=["gate", "yard"],
                created_at=_ms(T0),
                newest_event=_ms(T0 + 1000),
                platform="android",
            ),
            id="camel_case_with_label_strings",
        ),
        pytest.param(
            {"session_id": 123, "metadata": "not an object", "labels": None},
            Session(
                session_id="123",
                app_id=None,
                region_id=None,
                journey_id=None,
                labels=[],
                created_at=None,
                newest_event=None,
                platform=None,
            ),
            id="minimal",
        ),
    ],
)
def test_session_from_api(raw: dict[str, Any], expected: Session) -> None:
    assert Session.from_api(raw) == expected


@pytest.mark.parametrize("raw", [{}, {"session_id": None}, {"sessionId": ""}, [], "s1", None])
def test_session_without_id_is_an_api_error(raw: Any) -> None:
    with pytest.raises(MoonsenseApiError, match="session_id"):
        Session.from_api(raw)


async def test_describe_session(client: MoonsenseClient, mock: aioresponses) -> None:
    url = re.compile(rf"^{re.escape(CONTROL)}/v2/sessions/s1\?.*$")
    mock.get(url, payload={"sessionId": "s1", "regionId": "eu.gcp", "labels": [{"name": "a"}]})
    mock.get(url, payload={"session_id": "s1", "metadata": {"platform": "web"}})

    minimal = await client.session("s1")
    full = await client.session("s1", view="full")

    assert (minimal.region_id, minimal.labels) == ("eu.gcp", ["a"])
    assert full.platform == "web"
    calls = _calls(mock)
    assert [kwargs["params"] for _, _, kwargs in calls] == [
        [("view", "minimal")],
        [("view", "full")],
    ]
    assert {str(url.with_query(None)) for _, url, _ in calls} == {f"{CONTROL}/v2/sessions/s1"}
    assert all(kwargs["headers"]["Authorization"] == f"Bearer {TOKEN}" for _, _, kwargs in calls)


# --- chunks -----------------------------------------------------------------------------------


async def test_chunks_on_the_sessions_own_region(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    base = "https://europe-west1.gcp.data-api.moonsense.cloud/v2/sessions/s1/chunks"
    mock.get(
        re.compile(rf"^{re.escape(base)}\?.*$"),
        payload={
            "session_id": "s1",
            "chunks": [
                {"chunk_id": "c1", "md5": "x", "created_at": "2024-05-01T10:00:00Z"},
                {"chunkId": "c2", "createdAt": str(T0)},
                {"md5": "no id"},
                {"chunk_id": ""},
                "c3",
            ],
            "pagination": {"next_page": 0},
        },
    )

    chunks = await client.chunks(_session("s1", "europe-west1.gcp"))

    assert chunks == [
        Chunk(chunk_id="c1", created_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        Chunk(chunk_id="c2", created_at=_ms(T0)),
    ]
    [(_, url, kwargs)] = _calls(mock)
    assert str(url.with_query(None)) == base
    assert kwargs["params"] == [("per_page", "50"), ("page", "1")]
    assert kwargs["headers"] == {"Authorization": f"Bearer {TOKEN}"}


async def test_chunks_on_the_default_region(client: MoonsenseClient, mock: aioresponses) -> None:
    mock.get(re.compile(rf"^{re.escape(DATA)}/v2/sessions/s1/chunks\?.*$"), payload={"chunks": []})
    assert await client.chunks(_session("s1")) == []
    assert _paths(mock) == [f"{DATA}/v2/sessions/s1/chunks"]


async def test_chunks_on_a_full_url_root(sim: MoonsenseClient, mock: aioresponses) -> None:
    mock.get(re.compile(rf"^{re.escape(BASE)}/data/.*$"), payload={"chunks": []}, repeat=True)
    await sim.chunks(_session("s1"))
    await sim.chunks(_session("s2", "eu.gcp"))
    assert _paths(mock) == [
        f"{BASE}/data/{DEFAULT_REGION}/v2/sessions/s1/chunks",
        f"{BASE}/data/eu.gcp/v2/sessions/s2/chunks",
    ]


async def test_chunks_follow_pages(client: MoonsenseClient, mock: aioresponses) -> None:
    url = re.compile(rf"^{re.escape(DATA)}/v2/sessions/s1/chunks\?.*$")
    mock.get(url, payload=_page([{"chunk_id": "c1"}], 2, key="chunks"))
    mock.get(url, payload={"chunks": [{"chunkId": "c2"}], "pagination": {"nextPage": "4"}})
    mock.get(url, payload=_page([{"chunk_id": "c3"}], 0, key="chunks"))
    mock.get(url, payload=_page([{"chunk_id": "never"}], 0, key="chunks"))

    chunks = await client.chunks(_session("s1"))

    assert [chunk.chunk_id for chunk in chunks] == ["c1", "c2", "c3"]
    assert [chunk.created_at for chunk in chunks] == [None, None, None]
    assert [url.query["page"] for _, url, _ in _calls(mock)] == ["1", "2", "4"]


# --- paging, the same for sessions and chunks ---------------------------------------------------

CHUNKS_URL = re.compile(rf"^{re.escape(DATA)}/v2/sessions/s1/chunks\?.*$")
LISTINGS: dict[
    str, tuple[re.Pattern[str], str, Callable[[MoonsenseClient], Awaitable[list[str]]]]
] = {
    "sessions": (
        SESSIONS_URL,
        "session_id",
        lambda client: _ids(client.sessions(), "session_id"),
    ),
    "chunks": (
        CHUNKS_URL,
        "chunk_id",
        lambda client: _ids(client.chunks(_session("s1")), "chunk_id"),
    ),
}
"""Each paged listing (its key in the answer): the URL it pages, its item id, the ids it lists."""

NO_PAGINATION = object()
"""An answer without a ``pagination`` key."""


async def _ids(listing: Awaitable[list[Any]], id_key: str) -> list[str]:
    return [getattr(item, id_key) for item in await listing]


def _listed(kind: str, ids: list[str], pagination: Any) -> dict[str, Any]:
    """One page of ``kind`` listing ``ids``, with ``pagination`` (or none)."""
    _, id_key, _ = LISTINGS[kind]
    page: dict[str, Any] = {kind: [{id_key: item} for item in ids]}
    if pagination is not NO_PAGINATION:
        page["pagination"] = pagination
    return page


@pytest.mark.parametrize("kind", LISTINGS)
async def test_paging_stops_at_an_empty_page(
    client: MoonsenseClient, mock: aioresponses, kind: str
) -> None:
    url, _, listing = LISTINGS[kind]
    mock.get(url, payload=_listed(kind, ["a"], {"current_page": 1, "next_page": 2}))
    mock.get(url, payload=_listed(kind, [], {"current_page": 2, "next_page": 3}))
    mock.get(url, payload=_listed(kind, ["never"], {"next_page": 0}))

    assert await listing(client) == ["a"]
    assert [url.query["page"] for _, url, _ in _calls(mock)] == ["1", "2"]


@pytest.mark.parametrize("kind", LISTINGS)
@pytest.mark.parametrize(
    "pagination",
    [
        *({"current_page": 1, "next_page": page} for page in (0, "0", None, 1, "1", -4, "soon")),
        {"next_page": 1},
        {"next_page": "0"},
        {"next_page": None},
        None,
        [],
        "2",
        {},
        NO_PAGINATION,
    ],
)
async def test_paging_stops_when_the_next_page_does_not_advance(
    client: MoonsenseClient, mock: aioresponses, kind: str, pagination: Any
) -> None:
    url, _, listing = LISTINGS[kind]
    mock.get(url, payload=_listed(kind, ["a"], pagination))
    mock.get(url, payload=_listed(kind, ["never"], {"next_page": 0}))

    assert await listing(client) == ["a"]
    assert len(_calls(mock)) == 1


@pytest.mark.parametrize("kind", LISTINGS)
async def test_paging_stops_at_the_page_limit(
    client: MoonsenseClient, mock: aioresponses, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setattr(api.client, "MAX_PAGES", 3)
    url, _, listing = LISTINGS[kind]

    def endless(url: URL, **kwargs: Any) -> CallbackResult:
        page = int(url.query["page"])
        return CallbackResult(payload=_listed(kind, [f"x{page}"], {"next_page": page + 1}))

    mock.get(url, callback=endless, repeat=True)

    assert await listing(client) == ["x1", "x2", "x3"]
    assert client.request_count == 3


# --- read_chunk -------------------------------------------------------------------------------


async def test_read_chunk_keeps_good_lines_and_reports_bad_ones(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    lines = [
        json.dumps(FULL_BUNDLE_SNAKE),  # 1
        "",  # 2: blank, skipped
        "{not json",  # 3
        json.dumps(FULL_BUNDLE_CAMEL),  # 4
        "   ",  # 5: blank, skipped
        "[1, 2, 3]",  # 6: not an object
        "42",  # 7: not an object
        json.dumps({"server_time_millis": str(T0)}),  # 8: no readings
        '"text"',  # 9: not an object
    ]
    mock.get(
        "https://eu.gcp.data-api.moonsense.cloud/v2/sessions/s1/chunks/c7",
        body="\n".join(lines) + "\n",
        content_type="application/x-ndjson",
    )

    readings, errors = await client.read_chunk(_session("s1", "eu.gcp"), "c7")

    assert readings == [
        Readings.from_sealed_bundle(FULL_BUNDLE_SNAKE),
        Readings.from_sealed_bundle(FULL_BUNDLE_CAMEL),
        Readings(time=_ms(T0)),
    ]
    assert readings[0].battery_level == 87
    assert readings[1].battery_level == 42
    assert all(isinstance(error, BundleParseError) for error in errors)
    assert all(isinstance(error, MoonsenseError) for error in errors)
    assert [(error.line_number, error.line) for error in errors] == [
        (3, "{not json"),
        (6, "[1, 2, 3]"),
        (7, "42"),
        (9, '"text"'),
    ]
    assert "line 3" in str(errors[0])
    [(_, url, kwargs)] = _calls(mock)
    assert url == URL("https://eu.gcp.data-api.moonsense.cloud/v2/sessions/s1/chunks/c7")
    assert kwargs["params"] is None
    assert kwargs["headers"] == {"Authorization": f"Bearer {TOKEN}"}


async def test_read_chunk_with_crlf_and_default_region(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    body = json.dumps({"bundle": {"battery": {"capacity": 5}}}) + "\r\n" + "oops\r\n"
    mock.get(f"{DATA}/v2/sessions/s1/chunks/c1", body=body)

    readings, errors = await client.read_chunk(_session("s1"), "c1")

    assert [reading.battery_level for reading in readings] == [5]
    assert [error.line_number for error in errors] == [2]


async def test_read_chunk_on_a_full_url_root(sim: MoonsenseClient, mock: aioresponses) -> None:
    mock.get(f"{BASE}/data/eu.gcp/v2/sessions/s1/chunks/c1", body="")
    assert await sim.read_chunk(_session("s1", "eu.gcp"), "c1") == ([], [])
    assert _paths(mock) == [f"{BASE}/data/eu.gcp/v2/sessions/s1/chunks/c1"]


def test_bundle_parse_error_cuts_the_line() -> None:
    error = BundleParseError(12, "x" * 500)
    assert error.line_number == 12
    assert error.line == "x" * 200
    assert str(error) == f"Malformed bundle on line 12: {'x' * 200!r}"


async def test_read_chunk_invalid_utf8_line_loses_no_other(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    good = json.dumps({"bundle": {"battery": {"capacity": 5}}}).encode()
    mock.get(
        f"{DATA}/v2/sessions/s1/chunks/c1",
        body=good + b"\n\xff\xfe{}\n" + good + b"\n",
        content_type="application/x-ndjson",
    )

    readings, errors = await client.read_chunk(_session("s1"), "c1")

    assert [reading.battery_level for reading in readings] == [5, 5]
    assert [error.line_number for error in errors] == [2]


async def test_read_chunk_splits_on_newlines_only(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    tricky = json.dumps(
        {"bundle": {"battery": {"capacity": 9}}, "client_user_id": "a\u2028b\x85c"},
        ensure_ascii=False,
    )
    body = tricky + "\n" + "oops\n"
    mock.get(f"{DATA}/v2/sessions/s1/chunks/c1", body=body.encode())

    readings, errors = await client.read_chunk(_session("s1"), "c1")

    assert [reading.battery_level for reading in readings] == [9]
    assert [error.line_number for error in errors] == [2]


async def test_read_chunk_out_of_range_time_loses_no_other(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    good = json.dumps({"bundle": {"battery": {"capacity": 5}}})
    bad = json.dumps({"server_time_millis": "99999999999999999999"})
    mock.get(f"{DATA}/v2/sessions/s1/chunks/c1", body=f"{good}\n{bad}\n{good}\n")

    readings, errors = await client.read_chunk(_session("s1"), "c1")

    assert [reading.battery_level for reading in readings if reading.battery_level] == [5, 5]
    assert all(error.line_number == 2 for error in errors)


# --- Readings ---------------------------------------------------------------------------------


def test_readings_from_a_full_snake_case_bundle() -> None:
    assert Readings.from_sealed_bundle(FULL_BUNDLE_SNAKE) == Readings(
        battery_level=87,
        battery_state="charging",
        activity="walking",  # determined_at T0+300 beats T0+100 although listed first
        activity_confidence=80,
        latitude=48.8566,
        longitude=2.3522,
        location_accuracy=4.5,
        temperature=21.5,
        light=320.0,
        pressure=1013.25,
        humidity=45.5,
        time=_ms(T0 + 500),
        raw_battery_state="CHARGING",
        raw_activity="WALKING",
    )


def test_readings_from_a_full_camel_case_bundle() -> None:
    assert Readings.from_sealed_bundle(FULL_BUNDLE_CAMEL) == Readings(
        battery_level=42,
        battery_state="discharging",
        activity="still",
        activity_confidence=95,
        latitude=-33.8688,
        longitude=151.2093,
        location_accuracy=12.0,
        temperature=-3.5,
        light=0.5,
        pressure=990.0,
        humidity=80.0,
        time=_ms(T0 + 500),
        raw_battery_state="2",
        raw_activity="5",
    )


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("CHARGING", "charging"),
        ("DISCHARGING", "discharging"),
        ("FULL", "full"),
        ("UNKNOWN", "unknown"),
        (0, "unknown"),
        (1, "charging"),
        ("2", "discharging"),
        (3, "full"),
        (9, "unknown"),
        ("", None),
        (None, None),
    ],
)
def test_battery_state_by_name_and_number(state: Any, expected: str | None) -> None:
    readings = Readings.from_sealed_bundle(
        {"bundle": {"battery": {"capacity": 50, "state": state}}}
    )
    assert readings.battery_state == expected
    assert readings.battery_level == 50


@pytest.mark.parametrize(
    ("activity", "expected"),
    [
        (0, "unknown"),
        (1, "in_vehicle"),
        (2, "on_bicycle"),
        (3, "on_foot"),
        (4, "running"),
        (5, "still"),
        (6, "tilting"),
        ("7", "walking"),
        (42, "unknown"),
        ("IN_VEHICLE", "in_vehicle"),
        ("On_Foot", "on_foot"),
    ],
)
def test_activity_type_by_name_and_number(activity: Any, expected: str) -> None:
    readings = Readings.from_sealed_bundle(
        {"bundle": {"activity_data": [{"determined_at": "1", "type": activity, "confidence": 3}]}}
    )
    assert readings.activity == expected
    assert readings.activity_confidence == 3


def test_latest_sample_wins_by_determined_at_then_by_position() -> None:
    readings = Readings.from_sealed_bundle(
        {
            "bundle": {
                "activityData": [
                    {"determinedAt": "300", "type": "RUNNING", "confidence": 60},
                    {"determinedAt": 200, "type": "STILL", "confidence": 90},
                    "not a sample",
                    {"determinedAt": "300", "type": "WALKING", "confidence": 70},
                    {"determinedAt": "bad", "type": "TILTING", "confidence": 99},
                ],
                # Without times the last sample wins.
                "temperatureData": [{"value": 1}, {"value": 2}, {"value": 3}],
                # A string int64 compares as a number, not as text ("1000" > "999").
                "lightData": [
                    {"determined_at": "999", "value": 1},
                    {"determined_at": "1000", "value": 2},
                ],
            }
        }
    )
    assert readings.activity == "walking"
    assert readings.activity_confidence == 70
    assert readings.temperature == 3.0
    assert readings.light == 2.0


@pytest.mark.parametrize(
    ("sealed", "dropped"),
    [
        ({}, 0),
        ({"bundle": {}}, 0),
        ({"bundle": None}, 0),
        ({"bundle": "text"}, 0),
        ({"bundle": {"battery": None, "activity_data": None, "location_data": {}}}, 1),
        ({"bundle": {"battery": "full", "temperature_data": "20", "light_data": [1, 2]}}, 2),
        ({"bundle": {"activity_data": [], "humidity_data": ["x"], "pressure_data": []}}, 0),
        ({"bundle": {"battery": {}}}, 0),
    ],
)
def test_readings_from_a_bundle_lacking_readings(sealed: dict[str, Any], dropped: int) -> None:
    """No reading; a reading list or object of the wrong type is counted as dropped."""
    readings = Readings.from_sealed_bundle(sealed)
    assert readings == Readings(dropped=dropped)
    assert all(
        getattr(readings, item.name) is None for item in fields(Readings) if item.name != "dropped"
    )


def test_readings_with_partial_samples() -> None:
    readings = Readings.from_sealed_bundle(
        {
            "bundle": {
                "battery": {"state": "FULL"},
                "activity_data": [{"type": "STILL"}],
                "location_data": [{"latitude": "x", "longitude": True}],
                "temperature_data": [{"determined_at": "1"}],
            }
        }
    )
    assert readings.battery_level is None
    assert readings.battery_state == "full"
    assert readings.activity == "still"
    assert readings.activity_confidence is None
    assert readings.latitude is None
    assert readings.longitude is None
    assert readings.location_accuracy is None
    assert readings.temperature is None


@pytest.mark.parametrize(
    ("sealed", "expected"),
    [
        ({"bundle": {"client_time": {"wall_time_millis": str(T0)}}}, _ms(T0)),
        ({"bundle": {"clientTime": {"wallTimeMillis": T0}}, "serverTimeMillis": "1"}, _ms(T0)),
        ({"bundle": {"client_time": {}}, "server_time_millis": str(T0 + 1)}, _ms(T0 + 1)),
        ({"bundle": {"client_time": "now"}, "serverTimeMillis": T0 + 2}, _ms(T0 + 2)),
        ({"bundle": {"client_time": {"wall_time_millis": "x"}}, "server_time_millis": "y"}, None),
        ({"server_time_millis": "2024-05-01T10:00:00Z"}, datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ({}, None),
    ],
)
def test_readings_time_from_client_clock_then_server(
    sealed: dict[str, Any], expected: datetime | None
) -> None:
    assert Readings.from_sealed_bundle(sealed).time == expected


@pytest.mark.parametrize("raw", [[], "bundle", 42, None])
def test_readings_from_a_non_object_is_an_api_error(raw: Any) -> None:
    with pytest.raises(MoonsenseApiError, match="object"):
        Readings.from_sealed_bundle(raw)


# --- WebhookEvent -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw_type", "expected"),
    [
        ("SESSION_CREATED", "session_created"),
        ("BUNDLE_RECEIVED", "bundle_received"),
        ("CHUNK_PERSISTED", "chunk_persisted"),
        ("SESSION_INACTIVE", "session_inactive"),
        ("session_inactive", "session_inactive"),
        (" Chunk_Persisted ", "chunk_persisted"),
        (1, "session_created"),
        (2, "bundle_received"),
        (3, "chunk_persisted"),
        (4, "session_inactive"),
        ("4", "session_inactive"),
        (0, "unknown"),
        ("0", "unknown"),
        ("UNKNOWN", "unknown"),
        (5, "unknown"),
        (-1, "unknown"),
        ("SESSION_EXPLODED", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_webhook_event_types(raw_type: Any, expected: str) -> None:
    event = WebhookEvent.from_api({"event_type": raw_type, "session_id": "s1"})
    assert event.event_type == expected
    assert event.raw_event_type == (str(raw_type).strip() if raw_type not in ("", None) else None)
    assert event.readings is None


def test_webhook_session_created_snake_case() -> None:
    event = WebhookEvent.from_api(
        {
            "project_id": "p1",
            "app_id": "a1",
            "session_id": "s1",
            "event_type": "SESSION_CREATED",
            "client_session_group_id": "g1",
            "session_labels": ["gate", "night"],
            "journey_id": "j1",
        }
    )
    assert event == WebhookEvent(
        event_type="session_created",
        raw_event_type="SESSION_CREATED",
        session_id="s1",
        app_id="a1",
        project_id="p1",
        journey_id="j1",
        labels=["gate", "night"],
        readings=None,
    )
    assert event.key == "session_created:s1:"


def test_webhook_bundle_received_camel_case() -> None:
    event = WebhookEvent.from_api(
        {
            "projectId": "p1",
            "appId": "a1",
            "sessionId": "s1",
            "eventType": 2,
            "bundle": FULL_BUNDLE_CAMEL,
            "sessionLabels": ["gate"],
            "journeyId": "j1",
        }
    )
    assert event.event_type == "bundle_received"
    assert event.raw_event_type == "2"
    assert (event.session_id, event.app_id, event.project_id, event.journey_id) == (
        "s1",
        "a1",
        "p1",
        "j1",
    )
    assert event.labels == ["gate"]
    assert event.readings == Readings.from_sealed_bundle(FULL_BUNDLE_CAMEL)
    assert event.readings is not None
    assert event.readings.battery_state == "discharging"
    assert event.key == f"bundle_received:s1:{_ms(T0 + 500).isoformat()}"


def test_webhook_bundle_received_snake_case_keys_differ_by_time() -> None:
    first = WebhookEvent.from_api(
        {"event_type": "BUNDLE_RECEIVED", "session_id": "s1", "bundle": FULL_BUNDLE_SNAKE}
    )
    later = WebhookEvent.from_api(
        {
            "event_type": "BUNDLE_RECEIVED",
            "session_id": "s1",
            "bundle": {"server_time_millis": str(T0 + 60_000)},
        }
    )
    assert first.readings == Readings.from_sealed_bundle(FULL_BUNDLE_SNAKE)
    assert later.readings == Readings(time=_ms(T0 + 60_000))
    assert first.key == "bundle_received:s1:2023-11-14T22:13:20.500000+00:00"
    assert later.key == "bundle_received:s1:2023-11-14T22:14:20+00:00"
    assert first.key != later.key


def test_webhook_bundle_without_time_is_keyed_by_its_content() -> None:
    def event(capacity: int) -> WebhookEvent:
        bundle = {"bundle": {"battery": {"capacity": capacity}}}
        return WebhookEvent.from_api({"event_type": 2, "session_id": "s1", "bundle": bundle})

    assert event(1).readings == Readings(battery_level=1)
    assert event(1).key == event(1).key
    assert event(1).key != event(2).key
    assert str(event(1).key).startswith("bundle_received:s1:")


def test_webhook_without_a_bundle_has_no_readings() -> None:
    event = WebhookEvent.from_api({"event_type": 2, "session_id": "s1", "bundle": None})
    assert event.readings is None
    assert event.key is None


@pytest.mark.parametrize("bundle", ["bundle", [], 7, True])
def test_webhook_bundle_of_another_type_is_unusable(bundle: Any) -> None:
    with pytest.raises(MoonsenseApiError, match=r"^bundle is not an object$"):
        WebhookEvent.from_api({"event_type": 2, "session_id": "s1", "bundle": bundle})


def test_webhook_empty_fields_are_none() -> None:
    event = WebhookEvent.from_api(
        {
            "event_type": "SESSION_INACTIVE",
            "session_id": "",
            "app_id": "",
            "project_id": None,
            "journey_id": "",
            "session_labels": None,
        }
    )
    assert (event.session_id, event.app_id, event.project_id, event.journey_id) == (
        None,
        None,
        None,
        None,
    )
    assert event.labels == []
    assert event.key is None


def test_webhook_labels_are_texts() -> None:
    event = WebhookEvent.from_api(
        {"eventType": 1, "sessionLabels": ["a", 2, {"name": "b"}, [], None, " ", "x" * 300]}
    )
    assert event.labels == ["a", "b", "x" * 254 + "…"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"event_type": 1, "session_labels": 5}, "session_labels is not a list"),
        ({"event_type": 1, "session_labels": {"a": 1}}, "session_labels is not a list"),
        ({"event_type": True}, "event_type is not a name or a number"),
        ({"event_type": [1]}, "event_type is not a name or a number"),
        ({"event_type": {"a": {"b": 1}}}, "event_type is not a name or a number"),
        ({"event_type": 1, "session_id": 5.5}, "session_id is not text"),
        ({"event_type": 1, "session_id": ["s"]}, "session_id is not text"),
        ({"event_type": 1, "session_id": "s" * 256}, "session_id is too long"),
        ({"event_type": 1, "app_id": {}}, "app_id is not text"),
        ({"event_type": 1, "journeyId": False}, "journey_id is not text"),
        ({"event_type": 1, "projectId": [["p"]]}, "project_id is not text"),
    ],
)
def test_webhook_wrong_types_are_unusable(body: dict[str, Any], reason: str) -> None:
    with pytest.raises(MoonsenseApiError) as raised:
        WebhookEvent.from_api(body)
    assert str(raised.value) == reason


@pytest.mark.parametrize("raw", [{}, {"session_id": "s1"}, [], "SESSION_CREATED", None, 1])
def test_webhook_without_event_type_is_an_api_error(raw: Any) -> None:
    with pytest.raises(MoonsenseApiError, match="event_type"):
        WebhookEvent.from_api(raw)


def test_webhook_with_out_of_range_time() -> None:
    event = WebhookEvent.from_api(
        {
            "event_type": 2,
            "session_id": "s1",
            "bundle": {"bundle": {"client_time": {"wall_time_millis": "99999999999999999999"}}},
        }
    )
    assert event.readings is not None
    assert event.readings.time is None


# --- errors -----------------------------------------------------------------------------------


WHOAMI = f"{CONTROL}/v2/tokens/self"
CHUNK = f"{DATA}/v2/sessions/s1/chunks/c1"
CALLS: ClientCalls[MoonsenseClient] = {
    "whoami": ("GET", WHOAMI, lambda client: client.whoami()),
    "sessions": ("GET", SESSIONS_URL, lambda client: client.sessions()),
    "session": (
        "GET",
        re.compile(rf"^{re.escape(CONTROL)}/v2/sessions/s1\?.*$"),
        lambda client: client.session("s1"),
    ),
    "chunks": (
        "GET",
        re.compile(rf"^{re.escape(DATA)}/.*$"),
        lambda client: client.chunks(_session("s1")),
    ),
    "read_chunk": ("GET", CHUNK, lambda client: client.read_chunk(_session("s1"), "c1")),
}
"""Each client call by name: the URL its (first) request goes to, and the call."""


@pytest.mark.parametrize(
    "case",
    [
        *failing(
            "whoami",
            [{"payload": payload} for payload in ([{"app_id": "a"}], "text", 42)],
            MoonsenseApiError,
            "tokens/self",
        ),
        *failing(
            "sessions",
            [
                {"payload": payload}
                for payload in (
                    [],
                    "nope",
                    {"pagination": {"next_page": 0}},
                    {"sessions": {"session_id": "a"}},
                    {"sessions": None},
                )
            ],
            MoonsenseApiError,
            "list of sessions",
        ),
        *failing(
            "session",
            [{"payload": payload} for payload in ([], {"app_id": "a"}, "s1")],
            MoonsenseApiError,
        ),
        *failing(
            "chunks",
            [{"payload": payload} for payload in ([], {"session_id": "s1"}, {"chunks": "c1"})],
            MoonsenseApiError,
            "list of chunks",
        ),
        # Refused token: 401 and 403 on every endpoint.
        *failing(
            "whoami",
            [{"status": 401, "payload": {"message": "no"}}],
            MoonsenseAuthenticationError,
            "401",
        ),
        *failing(
            "whoami",
            [{"status": 403, "payload": {"message": "no"}}],
            MoonsenseAuthenticationError,
            "403",
        ),
        *failing("chunks", [{"status": 403}], MoonsenseAuthenticationError),
        *failing("read_chunk", [{"status": 401, "body": "nope"}], MoonsenseAuthenticationError),
        # Any other error status is an API error (never an authentication error).
        *(
            Failing(
                "sessions",
                {"status": status, "payload": {"message": "no"}},
                MoonsenseApiError,
                str(status),
            )
            for status in (400, 404, 429, 500, 503)
        ),
        *failing("chunks", [{"status": 500}], MoonsenseApiError),
        *failing("read_chunk", [{"status": 404, "body": "nope"}], MoonsenseApiError),
        *failing(
            "whoami",
            [{"body": body} for body in ("", "<html>not json</html>", "{", '{"a": 1} trailing')],
            MoonsenseApiError,
            "Malformed JSON",
        ),
        # Timeouts, and a server that cannot be reached.
        *failing(
            "whoami",
            [{"exception": TimeoutError()}, {"exception": aiohttp.ServerTimeoutError("slow")}],
            MoonsenseConnectionError,
            "Timeout",
        ),
        *failing(
            "sessions",
            [
                {"exception": aiohttp.ClientConnectionError("refused")},
                {"exception": aiohttp.ClientPayloadError("cut")},
            ],
            MoonsenseConnectionError,
            "Cannot reach Moonsense",
        ),
        *failing(
            "read_chunk", [{"exception": aiohttp.ClientOSError("reset")}], MoonsenseConnectionError
        ),
    ],
    ids=Failing.name,
)
async def test_a_failing_answer_raises_its_error(
    client: MoonsenseClient, mock: aioresponses, case: Failing
) -> None:
    """An unusable answer raises the error of its kind, after one request (no retry)."""
    await assert_fails_at_once(client, mock, CALLS, case)


async def test_json_with_another_content_type_is_read(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    mock.get(f"{CONTROL}/v2/tokens/self", body='{"appId": "a"}', content_type="text/plain")
    assert await client.whoami() == {"app_id": "a"}


def test_error_hierarchy() -> None:
    for error in (
        MoonsenseAuthenticationError,
        MoonsenseConnectionError,
        MoonsenseApiError,
        BundleParseError,
    ):
        assert issubclass(error, MoonsenseError)


async def test_request_count_counts_every_request(
    client: MoonsenseClient, mock: aioresponses
) -> None:
    mock.get(f"{CONTROL}/v2/tokens/self", payload={"app_id": "a"})
    mock.get(SESSIONS_URL, payload=_page([{"session_id": "s1"}], 2))
    mock.get(SESSIONS_URL, payload=_page([{"session_id": "s2"}], 0))
    mock.get(re.compile(rf"^{re.escape(DATA)}/.*chunks\?.*$"), payload={"chunks": []})
    mock.get(f"{DATA}/v2/sessions/s1/chunks/c1", body="")
    mock.get(f"{CONTROL}/v2/tokens/self", status=500)

    await client.whoami()
    assert client.request_count == 1
    await client.sessions()
    assert client.request_count == 3
    await client.chunks(_session("s1"))
    await client.read_chunk(_session("s1"), "c1")
    assert client.request_count == 5
    with pytest.raises(MoonsenseApiError):
        await client.whoami()
    assert client.request_count == 6


# --- helpers ----------------------------------------------------------------------------------


def test_snake_keys_converts_one_level_only() -> None:
    raw = {
        "sessionId": "s1",
        "already_snake": 1,
        "bundle": {"clientTime": {"wallTimeMillis": "5"}},
        7: "int key",
        "value": "camelCaseValueStays",
    }
    assert snake_keys(raw) == {
        "session_id": "s1",
        "already_snake": 1,
        "bundle": {"clientTime": {"wallTimeMillis": "5"}},
        "7": "int key",
        "value": "camelCaseValueStays",
    }
    assert snake_keys(snake_keys(raw)) == snake_keys(raw)


@pytest.mark.parametrize("value", ["text", 1, None, 1.5, True, [{"a": 1}]])
def test_snake_keys_of_a_non_object_is_none(value: Any) -> None:
    assert snake_keys(value) is None


def test_snake_keys_leading_capital_is_not_prefixed() -> None:
    assert snake_keys({"Capital": 1, "X": 2}) == {"capital": 1, "x": 2}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        (-5, -5),
        (0, 0),
        (5.0, 5),
        (5.5, None),
        (float("nan"), None),
        ("42", 42),
        (" 42 ", 42),
        ("-7", -7),
        ("9223372036854775807", 9223372036854775807),
        ("4.0", None),
        ("0x10", None),
        ("", None),
        ("abc", None),
        (True, None),
        (False, None),
        (None, None),
        ([1], None),
        ({"a": 1}, None),
    ],
)
def test_as_int(value: Any, expected: int | None) -> None:
    assert as_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, 1.5),
        (2, 2.0),
        ("1013.25", 1013.25),
        (" -3 ", -3.0),
        ("1e3", 1000.0),
        ("x", None),
        ("", None),
        (None, None),
        (True, None),
        ([1.0], None),
        ({}, None),
    ],
)
def test_as_float(value: Any, expected: float | None) -> None:
    assert as_float(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00.123Z", datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=UTC)),
        (
            "2024-05-01T10:00:00.123456789Z",
            datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC),
        ),
        (
            "2024-05-01T12:00:00+02:00",
            datetime(2024, 5, 1, 12, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        (T0, _ms(T0)),
        (str(T0), _ms(T0)),
        (f" {T0} ", _ms(T0)),
        (float(T0), _ms(T0)),
        # Not sane (before 2000, or in a year from now): None.
        (0, None),
        ("0", None),
        ("-1000", None),
        (1500, None),
        ("1968-01-01T00:00:00Z", None),
        ("2068-01-01T00:00:00Z", None),
        (3_108_000_000_000, None),
        ("2024-05-01T10:00:00Z" + " " * 100, None),
        ("not a time", None),
        ("", None),
        ("-", None),
        ("2024-13-45T99:00:00Z", None),
        (None, None),
        (True, None),
        (1.5, None),
        ([T0], None),
    ],
)
def test_as_time(value: Any, expected: datetime | None) -> None:
    parsed = as_time(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


def test_rfc3339_and_millisecond_times_agree() -> None:
    assert as_time("2023-11-14T22:13:20Z") == as_time(T0) == as_time(str(T0))


@pytest.mark.parametrize("value", ["99999999999999999999", 10**15, "-99999999999999999999"])
def test_as_time_out_of_range_is_none(value: Any) -> None:
    assert as_time(value) is None
