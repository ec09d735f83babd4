"""Tests of the ComAp WebSupervisor client against aioresponses."""

from __future__ import annotations

import asyncio
from datetime import date
import re
from typing import Any
from unittest.mock import patch

import aiohttp
from aiohttp import web
from aioresponses import CallbackResult, aioresponses
import pytest
from yarl import URL

from custom_components.sitewatch.providers.comap.api import (
    ComapApiError,
    ComapAuthenticationError,
    ComapClient,
    ComapCommand,
    ComapCommandNotConfirmedError,
    ComapConnectionError,
    ComapFileTooLargeError,
    ComapRateLimitError,
    Value,
)
from custom_components.sitewatch.providers.comap.api.client import (
    MAX_RATE_LIMIT_WAIT,
    RATE_LIMIT,
    RATE_LIMIT_PATIENCE,
    RATE_WINDOW,
)

from ...budget import ManualBudget

BASE = "https://wsv.test"
AUTH_URL = f"{BASE}/identity/application/authenticate"
UNITS_URL = f"{BASE}/v1.1/login/units"
TOKEN = {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "tok1"}


@pytest.fixture
def budget() -> ManualBudget:
    """ComAp's request budget on a hand-moved clock (nothing really sleeps)."""
    return ManualBudget(
        RATE_LIMIT, RATE_WINDOW, max_wait=MAX_RATE_LIMIT_WAIT, patience=RATE_LIMIT_PATIENCE
    )


@pytest.fixture
def client(session: aiohttp.ClientSession, budget: ManualBudget) -> ComapClient:
    return ComapClient(
        session,
        comap_key="key",
        client_id="cid",
        secret="s3cret",
        login_id="login",
        base_url=BASE,
        budget=budget,
    )


def _requests(mock: aioresponses, method: str, url: str) -> list[object]:
    return mock.requests.get((method, URL(url)), [])


async def test_authenticate_sends_secret_only_to_identity(
    client: ComapClient, mock: aioresponses
) -> None:
    mock.post(AUTH_URL, payload=TOKEN)
    mock.get(UNITS_URL, payload={"units": [{"name": "A", "unitGuid": "G1", "url": "u"}]})

    units = await client.units()

    assert [unit.unit_guid for unit in units] == ["G1"]
    auth_call = _requests(mock, "POST", AUTH_URL)[0]
    assert auth_call.kwargs["json"] == {"clientId": "cid", "secret": "s3cret"}
    assert auth_call.kwargs["headers"]["Comap-Key"] == "key"
    units_call = _requests(mock, "GET", UNITS_URL)[0]
    assert units_call.kwargs["headers"]["Authorization"] == "Bearer tok1"
    assert units_call.kwargs["headers"]["Comap-Key"] == "key"
    assert "s3cret" not in repr(units_call.kwargs)


async def test_token_is_reused_until_close_to_expiry(
    client: ComapClient, mock: aioresponses
) -> None:
    mock.post(AUTH_URL, payload=TOKEN, repeat=True)
    mock.get(UNITS_URL, payload={"units": []}, repeat=True)
    with patch("custom_components.sitewatch.providers.comap.api.client.time.monotonic") as clock:
        clock.return_value = 1000.0
        await client.units()
        clock.return_value = 1000.0 + 3000
        await client.units()
        assert len(_requests(mock, "POST", AUTH_URL)) == 1
        clock.return_value = 1000.0 + 3599 - 30  # inside the refresh margin
        await client.units()
    assert len(_requests(mock, "POST", AUTH_URL)) == 2
    assert len(_requests(mock, "GET", UNITS_URL)) == 3


async def test_401_fetches_a_new_token_once(client: ComapClient, mock: aioresponses) -> None:
    mock.post(AUTH_URL, payload=TOKEN)
    mock.post(AUTH_URL, payload={**TOKEN, "access_token": "tok2"})
    mock.get(UNITS_URL, status=401)
    mock.get(UNITS_URL, payload={"units": []})

    assert await client.units() == []
    calls = _requests(mock, "GET", UNITS_URL)
    assert [call.kwargs["headers"]["Authorization"] for call in calls] == [
        "Bearer tok1",
        "Bearer tok2",
    ]


