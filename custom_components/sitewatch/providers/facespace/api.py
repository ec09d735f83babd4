"""Async client for the FaceSpace recognition-log API (the ``facespace`` 0.1.x client's contract).

Pure aiohttp, no Home Assistant imports. Wire facts: ``docs/providers/facespace.md``.
``GET {base}/logs`` answers ``{camera: ["Name @ HH:MM:SS DD/MM/YY", ...]}`` (UTC, day first) and
takes ``start_time``/``end_time`` as ``%H:%M %d/%m/%y`` or ``%d/%m/%y`` (a whole day) and
``camera_id``; ``GET {base}/recognition`` answers ``{camera: [names in view]}`` or
``{"stop": ...}`` when no camera runs. Every call carries ``x-api-key``. 429 and 5xx are retried
with backoff (3 tries in all).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import aiohttp
from yarl import URL

DEFAULT_BASE_URL: Final = "https://visionapi.automa.one/facespace"
DEFAULT_TIMEOUT: Final = 15.0
ATTEMPTS: Final = 3
BACKOFF: Final = 1.0
LINE_TIME_FORMAT: Final = "%H:%M:%S %d/%m/%y"
QUERY_TIME_FORMAT: Final = "%H:%M %d/%m/%y"
QUERY_DATE_FORMAT: Final = "%d/%m/%y"
SEPARATOR: Final = " @ "


class FaceSpaceError(Exception):
    """Base class of every error the FaceSpace client raises."""


class FaceSpaceApiKeyError(FaceSpaceError):
    """The API key is missing or was refused (HTTP 401/403)."""


class FaceSpaceConnectionError(FaceSpaceError):
    """The service could not be reached, timed out, or kept failing (429/5xx) after retries."""


class FaceSpaceDateError(FaceSpaceError):
    """A time could not be parsed: a log line's time, or a time the service refused (400)."""


class FaceSpaceUsageError(FaceSpaceError):
    """The call itself is wrong, for example an end before the start."""


class LogParseError(FaceSpaceDateError):
    """One log line is not ``Name @ HH:MM:SS DD/MM/YY``.

    Attributes:
        camera: the camera whose log held the line.
        line: the line itself.
    """

    def __init__(self, camera: str, line: str) -> None:
        """Name the camera and the line."""
        super().__init__(f"Malformed FaceSpace log line on {camera}: {line!r}")
        self.camera = camera
        self.line = line


@dataclass(frozen=True, slots=True, order=True)
class Recognition:
    """One log line: ``name`` seen on ``camera`` at ``time`` (UTC, seconds precision)."""

    time: datetime
    camera: str
    name: str

    @property
    def key(self) -> str:
        """Identifies the line (camera, name and time) for de-duplication."""
        return f"{self.camera}|{self.name}|{self.time.isoformat()}"


@dataclass(frozen=True, slots=True)
class LogsResult:
    """Parsed logs: recognitions per camera in time order, and the lines that did not parse."""

    recognitions: dict[str, list[Recognition]]
    errors: list[LogParseError]

    def all(self) -> list[Recognition]:
        """Every recognition of every camera, in time order."""
        return sorted(r for entries in self.recognitions.values() for r in entries)


