"""Async client for the FaceSpace recognition-log API (the ``facespace`` 0.1.x client's contract).

Pure aiohttp on the shared ``http.HttpClient`` and ``bounds``, no Home Assistant import (every
value is typed and bounded here, before it reaches the coordinator). Wire facts:
``docs/providers/facespace.md``.
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

from ...bounds import MAX_ATTRIBUTE_ITEMS, sane_time, state_text
from ...http import HttpClient

DEFAULT_BASE_URL: Final = "https://visionapi.automa.one/facespace"
DEFAULT_TIMEOUT: Final = 15.0
ATTEMPTS: Final = 3
BACKOFF: Final = 1.0
LINE_TIME_FORMAT: Final = "%H:%M:%S %d/%m/%y"
QUERY_TIME_FORMAT: Final = "%H:%M %d/%m/%y"
QUERY_DATE_FORMAT: Final = "%d/%m/%y"
SEPARATOR: Final = " @ "
MAX_CAMERA_NAME: Final = 100
"""Longest camera name taken (it names a device and is part of unique ids); longer is dropped."""
MAX_SHOWN: Final = 200
"""Longest part of a line or camera name shown in an error or a log message."""


class FaceSpaceError(Exception):
    """Base class of every error the FaceSpace client raises."""


class FaceSpaceApiKeyError(FaceSpaceError):
    """The API key is missing or was refused (HTTP 401/403)."""


class FaceSpaceConnectionError(FaceSpaceError):
    """The service could not be reached, timed out, or kept failing (429/5xx) after retries."""


class FaceSpaceGoneError(FaceSpaceError):
    """The service answered that it no longer exists (HTTP 410 Gone); retrying will not help."""


class FaceSpaceDateError(FaceSpaceError):
    """A time could not be parsed: a log line's time, or a time the service refused (400)."""


class FaceSpaceUsageError(FaceSpaceError):
    """The call itself is wrong, for example an end before the start."""


class LogParseError(FaceSpaceDateError):
    """One log line (or one camera's entry) of a logs answer that cannot be used.

    Attributes:
        camera: the camera whose log held the line (cut to ``MAX_SHOWN`` characters).
        line: the line itself, cut to ``MAX_SHOWN`` characters (``<type>`` when not text).
        reason: a short fixed reason (one of ``DROP_REASONS``), for drop counters.
    """

    def __init__(self, camera: object, line: object, reason: str = "log line is malformed") -> None:
        """Name the camera, the line and the reason, each bounded."""
        self.camera = _shown(camera)
        self.line = _shown(line)
        self.reason = reason
        super().__init__(
            f"Unusable FaceSpace log line on {_shown(repr(self.camera))}: "
            f"{_shown(repr(self.line))} ({reason})"
        )


REASON_NOT_TEXT: Final = "log line is not text"
REASON_MALFORMED: Final = "log line is malformed"
REASON_NO_NAME: Final = "log line has no name"
REASON_BAD_TIME: Final = "log line time is malformed"
REASON_TIME_OUT_OF_RANGE: Final = "log line time is out of range"
REASON_BAD_CAMERA: Final = "camera name is unusable"
REASON_NOT_A_LIST: Final = "camera entry is not a list"
REASON_NAMES_NOT_TEXT: Final = "real-time names are not text"
DROP_REASONS: Final = frozenset(
    {
        REASON_NOT_TEXT,
        REASON_MALFORMED,
        REASON_NO_NAME,
        REASON_BAD_TIME,
        REASON_TIME_OUT_OF_RANGE,
        REASON_BAD_CAMERA,
        REASON_NOT_A_LIST,
        REASON_NAMES_NOT_TEXT,
    }
)
"""Every reason a line or a camera entry of a logs or real-time answer is dropped for."""


def _shown(value: object) -> str:
    """A value as shown in an error: text cut to ``MAX_SHOWN`` characters, else ``<type>``."""
    if isinstance(value, str):
        return value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 1] + "…"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**18:
        return str(value)
    return f"<{type(value).__name__}>"


