"""Tests of the FindFace Multi client against aioresponses."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
import uuid

import aiohttp
from aioresponses import CallbackResult, aioresponses
import pytest
from yarl import URL

from custom_components.sitewatch.providers.findface.api import (
    DEFAULT_TIMEOUT,
    SECTIONS,
    Camera,
    CounterInfo,
    FindFaceApiError,
    FindFaceAuthenticationError,
    FindFaceClient,
    FindFaceConnectionError,
    FindFaceError,
    HealthStatus,
    Hook,
    NamedObject,
    models,
)

from ...conftest import ClientCalls, Failing, assert_fails_at_once, failing

BASE = "https://ff.test:8443"
LOGIN_URL = f"{BASE}/auth/login/"
CAMERAS_URL = f"{BASE}/cameras/?limit=100"
HOOKS_URL = f"{BASE}/hooks/"


@pytest.fixture
def client(session: aiohttp.ClientSession) -> FindFaceClient:
    """A client holding only a token."""
    return FindFaceClient(session, BASE, token="tok1")


@pytest.fixture
def login_client(session: aiohttp.ClientSession) -> FindFaceClient:
    """A client holding only a user name and password."""
    return FindFaceClient(
        session, BASE, username="admin", password="s3cret", client_uuid="client-1"
    )


def _requests(mock: aioresponses, method: str, url: str) -> list[Any]:
    return mock.requests.get((method, URL(url)), [])


def _auth_header(call: Any) -> str | None:
    header = call.kwargs["headers"].get("Authorization")
    return None if header is None else str(header)


def _page(results: list[Any], next_page: str | None = None) -> dict[str, Any]:
    return {"next_page": next_page, "prev_page": None, "results": results}


# --- construction ---------------------------------------------------------------------------


def test_base_url_strips_trailing_slashes(session: aiohttp.ClientSession) -> None:
    assert FindFaceClient(session, "https://ff.test:8443/").base_url == BASE
    assert FindFaceClient(session, "https://ff.test:8443").base_url == BASE
    assert FindFaceClient(session, "http://ff.test/multi//").base_url == "http://ff.test/multi"


def test_new_client_makes_no_request_and_drops_empty_credentials(
    session: aiohttp.ClientSession,
) -> None:
    client = FindFaceClient(session, BASE, token="", username="", password="")
    assert client.token is None
    assert client.request_count == 0


def test_sections_are_the_webhook_filter_keys() -> None:
    """The sections a hook filters and a webhook batch names (docs/providers/findface.md)."""
    documented = "face_events body_events car_events human_episodes car_episodes counters areas"
    assert tuple(documented.split()) == SECTIONS


def test_every_error_is_a_findface_error() -> None:
    for error in (FindFaceApiError, FindFaceAuthenticationError, FindFaceConnectionError):
        assert issubclass(error, FindFaceError)


# --- token and login ------------------------------------------------------------------------


async def test_token_is_sent_as_token_header(client: FindFaceClient, mock: aioresponses) -> None:
    mock.get(CAMERAS_URL, payload=_page([{"id": 1, "name": "Gate"}]))

    cameras = await client.cameras()

    assert [camera.name for camera in cameras] == ["Gate"]
    call = _requests(mock, "GET", CAMERAS_URL)[0]
    assert call.kwargs["headers"]["Authorization"] == "Token tok1"
    assert call.kwargs["headers"]["Accept"] == "application/json"
    assert call.kwargs["params"] == {"limit": "100"}
    assert call.kwargs["timeout"].total == DEFAULT_TIMEOUT
    assert not _requests(mock, "POST", LOGIN_URL)
    assert client.request_count == 1


async def test_request_timeout_is_passed_on(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    client = FindFaceClient(session, BASE, token="tok1", request_timeout=3.5)
    mock.get(CAMERAS_URL, payload=[])

    await client.cameras()

    assert _requests(mock, "GET", CAMERAS_URL)[0].kwargs["timeout"].total == 3.5


async def test_base_url_with_a_path_prefix(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    client = FindFaceClient(session, "https://ff.test/multi", token="tok1")
    mock.get("https://ff.test/multi/areas/?limit=100", payload=_page([{"id": 1, "name": "Hall"}]))

    assert await client.areas() == [NamedObject(1, "Hall")]


async def test_login_with_basic_auth_and_uuid_when_no_token(
    login_client: FindFaceClient, mock: aioresponses
) -> None:
    mock.post(
        LOGIN_URL,
        payload={"token": "fresh", "token_expiration_datetime": "2030-01-01T00:00:00Z"},
    )
    mock.get(CAMERAS_URL, payload=_page([]))

    assert await login_client.cameras() == []

    login = _requests(mock, "POST", LOGIN_URL)[0]
    assert login.kwargs["headers"]["Authorization"] == "Basic YWRtaW46czNjcmV0"  # admin:s3cret
    assert login.kwargs["json"] == {"uuid": "client-1"}
    assert _auth_header(_requests(mock, "GET", CAMERAS_URL)[0]) == "Token fresh"
    assert login_client.token == "fresh"
    assert login_client.request_count == 2


async def test_login_returns_and_keeps_the_token(
    login_client: FindFaceClient, mock: aioresponses
) -> None:
    mock.post(LOGIN_URL, payload={"token": "fresh"})

    assert await login_client.login() == "fresh"
    assert login_client.token == "fresh"


async def test_login_without_client_uuid_sends_a_random_uuid(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    client = FindFaceClient(session, BASE, username="admin", password="s3cret")
    mock.post(LOGIN_URL, payload={"token": "fresh"})

    await client.login()

    body = _requests(mock, "POST", LOGIN_URL)[0].kwargs["json"]
    assert uuid.UUID(body["uuid"]).version == 4


@pytest.mark.parametrize(
    "answer",
    [{}, {"token": ""}, {"token": 42}, {"token": None}, ["tok"], "tok"],
)
async def test_login_answer_without_token_is_an_api_error(
    login_client: FindFaceClient, mock: aioresponses, answer: Any
) -> None:
    mock.post(LOGIN_URL, payload=answer)

    with pytest.raises(FindFaceApiError, match="no token"):
        await login_client.login()
    assert login_client.token is None


async def test_login_refused_is_an_authentication_error(
    login_client: FindFaceClient, mock: aioresponses
) -> None:
    mock.post(LOGIN_URL, status=401)

    with pytest.raises(FindFaceAuthenticationError, match="401"):
        await login_client.cameras()
    assert not _requests(mock, "GET", CAMERAS_URL)


async def test_no_credentials_at_all_is_an_authentication_error(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    client = FindFaceClient(session, BASE)

    with pytest.raises(FindFaceAuthenticationError, match="No user name and password"):
        await client.cameras()
    assert client.request_count == 0
    assert not mock.requests


@pytest.mark.parametrize(("username", "password"), [("admin", None), (None, "s3cret")])
async def test_half_credentials_cannot_log_in(
    session: aiohttp.ClientSession, mock: aioresponses, username: str | None, password: str | None
) -> None:
    client = FindFaceClient(session, BASE, username=username, password=password)

    with pytest.raises(FindFaceAuthenticationError):
        await client.login()
    assert not mock.requests


async def test_401_with_credentials_logs_in_again_once_and_retries(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    client = FindFaceClient(session, BASE, token="old", username="admin", password="s3cret")
    mock.get(CAMERAS_URL, status=401)
    mock.post(LOGIN_URL, payload={"token": "new"})
    mock.get(CAMERAS_URL, payload=_page([{"id": 1}]))

    cameras = await client.cameras()

    assert [camera.id for camera in cameras] == [1]
    calls = _requests(mock, "GET", CAMERAS_URL)
    assert [_auth_header(call) for call in calls] == ["Token old", "Token new"]
    assert len(_requests(mock, "POST", LOGIN_URL)) == 1
    assert client.token == "new"
    assert client.request_count == 3


async def test_401_again_after_the_new_login_is_raised(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    client = FindFaceClient(session, BASE, token="old", username="admin", password="s3cret")
    mock.get(CAMERAS_URL, status=401, repeat=True)
    mock.post(LOGIN_URL, payload={"token": "new"}, repeat=True)

    with pytest.raises(FindFaceAuthenticationError):
        await client.cameras()

    assert len(_requests(mock, "GET", CAMERAS_URL)) == 2
    assert len(_requests(mock, "POST", LOGIN_URL)) == 1


async def test_renewal_login_refused_is_raised(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    client = FindFaceClient(session, BASE, token="old", username="admin", password="wrong")
    mock.get(CAMERAS_URL, status=401)
    mock.post(LOGIN_URL, status=401)

    with pytest.raises(FindFaceAuthenticationError):
        await client.cameras()
    assert len(_requests(mock, "GET", CAMERAS_URL)) == 1
    assert client.token == "old"


async def test_concurrent_401s_share_one_new_login(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    client = FindFaceClient(session, BASE, token="old", username="admin", password="s3cret")
    refused: list[str] = []
    both_refused = asyncio.Event()

    async def cameras(url: URL, **kwargs: Any) -> CallbackResult:
        if kwargs["headers"]["Authorization"] == "Token old":
            refused.append("old")
            if len(refused) == 2:
                both_refused.set()
            await both_refused.wait()
            return CallbackResult(status=401)
        return CallbackResult(payload=_page([{"id": 1}]))

    mock.get(CAMERAS_URL, callback=cameras, repeat=True)
    mock.post(LOGIN_URL, payload={"token": "new"})

    first, second = await asyncio.wait_for(
        asyncio.gather(client.cameras(), client.cameras()), timeout=5
    )

    assert [camera.id for camera in first] == [camera.id for camera in second] == [1]
    assert len(_requests(mock, "POST", LOGIN_URL)) == 1
    headers = [_auth_header(call) for call in _requests(mock, "GET", CAMERAS_URL)]
    assert headers == ["Token old", "Token old", "Token new", "Token new"]
    assert client.token == "new"


async def test_concurrent_first_calls_share_one_login(
    login_client: FindFaceClient, mock: aioresponses
) -> None:
    mock.post(LOGIN_URL, payload={"token": "fresh"})
    mock.get(CAMERAS_URL, payload=[], repeat=True)

    await asyncio.gather(login_client.cameras(), login_client.cameras())

    assert len(_requests(mock, "POST", LOGIN_URL)) == 1


# --- transport and decoding errors ----------------------------------------------------------


CALLS: ClientCalls[FindFaceClient] = {
    "cameras": ("GET", CAMERAS_URL, lambda client: client.cameras()),
    "card": ("GET", f"{BASE}/cards/cars/12/", lambda client: client.card("cars", 12)),
    "create_hook": (
        "POST",
        HOOKS_URL,
        lambda client: client.create_hook("h", "https://ha.test/hook"),
    ),
    "delete_hook": ("DELETE", f"{BASE}/hooks/17/", lambda client: client.delete_hook(17)),
    # An id containing 404 is not an answer 404 (which would mean "already gone").
    "delete_hook_1404": ("DELETE", f"{BASE}/hooks/1404/", lambda client: client.delete_hook(1404)),
}
"""Each client call by name (with a token): its method, the URL it requests, and the call."""


@pytest.mark.parametrize(
    "case",
    [
        # With a token only, a refused token is not followed by a login (one request).
        *failing("cameras", [{"status": 401}], FindFaceAuthenticationError, "HTTP 401"),
        *failing("cameras", [{"status": 403}], FindFaceAuthenticationError, "HTTP 403"),
        *(
            Failing(
                "cameras", {"status": status}, FindFaceApiError, f"HTTP {status} to GET /cameras/"
            )
            for status in (400, 404, 500, 502, 503)
        ),
        *failing(
            "cameras",
            [
                {"body": body, "content_type": "application/json"}
                for body in ("not json", "{", "<html>502</html>")
            ],
            FindFaceApiError,
            "Malformed JSON from /cameras/",
        ),
        *failing("cameras", [{"exception": TimeoutError()}], FindFaceConnectionError, "Timeout"),
        *failing(
            "cameras",
            [{"exception": aiohttp.ClientConnectionError("refused")}],
            FindFaceConnectionError,
            "refused",
        ),
        *failing(
            "cameras",
            [
                {"payload": answer}
                for answer in (
                    {"results": None},
                    {"results": {"id": 1}},
                    {"next_page": None},
                    "cameras",
                    3,
                    None,
                )
            ],
            FindFaceApiError,
            "Unexpected list answer from cameras/",
        ),
        *failing(
            "card",
            [{"payload": answer} for answer in ([{"id": 12}], "card", None)] + [{"status": 204}],
            FindFaceApiError,
            "card object",
        ),
        *failing("card", [{"status": 404}], FindFaceApiError, "HTTP 404 to GET /cards/cars/12/"),
        *failing(
            "create_hook",
            [{"status": 201, "payload": answer} for answer in ([{"id": 3}], "created", None)],
            FindFaceApiError,
            "hook object",
        ),
        *failing(
            "create_hook", [{"status": 201, "payload": {"name": "h"}}], FindFaceApiError, "'id'"
        ),
        *failing(
            "create_hook",
            [{"status": 400, "payload": {"url": ["Enter a valid URL."]}}],
            FindFaceApiError,
            "HTTP 400 to POST /hooks/",
        ),
        *(
            Failing("delete_hook", {"status": status}, FindFaceApiError, f"HTTP {status}")
            for status in (400, 500, 503)
        ),
        *failing("delete_hook", [{"status": 403}], FindFaceAuthenticationError),
        *failing(
            "delete_hook",
            [{"exception": aiohttp.ClientConnectionError("down")}],
            FindFaceConnectionError,
        ),
        *failing("delete_hook_1404", [{"status": 500}], FindFaceApiError, "HTTP 500"),
    ],
    ids=Failing.name,
)
async def test_a_failing_answer_raises_its_error(
    client: FindFaceClient, mock: aioresponses, case: Failing
) -> None:
    """The error of each kind of failing answer (exactly that class), after one request."""
    await assert_fails_at_once(client, mock, CALLS, case)


async def test_json_is_read_whatever_the_content_type(
    client: FindFaceClient, mock: aioresponses
) -> None:
    mock.get(CAMERAS_URL, body='{"results": [{"id": 4}]}', content_type="text/html")

    assert [camera.id for camera in await client.cameras()] == [4]


async def test_login_timeout_is_a_connection_error(
    login_client: FindFaceClient, mock: aioresponses
) -> None:
    mock.post(LOGIN_URL, exception=TimeoutError())

    with pytest.raises(FindFaceConnectionError):
        await login_client.cameras()


# --- cursor paging --------------------------------------------------------------------------


async def test_paging_follows_next_page_to_the_end(
    client: FindFaceClient, mock: aioresponses
) -> None:
    mock.get(CAMERAS_URL, payload=_page([{"id": 1}], f"{BASE}/cameras/?limit=100&page=c2"))
    mock.get(f"{BASE}/cameras/?limit=100&page=c2", payload=_page([{"id": 2}], "/cameras/?page=c3"))
    mock.get(f"{BASE}/cameras/?page=c3", payload=_page([{"id": 3}]))

    cameras = await client.cameras()

    assert [camera.id for camera in cameras] == [1, 2, 3]
    assert _requests(mock, "GET", f"{BASE}/cameras/?limit=100&page=c2")[0].kwargs["params"] == {
        "limit": "100",
        "page": "c2",
    }
    third = _requests(mock, "GET", f"{BASE}/cameras/?page=c3")[0]
    assert third.kwargs["params"] == {"page": "c3"}
    assert _auth_header(third) == "Token tok1"
    assert client.request_count == 3


async def test_paging_with_a_query_only_next_page_keeps_the_path(
    client: FindFaceClient, mock: aioresponses
) -> None:
    mock.get(f"{BASE}/counters/?limit=100", payload=_page([{"id": 1}], "?page=c2"))
    mock.get(f"{BASE}/counters/?page=c2", payload=_page([{"id": 2}]))

    assert [counter.id for counter in await client.counters()] == [1, 2]


async def test_paging_with_a_next_page_without_query_sends_no_params(
    client: FindFaceClient, mock: aioresponses
) -> None:
    mock.get(CAMERAS_URL, payload=_page([{"id": 1}], f"{BASE}/cameras/page-2/"))
    mock.get(f"{BASE}/cameras/page-2/", payload=_page([{"id": 2}], ""))

    assert [camera.id for camera in await client.cameras()] == [1, 2]
    assert _requests(mock, "GET", f"{BASE}/cameras/page-2/")[0].kwargs["params"] is None


async def test_paging_does_not_follow_a_next_page_loop_forever(
    client: FindFaceClient, mock: aioresponses
) -> None:
    page_a = f"{BASE}/cameras/?page=a"
    page_b = f"{BASE}/cameras/?page=b"
    mock.get(CAMERAS_URL, payload=_page([{"id": 1}], page_a))
    mock.get(page_a, payload=_page([{"id": 2}], page_b), repeat=True)
    mock.get(page_b, payload=_page([{"id": 3}], page_a), repeat=True)

    cameras = await asyncio.wait_for(client.cameras(), timeout=5)

    assert [camera.id for camera in cameras] == [1, 2, 3]
    assert len(_requests(mock, "GET", page_a)) == 1
    assert len(_requests(mock, "GET", page_b)) == 1
    assert client.request_count == 3


async def test_paging_stops_when_next_page_points_at_itself(
    client: FindFaceClient, mock: aioresponses
) -> None:
    page_a = f"{BASE}/cameras/?page=a"
    mock.get(CAMERAS_URL, payload=_page([{"id": 1}], page_a))
    mock.get(page_a, payload=_page([{"id": 2}], page_a), repeat=True)

    assert [camera.id for camera in await client.cameras()] == [1, 2]
    assert client.request_count == 2


async def test_a_bare_list_answer_is_one_page(client: FindFaceClient, mock: aioresponses) -> None:
    mock.get(f"{BASE}/watch-lists/?limit=100", payload=[{"id": 1, "name": "VIP"}, {"id": 2}])

    assert await client.watch_lists() == [NamedObject(1, "VIP"), NamedObject(2, "2")]
    assert client.request_count == 1


async def test_items_that_are_not_objects_are_skipped(
    client: FindFaceClient, mock: aioresponses
) -> None:
    mock.get(CAMERAS_URL, payload=_page([{"id": 1}, 7, "x", None, [], {"id": 2}]))

    assert [camera.id for camera in await client.cameras()] == [1, 2]


async def test_a_bad_second_page_is_an_api_error(
    client: FindFaceClient, mock: aioresponses
) -> None:
    mock.get(CAMERAS_URL, payload=_page([{"id": 1}], "/cameras/?page=c2"))
    mock.get(f"{BASE}/cameras/?page=c2", payload={"detail": "bad cursor"})

    with pytest.raises(FindFaceApiError):
        await client.cameras()


# --- cameras ---------------------------------------------------------------------------------


async def test_cameras_are_parsed(client: FindFaceClient, mock: aioresponses) -> None:
    mock.get(
        CAMERAS_URL,
        payload=_page(
            [
                {
                    "id": 1,
                    "name": "Gate",
                    "group": 3,
                    "active": True,
                    "url": "rtsp://cam1/stream",
                    "comment": "ignored",
                    "health_status": {"enabled": True, "status": "GREEN", "msg": ""},
                    "latitude": 48.85,
                    "longitude": "2.35",
                },
                {
                    "id": "2",
                    "active": False,
                    "url": 42,
                    "group": {"id": "4", "name": "Yard"},
                    "health_status": {"enabled": True, "status": "RED", "msg": "no signal"},
                    "latitude": "junk",
                    "longitude": None,
                },
                {"id": {"id": 5}, "name": "", "health_status": "GREEN", "group": True},
            ]
        ),
    )

    gate, second, third = await client.cameras()

    assert gate == Camera(
        id=1,
        name="Gate",
        group=3,
        active=True,
        url="rtsp://cam1/stream",
        health=HealthStatus(enabled=True, status="GREEN", message=None),
        latitude=48.85,
        longitude=2.35,
    )
    assert gate.health is not None
    assert gate.health.healthy is True
    assert second.id == 2
    assert second.name == "Camera 2"
    assert second.group == 4
    assert second.active is False
    assert second.url is None
    assert second.health == HealthStatus(enabled=True, status="RED", message="no signal")
    assert second.health.healthy is False
    assert second.latitude is None
    assert second.longitude is None
    assert third.id == 5
    assert third.group is None
    assert third.active is True
    assert third.health is None
    assert (third.latitude, third.longitude) == (None, None)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"id": 7}, 7),
        ({"id": "7"}, 7),
        ({"id": " 8 "}, 8),
        ({"id": {"id": 9, "name": "x"}}, 9),
        ({"id": {"id": "10"}}, 10),
    ],
)
def test_camera_ids(item: dict[str, Any], expected: int) -> None:
    assert Camera.from_api(item).id == expected


@pytest.mark.parametrize(
    "item",
    [
        {},
        {"id": None},
        {"id": True},
        {"id": False},
        {"id": "cam-1"},
        {"id": 1.5},
        {"id": {}},
        {"id": "-3"},
        {"id": -3},
        {"id": 2**63},
        {"id": "9" * 300},
    ],
)
def test_camera_without_integer_id_is_an_api_error(item: dict[str, Any]) -> None:
    with pytest.raises(FindFaceApiError, match="Expected an integer 'id'"):
        Camera.from_api(item)


async def test_a_camera_without_id_fails_the_list(
    client: FindFaceClient, mock: aioresponses
) -> None:
    mock.get(CAMERAS_URL, payload=_page([{"id": 1}, {"name": "no id"}]))

    with pytest.raises(FindFaceApiError, match="'id'"):
        await client.cameras()


@pytest.mark.parametrize(
    ("status", "healthy"),
    [
        ("GREEN", True),
        ("green", True),
        ("YELLOW", False),
        ("RED", False),
        ("", False),
        (None, None),
    ],
)
def test_health_status_healthy(status: str | None, healthy: bool | None) -> None:
    assert HealthStatus(enabled=True, status=status, message=None).healthy is healthy


def test_camera_health_from_the_api_object() -> None:
    camera = Camera.from_api({"id": 1, "health_status": {"status": None}})
    assert camera.health == HealthStatus(enabled=None, status=None, message=None)
    assert camera.health.healthy is None


# --- other lists -----------------------------------------------------------------------------


async def test_camera_groups(client: FindFaceClient, mock: aioresponses) -> None:
    mock.get(f"{BASE}/camera-groups/?limit=100", payload=_page([{"id": 1, "name": "Default"}]))

    assert await client.camera_groups() == [NamedObject(1, "Default")]


async def test_watch_lists(client: FindFaceClient, mock: aioresponses) -> None:
    mock.get(
        f"{BASE}/watch-lists/?limit=100",
        payload=_page([{"id": 1, "name": "Unmatched"}, {"id": "2", "name": "VIP"}]),
    )

    assert await client.watch_lists() == [NamedObject(1, "Unmatched"), NamedObject(2, "VIP")]


async def test_counters(client: FindFaceClient, mock: aioresponses) -> None:
    mock.get(
        f"{BASE}/counters/?limit=100",
        payload=_page(
            [
                {
                    "id": 3,
                    "name": "Entrance",
                    "now_faces": 2,
                    "cameras": [1, "2", 1, -4, {"id": 7}],
                },
                {"id": 4, "name": "Yard", "cameras": "1"},
            ]
        ),
    )

    # Cameras: ids only (an object's id too), once each; anything else is left out.
    assert await client.counters() == [
        CounterInfo(3, "Entrance", (1, 2, 7)),
        CounterInfo(4, "Yard", ()),
    ]


async def test_areas(client: FindFaceClient, mock: aioresponses) -> None:
    mock.get(f"{BASE}/areas/?limit=100", payload=_page([{"id": 4, "name": "", "enabled": True}]))

    assert await client.areas() == [NamedObject(4, "4")]


def test_named_object_without_id_is_an_api_error() -> None:
    with pytest.raises(FindFaceApiError):
        NamedObject.from_api({"name": "nameless"})


# --- cards -----------------------------------------------------------------------------------


async def test_card(client: FindFaceClient, mock: aioresponses) -> None:
    mock.get(f"{BASE}/cards/humans/12/", payload={"id": 12, "name": "Jane Doe", "active": True})

    assert await client.card("humans", 12) == NamedObject(12, "Jane Doe")
    call = _requests(mock, "GET", f"{BASE}/cards/humans/12/")[0]
    assert call.kwargs["params"] is None
    assert _auth_header(call) == "Token tok1"


# --- hooks -----------------------------------------------------------------------------------


async def test_create_hook_sends_the_body_and_reads_the_id(
    client: FindFaceClient, mock: aioresponses
) -> None:
    filters = {"face_events": {"matched": True}}
    mock.post(HOOKS_URL, status=201, payload={"id": "17", "name": "ignored", "active": True})

    hook = await client.create_hook(
        "Sitewatch face_events",
        "https://ha.test/api/webhook/abc",
        batch_size=5,
        send_attempts=0,
        filters=filters,
    )

    assert hook == Hook(
        id=17,
        name="Sitewatch face_events",
        url="https://ha.test/api/webhook/abc",
        active=True,
        batch_size=5,
        send_attempts=0,
        filters=filters,
    )
    call = _requests(mock, "POST", HOOKS_URL)[0]
    assert call.kwargs["json"] == {
        "name": "Sitewatch face_events",
        "url": "https://ha.test/api/webhook/abc",
        "active": True,
        "batch_size": 5,
        "send_attempts": 0,
        "filters": {"face_events": {"matched": True}},
    }
    assert call.kwargs["params"] is None
    assert _auth_header(call) == "Token tok1"


async def test_create_hook_defaults(client: FindFaceClient, mock: aioresponses) -> None:
    mock.post(HOOKS_URL, status=201, payload={"id": 3})

    hook = await client.create_hook("all", "https://ha.test/hook")

    assert hook == Hook(id=3, name="all", url="https://ha.test/hook")
    assert (hook.batch_size, hook.send_attempts, hook.filters) == (1, 10, {})
    body = _requests(mock, "POST", HOOKS_URL)[0].kwargs["json"]
    assert body == {
        "name": "all",
        "url": "https://ha.test/hook",
        "active": True,
        "batch_size": 1,
        "send_attempts": 10,
        "filters": {},
    }


async def test_delete_hook_204(client: FindFaceClient, mock: aioresponses) -> None:
    mock.delete(f"{BASE}/hooks/17/", status=204)

    await client.delete_hook(17)
    assert len(_requests(mock, "DELETE", f"{BASE}/hooks/17/")) == 1
    call = _requests(mock, "DELETE", f"{BASE}/hooks/17/")[0]
    assert _auth_header(call) == "Token tok1"
    assert call.kwargs["json"] is None


async def test_delete_hook_does_not_read_a_body(client: FindFaceClient, mock: aioresponses) -> None:
    mock.delete(f"{BASE}/hooks/17/", status=200, body="not json")

    await client.delete_hook(17)
    assert len(_requests(mock, "DELETE", f"{BASE}/hooks/17/")) == 1


async def test_delete_hook_already_gone_is_fine(client: FindFaceClient, mock: aioresponses) -> None:
    mock.delete(f"{BASE}/hooks/17/", status=404)

    await client.delete_hook(17)
    assert len(_requests(mock, "DELETE", f"{BASE}/hooks/17/")) == 1


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        (0, 0),
        (-2, None),
        (2**63 - 1, 2**63 - 1),
        (2**63, None),
        ("9" * 300, None),
        (int("9" * 300), None),
        ({"id": {"id": {"id": {"id": {"id": 1}}}}}, None),
        ("12", 12),
        (" 12 ", 12),
        ("-4", None),
        ({"id": 6}, 6),
        ({"id": "6"}, 6),
        ({"id": {"id": 8}}, 8),
        (True, None),
        (False, None),
        ({"id": True}, None),
        (None, None),
        ("", None),
        ("   ", None),
        ("-", None),
        ("1.5", None),
        ("12a", None),
        (1.0, None),
        (2.7, None),
        ([], None),
        ({}, None),
        ({"name": "no id"}, None),
    ],
)
def test_optional_int(value: Any, expected: int | None) -> None:
    result = models.optional_int(value)
    assert result == expected
    assert result is None or type(result) is int


@pytest.mark.parametrize("value", ["--5", "²"])
def test_optional_int_text_that_int_rejects_is_none(value: str) -> None:
    assert models.optional_int(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1.0),
        (0, 0.0),
        (-33.5, -33.5),
        ("48.85", 48.85),
        (" 2.5 ", 2.5),
        ("1e2", 100.0),
        (None, None),
        (True, None),
        (False, None),
        ("junk", None),
        ("", None),
        ([], None),
        ({"lat": 1}, None),
    ],
)
def test_optional_float(value: Any, expected: float | None) -> None:
    result = models.optional_float(value)
    assert result == expected
    assert result is None or type(result) is float


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-23T12:00:00+00:00", datetime(2026, 11, 23, 12, 0, tzinfo=UTC)),
        ("2026-11-23T12:00:00Z", datetime(2026, 11, 23, 12, 0, tzinfo=UTC)),
        (
            "2026-11-23T15:30:00.250000+03:00",
            datetime(2026, 11, 23, 15, 30, 0, 250000, tzinfo=timezone(timedelta(hours=3))),
        ),
        ("2026-11-23T12:00:00", datetime(2026, 11, 23, 12, 0, tzinfo=UTC)),
        ("2026-11-23", datetime(2026, 11, 23, tzinfo=UTC)),
        ("1968-01-01T00:00:00Z", None),
        ("2999-01-01T00:00:00Z", None),
        ("2026-11-23T12:00:00" + "0" * 300, None),
        ("not a date", None),
        ("", None),
        ("2026-13-45T00:00:00Z", None),
        (None, None),
        (1_700_000_000, None),
        (datetime(2026, 1, 1), None),
    ],
)
def test_parse_datetime(value: Any, expected: datetime | None) -> None:
    assert models.parse_datetime(value) == expected


def test_parse_datetime_is_aware_in_utc() -> None:
    parsed = models.parse_datetime("2026-11-23T15:30:00+03:00")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)
    assert parsed == datetime(2026, 11, 23, 12, 30, tzinfo=UTC)
