"""Async client for the Camlytics Service REST API (signed requests, 1 request per second).

Pure aiohttp, no Home Assistant imports. Wire facts: ``docs/providers/camlytics.md``.
Every call carries ``X-Key`` (public key) and ``X-Sign``: the hex HMAC-SHA512, keyed with the
secret key, of the request URI exactly as sent (path plus query; ``since``/``until`` values
percent-encoded as ``encodeURIComponent`` does). Each URI carries a ``nonce`` that must be
greater than the previous one for the key. The service allows one request per second and
answers 429 or 503 beyond that; every request of a client goes through one limiter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
import hashlib
import hmac
import time
from typing import Any, Final
from urllib.parse import quote

import aiohttp
from yarl import URL

DEFAULT_BASE_URL: Final = "https://cloud.camlytics.com/service/api/v1"
DEFAULT_TIMEOUT: Final = 15.0
MIN_INTERVAL: Final = 1.1
"""Seconds between two request starts of one key: the service allows one per second, and the
extra tenth keeps two requests from arriving closer than that when the first was delayed."""
RATE_LIMIT_RETRIES: Final = 3


class CamlyticsError(Exception):
    """Base class of every error the Camlytics client raises."""


class CamlyticsAuthenticationError(CamlyticsError):
    """The keys were refused (HTTP 401/403, or a signature the service rejected)."""


class CamlyticsConnectionError(CamlyticsError):
    """The service could not be reached: connection failure or timeout."""


class CamlyticsRateLimitError(CamlyticsError):
    """The service kept answering 429/503 after the client backed off and retried."""


class CamlyticsApiError(CamlyticsError):
    """An error status, a non-zero ``code`` in the body, or a body of an unexpected shape.

    Attributes:
        code: the body's ``code`` (or the HTTP status when there was no envelope).
    """

    def __init__(self, message: str, code: int | None = None) -> None:
        """Store the message and the error code."""
        super().__init__(message)
        self.code = code


def sign(secret: str, uri: str) -> str:
    """Hex HMAC-SHA512 of ``uri`` keyed with ``secret`` (the ``X-Sign`` header)."""
    return hmac.new(secret.encode(), uri.encode(), hashlib.sha512).hexdigest()


def encode_query(params: list[tuple[str, str]]) -> str:
    """A query string in the given order, each value encoded like ``encodeURIComponent``."""
    return "&".join(f"{key}={quote(value, safe=_UNRESERVED)}" for key, value in params)


_UNRESERVED = "-_.!~*'()"


class RateLimiter:
    """Spaces calls at least ``interval`` seconds apart (shared by every caller of a key)."""

    def __init__(
        self,
        interval: float = MIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Allow one call per ``interval`` seconds."""
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._next = 0.0

    async def wait(self) -> None:
        """Return when the next call may go; callers queue in order."""
        async with self._lock:
            delay = self._next - self._clock()
            if delay > 0:
                await self._sleep(delay)
            self._next = max(self._clock(), self._next) + self._interval

    def defer(self, seconds: float) -> None:
        """Push the next call at least ``seconds`` into the future (after a 429/503)."""
        self._next = max(self._next, self._clock() + seconds)


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


@dataclass(frozen=True, slots=True)
class Location:
    """A location (``GET /locations``); ``timezone_offset`` like ``+01:00``."""

    id: int
    name: str
    timezone_offset: str | None = None


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel, i.e. a camera (``GET /channels``)."""

    id: str
    name: str
    location_id: int | None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger (``GET /triggers``): a line or region, for example ``Enter``."""

    id: str
    name: str
    type: str | None
    channel_id: str | None
    location_id: int | None


@dataclass(frozen=True, slots=True)
class TriggerTotal:
    """Events counted for one trigger (``GET /totals/triggers``)."""

    trigger_id: str
    trigger_name: str | None
    count: int
    channel_id: str | None
    location_id: int | None


@dataclass(frozen=True, slots=True)
class Event:
    """An analytic event (``GET /events`` and the event webhooks).

    ``record_id`` identifies the event in both sources (the webhook's ``id`` is null).
    """

    record_id: int | str
    event_type: str
    channel_id: str | None
    location_id: int | None
    event_time: datetime | None
    trigger_id: str | None = None
    origin: str | None = None
    suborigin: str | None = None
    age_range: str | None = None
    gender: str | None = None
    object_id: int | None = None

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Event:
        """Build from an API or webhook object; raises CamlyticsApiError without an id."""
        record_id = item.get("record_id")
        if record_id is None:
            record_id = item.get("id")
        if record_id is None or isinstance(record_id, (bool, dict, list)):
            raise CamlyticsApiError("event without record_id")
        return cls(
            record_id=record_id,
            event_type=str(item.get("event_type") or item.get("rule_name") or "unknown"),
            channel_id=_text(item.get("channel_id")),
            location_id=as_int(item.get("location_id")),
            event_time=parse_time(item.get("event_time")),
            trigger_id=_text(item.get("trigger_id")),
            origin=_text(item.get("origin")) or None,
            suborigin=_text(item.get("suborigin")) or None,
            age_range=_text(item.get("age_range")) or None,
            gender=_text(item.get("gender")) or None,
            object_id=as_int(item.get("object_id")),
        )