def camera_name(value: object) -> str | None:
    """A camera name as it keys devices: 1 to ``MAX_CAMERA_NAME`` characters of text, else None.

    The name is kept as sent (it is part of unique ids), so it is refused rather than cleaned
    when it holds control characters, is blank, is too long or cannot be encoded (a lone
    surrogate). Integer keys (possible in a parsed answer, never in JSON) become text.
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**18:
        value = str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_CAMERA_NAME:
        return None
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


@dataclass(frozen=True, slots=True, order=True)
class Recognition:
    """One log line: ``name`` seen on ``camera`` at ``time``.

    ``time`` is UTC, seconds precision, between 2000 and a day after the moment it was parsed;
    ``name`` is at most 255 characters (a state), ``camera`` at most ``MAX_CAMERA_NAME``.
    """

    time: datetime
    camera: str
    name: str

    @property
    def key(self) -> str:
        """Identifies the line (camera, name and time) for de-duplication."""
        return f"{self.camera}|{self.name}|{self.time.isoformat()}"


@dataclass(frozen=True, slots=True)
class LogsResult:
    """Parsed logs: recognitions per camera in time order, and the lines that could not be used."""

    recognitions: dict[str, list[Recognition]]
    errors: list[LogParseError]

    def all(self) -> list[Recognition]:
        """Every recognition of every camera, in time order."""
        return sorted(r for entries in self.recognitions.values() for r in entries)


def parse_line(camera: object, line: object, *, now: datetime | None = None) -> Recognition:
    """Parse ``Name @ HH:MM:SS DD/MM/YY`` (day first, UTC) into a typed, bounded recognition.

    The name is cleaned and cut to 255 characters (``bounds.state_text``); the time must be
    sane (``bounds.sane_time``: from 2000 to ``now`` plus a day, so ``01/01/68``, read as 2068,
    is refused).

    Raises:
        LogParseError: the line cannot be used; its ``reason`` says why (``DROP_REASONS``).
    """
    name_of_camera = camera_name(camera)
    if name_of_camera is None:
        raise LogParseError(camera, line, REASON_BAD_CAMERA)
    if not isinstance(line, str):
        raise LogParseError(camera, line, REASON_NOT_TEXT)
    if SEPARATOR not in line:
        raise LogParseError(camera, line, REASON_MALFORMED)
    raw_name, _, when = line.rpartition(SEPARATOR)
    when = when.strip()
    if len(when) > len("00:00:00 00/00/00") or not when.isascii():
        raise LogParseError(camera, line, REASON_BAD_TIME)
    try:
        moment = datetime.strptime(when, LINE_TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise LogParseError(camera, line, REASON_BAD_TIME) from None
    name = state_text(raw_name)
    if name is None:
        raise LogParseError(camera, line, REASON_NO_NAME)
    sane = sane_time(moment, now=now)
    if sane is None:
        raise LogParseError(camera, line, REASON_TIME_OUT_OF_RANGE)
    return Recognition(time=sane, camera=name_of_camera, name=name)


def parse_logs(payload: object, *, now: datetime | None = None) -> LogsResult:
    """Parse a logs answer (or a pushed logs body); a bad line or camera entry loses only itself.

    Every line goes through ``parse_line``; a camera whose name is unusable or whose entry is not
    a list becomes one error per line (one error when it is not a list).

    Raises:
        FaceSpaceUsageError: the payload is not an object of camera → list of lines.
    """
    if not isinstance(payload, dict):
        raise FaceSpaceUsageError("Expected an object of cameras")
    recognitions: dict[str, list[Recognition]] = {}
    errors: list[LogParseError] = []
    for camera, lines in payload.items():
        if not isinstance(lines, list):
            errors.append(LogParseError(camera, lines, REASON_NOT_A_LIST))
            continue
        name = camera_name(camera)
        if name is None:
            errors.extend(LogParseError(camera, line, REASON_BAD_CAMERA) for line in lines)
            continue
        entries = recognitions.setdefault(name, [])
        for line in lines:
            try:
                entries.append(parse_line(name, line, now=now))
            except LogParseError as err:
                errors.append(err)
        entries.sort()
    return LogsResult(recognitions, errors)


@dataclass(frozen=True, slots=True)
class Presence:
    """Who one camera sees now: how many names, and the first ``MAX_ATTRIBUTE_ITEMS`` of them."""

    count: int
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RealtimeResult:
    """A parsed real-time answer: presence per usable camera, and a reason per camera dropped."""

    cameras: dict[str, Presence]
    errors: list[str]


def parse_realtime(payload: object) -> RealtimeResult | None:
    """Parse a real-time answer ``{camera: [names]}``; None for the stop signal (no camera runs).

    A camera whose name is unusable, whose entry is not a list or whose list holds anything but
    text is dropped (its reason in ``errors``); names are cleaned and cut to 255 characters, at
    most ``MAX_ATTRIBUTE_ITEMS`` kept (``count`` counts them all).

    Raises:
        FaceSpaceUsageError: the payload is not an object.
    """
    if not isinstance(payload, dict):
        raise FaceSpaceUsageError("Expected an object of cameras")
    if "stop" in payload and not isinstance(payload["stop"], list):
        return None
    cameras: dict[str, Presence] = {}
    errors: list[str] = []
    for camera, names in payload.items():
        name = camera_name(camera)
        if name is None:
            errors.append(REASON_BAD_CAMERA)
        elif not isinstance(names, list):
            errors.append(REASON_NOT_A_LIST)
        elif not all(isinstance(person, str) for person in names):
            errors.append(REASON_NAMES_NOT_TEXT)
        else:
            kept = [text for person in names if (text := state_text(person)) is not None]
            cameras[name] = Presence(len(kept), tuple(kept[:MAX_ATTRIBUTE_ITEMS]))
    return RealtimeResult(cameras, errors)


@dataclass(frozen=True, slots=True)
class InView:
    """A pushed real-time body: who each camera sees now (None: no camera is running)."""

    cameras: dict[str, Presence] | None


def _is_logs_body(payload: Mapping[Any, Any]) -> bool:
    """Whether a pushed body carries log lines: some list item is text with the `` @ ``."""
    return any(
        isinstance(line, str) and SEPARATOR in line
        for lines in payload.values()
        if isinstance(lines, list)
        for line in lines
    )


def parse_push(payload: object) -> LogsResult | RealtimeResult | None:
    """Parse a body the ``facespace`` client forwards: a logs answer or a real-time answer.

    A body with some ``Name @ time`` line is a logs body (``parse_logs``); any other object is
    a real-time body (``parse_realtime``; None for the stop signal).

    Raises:
        FaceSpaceUsageError: the payload is not an object.
    """
    if not isinstance(payload, dict):
        raise FaceSpaceUsageError("Expected an object of cameras")
    return parse_logs(payload) if _is_logs_body(payload) else parse_realtime(payload)


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


class FaceSpaceClient(HttpClient):
    """Client of one FaceSpace API key.

    Args:
        session: the aiohttp session to use (Home Assistant's shared one); never closed here.
        api_key: sent as ``x-api-key``.
        base_url: the API root, ``https://visionapi.automa.one/facespace`` by default.
        sleep: how to wait between retries (tests pass a fake).

    Every call raises ``FaceSpaceApiKeyError``, ``FaceSpaceConnectionError``,
    ``FaceSpaceDateError`` or ``FaceSpaceUsageError``.
    """

    service = "FaceSpace"
    auth_error = FaceSpaceApiKeyError
    connection_error = FaceSpaceConnectionError  # retried (``_get``), as 429 and 5xx
    api_error = FaceSpaceUsageError

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
        super().__init__(session, base_url=base_url, request_timeout=request_timeout)
        self._api_key = api_key
        self._sleep = sleep

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

    async def realtime(self) -> RealtimeResult | None:
        """The names each camera sees now (``GET /recognition``); None when no camera runs.

        Raises:
            FaceSpaceUsageError: the answer is not an object (besides the errors of every call).
        """
        return parse_realtime(await self._get("recognition", {}))

    async def _get(self, path: str, params: Mapping[str, str]) -> Any:
        """GET with retries on 429/5xx and connection errors (3 tries, backoff 1 s, 2 s)."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._request(path, params)
            except (_Retryable, FaceSpaceConnectionError) as err:
                if attempt == ATTEMPTS:
                    raise FaceSpaceConnectionError(str(err)) from None
                await self._sleep(BACKOFF * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _request(self, path: str, params: Mapping[str, str]) -> Any:
        async with self._response(
            "GET",
            URL(f"{self.base_url}/{path}"),
            where=f"/{path}",
            params=params,
            headers={"x-api-key": self._api_key, "Accept": "application/json"},
        ) as response:
            try:
                body = await response.json(content_type=None)
            except (ValueError, RecursionError):
                body = None
            message = body.get("error") if isinstance(body, dict) else None
            if response.status in (401, 403):
                raise FaceSpaceApiKeyError(f"FaceSpace refused the API key: {message}")
            if response.status == 429 or response.status >= 500:
                raise _Retryable(f"FaceSpace answered HTTP {response.status}: {message}")
            if response.status == 410:
                raise FaceSpaceGoneError("FaceSpace answered HTTP 410: the service is gone")
            if response.status == 400:
                raise FaceSpaceDateError(f"FaceSpace refused the request: {message}")
            if response.status >= 400:
                raise FaceSpaceUsageError(f"FaceSpace answered HTTP {response.status}: {message}")
            if body is None:
                raise FaceSpaceUsageError(f"Malformed JSON from /{path}")
            if message is not None:
                raise FaceSpaceUsageError(f"FaceSpace error: {message}")
            return body


class _Retryable(Exception):
    """Internal: a failure worth another try."""
