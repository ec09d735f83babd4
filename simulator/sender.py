"""Webhook sending and admin-route helpers shared by the provider simulators.

A WebhookSender keeps the webhook targets of one simulator: a queue and a
worker task per target, POSTs that are retried after a growing interval
(``retry_base * 2 ** (attempt - 1)``, optionally capped) until the receiver
accepts them or the attempts are used up, and a bounded delivery log with one
entry per attempt. What differs between the simulators is a parameter: which
statuses count as success, how many attempts a target gets, the extra request
headers, how a batch is picked and sent, and what a delivery-log entry says
about its target and payload. A Ticker runs a simulator's automatic
generator alongside the sender.

The helpers the simulators' routes share are in ``routing``.
"""

import asyncio
from collections import Counter, deque
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp
from yarl import URL

MAX_QUEUE = 10_000  # items waiting per target; more are counted as overflow
MAX_DELIVERIES = 1000  # delivery-log entries kept


def exactly_200(status: int) -> bool:
    """Success is a 200 answer and nothing else."""
    return status == 200


def any_2xx(status: int) -> bool:
    """Success is any 2xx answer."""
    return 200 <= status < 300


def check_sending(retry_base: float, send_attempts: int, send_timeout: float) -> None:
    """Reject sender settings that cannot be honoured with ValueError."""
    if retry_base <= 0:
        raise ValueError("retry_base must be positive")
    if send_attempts < 1:
        raise ValueError("send_attempts must be at least 1")
    if send_timeout <= 0:
        raise ValueError("send_timeout must be positive")


class SenderSettings(Protocol):
    """The settings a sender reads at each attempt."""

    retry_base: float  # first retry interval in seconds; doubles per attempt
    send_timeout: float  # seconds per POST


@dataclass(frozen=True)
class Attempt:
    """The outcome of one POST of a batch."""

    number: int  # 1-based
    status: int | None  # HTTP status, None when no answer came
    error: str | None  # reason or exception text, None on success
    ok: bool
    retry_in: float | None  # seconds to the next attempt, None when done
    dropped: bool  # attempts used up

    def log_fields(self) -> dict[str, Any]:
        """The delivery-log fields every simulator records, in their usual order."""
        return {
            "attempt": self.number,
            "status": self.status,
            "error": self.error,
            "ok": self.ok,
            "retry_in": self.retry_in,
            "dropped": self.dropped,
        }


@dataclass
class Target:
    """A webhook target: where to POST and what waits to go there.

    Subclasses add their own fields and may change which items make up the
    next batch, what body a batch is sent as, when the target is ready and
    how outcomes are counted.
    """

    id: int
    url: str
    queue: deque[Any] = field(default_factory=deque, kw_only=True)
    wake: asyncio.Event | None = field(default=None, kw_only=True)
    task: asyncio.Task[None] | None = field(default=None, kw_only=True)

    @property
    def ready(self) -> bool:
        """Whether queued items may be sent now."""
        return True

    def fields_json(self, *names: str) -> dict[str, Any]:
        """The named attributes as JSON object members, in the order given."""
        return {name: getattr(self, name) for name in names}

    def notify(self) -> None:
        """Wake the target's worker."""
        if self.wake is not None:
            self.wake.set()

    def next_batch(self) -> list[Any]:
        """The items at the head of the queue that go in the next POST."""
        return [self.queue[0]]

    def body(self, batch: list[Any]) -> Any:
        """The JSON body a batch is POSTed as."""
        return batch[0]

    def count(self, attempt: Attempt, items: int) -> None:
        """Count the outcome of an attempt to send items."""

    def count_overflow(self) -> None:
        """Count an item turned away because the queue was full."""


@dataclass
class CountedTarget(Target):
    """A target sending one payload per POST that counts payloads sent and dropped."""

    sent: int = field(default=0, kw_only=True)
    failed_attempts: int = field(default=0, kw_only=True)
    dropped: int = field(default=0, kw_only=True)
    overflow: int = field(default=0, kw_only=True)

    def count(self, attempt: Attempt, items: int) -> None:
        """Count a delivered payload, a failed attempt and a dropped payload."""
        if attempt.ok:
            self.sent += 1
        else:
            self.failed_attempts += 1
        if attempt.dropped:
            self.dropped += 1

    def count_overflow(self) -> None:
        """Count a payload turned away because the queue was full."""
        self.overflow += 1

    def delivery_json(self) -> dict[str, Any]:
        """Queue length and delivery counters, for the target's JSON."""
        return {
            "queued": len(self.queue),
            "sent": self.sent,
            "failed_attempts": self.failed_attempts,
            "dropped": self.dropped,
            "overflow": self.overflow,
        }


