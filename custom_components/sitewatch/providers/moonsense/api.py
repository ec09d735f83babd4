"""Async client for the Moonsense Cloud API v2, and the webhook and bundle models.

Pure aiohttp, no Home Assistant imports. Wire facts: ``docs/providers/moonsense.md``
and the vendor's webhook and bundle schemas. The control plane is ``https://api.{root}``, a
session's data (chunks of SealedBundle JSON lines) is on ``https://{region}.data-api.{root}``.
A root given as a full URL ``BASE`` (the simulator, tests) means control plane ``BASE`` and data
plane ``BASE/data/{region}``. Answers follow the protobuf JSON mapping: keys may be snake_case
or lowerCamelCase and int64 fields may arrive as strings; both are accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
import re
from typing import Any, Final

import aiohttp
from yarl import URL

DEFAULT_ROOT: Final = "moonsense.cloud"
DEFAULT_REGION: Final = "us-central1.gcp"
DEFAULT_TIMEOUT: Final = 20.0
PER_PAGE: Final = 50
MAX_PAGES: Final = 200

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
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class MoonsenseError(Exception):
    """Base class of every error the Moonsense client raises."""


class MoonsenseAuthenticationError(MoonsenseError):
    """The secret token was refused (HTTP 401/403)."""


class MoonsenseConnectionError(MoonsenseError):
    """The service could not be reached: connection failure or timeout."""


class MoonsenseApiError(MoonsenseError):
    """Another error status, or a body of an unexpected shape."""


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


def snake_keys(value: Any) -> Any:
    """The value with every object key in snake_case (lowerCamelCase keys converted)."""
    if isinstance(value, dict):
        return {_CAMEL.sub("_", str(key)).lower(): snake_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    return value


def as_int(value: Any) -> int | None:
    """An int64 that may arrive as a number or a decimal string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip(), 10)
        except ValueError:
            return None
    return None


