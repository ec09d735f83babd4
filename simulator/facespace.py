"""Simulated FaceSpace (Automa) service: logs and real-time API, plus the client-side pusher.

Wire behaviour follows docs/providers/facespace.md (the ``facespace`` 0.1.x
Python client's contract, release 0.1.2 layout): the API lives under a base
path (``/facespace``), every call carries ``x-api-key``, and errors are
``{"error": "<message>"}`` with a non-200 status.

``GET /facespace/logs`` takes optional ``start_time``, ``end_time`` (each
``%H:%M %d/%m/%y``, minute precision, or ``%d/%m/%y``, a whole day; UTC) and
``camera_id``, and answers ``{"Camera": ["Name @ HH:MM:SS DD/MM/YY", ...]}``
with each camera's lines in time order. Both bounds are inclusive to their
precision: start ``10:05`` includes an entry at 10:05:30, end ``10:05``
includes entries up to 10:05:59, a date-only start is 00:00 of that day and a
date-only end the end of that day. Without a start the answer begins with the
oldest entry, without an end it runs to the newest, without a camera it covers
every camera; cameras without entries in range are left out, so an unknown
camera answers ``{}``. A time in any other format (seconds included) answers
400 ``{"error": "Invalid date format: <value>"}``.

``GET /facespace/recognition`` answers the names each camera sees now,
``{"Camera": ["Alice", ...]}``: a person stays in view for ``presence``
seconds after each recognition, measured on the injected monotonic
``clock``. With no camera active it answers ``{"stop": "No cameras active"}``
(status 200), which the client treats as a stop signal, not an error.

What the FaceSpace client calls its "webhook" is client-side forwarding: it
re-POSTs each answer it got to a URL of the user's choosing with the headers
it sent to FaceSpace (``x-api-key`` included) plus ``additional_headers``.
The simulator plays that client: push targets registered through the test
hooks or admin routes get, after each recognition, either the new log line
(kind "logs": ``{"Camera": ["Name @ ..."]}``) or the whole real-time answer
(kind "realtime": ``{"Camera": [names in view], ...}``). Unlike the real
client (which logs a failed POST and moves on), the pusher retries a non-200
answer with growing delays, then drops the payload; every attempt is
recorded in ``deliveries``.

Log times come from ``wallclock`` (aware UTC); presence from ``clock``. The
pusher and the automatic recognition generator run on the event loop in real
time; the retry base interval is a setting so tests can make it small.
"""

from bisect import insort
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time as dt_time, timedelta
import hmac
import itertools
import json
from pathlib import Path
import random
import re
import time
from typing import Any

from aiohttp import web

from .sender import (
    Admin,
    CountedTarget,
    ErrorMessageApiError,
    SendsWebhooks,
    Ticker,
    WebhookSender,
    admin_wrapper,
    check_sending,
    delivery_routes,
    failure_route,
    headers_field,
    json_object,
    target_routes,
)

BASE_PATH = "/facespace"
LOGS_PATH = f"{BASE_PATH}/logs"
RECOGNITION_PATH = f"{BASE_PATH}/recognition"
KINDS = ("logs", "realtime")
UNKNOWN = "Unknown"
STOP_MESSAGE = "No cameras active"
LINE_FORMAT = "%H:%M:%S %d/%m/%y"
MINUTE_FORMAT = "%H:%M %d/%m/%y"
DAY_FORMAT = "%d/%m/%y"
MAX_LINES = 20_000  # per camera; the oldest go first
MAX_QUEUE = 10_000
MAX_DELIVERIES = 1000
USER_AGENT = "FaceSpace-Simulator/0.1.2"

_MINUTE_RE = re.compile(r"\d{2}:\d{2} \d{2}/\d{2}/\d{2}")
_DAY_RE = re.compile(r"\d{2}/\d{2}/\d{2}")
_LINE_TIME_RE = re.compile(r"\d{2}:\d{2}:\d{2} \d{2}/\d{2}/\d{2}")


