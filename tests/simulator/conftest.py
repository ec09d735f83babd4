"""Helpers shared by the simulator tests: hand-moved clocks, a webhook receiver, serving."""

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDict
import pytest
from yarl import URL

from simulator.app import create_app
from simulator.plugin import SimulatorPlugin
from simulator.sender import SendsWebhooks


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Open sockets for every simulator test (the Home Assistant test plugin blocks them).

    ``socket_enabled`` still restricts them to 127.0.0.1.
    """


class FakeClock:
    """A monotonic clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class WallClock:
    """A wall clock (aware UTC) the tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Call:
    """One POST the receiver got: path and query as sent, headers, JSON body, loop time."""

    path_qs: str
    headers: CIMultiDict[str]
    body: Any
    at: float

    @property
    def path(self) -> str:
        """The path without the query."""
        return URL(self.path_qs).path


class Receiver:
    """A webhook target: records each POST and answers the queued statuses, then 200."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.statuses: deque[int] = deque()
        self.server: TestServer | None = None
        self._arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        loop_time = asyncio.get_running_loop().time()
        self.calls.append(Call(request.path_qs, CIMultiDict(request.headers), body, loop_time))
        self._arrived.set()
        return web.Response(status=self.statuses.popleft() if self.statuses else 200)

    def url(self, path: str = "/hook") -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    def calls_to(self, path: str = "/hook") -> list[Call]:
        return [call for call in self.calls if call.path == path]

    def bodies(self, path: str = "/hook") -> list[Any]:
        return [call.body for call in self.calls_to(path)]

    def items(self, path: str = "/hook") -> list[Any]:
        """The items of the JSON-array bodies POSTed to path."""
        return [item for body in self.bodies(path) for item in body]

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.calls) < count:
                self._arrived.clear()
                await self._arrived.wait()


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    """A webhook receiver served on 127.0.0.1 (any path)."""
    receiver = Receiver()
    target = web.Application()
    target.router.add_post("/{tail:.*}", receiver.handle)
    async with TestServer(target, host="127.0.0.1") as receiver_server:
        receiver.server = receiver_server
        yield receiver


@asynccontextmanager
async def serving(simulator: object) -> AsyncIterator[tuple[TestClient[Any, Any], Receiver]]:
    """A client of the simulator application serving ``simulator``, and a webhook receiver."""
    async with receiving() as receiver:
        server = TestServer(create_app(simulator), host="127.0.0.1")
        async with TestClient(server) as client:
            yield client, receiver


@dataclass
class SimApi[S: SendsWebhooks]:
    """A test client of a pushing simulator, its webhook receiver and its hand-moved clocks.

    A provider's test module subclasses it with the API calls it needs; ``provider`` is the
    key of its admin routes (``/_sim/<provider>/...``).
    """

    provider: ClassVar[str]
    client: TestClient[Any, Any]
    simulator: S
    receiver: Receiver
    clock: FakeClock
    wall: WallClock

    async def admin(self, method: str, path: str, **body: Any) -> Any:
        """Call ``/_sim/<provider>/<path>`` with body as JSON (none if empty); expect 200."""
        url = f"/_sim/{self.provider}/{path}"
        response = await self.client.request(method, url, json=body or None)
        assert response.status == 200, await response.text()
        return await response.json()

    async def drain(self) -> None:
        """Wait (at most 5 s) until the simulator's sender has nothing queued."""
        async with asyncio.timeout(5):
            await self.simulator.drain()

    def retried_twice(self) -> list[Call]:
        """One payload answered 500, 503, then 200, retried after 10 then 20 ms; the calls."""
        calls = self.receiver.calls
        assert len(calls) == 3
        assert calls[1].at - calls[0].at >= 0.009
        assert calls[2].at - calls[1].at >= 0.018
        log = [(e["attempt"], e["status"], e["retry_in"], e["dropped"]) for e in self.deliveries]
        assert log == [(1, 500, 0.01, False), (2, 503, 0.02, False), (3, 200, None, False)]
        return calls

    async def drop_first_of_two(
        self,
        first: Callable[[], object],
        second: Callable[[], object],
        statuses: tuple[int, int, int] = (500, 500, 500),
    ) -> None:
        """With three attempts: first's payload answered statuses and dropped, second's delivered.

        Empties the delivery log before pushing, and checks it after.
        """
        self.receiver.statuses.extend(statuses)
        self.simulator.clear_deliveries()
        first()
        second()
        await self.drain()
        one, two, three = statuses
        assert self.outcomes() == [
            (1, one, False),
            (2, two, False),
            (3, three, True),
            (1, 200, False),
        ]

    async def stop_generator(
        self, interval: str, produced: Callable[[], int], wait: float
    ) -> tuple[dict[str, Any], int]:
        """Set interval to 0 by ``POST settings``; produced() must not grow over wait seconds.

        Returns the settings answer and produced() once the sender was drained.
        """
        stopped = await self.admin("POST", "settings", **{interval: 0})
        assert stopped[interval] == 0
        await self.drain()
        settled = produced()
        await asyncio.sleep(wait)
        assert produced() == settled
        return stopped, settled

    def outcomes(self) -> list[tuple[int, int | None, bool]]:
        """Each delivery-log entry's attempt, status and whether the payload was dropped."""
        return [(e["attempt"], e["status"], e["dropped"]) for e in self.deliveries]

    def assert_unreachable(self) -> None:
        """The first delivery got no answer: no status, an error, dropped."""
        entry = self.deliveries[0]
        assert entry["status"] is None
        assert entry["error"]
        assert entry["dropped"] is True

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The simulator's delivery log."""
        return self.simulator.deliveries


@asynccontextmanager
async def serve_api[A: SimApi[Any]](
    api: type[A],
    plugin: SimulatorPlugin[Any, Any],
    wall: datetime,
    settings: dict[str, Any],
    clock: FakeClock | None = None,
) -> AsyncIterator[A]:
    """Serve plugin's simulator built from settings with fake clocks, and a webhook receiver."""
    clock = clock or FakeClock()
    wallclock = WallClock(wall)
    simulator = plugin.create(plugin.settings(**settings), clock=clock, wallclock=wallclock)
    async with serving(simulator) as (client, receiver):
        yield api(client, simulator, receiver, clock, wallclock)


async def start_late_and_restart(simulator: SendsWebhooks) -> None:
    """Check a sender with payloads queued before it runs, then deliver them and stop it.

    drain refuses while it is stopped; start is idempotent; stop leaves it stopped.
    """
    states = [simulator.running]
    with pytest.raises(RuntimeError):
        await simulator.drain()
    await simulator.start()
    await simulator.start()  # idempotent
    states.append(simulator.running)
    async with asyncio.timeout(5):
        await simulator.drain()
    await simulator.stop()
    states.append(simulator.running)
    assert states == [False, True, False]