async def test_401_twice_is_an_authentication_error(
    client: ComapClient, mock: aioresponses
) -> None:
    mock.post(AUTH_URL, payload=TOKEN, repeat=True)
    mock.get(UNITS_URL, status=401, repeat=True)

    with pytest.raises(ComapAuthenticationError):
        await client.units()
    assert len(_requests(mock, "GET", UNITS_URL)) == 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, 60.0), ("soon", 60.0), ("inf", 60.0), ("nan", 60.0), ("1e300", 3600.0), ("31", 31.0)],
)
async def test_429_beyond_the_wait_cap_raises_with_retry_after(
    client: ComapClient,
    mock: aioresponses,
    budget: ManualBudget,
    header: str | None,
    expected: float,
) -> None:
    """A Retry-After over 30 s (60 s when unusable, at most 3600 s) fails the call at once."""
    mock.post(AUTH_URL, payload=TOKEN)
    mock.get(UNITS_URL, status=429, headers={"Retry-After": header} if header else {})
    with pytest.raises(ComapRateLimitError) as err:
        await client.units()
    assert err.value.retry_after == expected
    assert budget.slept == []
    assert len(_requests(mock, "GET", UNITS_URL)) == 1


@pytest.mark.parametrize(("header", "slept"), [("7", [7.0]), ("-5", [1.0]), ("0.2", [1.0])])
async def test_429_is_waited_out_and_the_call_goes_on(
    client: ComapClient, mock: aioresponses, budget: ManualBudget, header: str, slept: list[float]
) -> None:
    """A short Retry-After (at least one second) is waited, then the same request is sent."""
    mock.post(AUTH_URL, payload=TOKEN)
    mock.get(UNITS_URL, status=429, headers={"Retry-After": header})
    mock.get(UNITS_URL, payload={"units": [{"name": "A", "unitGuid": "G1"}]})

    units = await client.units()

    assert [unit.unit_guid for unit in units] == ["G1"]
    assert budget.slept == slept
    calls = _requests(mock, "GET", UNITS_URL)
    assert [call.kwargs["headers"]["Authorization"] for call in calls] == ["Bearer tok1"] * 2


async def test_repeated_429s_fail_the_call_after_a_minute(
    client: ComapClient, mock: aioresponses, budget: ManualBudget
) -> None:
    mock.post(AUTH_URL, payload=TOKEN)
    mock.get(UNITS_URL, status=429, headers={"Retry-After": "20"}, repeat=True)
    with pytest.raises(ComapRateLimitError) as err:
        await client.units()
    assert err.value.retry_after == 20.0
    assert budget.slept == [20.0, 20.0, 20.0]
    assert len(_requests(mock, "GET", UNITS_URL)) == 4


async def test_a_command_answered_429_fails_at_once(
    client: ComapClient, mock: aioresponses, budget: ManualBudget
) -> None:
    """A genset command is never delayed: a 429 fails it, and it is not sent again."""
    command_url = f"{BASE}/v1.1/login/units/G1/command"
    mock.post(AUTH_URL, payload=TOKEN)
    mock.post(command_url, status=429, headers={"Retry-After": "1"})
    with pytest.raises(ComapRateLimitError):
        await client.command("G1", ComapCommand.START)
    assert budget.slept == []
    assert len(_requests(mock, "POST", command_url)) == 1


async def test_requests_are_paced_to_the_budget(
    client: ComapClient, mock: aioresponses, budget: ManualBudget
) -> None:
    """Ten requests go at once; every further one waits for its place in a 1.1 s window."""
    starts: list[float] = []

    def answer(payload: object) -> Any:
        def record(url: URL, **kwargs: object) -> CallbackResult:
            starts.append(budget.now)
            return CallbackResult(payload=payload)

        return record

    mock.post(AUTH_URL, callback=answer(TOKEN))
    mock.get(UNITS_URL, callback=answer({"units": []}), repeat=True)
    await asyncio.gather(*(client.units() for _ in range(24)))  # 25 requests with the token

    assert len(starts) == client.request_count == 25
    assert starts[:10] == [1000.0] * 10
    assert all(
        later - start >= RATE_WINDOW for start, later in zip(starts, starts[10:], strict=False)
    )
    assert starts[-1] == pytest.approx(1000.0 + 2 * RATE_WINDOW)


