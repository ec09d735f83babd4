"""Async client for the Camlytics Service REST API (signed requests, 1 request per second).

Pure aiohttp (Home Assistant only through the shared ``bounds``). Wire facts:
``docs/providers/camlytics.md``. Every item of an answer is typed and bounded when it is built
(``Location.from_api`` and the like); an item that cannot be used is dropped with a short, fixed
reason, counted in ``CamlyticsClient.dropped``, and the rest of the answer is kept.
Every call carries ``X-Key`` (public key) and ``X-Sign``: the hex HMAC-SHA512, keyed with the
secret key, of the request URI exactly as sent (path plus query; ``since``/``until`` values
percent-encoded as ``encodeURIComponent`` does). Each URI carries a ``nonce`` that must be
greater than the previous one for the key. The service allows one request per second and
answers 429 or 503 beyond that; every request of a client goes through one limiter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
import hashlib
import hmac
import logging
import math
import time
from typing import Any, Final
from urllib.parse import quote

import aiohttp
from yarl import URL

from ...bounds import MAX_STATE_TEXT, bounded_int, bounded_text, parse_time as bounds_parse_time

_LOGGER = logging.getLogger(__name__)

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


class InvalidItem(CamlyticsError):
    """One item of an answer or a webhook body cannot be used; the message is a short, fixed reason.

    The reason never quotes the item (it is counted and logged as it is).
    """


MAX_ID_LENGTH: Final = 128
"""Longest identifier (record, channel, trigger id) taken; a longer one drops its item."""
MAX_NAME_LENGTH: Final = MAX_STATE_TEXT
"""Names and types are cut to 255 characters (they name devices and fill attributes)."""
MAX_COUNT: Final = 10**9
"""Largest count of a trigger total taken (far above a day of crossings)."""
MAX_INT64: Final = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Location:
    """A location (``GET /locations``); ``timezone_offset`` like ``+01:00``."""

    id: int
    name: str
    timezone_offset: str | None = None

    @classmethod
    def from_api(cls, item: object) -> Location:
        """Build from a ``/locations`` item; raises InvalidItem without a numeric id."""
        if not isinstance(item, dict):
            raise InvalidItem("location is not an object")
        if (location_id := as_int(item.get("id"))) is None:
            raise InvalidItem("location without a valid id")
        return cls(
            id=location_id,
            name=_name(item.get("name")) or str(location_id),
            timezone_offset=bounded_text(item.get("timezone_offset"), 16),
        )


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel, i.e. a camera (``GET /channels``)."""

    id: str
    name: str
    location_id: int | None
    active: bool = True

    @classmethod
    def from_api(cls, item: object) -> Channel:
        """Build from a ``/channels`` item; raises InvalidItem without a valid id."""
        if not isinstance(item, dict):
            raise InvalidItem("channel is not an object")
        if (channel_id := ident(item.get("id"))) is None:
            raise InvalidItem("channel without a valid id")
        return cls(
            id=channel_id,
            name=_name(item.get("name")) or channel_id,
            location_id=as_int(item.get("location_id")),
            active=item.get("active", 1) not in (0, False, "0", None),
        )


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger (``GET /triggers``): a line or region, for example ``Enter``."""

    id: str
    name: str
    type: str | None
    channel_id: str | None
    location_id: int | None

    @classmethod
    def from_api(cls, item: object) -> Trigger:
        """Build from a ``/triggers`` item; raises InvalidItem without a valid id."""
        if not isinstance(item, dict):
            raise InvalidItem("trigger is not an object")
        if (trigger_id := ident(item.get("id"))) is None:
            raise InvalidItem("trigger without a valid id")
        return cls(
            id=trigger_id,
            name=_name(item.get("name")) or trigger_id,
            type=_name(item.get("type")),
            channel_id=ident(item.get("channel_id")),
            location_id=as_int(item.get("location_id")),
        )


@dataclass(frozen=True, slots=True)
class TriggerTotal:
    """Events counted for one trigger (``GET /totals/triggers``).

    ``count`` is None when the answer's count is not an integer in [0, 10⁹].
    """

    trigger_id: str
    trigger_name: str | None
    count: int | None
    channel_id: str | None
    location_id: int | None

    @classmethod
    def from_api(cls, item: object) -> TriggerTotal:
        """Build from a ``/totals/triggers`` item; raises InvalidItem without a trigger id."""
        if not isinstance(item, dict):
            raise InvalidItem("total is not an object")
        if (trigger_id := ident(item.get("trigger_id"))) is None:
            raise InvalidItem("total without a valid trigger id")
        count = item.get("count")
        if isinstance(count, str) and len(count) <= 12:
            count = as_int(count)
        return cls(
            trigger_id=trigger_id,
            trigger_name=_name(item.get("trigger_name")),
            count=bounded_int(count, minimum=0, maximum=MAX_COUNT),
            channel_id=ident(item.get("channel_id")),
            location_id=as_int(item.get("location_id")),
        )


@dataclass(frozen=True, slots=True)
class Event:
    """An analytic event (``GET /events`` and the event webhooks), every field typed and bounded.

    ``record_id`` identifies the event in both sources (the webhook's ``id`` is null): an
    integer in [0, 2⁶³) or an identifier of at most 128 characters. Texts are at most 255
    characters; ``event_time`` is a sane UTC time (2000 to now plus a day) or None.
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
    def from_api(cls, item: object) -> Event:
        """Build from an API or webhook object; raises InvalidItem without a valid record id."""
        if not isinstance(item, dict):
            raise InvalidItem("event is not an object")
        raw_id = item.get("record_id")
        if raw_id is None:
            raw_id = item.get("id")
        record_id: int | str | None = bounded_int(raw_id, minimum=0, maximum=MAX_INT64)
        if record_id is None and not isinstance(raw_id, (int, float)):
            record_id = ident(raw_id)
        if record_id is None:
            raise InvalidItem("event without a valid record id")
        return cls(
            record_id=record_id,
            event_type=_name(item.get("event_type")) or _name(item.get("rule_name")) or "unknown",
            channel_id=ident(item.get("channel_id")),
            location_id=as_int(item.get("location_id")),
            event_time=parse_time(item.get("event_time")),
            trigger_id=ident(item.get("trigger_id")),
            origin=_name(item.get("origin")),
            suborigin=_name(item.get("suborigin")),
            age_range=_name(item.get("age_range")),
            gender=_name(item.get("gender")),
            object_id=bounded_int(item.get("object_id"), minimum=0, maximum=MAX_INT64),
        )


def parse_time(value: object) -> datetime | None:
    """An event time: ISO 8601 with offset (API) or ``YYYY-MM-DD HH:MM:SS.fff`` in UTC (webhook).

    Returns a UTC time between 2000 and now plus a day (``bounds.parse_time``), else None.
    """
    return bounds_parse_time(value)


def ident(value: object) -> str | None:
    """An identifier as text: a string of 1-128 printable characters, or an integer (as text).

    Returns None for anything else (a longer or empty string, control characters, a bool, a
    float, a nested value): an identifier is never cut, so two ids cannot become one.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if -MAX_INT64 <= value <= MAX_INT64 else None
    if isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH and value.isprintable():
        return value if value.strip() else None
    return None


def _name(value: object) -> str | None:
    """A name or type: bounded text of at most 255 characters, or None."""
    return bounded_text(value, MAX_NAME_LENGTH)


def as_int(value: object) -> int | None:
    """A 64-bit integer from an int or a short decimal string; None otherwise (bools too)."""
    if isinstance(value, str):
        if not 0 < len(value) <= 20:
            return None
        try:
            value = int(value.strip(), 10)
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if -MAX_INT64 <= value <= MAX_INT64 else None


def parse_items[T](result: list[Any], build: Callable[[object], T]) -> tuple[list[T], list[str]]:
    """Build every item of an answer's ``result``: the items, and a reason per item dropped."""
    items: list[T] = []
    dropped: list[str] = []
    for raw in result:
        try:
            items.append(build(raw))
        except InvalidItem as err:
            dropped.append(str(err))
    return items, dropped


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