def parse_line(camera: str, line: Any) -> Recognition:
    """Parse ``Name @ HH:MM:SS DD/MM/YY`` (day first, UTC); raises LogParseError."""
    if not isinstance(line, str) or SEPARATOR not in line:
        raise LogParseError(camera, str(line))
    name, _, when = line.rpartition(SEPARATOR)
    try:
        moment = datetime.strptime(when.strip(), LINE_TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise LogParseError(camera, line) from None
    if not name.strip():
        raise LogParseError(camera, line)
    return Recognition(time=moment, camera=camera, name=name.strip())


def parse_logs(payload: Any) -> LogsResult:
    """Parse a logs answer (or a pushed logs body); one bad line does not lose the others.

    Raises:
        FaceSpaceUsageError: the payload is not an object of camera → list of lines.
    """
    if not isinstance(payload, dict):
        raise FaceSpaceUsageError("Expected an object of cameras")
    recognitions: dict[str, list[Recognition]] = {}
    errors: list[LogParseError] = []
    for camera, lines in payload.items():
        if not isinstance(lines, list):
            raise FaceSpaceUsageError(f"Expected a list of log lines for {camera}")
        entries = recognitions.setdefault(str(camera), [])
        for line in lines:
            try:
                entries.append(parse_line(str(camera), line))
            except LogParseError as err:
                errors.append(err)
        entries.sort()
    return LogsResult(recognitions, errors)


def format_bound(value: datetime | date) -> str:
    """A query bound: ``%H:%M %d/%m/%y`` in UTC for a datetime, ``%d/%m/%y`` for a date.

    Seconds are dropped (the service works in minutes); a date alone means the whole day.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise FaceSpaceUsageError("Times must be timezone-aware")
        return value.astimezone(UTC).strftime(QUERY_TIME_FORMAT)
    return value.strftime(QUERY_DATE_FORMAT)


def _as_utc_start(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


class FaceSpaceClient:
    """Client of one FaceSpace API key.

    Args:
        session: the aiohttp session to use (Home Assistant's shared one); never closed here.
        api_key: sent as ``x-api-key``.
        base_url: the API root, ``https://visionapi.automa.one/facespace`` by default.
        sleep: how to wait between retries (tests pass a fake).

    Every call raises ``FaceSpaceApiKeyError``, ``FaceSpaceConnectionError``,
    ``FaceSpaceDateError`` or ``FaceSpaceUsageError``.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        request_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Keep the key; no request is made until the first call."""
        self._session = session
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self._sleep = sleep
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self.request_count = 0

    async def get_logs_range(
        self,
        start: datetime | date | None = None,
        end: datetime | date | None = None,
        camera_id: str | None = None,
    ) -> LogsResult:
        """Recognition logs between two bounds (``GET /logs``).

        Args:
            start: first minute (a datetime, seconds dropped) or first day (a date: from its
                start); None means from the oldest entry.
            end: last minute or last day (a date: that whole day); None means up to the newest.
            camera_id: one camera; None means every camera.

        Raises:
            FaceSpaceUsageError: ``end`` is before ``start``, or a naive datetime.
        """
        params: dict[str, str] = {}
        if start is not None:
            params["start_time"] = format_bound(start)
        if end is not None:
            params["end_time"] = format_bound(end)
        if start is not None and end is not None:
            if isinstance(end, datetime):
                too_early = end < _as_utc_start(start)
            else:  # a date means that whole day: up to the next day's start
                too_early = _as_utc_start(end) + timedelta(days=1) <= _as_utc_start(start)
            if too_early:
                raise FaceSpaceUsageError("The end is before the start")
        if camera_id:
            params["camera_id"] = camera_id
        return parse_logs(await self._get("logs", params))

    async def realtime(self) -> dict[str, list[str]] | None:
        """The names each camera sees now (``GET /recognition``); None when no camera runs."""
        payload = await self._get("recognition", {})
        if not isinstance(payload, dict):
            raise FaceSpaceUsageError("Expected an object of cameras")
        if "stop" in payload:
            return None
        return {
            str(camera): [str(name) for name in names]
            for camera, names in payload.items()
            if isinstance(names, list)
        }

    async def _get(self, path: str, params: Mapping[str, str]) -> Any:
        """GET with retries on 429/5xx and connection errors (3 tries, backoff 1 s, 2 s)."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._request(path, params)
            except _Retryable as err:
                if attempt == ATTEMPTS:
                    raise FaceSpaceConnectionError(str(err)) from None
                await self._sleep(BACKOFF * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _request(self, path: str, params: Mapping[str, str]) -> Any:
        self.request_count += 1
        try:
            async with self._session.get(
                URL(f"{self.base_url}/{path}"),
                params=params,
                headers={"x-api-key": self._api_key, "Accept": "application/json"},
                timeout=self._timeout,
            ) as response:
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = None
                message = body.get("error") if isinstance(body, dict) else None
                if response.status in (401, 403):
                    raise FaceSpaceApiKeyError(f"FaceSpace refused the API key: {message}")
                if response.status == 429 or response.status >= 500:
                    raise _Retryable(f"FaceSpace answered HTTP {response.status}: {message}")
                if response.status == 400:
                    raise FaceSpaceDateError(f"FaceSpace refused the request: {message}")
                if response.status >= 400:
                    raise FaceSpaceUsageError(
                        f"FaceSpace answered HTTP {response.status}: {message}"
                    )
                if body is None:
                    raise FaceSpaceUsageError(f"Malformed JSON from /{path}")
                if message is not None:
                    raise FaceSpaceUsageError(f"FaceSpace error: {message}")
                return body
        except TimeoutError:
            raise _Retryable(f"Timeout talking to FaceSpace (/{path})") from None
        except aiohttp.ClientError as err:
            raise _Retryable(f"Cannot reach FaceSpace: {err}") from None


class _Retryable(Exception):
    """Internal: a failure worth another try."""