@pytest.mark.parametrize(
    ("auth", "units", "error", "match"),
    [
        ({"status": 401, "payload": {"message": "no"}}, None, ComapAuthenticationError, None),
        ({"status": 403, "payload": {"message": "no"}}, None, ComapAuthenticationError, None),
        ({"exception": TimeoutError()}, None, ComapConnectionError, None),
        (
            {"payload": TOKEN},
            {"exception": aiohttp.ClientConnectionError("refused")},
            ComapConnectionError,
            None,
        ),
        ({"payload": TOKEN}, {"status": 403}, ComapAuthenticationError, None),
        ({"payload": TOKEN}, {"status": 500}, ComapApiError, None),
        ({"payload": TOKEN}, {"body": "<html>not json</html>"}, ComapApiError, "malformed JSON"),
        *(
            ({"payload": TOKEN}, {"payload": payload}, ComapApiError, None)
            for payload in ({"units": "nope"}, {"other": []}, "text", 5, None)
        ),
    ],
)
async def test_a_failing_answer_raises_its_error(
    client: ComapClient,
    mock: aioresponses,
    auth: dict[str, Any],
    units: dict[str, Any] | None,
    error: type[Exception],
    match: str | None,
) -> None:
    """The authentication answer, then (if it succeeds) the units answer, decide the error.

    An API error carries the units answer's HTTP status (None when only its body was wrong).
    """
    mock.post(AUTH_URL, **auth)
    if units is not None:
        mock.get(UNITS_URL, **units)
    with pytest.raises(error, match=match) as err:
        await client.units()
    assert type(err.value) is error
    if isinstance(err.value, ComapApiError):
        assert units is not None
        assert err.value.status == units.get("status")


async def test_bad_items_are_dropped_and_the_rest_kept(
    client: ComapClient, mock: aioresponses
) -> None:
    mock.post(AUTH_URL, payload=TOKEN)
    mock.get(
        UNITS_URL,
        payload={
            "units": [
                {"name": "no guid"},
                "text",
                {"name": "A", "unitGuid": "../../etc"},
                {"name": {"nested": 1}, "unitGuid": "G2", "url": 5},
                {"name": "B", "unitGuid": "G1"},
            ]
        },
    )
    units = await client.units()
    assert [(unit.unit_guid, unit.name, unit.url) for unit in units] == [
        ("G2", None, None),
        ("G1", "B", None),
    ]


async def test_deeply_nested_answer_is_malformed(client: ComapClient, mock: aioresponses) -> None:
    mock.post(AUTH_URL, payload=TOKEN)
    mock.get(UNITS_URL, body="[" * 100_000 + "]" * 100_000)
    with pytest.raises(ComapApiError, match="malformed JSON"):
        await client.units()


async def test_token_answer_of_wrong_shape(client: ComapClient, mock: aioresponses) -> None:
    mock.post(AUTH_URL, payload={"token_type": "Bearer"})
    with pytest.raises(ComapApiError):
        await client.units()


async def test_values_filter_and_parsing(client: ComapClient, mock: aioresponses) -> None:
    mock.post(AUTH_URL, payload=TOKEN)
    url = re.compile(rf"^{BASE}/v1.1/login/units/G1/values.*$")
    mock.get(
        url,
        payload={
            "values": [
                {
                    "name": "RPM",
                    "valueGuid": "6629F84F-4B79-43C2-AB33-1F27F1F8C42B",
                    "value": "1500",
                    "unit": "RPM",
                    "highLimit": 4000,
                    "lowLimit": 0,
                    "decimalPlaces": 0,
                    "timeStamp": "2026-11-23T10:00:00Z",
                },
                {"name": "Freq", "valueGuid": "f", "value": 49.96, "decimalPlaces": 1, "unit": ""},
            ]
        },
    )
    values = await client.values("G1", ["a", "b"])

    (call,) = next(calls for key, calls in mock.requests.items() if "values" in str(key[1]))
    assert call.kwargs["params"] == {"valueGuids": "a,b"}
    assert values[0].as_number() == 1500
    assert isinstance(values[0].as_number(), int)
    assert values[0].timestamp is not None
    assert values[0].timestamp.year == 2026
    assert values[1].value == "49.96"
    assert values[1].as_number() == 50.0
    assert values[1].unit is None