def as_float(value: Any) -> float | None:
    """A number (or numeric string); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def as_time(value: Any) -> datetime | None:
    """An RFC 3339 text, or milliseconds since the epoch (number or string), as a datetime."""
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    millis = as_int(value)
    if millis is None:
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _rfc3339(moment: datetime) -> str:
    """RFC 3339 (a naive datetime is taken as UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _enum(value: Any, names: Mapping[int, str]) -> str | None:
    """A protobuf enum given by name or number, as a lower-case name."""
    number = as_int(value)
    if number is not None:
        return names.get(number, "unknown")
    if isinstance(value, str) and value:
        return value.strip().lower()
    return None


@dataclass(frozen=True, slots=True)
class Session:
    """A recording session (``GET /v2/sessions``)."""

    session_id: str
    app_id: str | None
    region_id: str | None
    journey_id: str | None
    labels: list[str]
    created_at: datetime | None
    newest_event: datetime | None
    platform: str | None

    @classmethod
    def from_api(cls, raw: Any) -> Session:
        """Build from either key style; raises MoonsenseApiError without a session id."""
        item = snake_keys(raw)
        if not isinstance(item, dict) or not item.get("session_id"):
            raise MoonsenseApiError("session without session_id")
        labels = item.get("labels") or []
        metadata: dict[str, Any] = (
            item["metadata"] if isinstance(item.get("metadata"), dict) else {}
        )
        return cls(
            session_id=str(item["session_id"]),
            app_id=item.get("app_id"),
            region_id=item.get("region_id"),
            journey_id=item.get("journey_id") or None,
            labels=[
                str(label.get("name")) if isinstance(label, dict) else str(label)
                for label in labels
                if label
            ],
            created_at=as_time(item.get("created_at")),
            newest_event=as_time(item.get("newest_event")),
            platform=metadata.get("platform"),
        )


@dataclass(frozen=True, slots=True)
class Readings:
    """The readings of one bundle (each None when the bundle lacks it); latest sample of each."""

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

    @classmethod
    def from_sealed_bundle(cls, raw: Any) -> Readings:
        """Read a SealedBundle (either key style); raises MoonsenseApiError if it is no object."""
        sealed = snake_keys(raw)
        if not isinstance(sealed, dict):
            raise MoonsenseApiError("a sealed bundle must be an object")
        bundle: dict[str, Any] = sealed["bundle"] if isinstance(sealed.get("bundle"), dict) else {}
        battery = bundle.get("battery") if isinstance(bundle.get("battery"), dict) else None
        activity = _latest(bundle.get("activity_data"))
        location = _latest(bundle.get("location_data"))
        client_time = bundle.get("client_time")
        when = (
            as_time(client_time.get("wall_time_millis")) if isinstance(client_time, dict) else None
        ) or as_time(sealed.get("server_time_millis"))
        return cls(
            battery_level=as_int(battery.get("capacity")) if battery else None,
            battery_state=_enum(battery.get("state"), BATTERY_STATES) if battery else None,
            activity=_enum(activity.get("type"), ACTIVITY_TYPES) if activity else None,
            activity_confidence=as_int(activity.get("confidence")) if activity else None,
            latitude=as_float(location.get("latitude")) if location else None,
            longitude=as_float(location.get("longitude")) if location else None,
            location_accuracy=as_float(location.get("horizontal_accuracy")) if location else None,
            temperature=_latest_value(bundle.get("temperature_data")),
            light=_latest_value(bundle.get("light_data")),
            pressure=_latest_value(bundle.get("pressure_data")),
            humidity=_latest_value(bundle.get("humidity_data")),
            time=when,
        )


def _latest(samples: Any) -> dict[str, Any] | None:
    """The sample with the latest ``determined_at`` (the last one when times are missing)."""
    if not isinstance(samples, list):
        return None
    objects = [sample for sample in samples if isinstance(sample, dict)]
    if not objects:
        return None
    return max(
        enumerate(objects), key=lambda pair: (as_int(pair[1].get("determined_at")) or 0, pair[0])
    )[1]


def _latest_value(samples: Any) -> float | None:
    sample = _latest(samples)
    return as_float(sample.get("value")) if sample else None


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A webhook payload: ``event_type`` is a lower-case name (``unknown`` for 0 or others)."""

    event_type: str
    raw_event_type: str
    session_id: str | None
    app_id: str | None
    project_id: str | None
    journey_id: str | None
    labels: list[str] = field(default_factory=list)
    readings: Readings | None = None

    @property
    def key(self) -> str:
        """Identifies a notification for dropping redeliveries."""
        when = self.readings.time.isoformat() if self.readings and self.readings.time else ""
        return f"{self.event_type}:{self.session_id}:{when}"

    @classmethod
    def from_api(cls, raw: Any) -> WebhookEvent:
        """Build from a webhook body (either key style; event type by name or number).

        Raises:
            MoonsenseApiError: not an object, or no event type.
        """
        item = snake_keys(raw)
        if not isinstance(item, dict) or "event_type" not in item:
            raise MoonsenseApiError("a webhook body must be an object with an event_type")
        raw_type = item["event_type"]
        number = as_int(raw_type)
        if number is not None:
            event_type = EVENT_TYPES.get(number, "unknown")
        else:
            name = str(raw_type).strip().lower()
            event_type = name if name in EVENT_TYPES.values() else "unknown"
        bundle = item.get("bundle")
        return cls(
            event_type=event_type,
            raw_event_type=str(raw_type),
            session_id=item.get("session_id") or None,
            app_id=item.get("app_id") or None,
            project_id=item.get("project_id") or None,
            journey_id=item.get("journey_id") or None,
            labels=[str(label) for label in item.get("session_labels") or []],
            readings=Readings.from_sealed_bundle(bundle) if isinstance(bundle, dict) else None,
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

    async def whoami(self) -> dict[str, Any]:
        """The token's description (``GET /v2/tokens/self``): app_id, project_id, ..."""
        answer = snake_keys(await self._get(f"{self.control_url}/v2/tokens/self"))
        if not isinstance(answer, dict):
            raise MoonsenseApiError("Expected an object from /v2/tokens/self")
        return answer

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
        """Every session matching the filters, following the pages to the end."""
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
            items = answer.get("sessions") if isinstance(answer, dict) else None
            if not isinstance(items, list):
                raise MoonsenseApiError("Expected a list of sessions")
            if not items:
                break
            sessions.extend(Session.from_api(item) for item in items)
            pagination = answer.get("pagination") or {}
            next_page = as_int(pagination.get("next_page")) if isinstance(pagination, dict) else 0
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
            items = answer.get("chunks") if isinstance(answer, dict) else None
            if not isinstance(items, list):
                raise MoonsenseApiError("Expected a list of chunks")
            if not items:
                break
            chunks.extend(
                Chunk(chunk_id=str(item["chunk_id"]), created_at=as_time(item.get("created_at")))
                for item in items
                if isinstance(item, dict) and item.get("chunk_id")
            )
            pagination = answer.get("pagination") or {}
            next_page = as_int(pagination.get("next_page")) if isinstance(pagination, dict) else 0
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
                readings.append(Readings.from_sealed_bundle(json.loads(line.decode("utf-8"))))
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
                    return await response.json(content_type=None)
                except ValueError as err:
                    raise MoonsenseApiError("Malformed JSON from Moonsense") from err
        except TimeoutError as err:
            raise MoonsenseConnectionError("Timeout talking to Moonsense") from err
        except aiohttp.ClientError as err:
            raise MoonsenseConnectionError(f"Cannot reach Moonsense: {err}") from err
