"""The base of the providers' HTTP clients: one request, its timeout, its failures as errors.

No Home Assistant import: a provider's ``api`` builds its client on ``HttpClient`` and stays a
plain aiohttp client. The shared layer never imports a provider; each client names its own
exception classes. A client given a ``RequestBudget`` paces its requests to the API's rate
limit and waits out a 429 instead of failing.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
import math
import time
from typing import Any, ClassVar, Final

import aiohttp
import orjson
from yarl import URL

DEFAULT_RETRY_AFTER: Final = 60.0
"""Seconds a 429 asks to wait when its ``Retry-After`` is absent or not a number of seconds."""
MAX_RETRY_AFTER: Final = 3600.0
"""Longest wait a ``Retry-After`` header can impose, in seconds."""


def retry_after_seconds(header: str | None, default: float = DEFAULT_RETRY_AFTER) -> float:
    """Seconds from a ``Retry-After`` header given in seconds, within 0 to ``MAX_RETRY_AFTER``.

    ``default`` when the header is absent, a date, not a number, NaN or infinite.
    """
    try:
        seconds = float(header) if header is not None else default
    except ValueError:
        return default
    return min(max(seconds, 0.0), MAX_RETRY_AFTER) if math.isfinite(seconds) else default


class RequestBudget:
    """At most ``limit`` request starts in any ``window`` seconds, shared by a client's callers.

    ``take`` gives each request the earliest start that keeps within the budget and sleeps
    until then: callers are served in the order they asked, with no polling loop (the start is
    computed once, so a clock that stands still cannot stall a caller). ``hold`` moves every
    later start past a 429's ``Retry-After``.

    A client waits out a 429 (``HttpClient``) when its ``Retry-After`` is at most ``max_wait``
    seconds and the request has not yet waited ``patience`` seconds in all; otherwise the 429
    reaches the client's own error mapping.
    """

    def __init__(
        self,
        limit: int,
        window: float = 1.0,
        *,
        max_wait: float = 30.0,
        patience: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Allow ``limit`` requests per ``window`` seconds; wait out 429s as described above.

        ``clock`` (seconds, monotonic) and ``sleep`` are what the budget measures and waits
        with; tests pass fakes.
        """
        if limit < 1 or window <= 0:
            raise ValueError("a request budget needs a limit of at least 1 and a window")
        self.limit = limit
        self.window = window
        self.max_wait = max_wait
        self.patience = patience
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque(maxlen=limit)
        """Start times of the last ``limit`` requests (some may lie in the future)."""
        self._held_until = 0.0

    def free_now(self) -> int:
        """How many requests could start now without waiting."""
        now = self._clock()
        if now < self._held_until:
            return 0
        return self.limit - sum(1 for start in self._starts if start > now - self.window)

    async def take(self) -> None:
        """Return when this request may start: within the budget and past any hold."""
        now = self._clock()
        start = max(now, self._held_until, self._starts[-1] if self._starts else now)
        if len(self._starts) == self.limit:
            start = max(start, self._starts[0] + self.window)
        self._starts.append(start)
        if start > now:
            await self._sleep(start - now)

    def hold(self, seconds: float) -> None:
        """Start no request before ``seconds`` from now (the API answered 429)."""
        self._held_until = max(self._held_until, self._clock() + seconds)