def parse_time(value: Any) -> datetime | None:
    """An event time: ISO 8601 with offset (API) or ``YYYY-MM-DD HH:MM:SS.fff`` in UTC (webhook)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def as_int(value: Any) -> int | None:
    """An integer from an int or a decimal string; None for anything else (bools too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip(), 10)
        except ValueError:
            return None
    return None


class CamlyticsClient:
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
        self._session = session
        self._public_key = public_key
        self._secret_key = secret_key
        base = URL(base_url.rstrip("/"))
        self._origin = str(base.origin())
        self._base_path = base.path.rstrip("/")
        self.base_url = base_url.rstrip("/")
        self.nonces = nonces or NonceSource()
        self.limiter = limiter or RateLimiter()
        self._sleep = sleep
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self.request_count = 0

    async def locations(self) -> list[Location]:
        """Every location (``GET /locations``)."""
        return [
            Location(
                id=_require_int(item, "id"),
                name=str(item.get("name") or item["id"]),
                timezone_offset=_text(item.get("timezone_offset")),
            )
            for item in await self._get("locations")
        ]

    async def channels(self, location_id: int | None = None) -> list[Channel]:
        """The channels, of one location or all (``GET /channels``)."""
        params = [("location_id", str(location_id))] if location_id is not None else []
        return [
            Channel(
                id=_require_text(item, "id"),
                name=str(item.get("name") or item["id"]),
                location_id=as_int(item.get("location_id")),
                active=bool(item.get("active", 1)),
            )
            for item in await self._get("channels", params)
        ]

    async def triggers(self, location_id: int | None = None) -> list[Trigger]:
        """The triggers, of one location or all (``GET /triggers``)."""
        params = [("location_id", str(location_id))] if location_id is not None else []
        return [
            Trigger(
                id=_require_text(item, "id"),
                name=str(item.get("name") or item["id"]),
                type=_text(item.get("type")),
                channel_id=_text(item.get("channel_id")),
                location_id=as_int(item.get("location_id")),
            )
            for item in await self._get("triggers", params)
        ]

    async def events(
        self,
        location_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Event]:
        """Analytic events (``GET /events``), optionally of one location and time range."""
        params = self._range(location_id, since, until)
        return [Event.from_api(item) for item in await self._get("events", params)]

    async def trigger_totals(
        self,
        location_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[TriggerTotal]:
        """Events counted per trigger (``GET /totals/triggers``)."""
        params = self._range(location_id, since, until)
        return [
            TriggerTotal(
                trigger_id=_require_text(item, "trigger_id"),
                trigger_name=_text(item.get("trigger_name")),
                count=as_int(item.get("count")) or 0,
                channel_id=_text(item.get("channel_id")),
                location_id=as_int(item.get("location_id")),
            )
            for item in await self._get("totals/triggers", params)
        ]

    async def type_totals(
        self,
        location_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Events counted per type (``GET /totals/types``), as the API gives them."""
        return await self._get("totals/types", self._range(location_id, since, until))

    async def histograms(
        self,
        location_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Hourly histograms (``GET /histograms``), as the API gives them."""
        return await self._get("histograms", self._range(location_id, since, until))

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
        self.request_count += 1
        try:
            async with self._session.get(
                URL(self._origin + uri, encoded=True), headers=headers, timeout=self._timeout
            ) as response:
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
        except TimeoutError as err:
            raise CamlyticsConnectionError("Timeout talking to Camlytics") from err
        except aiohttp.ClientError as err:
            raise CamlyticsConnectionError(f"Cannot reach Camlytics: {err}") from err
        if not isinstance(body, dict):
            raise CamlyticsApiError("Expected a JSON object from Camlytics")
        code = as_int(body.get("code"))
        if code not in (0, None):
            raise CamlyticsApiError(f"Camlytics error {code}: {body.get('msg')}", code)
        result = body.get("result")
        if not isinstance(result, list):
            raise CamlyticsApiError("Expected a list in 'result'")
        return result

    @staticmethod
    def _status_error(status: int, body: Any) -> CamlyticsError:
        message = body.get("msg") if isinstance(body, dict) else None
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
        return min(max(float(header), MIN_INTERVAL), 60.0) if header is not None else 2.0
    except ValueError:
        return 2.0


def _require_int(item: Any, key: str) -> int:
    value = as_int(item.get(key)) if isinstance(item, dict) else None
    if value is None:
        raise CamlyticsApiError(f"Expected an integer '{key}'")
    return value


def _require_text(item: Any, key: str) -> str:
    value = item.get(key) if isinstance(item, dict) else None
    if value is None or isinstance(value, (dict, list)):
        raise CamlyticsApiError(f"Expected '{key}'")
    return str(value)
