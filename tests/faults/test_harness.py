"""The fault harness itself, as a client sees it: each kind, counts, scope, the admin API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json

import aiohttp
import pytest

from simulator.faults import Fault, FaultHarness, FaultKind, harness_for

from ..conftest import SimulatorStack

UNITS = "/v1.1/demo/units"  # ComAp: 401 without a token when not faulted
CAMERAS = "/cameras/"  # FindFace


@pytest.fixture
async def http(simulators: SimulatorStack) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(simulators.url) as session:
        yield session


async def test_status_for_n_requests_then_the_provider_answers(
    http: aiohttp.ClientSession, faults: FaultHarness
) -> None:
    faults.inject("comap", "status", status=429, retry_after=7, count=2)
    for _ in range(2):
        async with http.get(UNITS) as response:
            assert response.status == 429
            assert response.headers["Retry-After"] == "7"
            assert "injected" in (await response.json())["error"]
    async with http.get(UNITS) as response:
        assert response.status == 401  # the simulator's own answer
    assert faults.injected["comap"] == 2
    assert faults.active() == {}


async def test_only_the_chosen_provider_and_path_are_faulted(
    http: aiohttp.ClientSession, faults: FaultHarness
) -> None:
    faults.inject("findface", "status", status=500, path="/cameras/")
    async with http.get(CAMERAS) as response:
        assert response.status == 500
    async with http.get("/counters/") as response:
        assert response.status == 401  # FindFace, another path
    async with http.get(UNITS) as response:
        assert response.status == 401  # another provider
    async with http.get("/_sim/findface/hooks") as response:
        assert response.status == 200  # admin routes never
    assert faults.active()["findface"]["hit"] == 1


@pytest.mark.parametrize(
    ("kind", "content_type", "body"),
    [
        (FaultKind.HTML, "text/html", b"<!DOCTYPE html>"),
        (FaultKind.EMPTY, "application/json", b""),
        (FaultKind.GARBAGE, "application/json", b'{"data"'),
    ],
)
async def test_200_answers_that_are_not_the_api(
    http: aiohttp.ClientSession,
    faults: FaultHarness,
    kind: FaultKind,
    content_type: str,
    body: bytes,
) -> None:
    faults.inject("moonsense", kind)
    async with http.get("/moonsense/v2/regions") as response:
        assert response.status == 200
        assert response.content_type == content_type
        raw = await response.read()
    assert raw.startswith(body)
    if kind is not FaultKind.HTML:
        with pytest.raises(ValueError):
            json.loads(raw)


async def test_disconnect_closes_the_connection(
    http: aiohttp.ClientSession, faults: FaultHarness
) -> None:
    faults.inject("camlytics", "disconnect")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        async with http.get("/service/api/v1/locations") as response:
            await response.read()
    assert faults.injected["camlytics"] >= 1  # aiohttp may retry a GET once
    faults.clear("camlytics")
    async with http.get("/service/api/v1/locations") as response:
        assert response.status == 401  # the simulator's own answer: no signature


async def test_hang_holds_until_cleared(http: aiohttp.ClientSession, faults: FaultHarness) -> None:
    faults.inject("facespace", "hang")
    request = asyncio.ensure_future(http.get("/facespace/logs"))
    async with asyncio.timeout(5):
        while faults.held == 0:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
    assert not request.done()
    faults.clear("facespace")
    async with asyncio.timeout(5):
        response = await request
    assert response.status == 504
    response.release()


async def test_admin_api(http: aiohttp.ClientSession, faults: FaultHarness) -> None:
    fault = {"provider": "comap", "kind": "status", "status": 503, "count": 3, "path": UNITS}
    async with http.post("/_sim/faults", json=fault) as response:
        assert response.status == 200
        assert (await response.json())["status"] == 503
    async with http.get(UNITS) as response:
        assert response.status == 503
    async with http.get("/_sim/faults") as response:
        listed = await response.json()
    assert listed["active"]["comap"]["remaining"] == 2
    assert listed["injected"] == {"comap": 1}
    async with http.delete("/_sim/faults/comap") as response:
        assert (await response.json())["active"] == {}
    async with http.get(UNITS) as response:
        assert response.status == 401

    async with http.post("/_sim/faults", json={"provider": "moonsense", "kind": "hang"}) as answer:
        assert answer.status == 200
    async with http.delete("/_sim/faults") as response:
        assert response.status == 200
    assert faults.active() == {}
    async with http.delete("/_sim/faults/nobody") as response:
        assert response.status == 404


@pytest.mark.parametrize(
    "body",
    [
        {"provider": "nobody", "kind": "status"},
        {"provider": "comap", "kind": "melt"},
        {"provider": "comap", "kind": "status", "status": 418},
        {"provider": "comap", "kind": "status", "count": 0},
        {"provider": "comap", "kind": "status", "count": True},
        {"provider": "comap", "kind": "hang", "hang": 0},
        {"provider": "comap", "kind": "hang", "hang": "long"},
        {"provider": "comap", "kind": "status", "path": 5},
        {"provider": "comap", "kind": "status", "colour": "red"},
        {"provider": "comap"},
        ["comap"],
    ],
)
async def test_admin_api_refuses_what_it_cannot_do(
    http: aiohttp.ClientSession, faults: FaultHarness, body: object
) -> None:
    async with http.post("/_sim/faults", json=body) as response:
        assert response.status == 400
        assert (await response.json())["error"]
    assert faults.active() == {}


async def test_admin_api_needs_json(http: aiohttp.ClientSession) -> None:
    async with http.post("/_sim/faults", data=b"{") as response:
        assert response.status == 400


def test_python_api_checks(simulators: SimulatorStack) -> None:
    assert harness_for(simulators.findface) is harness_for(simulators.moonsense)
    with pytest.raises(LookupError):
        harness_for(object())
    with pytest.raises(ValueError):
        Fault(kind=FaultKind.STATUS, status=200)
    with pytest.raises(ValueError):
        Fault(kind=FaultKind.STATUS, retry_after=-1)
    harness = FaultHarness()
    with pytest.raises(ValueError):
        harness.clear("nobody")
    with pytest.raises(ValueError):
        harness.mount("nobody", [])