class HttpApiError(Exception):
    """Base of a provider's ``api_error``: an error status, or a body of an unexpected shape.

    Attributes:
        status: the HTTP status, or None when the status was fine but the body was not.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        """Store the message and the HTTP status (None for a malformed body)."""
        super().__init__(message)
        self.status = status


class HttpClient:
    """A provider's client on a shared aiohttp session (never closed here).

    A subclass names its ``service`` and exception classes. ``_response`` sends one request
    within the timeout and counts it; a timeout or transport failure becomes
    ``connection_error``. ``_check_status`` turns 401/403 into ``auth_error`` and any other
    error status into ``api_error``; ``_decode_json`` turns a body that is not JSON into
    ``api_error``.
    """

    service: ClassVar[str]
    """How messages name the provider: ``the ComAp API``, ``Moonsense``."""
    auth_error: ClassVar[type[Exception]]
    """Raised for HTTP 401 and 403: the credentials were refused."""
    connection_error: ClassVar[type[Exception]]
    """Raised for a timeout or a transport failure (unreachable, TLS, disconnected)."""
    api_error: ClassVar[type[Exception]]
    """Raised as ``api_error(message, status)`` for another error status or a malformed body."""
    private_urls: ClassVar[bool] = False
    """The URLs hold an account identifier: a transport failure is named by its type only (the
    text of some aiohttp errors holds the URL) and not chained."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str,
        request_timeout: float,
        budget: RequestBudget | None = None,
    ) -> None:
        """Send on ``session`` to ``base_url``, each request within ``request_timeout`` s.

        With a ``budget`` every request waits for its turn in it, and a 429 is waited out and
        the request sent again (``RequestBudget``); without one, requests go at once and a 429
        is the caller's to handle.
        """
        self._session = session
        self.budget = budget
        self._base_url = URL(base_url.rstrip("/") + "/")
        """The API root, with one trailing ``/`` so that relative paths join under it."""
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self.request_count = 0
        """Requests sent so far; for diagnostics and benchmarks."""

    @property
    def base_url(self) -> str:
        """The API root this client talks to (without a trailing ``/``)."""
        return str(self._base_url).rstrip("/")

    @asynccontextmanager
    async def _response(
        self,
        method: str,
        url: URL,
        *,
        where: str = "",
        wait_out_429: bool = True,
        **kwargs: Any,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Send one request and yield its answer (also while the body is read).

        ``where`` names the call in messages (a path without account identifiers); ``kwargs``
        go to ``aiohttp.ClientSession.request``.

        With a ``budget``, the request is sent again (as it was) after the ``Retry-After`` of a
        429 while the budget's ``max_wait`` and ``patience`` allow; the last 429 is yielded.
        ``wait_out_429=False`` yields the first 429 (a request that must not be delayed).

        Raises:
            connection_error: the request or the reading of its answer timed out or failed.
        """
        waited = 0.0
        try:
            while True:
                if self.budget is not None:
                    await self.budget.take()
                self.request_count += 1
                async with self._session.request(
                    method, url, timeout=self._timeout, **kwargs
                ) as response:
                    wait = self._rate_limit_wait(response, waited) if wait_out_429 else None
                    if wait is None:
                        yield response
                        return
                assert self.budget is not None
                self.budget.hold(wait)
                waited += wait
        except TimeoutError as err:
            place = f" ({where})" if where else ""
            raise self.connection_error(f"Timeout talking to {self.service}{place}") from err
        except aiohttp.ClientError as err:
            if self.private_urls:
                raise self.connection_error(
                    f"Cannot reach {self.service} ({where}): {type(err).__name__}"
                ) from None
            raise self.connection_error(f"Cannot reach {self.service}: {err}") from err

    def _rate_limit_wait(self, response: aiohttp.ClientResponse, waited: float) -> float | None:
        """Seconds to wait before sending again after this answer, or None to keep the answer.

        Only a 429 to a client with a budget is waited out: at least one second, when its
        ``Retry-After`` is within the budget's ``max_wait`` and the total within its
        ``patience``.
        """
        budget = self.budget
        if budget is None or response.status != 429:
            return None
        wait = max(retry_after_seconds(response.headers.get("Retry-After")), 1.0)
        if wait > budget.max_wait or waited + wait > budget.patience:
            return None
        return wait

    def _check_status(self, response: aiohttp.ClientResponse, request: str = "") -> None:
        """Raise ``auth_error`` for 401/403 and ``api_error`` for another status from 400 on.

        ``request`` names the call in the message (``GET /cameras/``; none when empty).
        """
        status = response.status
        if status in (401, 403):
            raise self.auth_error(f"{self._subject} refused the credentials (HTTP {status})")
        if status >= 400:
            to = f" to {request}" if request else ""
            raise self.api_error(f"{self._subject} answered HTTP {status}{to}", status)

    def _decode_json(self, body: bytes, where: str) -> Any:
        """JSON of an answer's body; ``api_error`` when it is not JSON.

        orjson refuses nesting deeper than 1024 levels with an error (the standard library would
        raise RecursionError).
        """
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as err:
            raise self.api_error(f"Malformed JSON from {where}", None) from err

    @property
    def _subject(self) -> str:
        """``service`` at the start of a sentence."""
        return self.service[:1].upper() + self.service[1:]
