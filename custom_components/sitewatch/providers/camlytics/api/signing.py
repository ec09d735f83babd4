"""Signing (``X-Sign``), nonces and the 1 request/s limiter of the Camlytics API.

Every call carries ``X-Key`` (public key) and ``X-Sign``: the hex HMAC-SHA512, keyed with the
secret key, of the request URI exactly as sent (path plus query; ``since``/``until`` values
percent-encoded as ``encodeURIComponent`` does). Each URI carries a ``nonce`` that must be
greater than the previous one for the key. The service allows one request per second and
answers 429 or 503 beyond that; every request of a client goes through one limiter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import hashlib
import hmac
import time
from typing import Final
from urllib.parse import quote

from ....http import RequestBudget

NO_SPACING: Final = 1e-9
"""The window of a limiter asked for no spacing (a budget needs a positive window)."""
MIN_INTERVAL: Final = 1.1
"""Seconds between two request starts of one key: the service allows one per second, and the
extra tenth keeps two requests from arriving closer than that when the first was delayed."""


def sign(secret: str, uri: str) -> str:
    """Hex HMAC-SHA512 of ``uri`` keyed with ``secret`` (the ``X-Sign`` header)."""
    return hmac.new(secret.encode(), uri.encode(), hashlib.sha512).hexdigest()


def encode_query(params: list[tuple[str, str]]) -> str:
    """A query string in the given order, each value encoded like ``encodeURIComponent``."""
    return "&".join(f"{key}={quote(value, safe=_UNRESERVED)}" for key, value in params)


_UNRESERVED = "-_.!~*'()"


class RateLimiter(RequestBudget):
    """One request start per ``interval`` seconds, shared by every caller of a key.

    Sitewatch's ``RequestBudget`` with a limit of one: callers are served in the order they
    asked (so nonces, taken after the wait, go out in increasing order), and a 429/503 pushes
    every later start back (``defer``).
    """

    def __init__(
        self,
        interval: float = MIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Allow one call per ``interval`` seconds (0 in tests: no spacing)."""
        super().__init__(1, max(interval, NO_SPACING), clock=clock, sleep=sleep)

    @property
    def idle(self) -> bool:
        """Whether a call may go at once (the last one ``interval`` ago, no hold)."""
        return self.free_now() > 0

    async def wait(self) -> None:
        """Return when the next call may go."""
        await self.take()

    def defer(self, seconds: float) -> None:
        """Push the next call at least ``seconds`` into the future (after a 429/503)."""
        self.hold(seconds)


class NonceSource:
    """Strictly increasing nonces: ``max(last + 1, now in seconds)``.

    ``last`` is restored from storage on start and reported through ``on_change`` so it can be
    saved, which keeps the nonce increasing across restarts.
    """

    def __init__(
        self,
        last: int = 0,
        on_change: Callable[[int], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Start after ``last``."""
        self.last = last
        self._on_change = on_change
        self._clock = clock

    def next(self) -> int:
        """The next nonce."""
        self.last = max(self.last + 1, int(self._clock()))
        if self._on_change is not None:
            self._on_change(self.last)
        return self.last