@dataclass
class FaceSpaceSettings:
    """Key, cameras, people and behaviour of the simulated FaceSpace service."""

    api_key: str = "demo-facespace"
    cameras: tuple[str, ...] = ("Entrance", "Lobby", "Parking")
    people: tuple[str, ...] = ("Alice", "Bob", "Carol", "Dave")
    recognition_interval: float = 0.0  # seconds between generated recognitions; 0 = off
    unknown_ratio: float = 0.2  # share of generated recognitions named "Unknown"
    presence: float = 5.0  # seconds a person stays in view after a recognition
    active: bool = True  # False: /recognition answers the stop signal
    seed: int = 1
    retry_base: float = 1.0  # first push retry interval in seconds; doubles per attempt
    send_attempts: int = 4  # push POST attempts before a payload is dropped
    send_timeout: float = 10.0  # seconds per push POST

    def __post_init__(self) -> None:
        """Normalise sequences to tuples and reject settings the simulator cannot honour."""
        self.cameras = tuple(self.cameras)
        self.people = tuple(self.people)
        if not self.api_key:
            raise ValueError("api_key must not be empty")
        for camera in self.cameras:
            _check_camera_name(camera)
        if len(set(self.cameras)) != len(self.cameras):
            raise ValueError("camera names must be unique")
        for person in self.people:
            _check_person_name(person)
        if self.recognition_interval < 0:
            raise ValueError("recognition_interval must not be negative")
        if not 0 <= self.unknown_ratio <= 1:
            raise ValueError("unknown_ratio must be between 0 and 1")
        if self.presence < 0:
            raise ValueError("presence must not be negative")
        check_sending(self.retry_base, self.send_attempts, self.send_timeout)


def _check_camera_name(camera: object) -> str:
    if not isinstance(camera, str) or not camera.strip():
        raise ValueError("a camera name must be a non-empty string")
    return camera


def _check_person_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a name must be a non-empty string")
    if " @ " in name or "\n" in name:
        raise ValueError("a name must not contain ' @ ' or a line break")
    return name


class FaceSpaceApiError(ErrorMessageApiError):
    """An API error answer: HTTP status and the ``{"error": ...}`` message."""


def format_line(name: str, moment: datetime) -> str:
    """A log line as FaceSpace writes it: ``Name @ HH:MM:SS DD/MM/YY`` in UTC."""
    return f"{name} @ {_utc(moment).strftime(LINE_FORMAT)}"


def parse_line(line: str) -> tuple[str, datetime] | None:
    """Split a log line into name and aware UTC time; None if it is malformed."""
    name, sep, stamp = line.rpartition(" @ ")
    if not sep or not name or not _LINE_TIME_RE.fullmatch(stamp):
        return None
    try:
        return name, datetime.strptime(stamp, LINE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def parse_bound(raw: str, *, end: bool) -> datetime:
    """Parse a ``start_time``/``end_time`` value into an inclusive start or exclusive end.

    Args:
        raw: ``%H:%M %d/%m/%y`` (a minute) or ``%d/%m/%y`` (a day), UTC.
        end: True for ``end_time``: the result is the first instant after
            the minute or day, so the whole minute or day is included.

    Returns:
        An aware UTC datetime.

    Raises:
        FaceSpaceApiError: 400 for any other format.
    """
    value = raw.strip()
    try:
        if _MINUTE_RE.fullmatch(value):
            moment = datetime.strptime(value, MINUTE_FORMAT).replace(tzinfo=UTC)
            return moment + timedelta(minutes=1) if end else moment
        if _DAY_RE.fullmatch(value):
            day = datetime.strptime(value, DAY_FORMAT).date()
            return _day_start(day + timedelta(days=1) if end else day)
    except ValueError:
        pass
    raise FaceSpaceApiError(400, f"Invalid date format: {raw}")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, dt_time(0, 0), tzinfo=UTC)


