"""The shared transport: the request budget, and 429s waited out only by a client with one."""

from __future__ import annotations

import aiohttp
from aioresponses import aioresponses
import pytest
from yarl import URL

from custom_components.sitewatch.http import HttpApiError, HttpClient

from .budget import ManualBudget

URL_ = "https://api.test/thing"


class _Client(HttpClient):
    service = "the test API"
    auth_error = PermissionError
    connection_error = ConnectionError
    api_error = HttpApiError

    async def status(self) -> int:
        async with self._response("GET", URL(URL_)) as response:
            return response.status


async def test_budget_lets_limit_requests_go_per_window() -> None:
    budget = ManualBudget(3, 2.0)
    assert budget.free_now() == 3
    for _ in range(3):
        await budget.take()
    assert budget.free_now() == 0
    assert budget.slept == []

    await budget.take()  # the fourth waits until the first three leave the window
    assert budget.slept == [2.0]
    assert budget.free_now() == 2
    budget.now += 2.0
    assert budget.free_now() == 3


async def test_hold_delays_every_later_request() -> None:
    budget = ManualBudget(10)
    await budget.take()
    budget.hold(5.0)
    assert budget.free_now() == 0
    await budget.take()
    await budget.take()
    assert budget.slept == [5.0]
    assert budget.free_now() == 8


def test_a_budget_needs_a_limit_and_a_window() -> None:
    with pytest.raises(ValueError):
        ManualBudget(0)
    with pytest.raises(ValueError):
        ManualBudget(1, 0)


async def test_a_client_without_a_budget_leaves_a_429_to_its_caller(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    mock.get(URL_, status=429, headers={"Retry-After": "1"})
    client = _Client(session, base_url="https://api.test", request_timeout=5)
    assert await client.status() == 429
    assert client.request_count == 1


async def test_a_client_with_a_budget_waits_a_429_out(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    mock.get(URL_, status=429, headers={"Retry-After": "2"})
    mock.get(URL_, status=200)
    budget = ManualBudget(10)
    client = _Client(session, base_url="https://api.test", request_timeout=5, budget=budget)
    assert await client.status() == 200
    assert client.request_count == 2
    assert budget.slept == [2.0]
