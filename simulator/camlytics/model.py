"""Camlytics constants, signing, the API error, time helpers and the world's records."""

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
import hashlib
import hmac
import re
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from ..routing import ApiError
from ..sender import CountedTarget

API_PREFIX = "/service/api/v1"
FEED_PREFIX = "/feed/report"
KINDS = ("events", "occupancy", "queue")
EVENT_TYPES = ("TripwireCrossed", "RegionJoin", "RegionLeave", "Loitering", "FaceRecognized")
REGION_EVENT_TYPES = ("RegionJoin", "RegionLeave", "Loitering")
ORIGINS = ("Pedestrian", "Vehicle", "Face")
LINE_TRIGGERS = ("Enter", "Exit")
QUEUE_TRIGGER = "Queue zone"
TRIGGER_NAMES = (*LINE_TRIGGERS, QUEUE_TRIGGER)
MAX_EVENTS = 1000  # per /events answer
MAX_EMIT = 1000
MAX_HISTORY = 20_000
MAX_HISTOGRAMS = 1000
MAX_NONCE = 2**63 - 1
RECORD_ID_BASE = 1635343534
EVENT_ID_BASE = 34454545
SNAPSHOT_ID_BASE = 235343534
NONCE_ERROR_CODE = 1001
LIFETIME_BUCKETS = (60.0, 300.0, 900.0)  # upper bounds in seconds; one more bucket above
USER_AGENT = "Camlytics-Simulator/1.0"
VERSION = "3.2.1"
_LOCATION_NAMES = ("Main Street store", "Riverside mall", "Airport kiosk", "Harbour outlet")
_OFFSETS = ("+01:00", "-04:00", "+00:00", "+05:30")
_CHANNEL_NAMES = ("Entrance", "Lobby", "Checkout", "Parking", "Back door", "Stairs")
_AGE_RANGES = ("18 - 25", "26 - 35", "36 - 45", "46 - 60")
_GENDERS = ("Male", "Female")
_NONCE_RE = re.compile(r"\d{1,19}")
_RATE_LIMIT_PAGE = (
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n"
    "<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n"
    "</body>\r\n</html>\r\n"
)


def sign(secret: str, uri: str) -> str:
    """Sign a request URI as Camlytics does: lowercase hex HMAC-SHA512 keyed with the secret.

    Args:
        secret: the secret API key.
        uri: the request URI exactly as sent: path plus query string, with
            ``since``/``until`` values already percent-encoded.

    Returns:
        The value of the ``X-Sign`` header.
    """
    return hmac.new(secret.encode(), uri.encode(), hashlib.sha512).hexdigest()


class CamlyticsApiError(ApiError):
    """An API error answer: HTTP status and the envelope's code and message."""

    def __init__(
        self,
        status: int,
        msg: str,
        code: int | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        html: str | None = None,
    ) -> None:
        """Describe the answer; code defaults to the status, html replaces the envelope."""
        super().__init__(status, msg, headers=headers)
        self.code = status if code is None else code
        self.html = html

    def response(self) -> web.Response:
        """Render the error as an HTTP response."""
        if self.html is not None:
            return web.Response(
                status=self.status, text=self.html, content_type="text/html", headers=self.headers
            )
        return web.json_response(
            {"msg": self.message, "result": None, "code": self.code},
            status=self.status,
            headers=self.headers,
        )


def _bad_param(name: str) -> CamlyticsApiError:
    return CamlyticsApiError(400, f"Invalid {name}")


def _stable_hex(*parts: object) -> str:
    return hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()


def _camlytics_id(*parts: object) -> str:
    """An id shaped like Camlytics channel and trigger ids: ``8-5-5-5_8HEX``."""
    h = _stable_hex(*parts)
    return f"{h[:8]}-{h[8:13]}-{h[13:18]}-{h[18:23]}_{h[23:31].upper()}"


def _offset(text: str) -> timezone:
    sign_ = -1 if text.startswith("-") else 1
    hours, minutes = text[1:].split(":")
    return timezone(sign_ * timedelta(hours=int(hours), minutes=int(minutes)))


def _api_time(moment: datetime, tz: timezone) -> str:
    """ISO 8601 with milliseconds and the location's offset: 2026-11-23T11:00:00.000+01:00."""
    return moment.astimezone(tz).isoformat(timespec="milliseconds")


def _webhook_time(moment: datetime) -> str:
    """UTC without an offset, milliseconds: 2026-11-23 10:00:00.000."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S") + f".{utc.microsecond // 1000:03d}"


def _utc_iso(moment: datetime) -> str:
    """UTC ISO 8601 with milliseconds and Z: 2026-11-23T10:00:00.000Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_time(raw: str, name: str) -> datetime:
    """Parse a decoded since/until value; a value without an offset is UTC."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError as err:
        raise _bad_param(name) from err
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_query(raw_uri: str) -> dict[str, str]:
    """Decode the query of a raw URI; ``+`` stays a plus sign, the first value wins."""
    _, _, query = raw_uri.partition("?")
    params: dict[str, str] = {}
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        params.setdefault(unquote(name), unquote(value))
    return params


@dataclass
class _Location:
    id: int
    name: str
    offset: str
    hash: str
    feed_id: str

    @property
    def tz(self) -> timezone:
        return _offset(self.offset)


@dataclass
class _Trigger:
    id: str
    name: str
    type: str
    channel_id: str
    location_id: int


@dataclass
class _Channel:
    id: str
    name: str
    location_id: int
    triggers: dict[str, _Trigger]  # by name
    # Objects in the queue zone, oldest first: (object_id, joined).
    queue: deque[tuple[int, datetime]] = field(default_factory=deque)
    # Queue length change points, oldest first: (since, length).
    timeline: deque[tuple[datetime, int]] = field(default_factory=lambda: deque(maxlen=10_000))
    objects: int = 0
    feed_id: str = ""  # the report feed of its queue length


@dataclass
class _Event:
    payload: dict[str, Any]  # as /events answers it
    time: datetime
    trigger: _Trigger | None
    dwell: float | None = None  # seconds in the region, for RegionLeave


@dataclass(frozen=True, kw_only=True)
class EventFilter:
    """The filters of the statistics endpoints; None lets everything through.

    since is inclusive and until exclusive.
    """

    location_id: int | None = None
    channel_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def matches(self, event: _Event) -> bool:
        """Whether event passes every filter."""
        return (
            (self.location_id is None or event.payload["location_id"] == self.location_id)
            and (self.channel_id is None or event.payload["channel_id"] == self.channel_id)
            and (self.since is None or event.time >= self.since)
            and (self.until is None or event.time < self.until)
        )


@dataclass
class _Webhook(CountedTarget):
    kind: str
    location_id: int | None
    channel_id: str | None
    headers: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        head = self.fields_json("id", "url", "kind", "location_id", "channel_id")
        return head | {"headers": dict(self.headers)} | self.delivery_json()

    def wants(self, location_id: int, channel_id: str | None) -> bool:
        if self.location_id is not None and self.location_id != location_id:
            return False
        return self.channel_id is None or self.channel_id == channel_id


def _webhook_event(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An API event as event webhooks send it: id null, UTC time without an offset."""
    moment = datetime.fromisoformat(payload["event_time"])
    return dict(payload) | {"id": None, "event_time": _webhook_time(moment)}


def envelope(result: Any) -> dict[str, Any]:
    """Wrap a result in the success envelope."""
    return {"msg": "success", "result": result, "code": 0}