def _utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _utc_iso(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_admin_time(raw: str) -> datetime:
    """Parse an admin ``time``: ISO 8601 (naive is UTC) or ``HH:MM:SS DD/MM/YY``."""
    value = raw.strip()
    try:
        if _LINE_TIME_RE.fullmatch(value):
            return datetime.strptime(value, LINE_FORMAT).replace(tzinfo=UTC)
        return _utc(datetime.fromisoformat(value))
    except ValueError as err:
        raise ValueError(f"Invalid time: {raw}") from err


@dataclass(order=True)
class _Entry:
    time: datetime
    seq: int
    text: str = field(compare=False)


@dataclass
class _Target(CountedTarget):
    kind: str
    headers: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        head = {"id": self.id, "url": self.url, "kind": self.kind, "headers": dict(self.headers)}
        return head | self.delivery_json()


class FaceSpaceSimulator(SendsWebhooks):
    """State of the simulated FaceSpace service and of its pusher.

    Methods that serve API data raise FaceSpaceApiError with the HTTP status
    the API would answer; the routes render it. Test hooks raise ValueError
    on bad input.
    """

    def __init__(
        self,
        settings: FaceSpaceSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Create the cameras with empty logs; clock is monotonic seconds."""
        self.settings = settings or FaceSpaceSettings()
        self._clock = clock
        self._wallclock = wallclock
        self._rng = random.Random(self.settings.seed)
        self._logs: dict[str, list[_Entry]] = {camera: [] for camera in self.settings.cameras}
        self._in_view: dict[str, dict[str, float]] = {
            camera: {} for camera in self.settings.cameras
        }
        self._seq = itertools.count(1)
        self._failure_status = 0
        self._failures_left = 0
        self._by_path: Counter[str] = Counter()
        self._by_status: Counter[str] = Counter()
        self._counters: Counter[str] = Counter()
        self._ticker = Ticker(lambda: self.settings.recognition_interval, self._tick)
        self._sender: WebhookSender[_Target] = WebhookSender(
            lambda: self.settings,
            user_agent=USER_AGENT,
            attempts=lambda target: self.settings.send_attempts,
            headers=self._push_headers,
            describe=lambda target, batch: {
                "target": target.id,
                "kind": target.kind,
                "url": target.url,
                "headers": self._push_headers(target),
                "payload": batch[0],
            },
            timestamp=lambda: _utc_iso(self._wallclock()),
            counters=self._counters,
            counter_prefix="pushes_",
            ticker=self._ticker,
            name="The pusher",
            max_queue=MAX_QUEUE,
            max_deliveries=MAX_DELIVERIES,
        )
        self._targets = self._sender.targets

    # API

    @property
    def cameras(self) -> list[str]:
        """The camera names, in order."""
        return list(self._logs)

    def logs(
        self,
        start_time: str | None = None,
        end_time: str | None = None,
        camera_id: str | None = None,
    ) -> dict[str, list[str]]:
        """Answer ``GET /logs``: each camera's lines in range, in time order.

        Args:
            start_time: ``%H:%M %d/%m/%y`` or ``%d/%m/%y``; None or "" = from the oldest.
            end_time: same formats, inclusive to its minute or day; None or "" = to the newest.
            camera_id: one camera; None or "" = every camera.

        Returns:
            Lines by camera; cameras without lines in range are left out.

        Raises:
            FaceSpaceApiError: 400 for a bad time format.
        """
        start = parse_bound(start_time, end=False) if start_time else None
        end = parse_bound(end_time, end=True) if end_time else None
        cameras = [camera_id] if camera_id else list(self._logs)
        answer: dict[str, list[str]] = {}
        for camera in cameras:
            lines = [
                entry.text
                for entry in self._logs.get(camera, ())
                if (start is None or entry.time >= start) and (end is None or entry.time < end)
            ]
            if lines:
                answer[camera] = lines
        return answer

    def recognition(self) -> dict[str, Any]:
        """Answer ``GET /recognition``: names in view per camera, or the stop signal."""
        if not self.settings.active or not self._logs:
            return {"stop": STOP_MESSAGE}
        now = self._clock()
        answer: dict[str, Any] = {}
        for camera, seen in self._in_view.items():
            for name in [name for name, until in seen.items() if until <= now]:
                del seen[name]
            answer[camera] = list(seen)
        return answer

    # Test hooks

    def recognize(
        self, camera: str | None = None, name: str | None = None, when: datetime | None = None
    ) -> str:
        """Record a recognition, bring the person into view and push it.

        Args:
            camera: a configured camera; random if None.
            name: the person's name; random (``Unknown`` with the settings'
                unknown_ratio) if None.
            when: the recognition time (naive is UTC); now if None. Seconds
                are kept, fractions dropped. The person is in view for
                ``presence`` seconds from that time, so a time long past
                only adds a log line.

        Returns:
            The log line, ``Name @ HH:MM:SS DD/MM/YY``.

        Raises:
            ValueError: an unknown camera, a bad name, or no camera at all.
        """
        camera = self._pick_camera() if camera is None else self._camera(camera)
        name = self._pick_name() if name is None else _check_person_name(name)
        now = self._wallclock()
        moment = now if when is None else _utc(when)
        line = format_line(name, moment)
        self._insert(camera, moment.replace(microsecond=0), line)
        age = max((_utc(now) - moment).total_seconds(), 0.0)
        if age < self.settings.presence:
            seen = self._in_view[camera]
            mono = self._clock()
            until = mono + self.settings.presence - age
            previous = seen.get(name)
            if previous is not None and previous <= mono:
                del seen[name]  # gone out of view: comes back in at the end
                previous = None
            seen[name] = until if previous is None else max(previous, until)
        self._counters["recognitions"] += 1
        self._push_logs(camera, [line])
        self._push_realtime()
        return line

    def add_raw_line(self, camera: str, text: str, when: datetime | None = None) -> None:
        """Plant a log line verbatim (for example a malformed "garbage" line).

        It is filed at when (now if None) for range filters and ordering, and
        pushed to "logs" targets as is; nobody comes into view.

        Raises:
            ValueError: an unknown camera or a text that is not a string.
        """
        camera = self._camera(camera)
        if not isinstance(text, str):
            raise ValueError("text must be a string")
        moment = _utc(self._wallclock() if when is None else when)
        self._insert(camera, moment, text)
        self._push_logs(camera, [text])

    def set_active(self, active: bool) -> None:
        """Switch the cameras on or off; off, ``/recognition`` answers the stop signal.

        While off, the generator makes no recognitions and "realtime" targets
        get nothing (the client stops at the stop signal); explicit
        recognitions still add log lines.
        """
        self.settings.active = bool(active)

    def set_recognition_interval(self, seconds: float) -> None:
        """Change the automatic recognition interval (0 stops it); takes effect at once."""
        if seconds < 0:
            raise ValueError("recognition_interval must not be negative")
        self.settings.recognition_interval = seconds
        self._ticker.poke()

    def fail_next(self, status: int, count: int = 1) -> None:
        """Answer the next count API calls with status and ``{"error": ...}``.

        429 and 503 answers carry ``Retry-After: 1``.
        """
        if isinstance(status, bool) or not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status between 400 and 599")
        if isinstance(count, bool) or count < 0:
            raise ValueError("count must not be negative")
        self._failure_status, self._failures_left = status, count

    def clear_logs(self) -> None:
        """Forget every log line and everyone in view."""
        for camera in self._logs:
            self._logs[camera].clear()
            self._in_view[camera].clear()

    def state(self) -> dict[str, Any]:
        """Cameras, active flag, lines per camera and names in view."""
        return {
            "active": self.settings.active,
            "cameras": self.cameras,
            "lines": {camera: len(entries) for camera, entries in self._logs.items()},
            "in_view": self.recognition(),
            "recognition_interval": self.settings.recognition_interval,
        }

    def stats(self) -> dict[str, Any]:
        """Return request and push counters.

        by_path counts every API request by path (rejected ones included),
        by_status by the HTTP status answered. rejected_keys counts bad or
        missing keys, bad_dates 400 answers for a time format,
        injected_failures those of fail_next, recognitions every recorded
        recognition. pushes counts delivered payloads, failed attempts and
        dropped payloads.
        """
        counters = self._counters
        return {
            "total": self._by_path.total(),
            "by_path": dict(sorted(self._by_path.items())),
            "by_status": dict(sorted(self._by_status.items())),
            "rejected_keys": counters["rejected_keys"],
            "bad_dates": counters["bad_dates"],
            "injected_failures": counters["injected_failures"],
            "recognitions": counters["recognitions"],
            "pushes": {
                "sent": counters["pushes_sent"],
                "failed_attempts": counters["pushes_failed_attempts"],
                "dropped": counters["pushes_dropped"],
            },
        }

    def reset_stats(self) -> None:
        """Zero the counters."""
        self._by_path.clear()
        self._by_status.clear()
        self._counters.clear()

    def count_request(self, path: str, status: int) -> None:
        """Count a request to path answered with status (called by the routes)."""
        self._by_path[path] += 1
        self._by_status[str(status)] += 1

    # Request gate

    def admit(self, headers: Mapping[str, str]) -> None:
        """Apply an injected failure, then check ``x-api-key``; raise FaceSpaceApiError."""
        if self._failures_left:
            self._failures_left -= 1
            self._counters["injected_failures"] += 1
            status = self._failure_status
            retry = {"Retry-After": "1"} if status in (429, 503) else None
            raise FaceSpaceApiError(status, f"Injected failure {status}", headers=retry)
        key = headers.get("x-api-key", "")
        if not hmac.compare_digest(key.encode(), self.settings.api_key.encode()):
            self._counters["rejected_keys"] += 1
            raise FaceSpaceApiError(401, "Invalid API key")

    def count_bad_date(self) -> None:
        """Count a 400 answer for a time format (called by the routes)."""
        self._counters["bad_dates"] += 1

    # Push targets

    def add_push_target(
        self, url: str, headers: Mapping[str, str] | None = None, kind: str = "realtime"
    ) -> int:
        """Register a URL the pusher POSTs to, as the client's ``webhook_url``; return its id.

        Args:
            url: an http(s) URL, POSTed to exactly as given.
            headers: extra headers (the client's ``additional_headers``),
                sent after ``x-api-key`` (so they may replace it).
            kind: "realtime" (the client's default, ``post_realtime``): the
                whole ``/recognition`` answer after each recognition; or
                "logs" (``post_logs``): ``{camera: [new line]}``.

        Raises:
            ValueError: a bad URL, kind or header.
        """
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError("url must be an http or https URL")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        extra = dict(headers or {})
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in extra.items()):
            raise ValueError("headers must map strings to strings")
        target = _Target(self._sender.next_id(), url, kind, extra)
        self._sender.add(target)
        return target.id

    def remove_push_target(self, target_id: int) -> None:
        """Unregister a push target; its queued payloads are dropped."""
        if self._sender.remove(target_id) is None:
            raise ValueError(f"Unknown push target {target_id}")

    def push_targets(self) -> list[dict[str, Any]]:
        """Every push target with its queue length and delivery counters."""
        return [target.to_json() for target in self._targets.values()]

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The push delivery log, oldest first (at most MAX_DELIVERIES entries).

        Each entry: target (id), kind, url, headers (as sent, without the
        client library's own), payload, attempt (1-based), status (HTTP
        status or None), error (text or None), ok, retry_in (seconds to the
        next attempt, or None), dropped (attempts used up), time (wallclock,
        UTC ISO 8601).
        """
        return self._sender.deliveries

    # Internals

    def _camera(self, camera: str) -> str:
        if camera not in self._logs:
            raise ValueError(f"Unknown camera {camera}")
        return camera

    def _pick_camera(self) -> str:
        if not self._logs:
            raise ValueError("No camera is configured")
        return self._rng.choice(list(self._logs))

    def _pick_name(self) -> str:
        people = self.settings.people
        if not people or self._rng.random() < self.settings.unknown_ratio:
            return UNKNOWN
        return self._rng.choice(people)

    def _insert(self, camera: str, moment: datetime, text: str) -> None:
        entries = self._logs[camera]
        insort(entries, _Entry(moment, next(self._seq), text))
        if len(entries) > MAX_LINES:
            del entries[: len(entries) - MAX_LINES]

    def _push_logs(self, camera: str, lines: list[str]) -> None:
        for target in self._targets.values():
            if target.kind == "logs":
                self._sender.enqueue(target, {camera: list(lines)})

    def _push_realtime(self) -> None:
        if not any(target.kind == "realtime" for target in self._targets.values()):
            return
        answer = self.recognition()
        if "stop" in answer:
            return
        for target in self._targets.values():
            if target.kind == "realtime":
                self._sender.enqueue(
                    target, {camera: list(names) for camera, names in answer.items()}
                )

    def _tick(self) -> None:
        if self.settings.active and self._logs:
            self.recognize()

    def _push_headers(self, target: _Target) -> dict[str, str]:
        """What the client sends: its own ``x-api-key``, then the target's extra headers."""
        return {"x-api-key": self.settings.api_key} | target.headers


# Examples for the fixtures


EXAMPLE_NOW = datetime(2023, 10, 24, 9, 0, 0, tzinfo=UTC)
_EXAMPLE_LINES: tuple[tuple[str, str, datetime], ...] = (
    ("Camera1", "Alice", datetime(2023, 10, 23, 0, 5, 22, tzinfo=UTC)),
    ("Camera1", "Bob", datetime(2023, 10, 23, 11, 15, 47, tzinfo=UTC)),
    ("Camera1", "Eve", datetime(2023, 10, 23, 23, 59, 59, tzinfo=UTC)),
    ("Camera2", "Charlie", datetime(2023, 10, 23, 7, 30, 0, tzinfo=UTC)),
    ("Camera2", "Dana", datetime(2023, 10, 23, 18, 45, 30, tzinfo=UTC)),
    ("Camera2", UNKNOWN, datetime(2023, 10, 24, 6, 12, 9, tzinfo=UTC)),
    ("Camera1", "Alice", datetime(2023, 10, 24, 8, 59, 57, tzinfo=UTC)),
    ("Camera2", "Charlie", datetime(2023, 10, 24, 8, 59, 58, tzinfo=UTC)),
    ("Camera1", "Bob", datetime(2023, 10, 24, 8, 59, 59, tzinfo=UTC)),
    ("Camera2", "Dana", EXAMPLE_NOW),
)


def example_simulator() -> FaceSpaceSimulator:
    """A simulator holding the fixtures' log lines, with fixed clocks at EXAMPLE_NOW."""
    simulator = FaceSpaceSimulator(
        FaceSpaceSettings(
            cameras=("Camera1", "Camera2"), people=("Alice", "Bob", "Charlie", "Dana", "Eve")
        ),
        clock=lambda: 0.0,
        wallclock=lambda: EXAMPLE_NOW,
    )
    for camera, name, moment in _EXAMPLE_LINES:
        simulator.recognize(camera, name, moment)
    return simulator


def example_payloads() -> dict[str, Any]:
    """Build the JSON files of tests/fixtures/facespace/, by file name.

    Two cameras over two days (23 and 24 October 2023, as in the client's
    README); at 09:00:00 on the 24th Alice and Bob are in view of Camera1,
    Charlie and Dana of Camera2.
    """
    simulator = example_simulator()
    payloads: dict[str, Any] = {
        "logs.json": simulator.logs(),
        "realtime.json": simulator.recognition(),
    }
    simulator.set_active(False)
    payloads["realtime_stop.json"] = simulator.recognition()
    payloads["error.json"] = FaceSpaceApiError(401, "Invalid API key").body()
    return payloads


def write_fixtures(directory: str | Path) -> list[Path]:
    """Write the example files into directory; return their paths."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in example_payloads().items():
        path = folder / name
        path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


# Application wiring


FACESPACE_SIMULATOR = web.AppKey("FACESPACE_SIMULATOR", FaceSpaceSimulator)

ROUTES = web.RouteTableDef()


async def facespace_context(app: web.Application) -> AsyncIterator[None]:
    """Run the pusher and generator while the application runs (for ``app.cleanup_ctx``)."""
    simulator = app[FACESPACE_SIMULATOR]
    await simulator.start()
    yield
    await simulator.stop()


@ROUTES.get(LOGS_PATH)
async def _logs(request: web.Request) -> web.StreamResponse:
    simulator = request.app[FACESPACE_SIMULATOR]
    query = request.query
    try:
        simulator.admit(request.headers)
        try:
            answer = simulator.logs(
                query.get("start_time"), query.get("end_time"), query.get("camera_id")
            )
        except FaceSpaceApiError:
            simulator.count_bad_date()
            raise
        response = web.json_response(answer)
    except FaceSpaceApiError as err:
        response = err.response()
    simulator.count_request(request.path, response.status)
    return response


@ROUTES.get(RECOGNITION_PATH)
async def _recognition(request: web.Request) -> web.StreamResponse:
    simulator = request.app[FACESPACE_SIMULATOR]
    try:
        simulator.admit(request.headers)
        response = web.json_response(simulator.recognition())
    except FaceSpaceApiError as err:
        response = err.response()
    simulator.count_request(request.path, response.status)
    return response


# Admin routes


_admin: Admin[FaceSpaceSimulator] = admin_wrapper(
    FACESPACE_SIMULATOR, lambda message: FaceSpaceApiError(400, message)
)


def _optional_str(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def _add_target(simulator: FaceSpaceSimulator, body: dict[str, Any]) -> int:
    url, kind = body.get("url"), body.get("kind", "realtime")
    if not isinstance(url, str) or not isinstance(kind, str):
        raise ValueError("url is a required string and kind a string")
    return simulator.add_push_target(url, headers_field(body), kind)


target_routes(
    ROUTES,
    "/_sim/facespace/push-targets",
    _admin,
    listing=FaceSpaceSimulator.push_targets,
    add=_add_target,
    remove=FaceSpaceSimulator.remove_push_target,
    not_found=lambda message: FaceSpaceApiError(404, message),
)
delivery_routes(ROUTES, "/_sim/facespace/deliveries", "target", _admin)


@ROUTES.post("/_sim/facespace/recognize")
@_admin
async def _admin_recognize(
    request: web.Request, simulator: FaceSpaceSimulator
) -> web.StreamResponse:
    body = await json_object(request, optional=True)
    raw_time = _optional_str(body, "time")
    when = parse_admin_time(raw_time) if raw_time else None
    line = simulator.recognize(_optional_str(body, "camera"), _optional_str(body, "name"), when)
    return web.json_response({"line": line})


@ROUTES.post("/_sim/facespace/raw-line")
@_admin
async def _admin_raw_line(
    request: web.Request, simulator: FaceSpaceSimulator
) -> web.StreamResponse:
    body = await json_object(request)
    camera, text = body.get("camera"), body.get("text")
    if not isinstance(camera, str) or not isinstance(text, str):
        raise ValueError("camera and text are required strings")
    raw_time = _optional_str(body, "time")
    simulator.add_raw_line(camera, text, parse_admin_time(raw_time) if raw_time else None)
    return web.json_response({"camera": camera, "text": text})


@ROUTES.post("/_sim/facespace/active")
@_admin
async def _admin_active(request: web.Request, simulator: FaceSpaceSimulator) -> web.StreamResponse:
    body = await json_object(request)
    active = body.get("active")
    if not isinstance(active, bool):
        raise ValueError("active is a required boolean")
    simulator.set_active(active)
    return web.json_response({"active": active})


failure_route(ROUTES, "/_sim/facespace/fail", _admin)


@ROUTES.post("/_sim/facespace/settings")
@_admin
async def _admin_settings(
    request: web.Request, simulator: FaceSpaceSimulator
) -> web.StreamResponse:
    body = await json_object(request)
    interval = body.get("recognition_interval")
    if interval is not None:
        if isinstance(interval, bool) or not isinstance(interval, int | float):
            raise ValueError("recognition_interval must be a number")
        simulator.set_recognition_interval(float(interval))
    return web.json_response({"recognition_interval": simulator.settings.recognition_interval})


@ROUTES.get("/_sim/facespace/state")
@_admin
async def _admin_state(request: web.Request, simulator: FaceSpaceSimulator) -> web.StreamResponse:
    return web.json_response(simulator.state())