@pytest.mark.parametrize(
    ("text", "places", "expected"),
    [
        ("12.34", 1, 12.3),
        ("12,5", None, 12.5),
        ("####", 0, None),
        ("", 0, None),
        (None, 0, None),
        ("nan", 1, None),
        ("inf", 1, None),
        ("7.0", 0, 7),
    ],
)
def test_value_as_number(text: str | None, places: int | None, expected: float | None) -> None:
    value = Value(name="x", value_guid="g", value=text, decimal_places=places)
    assert value.as_number() == expected


async def test_info_comments_history_files_download_command(
    client: ComapClient, mock: aioresponses
) -> None:
    mock.post(AUTH_URL, payload=TOKEN)
    mock.get(
        f"{BASE}/v1.1/login/units/G1/info",
        payload={
            "name": "A",
            "unitGuid": "G1",
            "ownerLoginId": "owner",
            "applicationType": "InteliGen",
            "timezone": "UTC",
            "connection": {"enabled": True, "ipAddress": "10.0.0.1", "port": 23},
            "position": {"positionType": "static", "latitude": 50.1, "longitude": 14.4},
        },
    )
    mock.get(
        f"{BASE}/v1.1/login/units/G1/comments",
        payload={
            "comments": [
                {"id": 1, "auhtor": "Ann", "date": "2026-01-01T00:00:00Z", "text": "t", "active": 1}
            ]
        },
    )
    mock.get(
        re.compile(rf"^{BASE}/v1.1/login/units/G1/history.*$"),
        payload={
            "values": [
                {
                    "valueGuid": "g",
                    "name": "Power",
                    "unit": "kW",
                    "history": [
                        {
                            "value": 5,
                            "validFrom": "2026-01-01T00:00:00Z",
                            "validTo": "2026-01-01T01:00:00Z",
                        }
                    ],
                }
            ]
        },
    )
    mock.get(
        f"{BASE}/v1.1/login/units/G1/files",
        payload={"files": [{"fileName": "a.csv", "fileType": "csv", "generated": None}]},
    )
    mock.get(f"{BASE}/v1.1/login/unit/G1/download/a.csv", body=b"\x00\x01data")
    mock.post(
        f"{BASE}/v1.1/login/units/G1/command", payload={"command": "changeMode", "result": "OK"}
    )

    info = await client.info("G1")
    assert info.application_type == "InteliGen"
    assert info.position is not None
    assert info.position.latitude == 50.1
    comments = await client.comments("G1")
    assert comments[0].author == "Ann"
    history = await client.history("G1", ["g"], date(2026, 1, 1), date(2026, 1, 31))
    assert history[0].history[0].value == "5"
    (history_call,) = next(c for k, c in mock.requests.items() if "history" in str(k[1]))
    assert history_call.kwargs["params"] == {
        "from": "01/01/2026",
        "to": "01/31/2026",
        "valueGuids": "g",
    }
    files = await client.files("G1")
    assert files[0].file_name == "a.csv"
    assert await client.download("G1", "a.csv") == b"\x00\x01data"
    await client.command("G1", ComapCommand.CHANGE_MODE, "man")
    (command_call,) = _requests(mock, "POST", f"{BASE}/v1.1/login/units/G1/command")
    assert command_call.kwargs["json"] == {"command": "changeMode", "mode": "man"}
    assert client.request_count == 7
    assert client.base_url == BASE


