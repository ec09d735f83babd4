"""Simulated Moonsense Cloud: control plane, regional data planes and webhooks.

Wire behaviour follows docs/providers/moonsense.md (the ``moonsense``
Python package's contract) and the vendor's webhook and bundle schemas. The
real service has a control plane (``https://api.moonsense.cloud``) and one
data plane per region (``https://{region}.data-api.moonsense.cloud``). Given
a root ``BASE`` that is a full URL, Sitewatch uses ``BASE`` as the control
plane and ``BASE/data/{region}`` as a data plane, so this simulator serves:

* control plane under ``/moonsense/v2/...``: ``regions`` (no auth),
  ``tokens/self``, ``sessions``, ``sessions/{id}``, ``sessions/{id}/labels``;
* data plane under ``/moonsense/data/{region}/v2/...``: the same token,
  session and label calls (as the package makes them on its default region)
  plus ``sessions/{id}/chunks`` and ``sessions/{id}/chunks/{chunk_id}``,
  which answer 404 unless the session lives in that region.

Every call but ``regions`` needs ``Authorization: Bearer <token>``; errors are
``{"error": "<message>"}`` with a non-200 status. JSON follows the protobuf
JSON mapping: int64 fields are strings, enums are names, timestamps RFC 3339;
keys are snake_case, or lowerCamelCase with ``camel_case`` (both are legal
protobuf JSON). With ``emit_defaults`` off, fields holding their default
value (0, "", empty lists, enum 0) are left out as protobuf does.

Sessions are listed newest first, ``per_page`` at a time: ``pagination``
gives ``current_page``, ``next_page`` (0 on the last page), ``last_page``,
``total_pages``, ``per_page`` and ``total_count``; a page past the end has no
sessions. Filters: ``filter[min_created_at]`` and ``filter[max_created_at]``
(RFC 3339, inclusive), ``filter[labels][]`` (repeatable, any label matches),
``filter[journey_id]`` and ``filter[platforms][]`` (repeatable).

A session's bundles go into its current chunk; persisting closes the chunk,
which the data plane then lists and serves as one SealedBundle JSON per line.
Webhooks get ``{project_id, app_id, session_id, event_type, bundle,
client_session_group_id, session_labels, journey_id}`` (``bundle`` only for
BUNDLE_RECEIVED); a non-2xx answer is retried with growing delays, then the
payload is dropped. Every attempt is recorded in ``deliveries``.

Times come from ``wallclock`` (aware UTC); the bundles' client timers from
the monotonic ``clock``. The sender and the optional session generator
(``bundle_interval``) run on the event loop in real time; the retry base
interval is a setting so tests can make it small.
"""

from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import hashlib
import hmac
import json
import math
from pathlib import Path
import random
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
    any_2xx,
    check_sending,
    delivery_routes,
    failure_route,
    headers_field,
    json_object,
    optional,
    target_routes,
)

BASE_PATH = "/moonsense"
CONTROL_PREFIX = f"{BASE_PATH}/v2"
DATA_ROOT = f"{BASE_PATH}/data"
DATA_PREFIX = DATA_ROOT + "/{region}/v2"
EVENT_TYPES: dict[str, int] = {
    "UNKNOWN": 0,
    "SESSION_CREATED": 1,
    "BUNDLE_RECEIVED": 2,
    "CHUNK_PERSISTED": 3,
    "SESSION_INACTIVE": 4,
}
BATTERY_STATES = ("UNKNOWN", "CHARGING", "DISCHARGING", "FULL")
ACTIVITY_TYPES = (
    "UNKNOWN",
    "IN_VEHICLE",
    "ON_BICYCLE",
    "ON_FOOT",
    "RUNNING",
    "STILL",
    "TILTING",
    "WALKING",
)
PLATFORMS = ("web", "ios", "android")
SENSORS = ("location", "battery", "activity", "temperature", "light", "pressure", "humidity")
AMBIENT = ("temperature", "light", "pressure", "humidity")
MAX_PER_PAGE = 500
MAX_SESSIONS = 2000  # the oldest ended sessions go first
MAX_EVENTS = 1000
MAX_QUEUE = 10_000
MAX_DELIVERIES = 1000
BUNDLES_PER_CHUNK = 5  # the generator persists a chunk after this many bundles
ACTIVE_TARGET = 2  # the generator keeps up to this many sessions recording
USER_AGENT = "Moonsense-Simulator/0.13.1"
NDJSON = "application/x-ndjson"

_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ENUM_KEYS = frozenset({"state", "type", "event_type"})
_DEVICES: dict[str, tuple[str, str, str]] = {
    "ios": ("Apple", "iPhone14,2", "17.4.1"),
    "android": ("Google", "Pixel 7", "14"),
    "web": ("", "Chrome", "124.0"),
}
_SCREENS: dict[str, tuple[int, int, float]] = {
    "ios": (1170, 2532, 3.0),
    "android": (1080, 2400, 2.625),
    "web": (2880, 1800, 2.0),
}
_HOMES: dict[str, tuple[float, float]] = {
    "us-central1.gcp": (41.5868, -93.625),
    "europe-west1.gcp": (50.8503, 4.3517),
}
_REGION_INFO: dict[str, tuple[str, tuple[str, ...]]] = {
    "us-central1.gcp": ("North America", ("gcp", "iowa", "US")),
    "europe-west1.gcp": ("Europe", ("gcp", "belgium", "EU")),
}
_LABELS = ("commute", "office", "field-test", "night-shift")
_JOURNEYS = ("journey-delivery", "journey-onboarding")


@dataclass
class MoonsenseSettings:
    """Token, project, regions and behaviour of the simulated Moonsense Cloud."""

    token: str = "demo-moonsense"
    project_id: str = "proj-demo"
    app_id: str = "app-demo"
    credential_id: str = "cred-demo"
    regions: tuple[str, ...] = ("us-central1.gcp", "europe-west1.gcp")
    sessions: int = 3  # sessions with some history at start
    camel_case: bool = False  # lowerCamelCase keys instead of snake_case
    emit_defaults: bool = True  # False: leave out fields with default values
    numeric_event_types: bool = False  # webhook event_type as its number
    numeric_enums: bool = False  # generated battery states and activity types as numbers
    per_page: int = 50  # default page size
    bundle_interval: float = 0.0  # seconds between generated bundles; 0 = off
    seed: int = 1
    retry_base: float = 1.0  # first webhook retry interval in seconds; doubles per attempt
    send_attempts: int = 4  # webhook POST attempts before a payload is dropped
    send_timeout: float = 10.0  # seconds per webhook POST

    def __post_init__(self) -> None:
        """Normalise sequences to tuples and reject settings the simulator cannot honour."""
        self.regions = tuple(self.regions)
        if not self.token:
            raise ValueError("token must not be empty")
        if not self.project_id or not self.app_id:
            raise ValueError("project_id and app_id must not be empty")
        if not self.regions:
            raise ValueError("at least one region is needed")
        for region in self.regions:
            if not isinstance(region, str) or not region or "/" in region:
                raise ValueError("a region must be a non-empty string without '/'")
        if len(set(self.regions)) != len(self.regions):
            raise ValueError("regions must be unique")
        if self.sessions < 0:
            raise ValueError("sessions must not be negative")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.bundle_interval < 0:
            raise ValueError("bundle_interval must not be negative")
        check_sending(self.retry_base, self.send_attempts, self.send_timeout)


