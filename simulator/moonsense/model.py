"""Moonsense constants, the API error, wire helpers and the world's records."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
import math
from typing import Any

from ..routing import ErrorMessageApiError
from ..sender import CountedTarget

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
AMBIENT = ("temperature", "light", "pressure", "humidity")
MOTION = ("accelerometer", "linear_accelerometer", "gyroscope", "magnetometer")
"""Three-axis sensors: ``(x, y, z)`` in G, G, rad/s, µT."""
INTERACTIONS = ("pointer", "key_press", "focus_change", "text_change", "markers")
"""Interaction lists: a bundle carries a number of samples of each."""
SENSORS = (
    "location",
    "battery",
    "activity",
    *AMBIENT,
    "steps",
    "heart_rate",
    *MOTION,
    "orientation",
    *INTERACTIONS,
)
PHONES: tuple[tuple[str, str, str, str], ...] = (
    ("ios", "Apple", "iPhone14,2", "17.4.1"),
    ("ios", "Apple", "iPhone14,2", "17.5"),
    ("android", "Google", "Pixel 7", "14"),
    ("web", "", "Chrome", "124.0"),
)
"""The simulated phones: platform, manufacturer, model, system version (two share a model)."""
MAX_PER_PAGE = 500
MAX_SESSIONS = 2000  # the oldest ended sessions go first
MAX_EVENTS = 1000
BUNDLES_PER_CHUNK = 5  # the generator persists a chunk after this many bundles
ACTIVE_TARGET = 2  # the generator keeps up to this many sessions recording
USER_AGENT = "Moonsense-Simulator/0.13.1"
NDJSON = "application/x-ndjson"
_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ENUM_KEYS = frozenset({"state", "type", "event_type"})
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


class MoonsenseApiError(ErrorMessageApiError):
    """An API error answer: HTTP status and the ``{"error": ...}`` message."""


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


@dataclass(frozen=True)
class _Phone:
    index: int
    install_id: str
    platform: str
    manufacturer: str
    model: str
    version: str


@dataclass
class _Session:
    seq: int
    session_id: str
    region_id: str
    platform: str
    journey_id: str
    client_session_group_id: str
    phone: _Phone
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


def _pair(value: object, what: str) -> tuple[Any, Any]:
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(f"{what} must be a pair")
    return value[0], value[1]


def _triple(value: object, what: str) -> tuple[float, float, float]:
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 3:
        raise ValueError(f"{what} must be three numbers")
    x, y, z = (_number(item, what) for item in value)
    return x, y, z


def _count(value: object, what: str, maximum: int = 10_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise ValueError(f"{what} must be an integer from 0 to {maximum}")
    return value


def _more_readings(more: Mapping[str, object]) -> dict[str, Any]:
    """Validate send_bundle's step, heart rate, motion and interaction readings."""
    unknown = set(more) - {"steps", "heart_rate", *MOTION, "orientation", *INTERACTIONS}
    if unknown:
        raise ValueError(f"Unknown readings: {', '.join(sorted(unknown))}")
    readings: dict[str, Any] = {}
    for name, value in more.items():
        if value is None:
            continue
        if name in ("steps", "heart_rate"):
            readings[name] = _count(value, name, 100_000 if name == "steps" else 300)
        elif name in INTERACTIONS:
            readings[name] = _count(value, name, 1000)
        else:
            readings[name] = _triple(value, name)
    return readings


def _readings(
    battery: object,
    activity: object,
    location: object,
    temperature: object,
    light: object,
    pressure: object,
    humidity: object,
    more: Mapping[str, object],
) -> dict[str, Any]:
    """Validate send_bundle's readings into the bundle builder's form."""
    readings: dict[str, Any] = _more_readings(more)
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
