"""Async client for the Moonsense Cloud API v2, and the webhook and bundle models.

aiohttp plus Sitewatch's ``bounds`` helpers. Wire facts: ``docs/providers/moonsense.md`` and the
vendor's webhook and bundle schemas. The control plane is ``https://api.{root}``, a session's data
(chunks of SealedBundle JSON lines) is on ``https://{region}.data-api.{root}``. A root given as a
full URL ``BASE`` (the simulator, tests) means control plane ``BASE`` and data plane
``BASE/data/{region}``. Answers follow the protobuf JSON mapping: keys may be snake_case or
lowerCamelCase and int64 fields may arrive as strings; both are accepted.

Every parser here is typed and bounded: it reads only the fields Sitewatch uses, at a fixed depth
(no recursion over the payload, so any nesting is harmless), and turns each into a value of its
type within range (``bounds``), or None. JSON is decoded with orjson, which refuses nesting deeper
than 1,024 levels with a decode error instead of recursing without end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
import hashlib
import re
from typing import Any, Final

import aiohttp
import orjson
from yarl import URL

from ...bounds import (
    MAX_STATE_TEXT,
    bounded_int,
    bounded_text,
    finite_number,
    sane_time,
)

DEFAULT_ROOT: Final = "moonsense.cloud"
DEFAULT_REGION: Final = "us-central1.gcp"
DEFAULT_TIMEOUT: Final = 20.0
PER_PAGE: Final = 50
MAX_PAGES: Final = 200
MAX_ID_TEXT: Final = MAX_STATE_TEXT
"""Longest id (session, app, project, journey, chunk) accepted; a longer one is unusable."""
MAX_LABELS: Final = 256
"""Most labels read from one event or session (each at most ``MAX_ID_TEXT`` characters)."""
MAX_RAW_ENUM_TEXT: Final = 64
"""Longest original text of an enum value kept (in an attribute) next to its name."""

EVENT_TYPES: Final = {
    0: "unknown",
    1: "session_created",
    2: "bundle_received",
    3: "chunk_persisted",
    4: "session_inactive",
}
"""Webhook event types by their protobuf number; their names map by lower-casing."""
BATTERY_STATES: Final = {0: "unknown", 1: "charging", 2: "discharging", 3: "full"}
ACTIVITY_TYPES: Final = {
    0: "unknown",
    1: "in_vehicle",
    2: "on_bicycle",
    3: "on_foot",
    4: "running",
    5: "still",
    6: "tilting",
    7: "walking",
}
READING_RANGES: Final[dict[str, tuple[float, float]]] = {
    "battery_level": (0, 100),
    "activity_confidence": (0, 100),
    "latitude": (-90, 90),
    "longitude": (-180, 180),
    "location_accuracy": (0, 1e6),
    "temperature": (-100, 150),
    "light": (0, 1e6),
    "pressure": (0, 2000),
    "humidity": (0, 100),
}
"""Accepted range of each reading (units as in ``Readings``); outside it the reading is dropped."""
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_REGION = re.compile(r"[a-z0-9][a-z0-9.-]{0,62}", re.IGNORECASE)
_INTEGER = re.compile(r"-?\d{1,20}")
_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**64 - 1


class MoonsenseError(Exception):
    """Base class of every error the Moonsense client raises."""


class MoonsenseAuthenticationError(MoonsenseError):
    """The secret token was refused (HTTP 401/403)."""


class MoonsenseConnectionError(MoonsenseError):
    """The service could not be reached: connection failure or timeout."""


class MoonsenseApiError(MoonsenseError):
    """Another error status, or a body of an unexpected shape (the message is short and fixed)."""


class BundleParseError(MoonsenseError):
    """One line of a chunk is not a SealedBundle JSON document.

    Attributes:
        line_number: the 1-based line number in the chunk.
        line: the line (cut to 200 characters).
    """

    def __init__(self, line_number: int, line: str) -> None:
        """Name the line."""
        super().__init__(f"Malformed bundle on line {line_number}: {line[:200]!r}")
        self.line_number = line_number
        self.line = line[:200]


def snake_key(key: object) -> str:
    """One object key in snake_case (a lowerCamelCase key converted)."""
    return _CAMEL.sub("_", str(key)).lower()


def snake_keys(value: object) -> dict[str, Any] | None:
    """One object with its own keys in snake_case (not its children's), or None if no object.

    Shallow on purpose: parsers descend the few levels they read one object at a time, so no
    code walks a payload's nesting.
    """
    if not isinstance(value, dict):
        return None
    return {snake_key(key): item for key, item in value.items()}


def as_int(value: object, *, minimum: int = _INT64_MIN, maximum: int = _INT64_MAX) -> int | None:
    """An int64 that may arrive as a number or a decimal string, within range; None otherwise."""
    if isinstance(value, str):
        text = value.strip()
        if not _INTEGER.fullmatch(text):
            return None
        value = int(text, 10)
    if isinstance(value, float) and not value.is_integer():
        return None  # NaN and infinities too
    return bounded_int(value, minimum=minimum, maximum=maximum)


def as_float(value: object, *, minimum: float = -1e15, maximum: float = 1e15) -> float | None:
    """A finite number (or numeric string, as protobuf JSON allows) in range; None otherwise."""
    if isinstance(value, str):
        if len(value) > 64:
            return None
        try:
            value = float(value)
        except ValueError:
            return None
    return finite_number(value, minimum=minimum, maximum=maximum)


def as_time(value: object) -> datetime | None:
    """An RFC 3339 text, or milliseconds since the epoch (number or string), as a sane time.

    Sane: between 2000 and a day from now (``bounds.sane_time``), in UTC; anything else is None.
    """
    if isinstance(value, str) and not _INTEGER.fullmatch(value.strip()):
        if len(value) > 64:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return sane_time(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
    millis = as_int(value, minimum=0, maximum=10**14)
    if millis is None:
        return None
    return sane_time(datetime.fromtimestamp(millis / 1000, tz=UTC))


def text_id(value: object, what: str) -> str | None:
    """An identifier: text (or an integer) of at most ``MAX_ID_TEXT`` characters; None if empty.

    Raises:
        MoonsenseApiError: another type, or a longer text (the message names only ``what``).
    """
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value) if _INT64_MIN <= value <= _INT64_MAX else None
    if not isinstance(value, str):
        raise MoonsenseApiError(f"{what} is not text")
    if len(value) > MAX_ID_TEXT:
        raise MoonsenseApiError(f"{what} is too long")
    return bounded_text(value, MAX_ID_TEXT)


def _optional_id(value: object) -> str | None:
    """``text_id`` of a field Sitewatch only shows: a wrong type is None instead of an error."""
    try:
        return text_id(value, "id")
    except MoonsenseApiError:
        return None


def label_names(value: object, what: str) -> list[str]:
    """Label names from a list of names or of ``{name: ...}`` objects (at most ``MAX_LABELS``).

    Items that are neither are skipped; names are cut to ``MAX_ID_TEXT`` characters.

    Raises:
        MoonsenseApiError: ``value`` is neither a list nor null.
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise MoonsenseApiError(f"{what} is not a list")
    names: list[str] = []
    for item in value:
        label = snake_keys(item)
        name = bounded_text(label.get("name") if label is not None else item, MAX_ID_TEXT)
        if name is not None:
            names.append(name)
            if len(names) == MAX_LABELS:
                break
    return names


def _rfc3339(moment: datetime) -> str:
    """RFC 3339 (a naive datetime is taken as UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def enum_value(value: object, names: dict[int, str]) -> tuple[str | None, str | None]:
    """A protobuf enum given by name or number: (lower-case name, original text).

    A name or number outside ``names`` is ``unknown`` with the original text kept (at most
    ``MAX_RAW_ENUM_TEXT`` characters); a missing, empty or wrong-typed value is (None, None).
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, None
    if isinstance(value, str):
        raw = bounded_text(value, MAX_RAW_ENUM_TEXT)
        if raw is None:
            return None, None
        if _INTEGER.fullmatch(raw):
            number = as_int(raw)
            return (names.get(number, "unknown") if number is not None else "unknown"), raw
        name = raw.lower()
        return (name if name in names.values() else "unknown"), raw
    number = as_int(value, minimum=-(2**31), maximum=2**31 - 1)
    if number is None:
        return "unknown", None
    return names.get(number, "unknown"), str(number)


@dataclass(frozen=True, slots=True)
class Session:
    """A recording session (``GET /v2/sessions``), every field typed and bounded."""

    session_id: str
    app_id: str | None
    region_id: str | None
    journey_id: str | None
    labels: list[str]
    created_at: datetime | None
    newest_event: datetime | None
    platform: str | None

    @classmethod
    def from_api(cls, raw: object) -> Session:
        """Build from either key style.

        Raises:
            MoonsenseApiError: not an object, or without a usable session id.
        """
        item = snake_keys(raw)
        if item is None:
            raise MoonsenseApiError("session without session_id")
        session_id = text_id(item.get("session_id"), "session_id")
        if session_id is None:
            raise MoonsenseApiError("session without session_id")
        region = item.get("region_id")
        metadata = snake_keys(item.get("metadata")) or {}
        try:
            labels = label_names(item.get("labels"), "labels")
        except MoonsenseApiError:
            labels = []
        return cls(
            session_id=session_id,
            app_id=_optional_id(item.get("app_id")),
            region_id=region if isinstance(region, str) and _REGION.fullmatch(region) else None,
            journey_id=_optional_id(item.get("journey_id")),
            labels=labels,
            created_at=as_time(item.get("created_at")),
            newest_event=as_time(item.get("newest_event")),
            platform=bounded_text(metadata.get("platform"), MAX_RAW_ENUM_TEXT),
        )


def _reading(value: object, name: str) -> float | None:
    minimum, maximum = READING_RANGES[name]
    return as_float(value, minimum=minimum, maximum=maximum)


@dataclass(frozen=True, slots=True)
class Readings:
    """The readings of one bundle (each None when the bundle lacks it); latest sample of each.

    Every reading is finite and within ``READING_RANGES`` (a reading outside is dropped, not the
    bundle); ``battery_state`` and ``activity`` are names of ``BATTERY_STATES`` and
    ``ACTIVITY_TYPES`` (``unknown`` for others), the original texts in ``raw_battery_state`` and
    ``raw_activity``; a location has both coordinates or neither; ``time`` is sane (2000 to now
    plus a day).
    """

    battery_level: int | None = None
    battery_state: str | None = None
    activity: str | None = None
    activity_confidence: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_accuracy: float | None = None
    temperature: float | None = None
    light: float | None = None
    pressure: float | None = None
    humidity: float | None = None
    time: datetime | None = None
    raw_battery_state: str | None = None
    raw_activity: str | None = None

    @classmethod
    def from_sealed_bundle(cls, raw: object) -> Readings:
        """Read a SealedBundle (either key style).

        Raises:
            MoonsenseApiError: it is no object.
        """
        sealed = snake_keys(raw)
        if sealed is None:
            raise MoonsenseApiError("a sealed bundle must be an object")
        bundle = snake_keys(sealed.get("bundle")) or {}
        battery = snake_keys(bundle.get("battery")) or {}
        activity = _latest(bundle.get("activity_data")) or {}
        location = _latest(bundle.get("location_data")) or {}
        client_time = snake_keys(bundle.get("client_time")) or {}
        when = as_time(client_time.get("wall_time_millis")) or as_time(
            sealed.get("server_time_millis")
        )
        battery_state, raw_battery_state = enum_value(battery.get("state"), BATTERY_STATES)
        activity_type, raw_activity = enum_value(activity.get("type"), ACTIVITY_TYPES)
        latitude = _reading(location.get("latitude"), "latitude")
        longitude = _reading(location.get("longitude"), "longitude")
        if latitude is None or longitude is None:
            latitude = longitude = None
        return cls(
            battery_level=as_int(battery.get("capacity"), minimum=0, maximum=100),
            battery_state=battery_state,
            activity=activity_type,
            activity_confidence=as_int(activity.get("confidence"), minimum=0, maximum=100),
            latitude=latitude,
            longitude=longitude,
            location_accuracy=(
                _reading(location.get("horizontal_accuracy"), "location_accuracy")
                if latitude is not None
                else None
            ),
            temperature=_latest_value(bundle.get("temperature_data"), "temperature"),
            light=_latest_value(bundle.get("light_data"), "light"),
            pressure=_latest_value(bundle.get("pressure_data"), "pressure"),
            humidity=_latest_value(bundle.get("humidity_data"), "humidity"),
            time=when,
            raw_battery_state=raw_battery_state,
            raw_activity=raw_activity,
        )


def _latest(samples: object) -> dict[str, Any] | None:
    """The sample with the latest ``determined_at`` (the last one when times are missing)."""
    if not isinstance(samples, list):
        return None
    latest: dict[str, Any] | None = None
    latest_at = -1
    for sample in samples:
        if (item := snake_keys(sample)) is None:
            continue
        determined_at = as_int(item.get("determined_at")) or 0
        if determined_at >= latest_at:
            latest, latest_at = item, determined_at
    return latest


def _latest_value(samples: object, name: str) -> float | None:
    sample = _latest(samples)
    return _reading(sample.get("value"), name) if sample else None


def _digest(value: object) -> str | None:
    """A short digest of a JSON value (keys sorted), or None when it cannot be serialised."""
    try:
        data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError: too deep, an int beyond 64 bits, odd keys
        return None
    return hashlib.blake2b(data, digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A webhook payload, typed and bounded.

    ``event_type`` is a name of ``EVENT_TYPES`` (``unknown`` for 0 or any other name or number);
    ``raw_event_type`` is the original text (at most ``MAX_RAW_ENUM_TEXT`` characters, None when
    missing); ids are texts of at most ``MAX_ID_TEXT`` characters; ``labels`` at most
    ``MAX_LABELS`` names; ``readings`` the bundle's (``bundle_received`` with a bundle only).
    """

    event_type: str
    raw_event_type: str | None
    session_id: str | None
    app_id: str | None
    project_id: str | None
    journey_id: str | None
    labels: list[str] = field(default_factory=list)
    readings: Readings | None = None
    bundle_digest: str | None = None

    @property
    def key(self) -> str | None:
        """Identifies a notification for dropping redeliveries (None: it cannot be told apart).

        A session's creation and end happen once; a bundle is told by its time (or, without one,
        by a digest of its content). Chunk persisted and unknown events carry nothing that tells
        two of them apart, so they get no key (a redelivery of one fires again).
        """
        session_id = self.session_id
        if session_id is None:
            return None
        if self.event_type in ("session_created", "session_inactive"):
            return f"{self.event_type}:{session_id}:"
        if self.event_type == "bundle_received" and self.readings is not None:
            if self.readings.time is not None:
                return f"bundle_received:{session_id}:{self.readings.time.isoformat()}"
            if self.bundle_digest is not None:
                return f"bundle_received:{session_id}:{self.bundle_digest}"
        return None

    @classmethod
    def from_api(cls, raw: object) -> WebhookEvent:
        """Build from a webhook body (either key style; event type by name or number).

        A field missing or null takes its default (protobuf leaves defaults out); a field of the
        wrong type makes the event unusable; a reading of the bundle that is wrong or out of
        range is dropped alone.

        Raises:
            MoonsenseApiError: the event is unusable; the message is a short fixed reason.
        """
        item = snake_keys(raw)
        if item is None:
            raise MoonsenseApiError("a webhook body must be an object with an event_type")
        if "event_type" not in item:
            raise MoonsenseApiError("a webhook body must have an event_type")
        raw_type = item["event_type"]
        if raw_type is None:
            event_type, raw_event_type = "unknown", None
        elif isinstance(raw_type, bool) or not isinstance(raw_type, str | int | float):
            raise MoonsenseApiError("event_type is not a name or a number")
        else:
            name, raw_event_type = enum_value(raw_type, EVENT_TYPES)
            event_type = name or "unknown"
        bundle = item.get("bundle")
        if bundle is not None and not isinstance(bundle, dict):
            raise MoonsenseApiError("bundle is not an object")
        readings = Readings.from_sealed_bundle(bundle) if bundle is not None else None
        return cls(
            event_type=event_type,
            raw_event_type=raw_event_type,
            session_id=text_id(item.get("session_id"), "session_id"),
            app_id=text_id(item.get("app_id"), "app_id"),
            project_id=text_id(item.get("project_id"), "project_id"),
            journey_id=text_id(item.get("journey_id"), "journey_id"),
            labels=label_names(item.get("session_labels"), "session_labels"),
            readings=readings,
            bundle_digest=(
                _digest(bundle) if readings is not None and readings.time is None else None
            ),
        )


@dataclass(frozen=True, slots=True)
class Chunk:
    """A persisted chunk of a session."""

    chunk_id: str
    created_at: datetime | None


class MoonsenseClient:
    """Client of one Moonsense secret token.

    Args:
        session: the aiohttp session to use (Home Assistant's shared one); never closed here.
        token: the secret token (``Authorization: Bearer``).
        root: the root domain (``moonsense.cloud``), or a full URL for another deployment.
        default_region: the data plane region when a session does not name its own.

    Every call raises ``MoonsenseAuthenticationError``, ``MoonsenseConnectionError`` or
    ``MoonsenseApiError``.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        token: str,
        root: str = DEFAULT_ROOT,
        default_region: str = DEFAULT_REGION,
        request_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Keep the token; no request is made until the first call."""
        self._session = session
        self._token = token
        self.root = root.strip().rstrip("/")
        self.default_region = default_region
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self.request_count = 0

    @property
    def control_url(self) -> str:
        """The control plane's base URL."""
        if "://" in self.root:
            return self.root
        return f"https://api.{self.root}"

    def data_url(self, region: str | None = None) -> str:
        """The data plane's base URL for ``region`` (the default region when None)."""
        region = region or self.default_region
        if "://" in self.root:
            return f"{self.root}/data/{region}"
        return f"https://{region}.data-api.{self.root}"

    async def whoami(self) -> dict[str, str]:
        """The token's description (``GET /v2/tokens/self``): its text fields (app_id, ...).

        Keys in snake_case; only fields holding text (at most ``MAX_ID_TEXT`` characters) are
        kept, so a nested or oversized value never reaches a unique id or a title.
        """
        answer = snake_keys(await self._get(f"{self.control_url}/v2/tokens/self"))
        if answer is None:
            raise MoonsenseApiError("Expected an object from /v2/tokens/self")
        return {
            key: text
            for key, value in answer.items()
            if isinstance(value, str)
            and len(value) <= MAX_ID_TEXT
            and (text := bounded_text(value, MAX_ID_TEXT)) is not None
        }

    async def sessions(
        self,
        *,
        min_created_at: datetime | None = None,
        max_created_at: datetime | None = None,
        labels: list[str] | None = None,
        journey_id: str | None = None,
        platforms: list[str] | None = None,
        per_page: int = PER_PAGE,
    ) -> list[Session]:
        """Every session matching the filters, following the pages to the end.

        An item that is not a session with a usable id is skipped (the others are kept).
        """
        params: list[tuple[str, str]] = [("per_page", str(per_page))]
        if min_created_at is not None:
            params.append(("filter[min_created_at]", _rfc3339(min_created_at)))
        if max_created_at is not None:
            params.append(("filter[max_created_at]", _rfc3339(max_created_at)))
        params.extend(("filter[labels][]", label) for label in labels or [])
        if journey_id:
            params.append(("filter[journey_id]", journey_id))
        params.extend(("filter[platforms][]", platform) for platform in platforms or [])
        sessions: list[Session] = []
        page = 1
        for _ in range(MAX_PAGES):
            answer = snake_keys(
                await self._get(f"{self.control_url}/v2/sessions", [*params, ("page", str(page))])
            )
            items = answer.get("sessions") if answer is not None else None
            if answer is None or not isinstance(items, list):
                raise MoonsenseApiError("Expected a list of sessions")
            if not items:
                break
            for item in items:
                try:
                    sessions.append(Session.from_api(item))
                except MoonsenseApiError:
                    continue
            pagination = snake_keys(answer.get("pagination")) or {}
            next_page = as_int(pagination.get("next_page"), minimum=0, maximum=2**31)
            if not next_page or next_page <= page:
                break
            page = next_page
        return sessions

    async def session(self, session_id: str, view: str = "minimal") -> Session:
        """One session (``GET /v2/sessions/{id}``)."""
        answer = await self._get(f"{self.control_url}/v2/sessions/{session_id}", [("view", view)])
        return Session.from_api(answer)

    async def chunks(self, session: Session) -> list[Chunk]:
        """The persisted chunks of a session, from its region's data plane (all pages)."""
        chunks: list[Chunk] = []
        page = 1
        base = f"{self.data_url(session.region_id)}/v2/sessions/{session.session_id}/chunks"
        for _ in range(MAX_PAGES):
            answer = snake_keys(
                await self._get(base, [("per_page", str(PER_PAGE)), ("page", str(page))])
            )
            items = answer.get("chunks") if answer is not None else None
            if answer is None or not isinstance(items, list):
                raise MoonsenseApiError("Expected a list of chunks")
            if not items:
                break
            for raw in items:
                item = snake_keys(raw) or {}
                chunk_id = _optional_id(item.get("chunk_id"))
                if chunk_id is not None:
                    chunks.append(Chunk(chunk_id, as_time(item.get("created_at"))))
            pagination = snake_keys(answer.get("pagination")) or {}
            next_page = as_int(pagination.get("next_page"), minimum=0, maximum=2**31)
            if not next_page or next_page <= page:
                break
            page = next_page
        return chunks

    async def read_chunk(
        self, session: Session, chunk_id: str
    ) -> tuple[list[Readings], list[BundleParseError]]:
        """The bundles of a chunk (JSON lines); a bad line is reported and loses no other."""
        body: bytes = await self._get(
            f"{self.data_url(session.region_id)}/v2/sessions/{session.session_id}/chunks/{chunk_id}",
            raw=True,
        )
        readings: list[Readings] = []
        errors: list[BundleParseError] = []
        # JSON lines end in "\n" only: other Unicode line breaks may stand inside strings.
        for number, raw_line in enumerate(body.split(b"\n"), start=1):
            line = raw_line.rstrip(b"\r")
            if not line.strip():
                continue
            try:
                readings.append(Readings.from_sealed_bundle(orjson.loads(line)))
            except (ValueError, MoonsenseApiError):
                errors.append(BundleParseError(number, line.decode("utf-8", "replace")))
        return readings, errors

    async def _get(
        self, url: str, params: list[tuple[str, str]] | None = None, *, raw: bool = False
    ) -> Any:
        self.request_count += 1
        try:
            async with self._session.get(
                URL(url),
                params=params,
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=self._timeout,
            ) as response:
                if response.status in (401, 403):
                    raise MoonsenseAuthenticationError(
                        f"Moonsense refused the token (HTTP {response.status})"
                    )
                if response.status >= 400:
                    raise MoonsenseApiError(f"Moonsense answered HTTP {response.status}")
                if raw:
                    return await response.read()
                try:
                    # orjson: a decode error (never a RecursionError) beyond 1,024 levels.
                    return orjson.loads(await response.read())
                except orjson.JSONDecodeError as err:
                    raise MoonsenseApiError("Malformed JSON from Moonsense") from err
        except TimeoutError as err:
            raise MoonsenseConnectionError("Timeout talking to Moonsense") from err
        except aiohttp.ClientError as err:
            raise MoonsenseConnectionError(f"Cannot reach Moonsense: {err}") from err
