"""Async client of the Camlytics Service REST API (signed requests, 1 request per second).

Pure aiohttp on the shared ``http.HttpClient`` (no Home Assistant import). Wire facts:
``docs/providers/camlytics.md``. An item of an answer that cannot be used is dropped with a
short, fixed reason, counted in ``CamlyticsClient.dropped``, and the rest of the answer is kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
import logging
import math
from typing import Any, Final

import aiohttp
from yarl import URL

from ....bounds import bounded_text
from ....http import HttpClient
from .exceptions import (
    CamlyticsApiError,
    CamlyticsAuthenticationError,
    CamlyticsConnectionError,
    CamlyticsError,
    CamlyticsRateLimitError,
)
from .feeds import FEED_PATH, feed_value
from .models import (
    Channel,
    Event,
    Histogram,
    Location,
    Trigger,
    TriggerTotal,
    TypeTotal,
    as_int,
    parse_items,
)
from .signing import MIN_INTERVAL, NonceSource, RateLimiter, encode_query, sign

_LOGGER = logging.getLogger(__name__)

DEFAULT_BASE_URL: Final = "https://cloud.camlytics.com/service/api/v1"
DEFAULT_TIMEOUT: Final = 15.0
RATE_LIMIT_RETRIES: Final = 3


class CamlyticsClient(HttpClient):
    """Client of one Camlytics API key pair.

    Args:
        session: the aiohttp session to use (Home Assistant's shared one); never closed here.
        public_key: the public API key (``X-Key``).
        secret_key: the secret API key; only ever used to sign, never sent.
        base_url: API root, ``https://cloud.camlytics.com/service/api/v1`` by default.
        nonces: where nonces come from (keep one per key, persisted).
        limiter: spaces the requests one second apart (share one per key).
        sleep: how to wait before a retry after 429/503 (tests pass a fake).

    Every call raises ``CamlyticsAuthenticationError``, ``CamlyticsConnectionError``,
    ``CamlyticsRateLimitError`` or ``CamlyticsApiError``.
    """

    service = "Camlytics"
    auth_error = CamlyticsAuthenticationError
    connection_error = CamlyticsConnectionError
    api_error = CamlyticsApiError

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        public_key: str,
        secret_key: str,
        base_url: str = DEFAULT_BASE_URL,
        nonces: NonceSource | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        request_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Keep the keys; no request is made until the first call."""
        super().__init__(session, base_url=base_url, request_timeout=request_timeout)
        self._public_key = public_key
        self._secret_key = secret_key
        self._origin = str(self._base_url.origin())
        self._base_path = self._base_url.path.rstrip("/")
        self.nonces = nonces or NonceSource()
        self.limiter = limiter or RateLimiter()
        self._sleep = sleep
        self.dropped: dict[str, int] = {}
        """``"<endpoint>: <reason>"`` → items of answers dropped for it (a fixed, small set)."""

    async def locations(self) -> list[Location]:
        """Every location (``GET /locations``); items without a numeric id are dropped."""
        return self._build("locations", await self._get("locations"), Location.from_api)

    async def channels(self, location_id: int | None = None) -> list[Channel]:
        """The channels, of one location or all (``GET /channels``)."""
        params = [("location_id", str(location_id))] if location_id is not None else []
        return self._build("channels", await self._get("channels", params), Channel.from_api)

    async def triggers(self, location_id: int | None = None) -> list[Trigger]:
        """The triggers, of one location or all (``GET /triggers``)."""
        params = [("location_id", str(location_id))] if location_id is not None else []
        return self._build("triggers", await self._get("triggers", params), Trigger.from_api)

    async def events(
        self,
        location_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Event]:
        """Analytic events (``GET /events``), optionally of one location and time range."""
        return (await self.events_page(location_id, since, until))[0]

    async def events_page(
        self,
        location_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> tuple[list[Event], int]:
        """Like ``events``, with how many items the answer held (dropped ones included).

        The service answers the oldest events of the range first, at most a page of them; a
        full page means more may follow after its last ``event_time``.
        """
        result = await self._get("events", self._range(location_id, since, until))
        return self._build("events", result, Event.from_api), len(result)

    async def trigger_totals(
        self,
        location_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[TriggerTotal]:
        """Events counted per trigger (``GET /totals/triggers``)."""
        result = await self._get("totals/triggers", self._range(location_id, since, until))
        return self._build("totals/triggers", result, TriggerTotal.from_api)

    async def type_totals(
        self,
        location_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[TypeTotal]:
        """Events counted per type and channel (``GET /totals/types``); unusable items dropped."""
        result = await self._get("totals/types", self._range(location_id, since, until))
        return self._build("totals/types", result, TypeTotal.from_api)

    async def histograms(
        self,
        location_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Histogram]:
        """Hourly histograms per trigger (``GET /histograms``); unusable items dropped."""
        result = await self._get("histograms", self._range(location_id, since, until))
        return self._build("histograms", result, Histogram.from_api)

    async def report_feed(self, feed_id: str) -> float | None:
        """The current count of a published report (``GET /feed/report/<feed_id>``).

        Sent unsigned (a feed needs no key) to the service's host, through the key's limiter
        all the same, so the feeds fit in the key's one request per second. None when the
        answer holds no usable number (``feeds.feed_value``). The feed id is a secret: no
        message names it.

        Raises:
            CamlyticsConnectionError: the feed could not be reached or timed out.
            CamlyticsRateLimitError: the service answered 429/503.
            CamlyticsApiError: any other error status, or an answer that is not JSON.
        """
        await self.limiter.wait()
        url = URL(self._origin + FEED_PATH + feed_id, encoded=True)
        try:
            async with self._response(
                "GET", url, where="report feed", headers={"Accept": "application/json"}
            ) as response:
                if response.status in (429, 503):
                    self.limiter.defer(_retry_after(response.headers.get("Retry-After")))
                    raise CamlyticsRateLimitError("Camlytics rate limited a report feed")
                if response.status >= 400:
                    raise CamlyticsApiError(
                        f"Camlytics answered HTTP {response.status} for a report feed",
                        response.status,
                    )
                try:
                    body = await response.json(content_type=None)
                except ValueError as err:
                    raise CamlyticsApiError("Malformed JSON from a Camlytics report feed") from err
        except CamlyticsConnectionError:
            raise CamlyticsConnectionError("Cannot read a Camlytics report feed") from None
        return feed_value(body)

    def _build[T](self, endpoint: str, result: list[Any], build: Callable[[object], T]) -> list[T]:
        """The answer's items that can be used; the others counted and logged once per reason."""
        items, dropped = parse_items(result, build)
        for reason in dropped:
            key = f"{endpoint}: {reason}"
            count = self.dropped.get(key, 0)
            self.dropped[key] = count + 1
            _LOGGER.log(
                logging.DEBUG if count else logging.WARNING,
                "Camlytics /%s: skipped an item (%s)",
                endpoint,
                reason,
            )
        return items

    @staticmethod
    def _range(
        location_id: int | None, since: datetime | None, until: datetime | None
    ) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = []
        if location_id is not None:
            params.append(("location_id", str(location_id)))
        if since is not None:
            params.append(("since", since.isoformat(timespec="milliseconds")))
        if until is not None:
            params.append(("until", until.isoformat(timespec="milliseconds")))
        return params

    async def _get(self, endpoint: str, params: list[tuple[str, str]] | None = None) -> list[Any]:
        """A signed GET through the limiter; retries after 429/503 (Retry-After) a few times."""
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            await self.limiter.wait()
            # Sorted by name, as in the vendor's signing example (docs/providers/camlytics.md).
            query = sorted([*(params or []), ("nonce", str(self.nonces.next()))])
            uri = f"{self._base_path}/{endpoint}?{encode_query(query)}"
            try:
                return await self._send(uri)
            except _Throttled as throttled:
                self.limiter.defer(throttled.retry_after)
                if attempt == RATE_LIMIT_RETRIES:
                    break
                await self._sleep(throttled.retry_after)
        raise CamlyticsRateLimitError(f"Camlytics kept rate limiting /{endpoint}")

    async def _send(self, uri: str) -> list[Any]:
        headers = {
            "X-Key": self._public_key,
            "X-Sign": sign(self._secret_key, uri),
            "Accept": "application/json",
        }
        url = URL(self._origin + uri, encoded=True)
        async with self._response("GET", url, headers=headers) as response:
            if response.status in (429, 503):
                raise _Throttled(_retry_after(response.headers.get("Retry-After")))
            try:
                body = await response.json(content_type=None)
            except ValueError as err:
                if response.status >= 400:
                    raise self._status_error(response.status, None) from err
                raise CamlyticsApiError("Malformed JSON from Camlytics") from err
            if response.status >= 400:
                raise self._status_error(response.status, body)
        if not isinstance(body, dict):
            raise CamlyticsApiError("Expected a JSON object from Camlytics")
        code = as_int(body.get("code"))
        if code not in (0, None):
            raise CamlyticsApiError(f"Camlytics error {code}: {_message(body)}", code)
        result = body.get("result")
        if not isinstance(result, list):
            raise CamlyticsApiError("Expected a list in 'result'")
        return result

    @staticmethod
    def _status_error(status: int, body: Any) -> CamlyticsError:
        message = _message(body)
        if status in (401, 403):
            return CamlyticsAuthenticationError(
                f"Camlytics refused the keys (HTTP {status}: {message or 'no message'})"
            )
        code = as_int(body.get("code")) if isinstance(body, dict) else None
        return CamlyticsApiError(f"Camlytics answered HTTP {status}: {message}", code or status)


class _Throttled(Exception):
    """Internal: the service answered 429/503."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _retry_after(header: str | None) -> float:
    """Seconds from ``Retry-After`` (2 when absent or not a number)."""
    try:
        seconds = float(header) if header is not None else 2.0
    except ValueError:
        return 2.0
    return min(max(seconds, MIN_INTERVAL), 60.0) if math.isfinite(seconds) else 2.0


def _message(body: object) -> str | None:
    """The envelope's ``msg``, bounded to 200 characters (it ends up in log lines)."""
    return bounded_text(body.get("msg"), 200) if isinstance(body, dict) else None