class MoonsenseApiError(ErrorMessageApiError):
    """An API error answer: HTTP status and the ``{"error": ...}`` message."""


# Wire helpers


def to_camel(name: str) -> str:
    """A snake_case field name in lowerCamelCase (``wall_time_millis`` -> ``wallTimeMillis``)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def camelize(value: Any) -> Any:
    """Rename every key of nested dicts (lists included) to lowerCamelCase."""
    if isinstance(value, dict):
        return {to_camel(key): camelize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camelize(item) for item in value]
    return value


def _is_default(key: str, value: object) -> bool:
    if value is None or value == "" or value == []:
        return True
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value == 0
    if key in _ENUM_KEYS:
        return value == "UNKNOWN"
    return value == "0"  # an int64 zero


def prune_defaults(value: Any) -> Any:
    """Leave out fields holding their protobuf default (0, "", [], false, enum 0).

    Messages stay, even when all their fields are defaults (``{}``).
    """
    if isinstance(value, dict):
        return {
            key: prune_defaults(item) for key, item in value.items() if not _is_default(key, item)
        }
    if isinstance(value, list):
        return [prune_defaults(item) for item in value]
    return value


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_none(item) for item in value]
    return value


def _i64(number: int) -> str:
    """An int64 as protobuf JSON writes it: a decimal string."""
    return str(int(number))


def _millis(moment: datetime) -> int:
    return int(_utc(moment).timestamp() * 1000)


def _utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rfc3339(moment: datetime) -> str:
    """A protobuf Timestamp in JSON: UTC, ``Z``, 0, 3 or 6 fractional digits."""
    moment = _utc(moment)
    if moment.microsecond == 0:
        spec = "seconds"
    elif moment.microsecond % 1000 == 0:
        spec = "milliseconds"
    else:
        spec = "microseconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


def parse_rfc3339(raw: str) -> datetime:
    """Parse a filter time (RFC 3339; naive is UTC) into an aware UTC datetime.

    A ``+`` offset that arrived unencoded in a query reads as a space; it is
    taken back as ``+``.

    Raises:
        ValueError: not a date-time.
    """
    value = raw.strip()
    if "T" in value and " " in value:
        value = value.replace(" ", "+")
    try:
        return _utc(datetime.fromisoformat(value))
    except ValueError as err:
        raise ValueError(f"Invalid time: {raw}") from err


def _enum(value: object, names: tuple[str, ...], what: str) -> str | int:
    """A protobuf enum as given: a known name (any case) or a known number."""
    if isinstance(value, str) and value.upper() in names:
        return value.upper()
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
        return value
    raise ValueError(f"{what} must be one of {', '.join(names)} or its number")


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a number")
    return float(value)


def _percent(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValueError(f"{what} must be an integer from 0 to 100")
    return value


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(h)))


# State


@dataclass
class _Label:
    label_id: str
    name: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "label_id": self.label_id,
            "name": self.name,
            "created_at": rfc3339(self.created_at),
        }


@dataclass
class _Chunk:
    chunk_id: str
    lines: list[dict[str, Any] | str] = field(default_factory=list)  # SealedBundles or raw text
    created_at: datetime | None = None  # set when persisted


@dataclass
class _Session:
    seq: int
    session_id: str
    region_id: str
    platform: str
    journey_id: str
    client_session_group_id: str
    install_id: str
    created_at: datetime
    labels: list[_Label]
    active: bool = True
    chunks: list[_Chunk] = field(default_factory=list)  # persisted, oldest first
    current: _Chunk | None = None
    bundles: int = 0
    buckets: Counter[int] = field(default_factory=Counter)  # minute start (ms) -> bundles
    sensors: Counter[str] = field(default_factory=Counter)
    oldest_event: datetime | None = None
    newest_event: datetime | None = None
    points: list[tuple[float, float]] = field(default_factory=list)
    # Generator state
    battery: float = 80.0
    charging: bool = False
    position: tuple[float, float] = (0.0, 0.0)
    planned: int = 20

    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]

    def chunk(self, chunk_id: str) -> _Chunk | None:
        for chunk in self.chunks:
            if chunk.chunk_id == chunk_id:
                return chunk
        if self.current is not None and self.current.chunk_id == chunk_id:
            return self.current
        return None


@dataclass
class _Webhook(CountedTarget):
    headers: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        head = {"id": self.id, "url": self.url, "headers": dict(self.headers)}
        return head | self.delivery_json()


type Battery = int | tuple[int, str | int] | Sequence[Any]
type Activity = tuple[str | int, int] | Sequence[Any]
type Location = tuple[float, ...] | Sequence[Any]


class MoonsenseSimulator(SendsWebhooks):
    """State of the simulated Moonsense Cloud and of its webhook sender.

    Methods that serve API data raise MoonsenseApiError with the HTTP status
    the API would answer; the routes render it. Test hooks raise ValueError
    on bad input.
    """

    def __init__(
        self,
        settings: MoonsenseSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Create the initial sessions with some history; clock is monotonic seconds."""
        self.settings = settings or MoonsenseSettings()
        self._clock = clock
        self._wallclock = wallclock
        self._rng = random.Random(self.settings.seed)
        self._sessions: dict[str, _Session] = {}
        self._session_seq = 0
        self._token_created = _utc(wallclock()) - timedelta(days=30)
        self._failure_status = 0
        self._failures_left = 0
        self._by_path: Counter[str] = Counter()
        self._by_status: Counter[str] = Counter()
        self._counters: Counter[str] = Counter()
        self._events: deque[dict[str, Any]] = deque(maxlen=MAX_EVENTS)
        self._ticker = Ticker(lambda: self.settings.bundle_interval, self.generate_step)
        self._sender: WebhookSender[_Webhook] = WebhookSender(
            lambda: self.settings,
            user_agent=USER_AGENT,
            accept=any_2xx,
            attempts=lambda webhook: self.settings.send_attempts,
            headers=lambda webhook: webhook.headers,
            describe=lambda webhook, batch: {
                "webhook": webhook.id,
                "url": webhook.url,
                "payload": batch[0],
            },
            timestamp=lambda: rfc3339(self._now()),
            counters=self._counters,
            ticker=self._ticker,
            max_queue=MAX_QUEUE,
            max_deliveries=MAX_DELIVERIES,
        )
        self._webhooks = self._sender.targets
        self._seed_history(self.settings.sessions)

    # Rendering

    def render(self, value: Any) -> Any:
        """Canonical JSON (snake_case, all fields) in the configured wire style."""
        value = _drop_none(value)
        if not self.settings.emit_defaults:
            value = prune_defaults(value)
        return camelize(value) if self.settings.camel_case else value

    # API

    def whoami(self) -> dict[str, Any]:
        """Answer ``GET /v2/tokens/self``: the token's description."""
        return {
            "app_id": self.settings.app_id,
            "project_id": self.settings.project_id,
            "credential_id": self.settings.credential_id,
            "description": "Sitewatch simulator token",
            "scopes": "cqt",
            "created_at": rfc3339(self._token_created),
        }

    def regions(self, base_url: str = "") -> dict[str, Any]:
        """Answer ``GET /v2/regions``: ``{"regions": [...]}``, the first the default.

        Args:
            base_url: the simulator's origin; each region's ``url`` is its data plane.
        """
        answer = []
        for index, name in enumerate(self.settings.regions):
            area, labels = _REGION_INFO.get(name, ("Simulated", ("sim",)))
            region: dict[str, Any] = {
                "name": name,
                "url": f"{base_url}{DATA_ROOT}/{name}",
                "region": area,
                "labels": list(labels),
                "status": "ok",
            }
            if index == 0:
                region["default_primary"] = True
            elif index == 1:
                region["default_backup"] = True
            answer.append(region)
        return {"regions": answer}

    def list_sessions(
        self,
        page: int = 1,
        per_page: int | None = None,
        *,
        min_created_at: datetime | None = None,
        max_created_at: datetime | None = None,
        labels: Sequence[str] = (),
        journey_id: str | None = None,
        platforms: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Answer ``GET /v2/sessions``: one page of matching sessions, newest first.

        Args:
            page: 1-based page number; past the end the page is empty.
            per_page: page size (capped at MAX_PER_PAGE); the setting's if None.
            min_created_at: only sessions created at or after this time.
            max_created_at: only sessions created at or before this time.
            labels: only sessions with at least one of these labels.
            journey_id: only sessions of this journey.
            platforms: only sessions of these platforms (any case).

        Raises:
            MoonsenseApiError: 400 for a page or page size below 1.
        """
        wanted_labels = set(labels)
        wanted_platforms = {platform.lower() for platform in platforms}
        matching = [
            session
            for session in self._newest_first()
            if (min_created_at is None or session.created_at >= _utc(min_created_at))
            and (max_created_at is None or session.created_at <= _utc(max_created_at))
            and (not wanted_labels or wanted_labels & set(session.label_names()))
            and (journey_id is None or session.journey_id == journey_id)
            and (not wanted_platforms or session.platform in wanted_platforms)
        ]
        items, pagination = self._page(matching, page, per_page)
        return {
            "sessions": [self._session_json(session, full=False) for session in items],
            "pagination": pagination,
        }

    def describe_session(self, session_id: str, view: str = "minimal") -> dict[str, Any]:
        """Answer ``GET /v2/sessions/{id}``; ``full`` adds the per-minute bundle buckets.

        Raises:
            MoonsenseApiError: 400 for another view, 404 for an unknown session.
        """
        if view not in ("minimal", "full"):
            raise MoonsenseApiError(400, f"Invalid view: {view}")
        return self._session_json(self._lookup(session_id), full=view == "full")

    def set_labels(self, session_id: str, names: Sequence[str]) -> dict[str, Any]:
        """Answer ``POST /v2/sessions/{id}/labels``: replace every label; ``{}``.

        Raises:
            MoonsenseApiError: 404 for an unknown session.
        """
        session = self._lookup(session_id)
        self._relabel(session, names)
        return {}

    def list_chunks(
        self, region: str, session_id: str, page: int = 1, per_page: int | None = None
    ) -> dict[str, Any]:
        """Answer ``GET /data/{region}/v2/sessions/{id}/chunks``: persisted chunks, oldest first.

        Raises:
            MoonsenseApiError: 404 for an unknown region or session, or a
                session of another region; 400 for a bad page.
        """
        session = self._lookup(session_id, region)
        items, pagination = self._page(session.chunks, page, per_page)
        return {
            "session_id": session.session_id,
            "chunks": [self._chunk_json(session, chunk) for chunk in items],
            "pagination": pagination,
        }

    def read_chunk(self, region: str, session_id: str, chunk_id: str) -> str:
        """Answer ``GET /data/{region}/v2/sessions/{id}/chunks/{chunk_id}``: JSON lines.

        Each line is one SealedBundle in the current wire style; planted lines
        come back verbatim. Only persisted chunks are served.

        Raises:
            MoonsenseApiError: 404 for an unknown region, session or chunk.
        """
        session = self._lookup(session_id, region)
        chunk = session.chunk(chunk_id)
        if chunk is None or chunk.created_at is None:
            raise MoonsenseApiError(404, f"Chunk {chunk_id} not found")
        return self._chunk_text(chunk)

    # Test hooks

    def create_session(
        self,
        labels: Sequence[str] = (),
        journey_id: str | None = None,
        platform: str = "ios",
        region: str | None = None,
    ) -> str:
        """Start recording a session (created now) and send SESSION_CREATED.

        Args:
            labels: label names.
            journey_id: the journey; None leaves it empty.
            platform: "ios", "android" or "web".
            region: one of the settings' regions; the first if None.

        Returns:
            The new session's id.

        Raises:
            ValueError: an unknown platform or region, or a bad label.
        """
        session = self._create(self._now(), labels, journey_id, platform, region)
        self._emit("SESSION_CREATED", session)
        return session.session_id

    def send_bundle(
        self,
        session_id: str,
        *,
        when: datetime | None = None,
        battery: Battery | None = None,
        activity: Activity | None = None,
        location: Location | None = None,
        temperature: float | None = None,
        light: float | None = None,
        pressure: float | None = None,
        humidity: float | None = None,
    ) -> dict[str, Any]:
        """Add a bundle to the session's current chunk and send BUNDLE_RECEIVED with it.

        Readings left out (None) are absent from the bundle. A session that
        had ended records again.

        Args:
            session_id: the session.
            when: the client's wall time (naive is UTC); now if None.
            battery: ``(capacity 0-100, state)`` or a capacity alone (state
                UNKNOWN); a state is a name (CHARGING, ...) or its number, sent as given.
            activity: ``(type, confidence 0-100)``; a type name or number.
            location: ``(latitude, longitude, accuracy[, altitude[, speed[, bearing]]])``.
            temperature: °C.
            light: lx.
            pressure: mbar.
            humidity: %.

        Returns:
            The SealedBundle as sent, in the current wire style.

        Raises:
            ValueError: an unknown session or a bad reading.
        """
        session = self._session_or_error(session_id)
        readings = _readings(battery, activity, location, temperature, light, pressure, humidity)
        sealed = self._add_bundle(session, readings, _utc(when) if when else self._now())
        self._emit("BUNDLE_RECEIVED", session, sealed)
        rendered: dict[str, Any] = self.render(sealed)
        return rendered

    def persist_chunk(self, session_id: str) -> str:
        """Close the session's current chunk (readable from now on); send CHUNK_PERSISTED.

        Returns:
            The chunk's id.

        Raises:
            ValueError: an unknown session or no bundle since the last chunk.
        """
        session = self._session_or_error(session_id)
        chunk = self._persist(session, self._now())
        self._emit("CHUNK_PERSISTED", session)
        return chunk.chunk_id

    def end_session(self, session_id: str, *, persist: bool = True) -> None:
        """Mark the session inactive and send SESSION_INACTIVE.

        With persist, a current chunk holding bundles is persisted first (and
        CHUNK_PERSISTED sent before SESSION_INACTIVE).

        Raises:
            ValueError: an unknown session.
        """
        session = self._session_or_error(session_id)
        if persist and session.current is not None and session.current.lines:
            self.persist_chunk(session_id)
        session.active = False
        self._counters["sessions_ended"] += 1
        self._emit("SESSION_INACTIVE", session)

    def send_raw_event(
        self, event_type: str | int, session_id: str | None = None
    ) -> dict[str, Any]:
        """Send a webhook with event_type exactly as given (any name or number).

        ``send_raw_event("UNKNOWN")`` or ``send_raw_event(0)`` sends the
        UNKNOWN type. Without a session the session fields are empty.

        Returns:
            The payload as sent.

        Raises:
            ValueError: event_type is neither a string nor an integer, or an unknown session.
        """
        if isinstance(event_type, bool) or not isinstance(event_type, str | int):
            raise ValueError("event_type must be a string or an integer")
        session = None if session_id is None else self._session_or_error(session_id)
        return self._emit(event_type, session, raw=True)

    def plant_bad_line(
        self, session_id: str, chunk_id: str, text: str, index: int | None = None
    ) -> None:
        """Put a line (for example malformed JSON) into a chunk, served verbatim.

        Args:
            session_id: the session.
            chunk_id: one of its chunks, persisted or current.
            text: the line, without a line break.
            index: position among the chunk's lines; the end if None.

        Raises:
            ValueError: an unknown session or chunk, or a text with a line break.
        """
        session = self._session_or_error(session_id)
        chunk = session.chunk(chunk_id)
        if chunk is None:
            raise ValueError(f"Unknown chunk {chunk_id}")
        if not isinstance(text, str) or "\n" in text:
            raise ValueError("text must be a string without a line break")
        chunk.lines.insert(len(chunk.lines) if index is None else index, text)

    def set_camel_case(self, camel_case: bool) -> None:
        """Answer (and send webhooks) with lowerCamelCase keys, or snake_case."""
        self.settings.camel_case = bool(camel_case)

    def set_emit_defaults(self, emit_defaults: bool) -> None:
        """Include fields holding default values, or leave them out as protobuf does."""
        self.settings.emit_defaults = bool(emit_defaults)

    def set_numeric_event_types(self, numeric: bool) -> None:
        """Send webhook event types as numbers (1-4) instead of names."""
        self.settings.numeric_event_types = bool(numeric)

    def set_bundle_interval(self, seconds: float) -> None:
        """Change the generator's interval (0 stops it); takes effect at once."""
        if isinstance(seconds, bool) or seconds < 0:
            raise ValueError("bundle_interval must not be negative")
        self.settings.bundle_interval = seconds
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

    def generate_step(self) -> None:
        """One step of the generator: maybe start a session, record, persist, end.

        Keeps up to ACTIVE_TARGET sessions recording; each gets a bundle per
        step, a chunk is persisted every BUNDLES_PER_CHUNK bundles and a
        session ends after its planned number of bundles.
        """
        active = [session for session in self._sessions.values() if session.active]
        if len(active) < ACTIVE_TARGET and (not active or self._rng.random() < 0.3):
            created = self._create(
                self._now(),
                self._rng.sample(_LABELS, self._rng.randint(0, 2)),
                self._rng.choice((None, *_JOURNEYS)),
                self._rng.choice(("ios", "ios", "android", "web")),
                self._rng.choice(self.settings.regions),
            )
            self._emit("SESSION_CREATED", created)
            active.append(created)
        for session in active:
            readings = self._random_readings(session)
            sealed = self._add_bundle(session, readings, self._now())
            self._emit("BUNDLE_RECEIVED", session, sealed)
            if session.current is not None and len(session.current.lines) >= BUNDLES_PER_CHUNK:
                self.persist_chunk(session.session_id)
            if session.bundles >= session.planned:
                self.end_session(session.session_id)

    @property
    def sessions(self) -> list[str]:
        """Every session id, newest first."""
        return [session.session_id for session in self._newest_first()]

    def chunk_ids(self, session_id: str) -> list[str]:
        """A session's persisted chunk ids, oldest first."""
        return [chunk.chunk_id for chunk in self._session_or_error(session_id).chunks]

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every webhook payload produced (with or without webhooks), oldest first."""
        return list(self._events)

    def state(self) -> dict[str, Any]:
        """Settings in effect and each session's region, activity and chunk count."""
        return {
            "camel_case": self.settings.camel_case,
            "emit_defaults": self.settings.emit_defaults,
            "numeric_event_types": self.settings.numeric_event_types,
            "bundle_interval": self.settings.bundle_interval,
            "regions": list(self.settings.regions),
            "sessions": [
                {
                    "session_id": session.session_id,
                    "region_id": session.region_id,
                    "platform": session.platform,
                    "active": session.active,
                    "bundles": session.bundles,
                    "chunks": [chunk.chunk_id for chunk in session.chunks],
                    "current_chunk": None if session.current is None else session.current.chunk_id,
                }
                for session in self._newest_first()
            ],
        }

    def stats(self) -> dict[str, Any]:
        """Return request, event and webhook counters.

        by_path counts every API request by route (ids as placeholders,
        rejected requests included), by_status by the HTTP status answered.
        rejected_tokens counts missing or wrong tokens, injected_failures
        those of fail_next, events the webhook payloads produced by type.
        webhooks counts delivered payloads, failed attempts and dropped payloads.
        """
        counters = self._counters
        return {
            "total": self._by_path.total(),
            "by_path": dict(sorted(self._by_path.items())),
            "by_status": dict(sorted(self._by_status.items())),
            "rejected_tokens": counters["rejected_tokens"],
            "injected_failures": counters["injected_failures"],
            "sessions": len(self._sessions),
            "bundles": counters["bundles"],
            "chunks_persisted": counters["chunks_persisted"],
            "sessions_ended": counters["sessions_ended"],
            "events": {
                key.removeprefix("event:"): value
                for key, value in sorted(counters.items())
                if key.startswith("event:")
            },
            "webhooks": {
                "sent": counters["webhooks_sent"],
                "failed_attempts": counters["webhooks_failed_attempts"],
                "dropped": counters["webhooks_dropped"],
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

    def admit(self, headers: Mapping[str, str], *, auth: bool = True) -> None:
        """Apply an injected failure, then check the bearer token; raise MoonsenseApiError."""
        if self._failures_left:
            self._failures_left -= 1
            self._counters["injected_failures"] += 1
            status = self._failure_status
            retry = {"Retry-After": "1"} if status in (429, 503) else None
            raise MoonsenseApiError(status, f"Injected failure {status}", headers=retry)
        if not auth:
            return
        scheme, _, token = headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.settings.token.encode()
        ):
            self._counters["rejected_tokens"] += 1
            raise MoonsenseApiError(401, "Invalid or missing bearer token")

    def check_region(self, region: str) -> None:
        """Raise a 404 MoonsenseApiError unless region is a data plane of this simulator."""
        if region not in self.settings.regions:
            raise MoonsenseApiError(404, f"Unknown region {region}")

    # Webhooks

    def add_webhook(self, url: str, headers: Mapping[str, str] | None = None) -> int:
        """Register a webhook target for every event type and return its id.

        Args:
            url: an http(s) URL, POSTed to exactly as given.
            headers: extra request headers.

        Raises:
            ValueError: a bad URL or header.
        """
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError("url must be an http or https URL")
        extra = dict(headers or {})
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in extra.items()):
            raise ValueError("headers must map strings to strings")
        webhook = _Webhook(self._sender.next_id(), url, extra)
        self._sender.add(webhook)
        return webhook.id

    def remove_webhook(self, webhook_id: int) -> None:
        """Unregister a webhook; its queued payloads are dropped."""
        if self._sender.remove(webhook_id) is None:
            raise ValueError(f"Unknown webhook {webhook_id}")

    def webhooks(self) -> list[dict[str, Any]]:
        """Every webhook target with its queue length and delivery counters."""
        return [webhook.to_json() for webhook in self._webhooks.values()]

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The webhook delivery log, oldest first (at most MAX_DELIVERIES entries).

        Each entry: webhook (id), url, payload (as sent), attempt (1-based),
        status (HTTP status or None), error (text or None), ok (2xx),
        retry_in (seconds to the next attempt, or None), dropped (attempts
        used up), time (wallclock, RFC 3339).
        """
        return self._sender.deliveries

    # Internals: sessions

    def _now(self) -> datetime:
        return _utc(self._wallclock())

    def _new_id(self) -> str:
        return "".join(self._rng.choices(_ID_ALPHABET, k=22))

    def _newest_first(self) -> list[_Session]:
        return sorted(self._sessions.values(), key=lambda s: (s.created_at, s.seq), reverse=True)

    def _lookup(self, session_id: str, region: str | None = None) -> _Session:
        if region is not None:
            self.check_region(region)
        session = self._sessions.get(session_id)
        if session is None or (region is not None and session.region_id != region):
            where = "" if region is None else f" in region {region}"
            raise MoonsenseApiError(404, f"Session {session_id} not found{where}")
        return session

    def _session_or_error(self, session_id: str) -> _Session:
        session = self._sessions.get(session_id)
        if session is None:
            raise ValueError(f"Unknown session {session_id}")
        return session

    def _page(
        self, items: Sequence[Any], page: int, per_page: int | None
    ) -> tuple[Sequence[Any], dict[str, Any]]:
        size = self.settings.per_page if per_page is None else min(per_page, MAX_PER_PAGE)
        if isinstance(page, bool) or page < 1:
            raise MoonsenseApiError(400, "page must be at least 1")
        if size < 1:
            raise MoonsenseApiError(400, "per_page must be at least 1")
        total_pages = math.ceil(len(items) / size)
        return items[(page - 1) * size : page * size], {
            "current_page": page,
            "next_page": page + 1 if page < total_pages else 0,
            "last_page": total_pages,
            "total_pages": total_pages,
            "per_page": size,
            "total_count": len(items),
        }

    def _relabel(
        self, session: _Session, names: Sequence[str], when: datetime | None = None
    ) -> None:
        if isinstance(names, str):
            raise ValueError("labels must be a list of names")
        for name in names:
            if not isinstance(name, str) or not name:
                raise ValueError("a label must be a non-empty string")
        moment = self._now() if when is None else when
        unique = list(dict.fromkeys(names))
        session.labels = [_Label(self._new_id(), name, moment) for name in unique]

    def _create(
        self,
        when: datetime,
        labels: Sequence[str],
        journey_id: str | None,
        platform: str,
        region: str | None,
    ) -> _Session:
        if platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}")
        region = self.settings.regions[0] if region is None else region
        if region not in self.settings.regions:
            raise ValueError(f"Unknown region {region}")
        if journey_id is not None and not isinstance(journey_id, str):
            raise ValueError("journey_id must be a string")
        self._session_seq += 1
        home = _HOMES.get(region, (48.8566, 2.3522))
        session = _Session(
            seq=self._session_seq,
            session_id=self._new_id(),
            region_id=region,
            platform=platform,
            journey_id=journey_id or "",
            client_session_group_id=self._new_id(),
            install_id=self._new_id(),
            created_at=when,
            labels=[],
            battery=float(self._rng.randint(35, 100)),
            charging=self._rng.random() < 0.2,
            position=(
                home[0] + self._rng.uniform(-0.05, 0.05),
                home[1] + self._rng.uniform(-0.05, 0.05),
            ),
            planned=self._rng.randint(12, 30),
        )
        self._relabel(session, labels, when)
        self._sessions[session.session_id] = session
        self._counters["sessions_created"] += 1
        self._trim_sessions()
        return session

    def _trim_sessions(self) -> None:
        excess = len(self._sessions) - MAX_SESSIONS
        if excess <= 0:
            return
        ended = sorted((s for s in self._sessions.values() if not s.active), key=lambda s: s.seq)
        for session in ended[:excess]:
            del self._sessions[session.session_id]

    def _add_bundle(
        self, session: _Session, readings: Mapping[str, Any], when: datetime
    ) -> dict[str, Any]:
        now = self._now()
        at = _i64(_millis(when))
        timer = _i64(int(self._clock() * 1000))
        bundle: dict[str, Any] = {}
        if "location" in readings:
            lat, lon, accuracy, altitude, speed, bearing = readings["location"]
            bundle["location_data"] = [
                {
                    "determined_at": at,
                    "horizontal_accuracy": accuracy,
                    "altitude": altitude,
                    "bearing": bearing,
                    "latitude": lat,
                    "longitude": lon,
                    "provider": "gps" if accuracy < 20 else "fused",
                    "speed": speed,
                }
            ]
            session.points.append((lat, lon))
        bundle["client_time"] = {
            "wall_time_millis": at,
            "timer_millis": timer,
            "timer_realtime_millis": timer,
        }
        if "battery" in readings:
            capacity, state = readings["battery"]
            bundle["battery"] = {"capacity": capacity, "state": state}
        if "activity" in readings:
            kind, confidence = readings["activity"]
            bundle["activity_data"] = [
                {"determined_at": at, "type": kind, "confidence": confidence}
            ]
        for sensor in AMBIENT:
            if sensor in readings:
                bundle[f"{sensor}_data"] = [{"determined_at": at, "value": readings[sensor]}]
        bundle["index"] = session.bundles
        sealed = {
            "bundle": bundle,
            "app_id": self.settings.app_id,
            "credential_id": self.settings.credential_id,
            "session_id": session.session_id,
            "user_id": "",
            "server_time_millis": _i64(_millis(max(now, when))),
            "install_id": session.install_id,
            "client_user_id": "",
        }
        if session.current is None:
            session.current = _Chunk(self._new_id())
        session.current.lines.append(sealed)
        session.active = True
        session.bundles += 1
        session.buckets[_millis(when) // 60_000 * 60_000] += 1
        for sensor in readings:
            session.sensors[sensor] += 1
        if session.oldest_event is None or when < session.oldest_event:
            session.oldest_event = when
        if session.newest_event is None or when > session.newest_event:
            session.newest_event = when
        self._counters["bundles"] += 1
        return sealed

    def _persist(self, session: _Session, when: datetime) -> _Chunk:
        chunk = session.current
        if chunk is None or not chunk.lines:
            raise ValueError(f"Session {session.session_id} has no bundle to persist")
        chunk.created_at = when
        session.chunks.append(chunk)
        session.current = None
        self._counters["chunks_persisted"] += 1
        return chunk

    def _random_readings(self, session: _Session) -> dict[str, Any]:
        rng = self._rng
        mobile = session.platform != "web"
        readings: dict[str, Any] = {}
        session.battery = min(
            100.0, max(1.0, session.battery + (1.5 if session.charging else -0.7))
        )
        if session.charging and session.battery >= 100:
            session.charging = False
        if rng.random() < 0.75:
            capacity = round(session.battery)
            state = "FULL" if capacity >= 100 else "CHARGING" if session.charging else "DISCHARGING"
            readings["battery"] = (capacity, self._enum_out(state, BATTERY_STATES))
        if mobile and rng.random() < 0.6:
            kind = rng.choice(("WALKING", "STILL", "STILL", "IN_VEHICLE", "ON_BICYCLE", "RUNNING"))
            readings["activity"] = (self._enum_out(kind, ACTIVITY_TYPES), rng.randint(40, 100))
        if rng.random() < 0.8:
            lat, lon = session.position
            lat, lon = lat + rng.uniform(-3e-4, 3e-4), lon + rng.uniform(-3e-4, 3e-4)
            session.position = (lat, lon)
            readings["location"] = (
                round(lat, 6),
                round(lon, 6),
                round(rng.uniform(3, 40), 1),
                round(rng.uniform(20, 120), 1),
                round(rng.uniform(0, 3), 2),
                round(rng.uniform(0, 359), 1),
            )
        if mobile and rng.random() < 0.7:  # else: no ambient readings at all
            if rng.random() < 0.9:
                readings["temperature"] = round(rng.gauss(21.5, 2.0), 1)
            if rng.random() < 0.7:
                readings["light"] = round(rng.uniform(5, 900), 1)
            if rng.random() < 0.7:
                readings["pressure"] = round(rng.gauss(1013.2, 4.0), 1)
            if rng.random() < 0.6:
                readings["humidity"] = round(rng.uniform(30, 70), 1)
        return readings

    def _enum_out(self, name: str, names: tuple[str, ...]) -> str | int:
        return names.index(name) if self.settings.numeric_enums else name

    def _seed_history(self, count: int) -> None:
        """Create count sessions over the last hours, quietly; all but the newest ended."""
        now = self._now()
        for index in range(count):
            start = now - timedelta(minutes=25 * (count - index)) + timedelta(seconds=7)
            session = self._create(
                start,
                [_LABELS[index % len(_LABELS)]] + (["demo"] if index % 2 else []),
                _JOURNEYS[index % len(_JOURNEYS)] if index % 3 != 2 else None,
                ("ios", "android", "web")[index % 3],
                self.settings.regions[index % len(self.settings.regions)],
            )
            for step in range(2 * BUNDLES_PER_CHUNK):
                moment = start + timedelta(seconds=step + 1)
                self._add_bundle(session, self._random_readings(session), moment)
                if session.current is not None and len(session.current.lines) >= BUNDLES_PER_CHUNK:
                    self._persist(session, moment + timedelta(seconds=1))
            if index < count - 1:
                session.active = False

    # Internals: JSON

    def _session_json(self, session: _Session, *, full: bool) -> dict[str, Any]:
        counters: dict[str, Any] = {"bundle": {"total": _i64(session.bundles)}}
        if full:
            counters["bundle"]["buckets"] = [
                {"start_time": _i64(start), "value": _i64(value)}
                for start, value in sorted(session.buckets.items(), reverse=True)
            ]
        for sensor in SENSORS:
            if session.sensors[sensor]:
                counters[sensor] = {"total": _i64(session.sensors[sensor])}
        manufacturer, model, version = _DEVICES[session.platform]
        width, height, ratio = _SCREENS[session.platform]
        return {
            "session_id": session.session_id,
            "app_id": self.settings.app_id,
            "region_id": session.region_id,
            "journey_id": session.journey_id,
            "client_session_group_id": session.client_session_group_id,
            "labels": [label.to_json() for label in session.labels],
            "created_at": rfc3339(session.created_at),
            "oldest_event": rfc3339(session.oldest_event) if session.oldest_event else None,
            "newest_event": rfc3339(session.newest_event) if session.newest_event else None,
            "circle": self._circle(session),
            "counters": counters,
            "metadata": {
                "platform": session.platform,
                "manufacturer": manufacturer,
                "model": model,
                "system_version": version,
                "release_version": "0.13.1",
                "install_id": session.install_id,
                "recording_profile": {"name": "mobility", "version": "1"},
                "device_physical_width": _i64(width),
                "device_physical_height": _i64(height),
                "device_logical_width": _i64(round(width / ratio)),
                "device_logical_height": _i64(round(height / ratio)),
                "device_pixel_ratio": ratio,
            },
            "config": {
                "bundle_generation_interval_millis": _i64(1000),
                "requested_duration_millis": _i64(600_000),
                "requested_sensors": ["LOCATION", "BATTERY", "ACTIVITY", "TEMPERATURE"],
                "sensor_sampling_rate": 1.0,
                "mask_text": True,
            },
        }

    @staticmethod
    def _circle(session: _Session) -> dict[str, Any] | None:
        if not session.points:
            return None
        lat = sum(point[0] for point in session.points) / len(session.points)
        lon = sum(point[1] for point in session.points) / len(session.points)
        radius = max(_distance((lat, lon), point) for point in session.points)
        return {"centroid": {"latitude": lat, "longitude": lon}, "radius": round(radius, 3)}

    def _chunk_json(self, session: _Session, chunk: _Chunk) -> dict[str, Any]:
        digest = hashlib.md5(self._chunk_text(chunk).encode(), usedforsecurity=False)
        return {
            "chunk_id": chunk.chunk_id,
            "md5": digest.hexdigest(),
            "created_at": rfc3339(chunk.created_at) if chunk.created_at else None,
        }

    def _chunk_text(self, chunk: _Chunk) -> str:
        lines = [
            line if isinstance(line, str) else json.dumps(self.render(line), separators=(",", ":"))
            for line in chunk.lines
        ]
        return "".join(f"{line}\n" for line in lines)

    # Internals: webhooks

    def _emit(
        self,
        event_type: str | int,
        session: _Session | None,
        sealed: dict[str, Any] | None = None,
        *,
        raw: bool = False,
    ) -> dict[str, Any]:
        value: str | int = event_type
        if not raw and self.settings.numeric_event_types and isinstance(event_type, str):
            value = EVENT_TYPES[event_type]
        payload = {
            "project_id": self.settings.project_id,
            "app_id": self.settings.app_id,
            "session_id": "" if session is None else session.session_id,
            "event_type": value,
            "bundle": sealed,
            "client_session_group_id": "" if session is None else session.client_session_group_id,
            "session_labels": [] if session is None else session.label_names(),
            "journey_id": "" if session is None else session.journey_id,
        }
        rendered: dict[str, Any] = self.render(payload)
        self._events.append(rendered)
        self._counters[f"event:{event_type}"] += 1
        for webhook in self._webhooks.values():
            self._sender.enqueue(webhook, rendered)
        return rendered


def _pair(value: object, what: str) -> tuple[Any, Any]:
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(f"{what} must be a pair")
    return value[0], value[1]


def _readings(
    battery: object,
    activity: object,
    location: object,
    temperature: object,
    light: object,
    pressure: object,
    humidity: object,
) -> dict[str, Any]:
    """Validate send_bundle's readings into the bundle builder's form."""
    readings: dict[str, Any] = {}
    if battery is not None:
        if isinstance(battery, int) and not isinstance(battery, bool):
            capacity, state = battery, "UNKNOWN"
        else:
            capacity, state = _pair(battery, "battery")
        readings["battery"] = (
            _percent(capacity, "battery capacity"),
            _enum(state, BATTERY_STATES, "battery state"),
        )
    if activity is not None:
        kind, confidence = _pair(activity, "activity")
        readings["activity"] = (
            _enum(kind, ACTIVITY_TYPES, "activity type"),
            _percent(confidence, "activity confidence"),
        )
    if location is not None:
        if isinstance(location, str) or not isinstance(location, Sequence):
            raise ValueError("location must be (latitude, longitude, accuracy, ...)")
        if not 3 <= len(location) <= 6:
            raise ValueError("location takes 3 to 6 numbers")
        values = [_number(item, "a location value") for item in location]
        values += [0.0] * (6 - len(values))
        if not -90 <= values[0] <= 90 or not -180 <= values[1] <= 180 or values[2] < 0:
            raise ValueError("location is out of range")
        readings["location"] = tuple(values)
    for name, value in (
        ("temperature", temperature),
        ("light", light),
        ("pressure", pressure),
        ("humidity", humidity),
    ):
        if value is not None:
            readings[name] = _number(value, name)
    if readings.get("light", 0) < 0 or readings.get("pressure", 1) <= 0:
        raise ValueError("light must not be negative and pressure must be positive")
    if not 0 <= readings.get("humidity", 0) <= 100:
        raise ValueError("humidity must be between 0 and 100")
    return readings


# Examples for the fixtures


EXAMPLE_NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
EXAMPLE_READINGS: dict[str, Any] = {
    "battery": (80, "CHARGING"),
    "activity": ("WALKING", 90),
    "location": (50.8503, 4.3517, 8.5, 56.0, 1.4, 270.0),
    "temperature": 21.5,
    "light": 300.0,
    "pressure": 1013.2,
    "humidity": 45.0,
}


def _example_run(*, camel_case: bool) -> tuple[MoonsenseSimulator, dict[str, Any]]:
    """The fixtures' scenario, with fixed clocks; returns the simulator and the files."""
    start = EXAMPLE_NOW - timedelta(minutes=30)
    wall = [start]
    simulator = MoonsenseSimulator(
        MoonsenseSettings(sessions=0, camel_case=camel_case),
        clock=lambda: 5000.0 + (wall[0] - start).total_seconds(),
        wallclock=lambda: wall[0],
    )
    files: dict[str, Any] = {}
    first = simulator.create_session(["office"], None, "android", "us-central1.gcp")
    for capacity in (64, 63):
        wall[0] += timedelta(seconds=1)
        simulator.send_bundle(first, battery=(capacity, "DISCHARGING"), pressure=1009.8)
    wall[0] += timedelta(seconds=1)
    simulator.end_session(first)
    wall[0] = start + timedelta(minutes=10)
    second = simulator.create_session([], "journey-onboarding", "web", "europe-west1.gcp")
    wall[0] += timedelta(seconds=1)
    simulator.send_bundle(second, location=(50.8466, 4.3528, 35.0))
    wall[0] = EXAMPLE_NOW
    session_id = simulator.create_session(
        ["commute", "field-test"], "journey-delivery", "ios", "europe-west1.gcp"
    )
    files["webhook_session_created.json"] = simulator.events[-1]
    wall[0] += timedelta(seconds=1, milliseconds=250)
    simulator.send_bundle(session_id, **EXAMPLE_READINGS)
    files["webhook_bundle_received.json"] = simulator.events[-1]
    wall[0] += timedelta(seconds=1)
    simulator.send_bundle(session_id, battery=(79, "DISCHARGING"), location=(50.8504, 4.3519, 12.0))
    wall[0] += timedelta(seconds=1)
    simulator.send_bundle(session_id, activity=("STILL", 70), temperature=21.4)
    wall[0] += timedelta(seconds=1)
    simulator.set_numeric_event_types(True)
    chunk_id = simulator.persist_chunk(session_id)
    files["webhook_numeric_event_type.json"] = simulator.events[-1]
    simulator.set_numeric_event_types(False)
    region = "europe-west1.gcp"
    files["sessions_page1.json"] = simulator.render(simulator.list_sessions(1, 2))
    files["chunk.jsonl"] = simulator.read_chunk(region, session_id, chunk_id)
    return simulator, files


def example_payloads() -> dict[str, Any]:
    """Build the files of tests/fixtures/moonsense/, by file name.

    JSON files hold parsed JSON; ``chunk.jsonl`` holds its text. Three
    sessions; the newest (iOS, europe-west1.gcp, labels commute and
    field-test) records three bundles, the first with every reading, and
    persists them as one chunk (CHUNK_PERSISTED sent with its number, 3).
    """
    _, files = _example_run(camel_case=False)
    _, camel = _example_run(camel_case=True)
    files["webhook_bundle_received_camel.json"] = camel["webhook_bundle_received.json"]
    return dict(sorted(files.items()))


def write_fixtures(directory: str | Path) -> list[Path]:
    """Write the example files into directory; return their paths."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in example_payloads().items():
        path = folder / name
        text = content if isinstance(content, str) else json.dumps(content, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# Application wiring


MOONSENSE_SIMULATOR = web.AppKey("MOONSENSE_SIMULATOR", MoonsenseSimulator)

ROUTES = web.RouteTableDef()

type _ApiHandler = Callable[[web.Request, MoonsenseSimulator, str | None], Awaitable[Any]]


async def moonsense_context(app: web.Application) -> AsyncIterator[None]:
    """Run the webhook sender and generator while the application runs (``app.cleanup_ctx``)."""
    simulator = app[MOONSENSE_SIMULATOR]
    await simulator.start()
    yield
    await simulator.stop()


def _route_path(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else request.path


def _api(
    method: str, suffix: str, *, data: bool = True, control: bool = True, auth: bool = True
) -> Callable[[_ApiHandler], _ApiHandler]:
    """Register an API handler on the control plane, the data planes or both.

    The handler gets the request, the simulator and the data plane's region
    (None on the control plane) and returns a canonical JSON value or a
    response. The wrapper applies injected failures, the token and the
    region check, renders the answer in the wire style and counts it.
    """

    def decorator(handler: _ApiHandler) -> _ApiHandler:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            simulator = request.app[MOONSENSE_SIMULATOR]
            region = request.match_info.get("region")
            try:
                simulator.admit(request.headers, auth=auth)
                if region is not None:
                    simulator.check_region(region)
                answer = await handler(request, simulator, region)
                response = (
                    answer
                    if isinstance(answer, web.StreamResponse)
                    else web.json_response(simulator.render(answer))
                )
            except MoonsenseApiError as err:
                response = err.response()
            simulator.count_request(_route_path(request), response.status)
            return response

        if control:
            ROUTES.route(method, CONTROL_PREFIX + suffix)(wrapper)
        if data:
            ROUTES.route(method, DATA_PREFIX + suffix)(wrapper)
        return handler

    return decorator


def _int_query(request: web.Request, name: str, default: int | None) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise MoonsenseApiError(400, f"{name} must be an integer") from None


def _time_query(request: web.Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if not raw:
        return None
    try:
        return parse_rfc3339(raw)
    except ValueError:
        raise MoonsenseApiError(400, f"Invalid {name}: {raw}") from None


@_api("GET", "/regions", data=False, auth=False)
async def _regions(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    return simulator.regions(str(request.url.origin()))


@_api("GET", "/tokens/self")
async def _whoami(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    return simulator.whoami()


@_api("GET", "/sessions")
async def _sessions(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    query = request.query
    return simulator.list_sessions(
        _int_query(request, "page", 1) or 0,
        _int_query(request, "per_page", None),
        min_created_at=_time_query(request, "filter[min_created_at]"),
        max_created_at=_time_query(request, "filter[max_created_at]"),
        labels=[label for label in query.getall("filter[labels][]", []) if label],
        journey_id=query.get("filter[journey_id]") or None,
        platforms=[p for p in query.getall("filter[platforms][]", []) if p],
    )


@_api("GET", "/sessions/{session_id}")
async def _describe(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    return simulator.describe_session(
        request.match_info["session_id"], request.query.get("view") or "minimal"
    )


@_api("POST", "/sessions/{session_id}/labels")
async def _labels(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    try:
        body = await request.json()
    except ValueError:
        raise MoonsenseApiError(400, "The request body must be JSON") from None
    labels = body.get("labels") if isinstance(body, dict) else None
    if not isinstance(labels, list) or not all(
        isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]
        for item in labels
    ):
        raise MoonsenseApiError(400, 'labels must be a list of {"name": ...}')
    return simulator.set_labels(request.match_info["session_id"], [i["name"] for i in labels])


@_api("GET", "/sessions/{session_id}/chunks", control=False)
async def _chunks(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    assert region is not None
    return simulator.list_chunks(
        region,
        request.match_info["session_id"],
        _int_query(request, "page", 1) or 0,
        _int_query(request, "per_page", None),
    )


@_api("GET", "/sessions/{session_id}/chunks/{chunk_id}", control=False)
async def _chunk(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    assert region is not None
    text = simulator.read_chunk(
        region, request.match_info["session_id"], request.match_info["chunk_id"]
    )
    return web.Response(text=text, content_type=NDJSON)


# Admin routes


_admin: Admin[MoonsenseSimulator] = admin_wrapper(
    MOONSENSE_SIMULATOR, lambda message: MoonsenseApiError(400, message)
)


def _add_webhook(simulator: MoonsenseSimulator, body: dict[str, Any]) -> int:
    url = body.get("url")
    if not isinstance(url, str):
        raise ValueError("url is a required string")
    return simulator.add_webhook(url, headers_field(body))


target_routes(
    ROUTES,
    "/_sim/moonsense/webhooks",
    _admin,
    listing=MoonsenseSimulator.webhooks,
    add=_add_webhook,
    remove=MoonsenseSimulator.remove_webhook,
    not_found=lambda message: MoonsenseApiError(404, message),
)
delivery_routes(ROUTES, "/_sim/moonsense/deliveries", "webhook", _admin)


@ROUTES.get("/_sim/moonsense/events")
@_admin
async def _admin_events(request: web.Request, simulator: MoonsenseSimulator) -> web.StreamResponse:
    return web.json_response(simulator.events)


@ROUTES.post("/_sim/moonsense/events")
@_admin
async def _admin_raw_event(
    request: web.Request, simulator: MoonsenseSimulator
) -> web.StreamResponse:
    body = await json_object(request)
    event_type = body.get("event_type")
    if isinstance(event_type, bool) or not isinstance(event_type, str | int):
        raise ValueError("event_type is a required string or integer")
    session_id = optional(body, "session_id", str)
    return web.json_response(simulator.send_raw_event(event_type, session_id))


@ROUTES.post("/_sim/moonsense/sessions")
@_admin
async def _admin_create_session(
    request: web.Request, simulator: MoonsenseSimulator
) -> web.StreamResponse:
    body = await json_object(request, optional=True)
    labels = optional(body, "labels", list) or []
    session_id = simulator.create_session(
        labels,
        optional(body, "journey_id", str),
        optional(body, "platform", str) or "ios",
        optional(body, "region", str),
    )
    return web.json_response({"session_id": session_id})


@ROUTES.post("/_sim/moonsense/sessions/{session_id}/bundles")
@_admin
async def _admin_bundle(request: web.Request, simulator: MoonsenseSimulator) -> web.StreamResponse:
    body = await json_object(request, optional=True)
    unknown = set(body) - {*SENSORS, "when"}
    if unknown:
        raise ValueError(f"Unknown readings: {', '.join(sorted(unknown))}")
    raw_when = optional(body, "when", str)
    sealed = simulator.send_bundle(
        request.match_info["session_id"],
        when=parse_rfc3339(raw_when) if raw_when else None,
        battery=body.get("battery"),
        activity=body.get("activity"),
        location=body.get("location"),
        temperature=body.get("temperature"),
        light=body.get("light"),
        pressure=body.get("pressure"),
        humidity=body.get("humidity"),
    )
    return web.json_response(sealed)


@ROUTES.post("/_sim/moonsense/sessions/{session_id}/persist")
@_admin
async def _admin_persist(request: web.Request, simulator: MoonsenseSimulator) -> web.StreamResponse:
    return web.json_response(
        {"chunk_id": simulator.persist_chunk(request.match_info["session_id"])}
    )


@ROUTES.post("/_sim/moonsense/sessions/{session_id}/end")
@_admin
async def _admin_end(request: web.Request, simulator: MoonsenseSimulator) -> web.StreamResponse:
    session_id = request.match_info["session_id"]
    simulator.end_session(session_id)
    return web.json_response({"session_id": session_id})


@ROUTES.post("/_sim/moonsense/sessions/{session_id}/chunks/{chunk_id}/bad-line")
@_admin
async def _admin_bad_line(
    request: web.Request, simulator: MoonsenseSimulator
) -> web.StreamResponse:
    body = await json_object(request)
    text = body.get("text")
    if not isinstance(text, str):
        raise ValueError("text is a required string")
    index = optional(body, "index", int)
    session_id, chunk_id = request.match_info["session_id"], request.match_info["chunk_id"]
    simulator.plant_bad_line(session_id, chunk_id, text, index)
    return web.json_response({"chunk_id": chunk_id, "text": text})


failure_route(ROUTES, "/_sim/moonsense/fail", _admin)


@ROUTES.post("/_sim/moonsense/settings")
@_admin
async def _admin_settings(
    request: web.Request, simulator: MoonsenseSimulator
) -> web.StreamResponse:
    body = await json_object(request)
    flags = {
        "camel_case": simulator.set_camel_case,
        "emit_defaults": simulator.set_emit_defaults,
        "numeric_event_types": simulator.set_numeric_event_types,
    }
    for key in flags:
        optional(body, key, bool)
    interval = body.get("bundle_interval")
    if interval is not None and (
        isinstance(interval, bool) or not isinstance(interval, int | float)
    ):
        raise ValueError("bundle_interval must be a number")
    if interval is not None:
        simulator.set_bundle_interval(float(interval))
    for key, setter in flags.items():
        if body.get(key) is not None:
            setter(body[key])
    settings = simulator.settings
    return web.json_response(
        {
            "camel_case": settings.camel_case,
            "emit_defaults": settings.emit_defaults,
            "numeric_event_types": settings.numeric_event_types,
            "bundle_interval": settings.bundle_interval,
        }
    )


@ROUTES.get("/_sim/moonsense/state")
@_admin
async def _admin_state(request: web.Request, simulator: MoonsenseSimulator) -> web.StreamResponse:
    return web.json_response(simulator.state())