async def test_parallel_calls_authenticate_once(client: ComapClient, mock: aioresponses) -> None:
    def slow_auth(url: URL, **kwargs: object) -> CallbackResult:
        return CallbackResult(payload=TOKEN)

    mock.post(AUTH_URL, callback=slow_auth, repeat=True)
    mock.get(UNITS_URL, payload={"units": []}, repeat=True)
    await asyncio.gather(client.units(), client.units(), client.units())
    assert len(_requests(mock, "POST", AUTH_URL)) == 1


@pytest.mark.parametrize(
    ("chunks", "confirmed"),
    [
        ([b'{"command": "start", ', b'"result": ', b'"OK"}'], True),
        ([b'{"result": "OK", "pad": "'] + [b"x" * 8192] * 9 + [b'"}'], False),
    ],
)
async def test_command_answer_read_across_chunks(
    session: aiohttp.ClientSession, socket_enabled: None, chunks: list[bytes], confirmed: bool
) -> None:
    """The whole answer is read however the server splits it (up to the 64 KiB cap)."""

    async def authenticate(request: web.Request) -> web.Response:
        return web.json_response(TOKEN)

    async def command(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        for chunk in chunks:
            await response.write(chunk)
            await asyncio.sleep(0.01)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_post("/identity/application/authenticate", authenticate)
    app.router.add_post("/v1.1/login/units/G1/command", command)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        client = ComapClient(
            session,
            comap_key="key",
            client_id="cid",
            secret="s3cret",
            login_id="login",
            base_url=f"http://127.0.0.1:{runner.addresses[0][1]}",
        )
        if confirmed:
            await client.command("G1", ComapCommand.START)
        else:
            with pytest.raises(ComapCommandNotConfirmedError, match="too large"):
                await client.command("G1", ComapCommand.START)
    finally:
        await runner.cleanup()


DOWNLOAD = f"{BASE}/v1.1/login/unit/G1/download"


async def _download_to(client: ComapClient, name: str, limit: int) -> tuple[int, bytes]:
    received: list[bytes] = []

    async def write(chunk: bytes) -> None:
        received.append(chunk)

    size = await client.download_to("G1", name, write, max_bytes=limit)
    return size, b"".join(received)


async def test_download_to_streams_the_file(client: ComapClient, mock: aioresponses) -> None:
    mock.post(AUTH_URL, payload=TOKEN)
    body = bytes(range(256)) * 1000
    mock.get(f"{DOWNLOAD}/a%2F..%2Fb%20c.csv", body=body)

    assert await _download_to(client, "a/../b c.csv", len(body)) == (len(body), body)


@pytest.mark.parametrize("headers", [{"Content-Length": "11"}, {}])
async def test_download_to_refuses_a_file_over_the_limit(
    client: ComapClient, mock: aioresponses, headers: dict[str, str]
) -> None:
    """A larger Content-Length is refused at once; a longer body as soon as it passes."""
    mock.post(AUTH_URL, payload=TOKEN)
    mock.get(f"{DOWNLOAD}/a.csv", body=b"x" * 11, headers=headers)

    with pytest.raises(ComapFileTooLargeError) as err:
        await _download_to(client, "a.csv", 10)
    assert err.value.limit == 10


@pytest.mark.parametrize("name", ["", ".", "..", " .. "])
async def test_download_refuses_names_that_are_no_file(
    client: ComapClient, mock: aioresponses, name: str
) -> None:
    with pytest.raises(ValueError):
        await _download_to(client, name, 10)
    with pytest.raises(ValueError):
        await client.download("G1", name)
    assert not mock.requests


async def test_download_error_names_no_file(client: ComapClient, mock: aioresponses) -> None:
    """An error status names the call without the (provider-given) file name."""
    mock.post(AUTH_URL, payload=TOKEN)
    mock.get(f"{DOWNLOAD}/secret-plan.csv", status=404)

    with pytest.raises(ComapApiError) as err:
        await _download_to(client, "secret-plan.csv", 10)
    assert "secret-plan" not in str(err.value)
    assert err.value.status == 404