class Ticker:
    """Calls tick every interval() seconds while the sender runs; 0 pauses it."""

    def __init__(self, interval: Callable[[], float], tick: Callable[[], object]) -> None:
        """Read the interval before each wait; poke() makes a new one take effect at once."""
        self._interval = interval
        self._tick = tick
        self._wake: asyncio.Event | None = None

    def poke(self) -> None:
        """Restart the current wait with the interval as it is now."""
        if self._wake is not None:
            self._wake.set()

    def start(self) -> Coroutine[Any, Any, None]:
        """The loop to run as a task."""
        self._wake = asyncio.Event()
        return self._run(self._wake)

    def stop(self) -> None:
        """Forget the stopped loop's wake-up event."""
        self._wake = None

    async def _run(self, wake: asyncio.Event) -> None:
        while True:
            interval = self._interval()
            try:
                if interval > 0:
                    async with asyncio.timeout(interval):
                        await wake.wait()
                else:
                    await wake.wait()
            except TimeoutError:
                self._tick()
            else:
                wake.clear()


class WebhookSender[T: Target]:
    """Targets, their queues and workers, the retry policy and the delivery log."""

    def __init__(
        self,
        settings: Callable[[], SenderSettings],
        *,
        user_agent: str,
        attempts: Callable[[T], int],
        describe: Callable[[T, list[Any]], dict[str, Any]],
        timestamp: Callable[[], str],
        accept: Callable[[int], bool] = exactly_200,
        retry_cap: Callable[[], float] | None = None,
        headers: Callable[[T], Mapping[str, str]] | None = None,
        counters: Counter[str] | None = None,
        counter_prefix: str = "webhooks_",
        ticker: Ticker | None = None,
        name: str = "The webhook sender",
        max_queue: int = MAX_QUEUE,
        max_deliveries: int = MAX_DELIVERIES,
    ) -> None:
        """Configure the sender.

        Args:
            settings: the simulator's settings (retry_base and send_timeout),
                read at each attempt.
            user_agent: the User-Agent of every POST.
            attempts: a target's attempts per batch; 0 retries forever.
            describe: the leading delivery-log fields for a target and batch
                (target id, payload and so on); the attempt's fields and
                ``time`` follow.
            timestamp: the current time as the delivery log shows it.
            accept: which HTTP statuses count as delivered.
            retry_cap: the longest retry interval, if there is one.
            headers: extra request headers for a target.
            counters: simulator-wide counters that get ``sent``,
                ``failed_attempts`` and ``dropped`` under counter_prefix.
            counter_prefix: prefix of those counter keys.
            ticker: a generator that runs while the sender runs.
            name: what RuntimeError calls the sender.
            max_queue: queued items per target; more count as overflow.
            max_deliveries: delivery-log entries kept.
        """
        self.targets: dict[int, T] = {}
        self._settings = settings
        self._user_agent = user_agent
        self._attempts = attempts
        self._describe = describe
        self._timestamp = timestamp
        self._accept = accept
        self._retry_cap = retry_cap
        self._headers = headers
        self._counters = counters
        self._counter_prefix = counter_prefix
        self._ticker = ticker
        self._name = name
        self._max_queue = max_queue
        self._seq = 0
        self._deliveries: deque[dict[str, Any]] = deque(maxlen=max_deliveries)
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._progress: asyncio.Event | None = None

    # Targets and queues

    def next_id(self) -> int:
        """A new target id (1, 2, ...)."""
        self._seq += 1
        return self._seq

    def add(self, target: T) -> None:
        """Register a target and start its worker if the sender runs."""
        self.targets[target.id] = target
        self._start_worker(target)

    def remove(self, target_id: int) -> T | None:
        """Unregister a target and drop its queue; None if it is unknown."""
        target = self.targets.pop(target_id, None)
        if target is None:
            return None
        if target.task is not None:
            target.task.cancel()
        target.queue.clear()
        self.report_progress()
        return target

    def enqueue(self, target: T, item: Any) -> None:
        """Queue an item for a target, or count it as overflow when the queue is full."""
        if len(target.queue) >= self._max_queue:
            target.count_overflow()
            return
        target.queue.append(item)
        target.notify()

    def retry_delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number attempt (1-based)."""
        delay: float = self._settings().retry_base * 2 ** (attempt - 1)
        return delay if self._retry_cap is None else min(delay, self._retry_cap())

    # Delivery log

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The delivery log, oldest first."""
        return list(self._deliveries)

    def clear_deliveries(self) -> None:
        """Empty the delivery log."""
        self._deliveries.clear()

    # Running

    @property
    def running(self) -> bool:
        """Whether the sender is running."""
        return self._session is not None

    async def start(self) -> None:
        """Start a worker per target, and the ticker; nothing if already running."""
        if self._session is not None:
            return
        self._session = aiohttp.ClientSession(headers={"User-Agent": self._user_agent})
        self._progress = asyncio.Event()
        for target in self.targets.values():
            self._start_worker(target)
        if self._ticker is not None:
            self._spawn(self._ticker.start())

    async def stop(self) -> None:
        """Stop the workers and the ticker; queued items stay queued."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        for target in self.targets.values():
            target.task = target.wake = None
        if self._ticker is not None:
            self._ticker.stop()
        self.report_progress()
        self._progress = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def drain(self) -> None:
        """Wait until no ready target has items queued or in flight.

        Raises:
            RuntimeError: items are queued but the sender is not running.
        """
        while any(target.queue for target in self.targets.values() if target.ready):
            if self._progress is None:
                raise RuntimeError(f"{self._name} is not running")
            self._progress.clear()
            await self._progress.wait()

    def report_progress(self) -> None:
        """Wake drain() to look at the queues again."""
        if self._progress is not None:
            self._progress.set()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _start_worker(self, target: T) -> None:
        if self._session is None or target.task is not None:
            return
        target.wake = asyncio.Event()
        target.task = self._spawn(self._deliver(target))

    async def _deliver(self, target: T) -> None:
        """Send a target's queue in order, one batch at a time, retrying failed batches."""
        assert target.wake is not None
        while True:
            if not target.ready or not target.queue:
                target.wake.clear()
                await target.wake.wait()
                continue
            batch = target.next_batch()
            await self._send(target, batch)
            for _ in batch:
                if target.queue:
                    target.queue.popleft()
            self.report_progress()

    async def _send(self, target: T, batch: list[Any]) -> None:
        headers = None if self._headers is None else dict(self._headers(target))
        number = 0
        while True:
            number += 1
            status, error = await self._post(target.url, target.body(batch), headers)
            ok = status is not None and self._accept(status)
            dropped = not ok and 0 < self._attempts(target) <= number
            retry_in = None if ok or dropped else self.retry_delay(number)
            attempt = Attempt(number, status, error, ok, retry_in, dropped)
            target.count(attempt, len(batch))
            if self._counters is not None:
                prefix = self._counter_prefix
                self._counters[prefix + ("sent" if ok else "failed_attempts")] += 1
                if dropped:
                    self._counters[prefix + "dropped"] += 1
            self._deliveries.append(
                self._describe(target, batch) | attempt.log_fields() | {"time": self._timestamp()}
            )
            if retry_in is None:
                return
            await asyncio.sleep(retry_in)

    async def _post(
        self, url: str, body: Any, headers: Mapping[str, str] | None
    ) -> tuple[int | None, str | None]:
        assert self._session is not None
        timeout = aiohttp.ClientTimeout(total=self._settings().send_timeout)
        try:
            # encoded=True sends the URL (query string included) exactly as registered.
            async with self._session.post(
                URL(url, encoded=True), json=body, headers=headers, timeout=timeout
            ) as response:
                await response.read()
                status = response.status
                return status, None if self._accept(status) else response.reason
        except (aiohttp.ClientError, TimeoutError) as err:
            return None, str(err) or type(err).__name__


class SendsWebhooks:
    """The public sender methods of a simulator that keeps its WebhookSender in ``_sender``."""

    _sender: WebhookSender[Any]

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The delivery log, oldest first (at most MAX_DELIVERIES entries), an entry an attempt."""
        return self._sender.deliveries

    def clear_deliveries(self) -> None:
        """Empty the delivery log."""
        self._sender.clear_deliveries()

    @property
    def running(self) -> bool:
        """Whether the sender is running."""
        return self._sender.running

    async def start(self) -> None:
        """Start the sender and the automatic generator (app startup)."""
        await self._sender.start()

    async def stop(self) -> None:
        """Stop the sender and generator; queued payloads stay queued (app cleanup)."""
        await self._sender.stop()

    async def drain(self) -> None:
        """Wait until no target (no active one) has payloads queued or in flight.

        Wrap this in ``asyncio.timeout``: a failing target keeps its payload
        until the attempts are used up (a FindFace hook with send_attempts 0
        never gives up).

        Raises:
            RuntimeError: payloads are queued but the sender is not running.
        """
        await self._sender.drain()
