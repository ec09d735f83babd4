"""Simulated Camlytics cloud service: signed REST API, report feeds and webhooks.

Wire behaviour follows docs/providers/camlytics.md. Every call under
``/service/api/v1/`` carries ``X-Key`` (the public key) and ``X-Sign``, the
lowercase hex HMAC-SHA512 of the request URI exactly as received (path plus
raw query string) keyed with the secret key, and a query ``nonce`` that must
be greater than the last one accepted for the key. At most ``rate_limit``
requests per key are admitted in any one-second window; beyond that the
service answers 429, or 503 every third time, both with ``Retry-After: 1``.
Answers are envelopes ``{"msg": "success", "result": [...], "code": 0}``.

Report feeds (``/feed/report/<32 hex>``) need no headers: one per location,
answering ``{"report": {"data": {"counter": <current occupancy>}}}``.

Webhooks are registered through the admin routes. Event webhooks POST a JSON
array of events shaped like ``/events`` but with ``"id": null`` and the event
time in UTC without an offset (``"2026-11-23 10:00:00.000"``). The occupancy
and queue payloads are not documented by Camlytics; the shapes sent here are
assumptions (see ``tests/fixtures/camlytics/README.md``).

Generated analytic events drive the state: each location has a current
occupancy (Enter minus Exit line crossings of the location's local day, never
below 0) and each channel a queue length (objects inside its "Queue zone"
region). Histograms are assumed too: for a region, ``counting_data[n]`` holds
the seconds of the hour during which the region held ``n`` objects and
``lifetime_data`` counts the objects that left by how long they stayed (under
1 min, 1-5 min, 5-15 min, 15 min or more); for a line, ``counting_data`` is
the hour's crossing count and ``lifetime_data`` is empty.

Two clocks drive the simulator: the rate limit uses the injected monotonic
``clock``; event times and the local day come from ``wallclock``. The
webhook sender and the automatic event generator run on the event loop in
real time; the retry base interval is a setting so tests can make it small.
"""

import base64
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
import hashlib
import hmac
import json
from pathlib import Path
import random
import re
import time
from typing import Any
from urllib.parse import unquote
import zlib

from aiohttp import web

from .sender import (
    Admin,
    ApiError,
    CountedTarget,
    SendsWebhooks,
    Ticker,
    WebhookSender,
    admin_wrapper,
    check_sending,
    delivery_routes,
    failure_route,
    headers_field,
    json_object,
    optional,
    target_routes,
)

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
MAX_QUEUE = 10_000
MAX_DELIVERIES = 1000
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


@dataclass
class CamlyticsSettings:
    """Credentials and behaviour of the simulated Camlytics cloud."""

    public_key: str = "demo-public"
    secret_key: str = "demo-secret"
    rate_limit: float = 1.0  # requests per second per public key; 0 disables
    locations: int = 2
    channels_per_location: int = 3
    event_interval: float = 0.0  # seconds between generated analytic events; 0 = off
    seed: int = 1
    retry_base: float = 1.0  # first webhook retry interval in seconds; doubles per attempt
    send_attempts: int = 4  # webhook POST attempts before a payload is dropped
    send_timeout: float = 10.0  # seconds per webhook POST

    def __post_init__(self) -> None:
        """Reject settings the simulator cannot honour."""
        if not self.public_key or not self.secret_key:
            raise ValueError("public_key and secret_key must not be empty")
        if self.rate_limit < 0:
            raise ValueError("rate_limit must not be negative")
        if self.locations < 0 or self.channels_per_location < 0:
            raise ValueError("locations and channels_per_location must not be negative")
        if self.event_interval < 0:
            raise ValueError("event_interval must not be negative")
        check_sending(self.retry_base, self.send_attempts, self.send_timeout)


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
        super().__init__(msg)
        self.status = status
        self.msg = msg
        self.code = status if code is None else code
        self.headers = dict(headers or {})
        self.html = html

    def response(self) -> web.Response:
        """Render the error as an HTTP response."""
        if self.html is not None:
            return web.Response(
                status=self.status, text=self.html, content_type="text/html", headers=self.headers
            )
        return web.json_response(
            {"msg": self.msg, "result": None, "code": self.code},
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


@dataclass
class _Event:
    payload: dict[str, Any]  # as /events answers it
    time: datetime
    trigger: _Trigger | None
    dwell: float | None = None  # seconds in the region, for RegionLeave


@dataclass
class _Webhook(CountedTarget):
    kind: str
    location_id: int | None
    channel_id: str | None
    headers: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "kind": self.kind,
            "location_id": self.location_id,
            "channel_id": self.channel_id,
            "headers": dict(self.headers),
        } | self.delivery_json()

    def wants(self, location_id: int, channel_id: str | None) -> bool:
        if self.location_id is not None and self.location_id != location_id:
            return False
        return self.channel_id is None or self.channel_id == channel_id


class CamlyticsSimulator(SendsWebhooks):
    """State of the simulated Camlytics cloud and its webhook sender.

    Methods that serve API data raise CamlyticsApiError with the HTTP status
    the API would answer; the routes render it. Test hooks raise ValueError
    on bad input.
    """

    def __init__(
        self,
        settings: CamlyticsSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Create the locations, channels and triggers; clock is monotonic seconds."""
        self.settings = settings or CamlyticsSettings()
        self._clock = clock
        self._wallclock = wallclock
        self._rng = random.Random(self.settings.seed)
        self._started = wallclock()
        self._locations: dict[int, _Location] = {}
        self._channels: dict[str, _Channel] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._occupancy: dict[int, tuple[date, int]] = {}
        self._events: deque[_Event] = deque(maxlen=MAX_HISTORY)
        self._event_seq = 0
        self._nonces: dict[str, int] = {}
        self._recent: defaultdict[str, deque[float]] = defaultdict(deque)
        self._failure_status = 0
        self._failures_left = 0
        self._by_path: Counter[str] = Counter()
        self._by_status: Counter[str] = Counter()
        self._counters: Counter[str] = Counter()
        self._ticker = Ticker(lambda: self.settings.event_interval, self._tick)
        self._sender: WebhookSender[_Webhook] = WebhookSender(
            lambda: self.settings,
            user_agent=USER_AGENT,
            attempts=lambda webhook: self.settings.send_attempts,
            headers=lambda webhook: webhook.headers,
            describe=lambda webhook, batch: {
                "webhook": webhook.id,
                "kind": webhook.kind,
                "url": webhook.url,
                "payload": batch[0],
            },
            timestamp=lambda: _utc_iso(self._wallclock()),
            counters=self._counters,
            ticker=self._ticker,
            max_queue=MAX_QUEUE,
            max_deliveries=MAX_DELIVERIES,
        )
        self._webhooks = self._sender.targets
        for index in range(self.settings.locations):
            self._add_location(index)

    # Catalogue

    def locations(self) -> list[dict[str, Any]]:
        """Every location as ``GET /locations`` shows it."""
        return [
            {
                "name": location.name,
                "id": location.id,
                "version": VERSION,
                "timezone_offset": location.offset,
                "hash": location.hash,
            }
            for location in self._locations.values()
        ]

    def channels(self, location_id: int | None = None) -> list[dict[str, Any]]:
        """Channels as ``GET /channels`` shows them, optionally of one location."""
        return [
            {
                "name": channel.name,
                "paid": 1,
                "active": 1,
                "id": channel.id,
                "location_id": channel.location_id,
            }
            for channel in self._channels.values()
            if location_id is None or channel.location_id == location_id
        ]

    def triggers(
        self, location_id: int | None = None, channel_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Triggers as ``GET /triggers`` shows them, optionally of one location or channel."""
        return [
            {
                "name": trigger.name,
                "active": 1,
                "id": trigger.id,
                "type": trigger.type,
                "channel_id": trigger.channel_id,
                "location_id": trigger.location_id,
            }
            for trigger in self._triggers.values()
            if (location_id is None or trigger.location_id == location_id)
            and (channel_id is None or trigger.channel_id == channel_id)
        ]

    def feeds(self) -> list[dict[str, Any]]:
        """The report feed of every location: its id, path and current counter."""
        return [
            {
                "location_id": location.id,
                "feed_id": location.feed_id,
                "path": f"{FEED_PREFIX}/{location.feed_id}",
                "counter": self.occupancy(location.id),
            }
            for location in self._locations.values()
        ]

    def feed(self, feed_id: str) -> dict[str, Any]:
        """A report feed body; raise CamlyticsApiError (404) for an unknown id."""
        for location in self._locations.values():
            if location.feed_id == feed_id.lower():
                return {"report": {"data": {"counter": self.occupancy(location.id)}}}
        raise CamlyticsApiError(404, "Report not found")

    # Statistics

    def events(
        self,
        location_id: int | None = None,
        channel_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Events as ``GET /events`` answers: oldest first, at most MAX_EVENTS.

        since is inclusive and until exclusive. When more events match, the
        oldest MAX_EVENTS are answered, so a client pages forward by moving
        since past the last one it got.
        """
        selected = self._select(location_id, channel_id, since, until)
        return [event.payload for event in selected[:MAX_EVENTS]]

    def totals_by_trigger(
        self,
        location_id: int | None = None,
        channel_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Event counts grouped by trigger (``GET /totals/triggers``).

        Like a GROUP BY, triggers without events in range are left out.
        """
        counts: Counter[str] = Counter(
            event.trigger.id
            for event in self._select(location_id, channel_id, since, until)
            if event.trigger is not None
        )
        return [
            {
                "trigger_name": trigger.name,
                "trigger_id": trigger.id,
                "count": counts[trigger.id],
                "channel_id": trigger.channel_id,
                "location_id": trigger.location_id,
            }
            for trigger in self._triggers.values()
            if counts[trigger.id]
        ]

    def totals_by_type(
        self,
        location_id: int | None = None,
        channel_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Event counts grouped by channel and event type (``GET /totals/types``)."""
        counts: Counter[tuple[str, str]] = Counter(
            (event.payload["channel_id"], event.payload["event_type"])
            for event in self._select(location_id, channel_id, since, until)
        )
        return [
            {"count": count, "type": event_type, "channel_id": channel}
            for (channel, event_type), count in counts.items()
        ]

    def histograms(
        self,
        location_id: int | None = None,
        channel_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Hourly histograms of every trigger (``GET /histograms``), at most MAX_HISTOGRAMS.

        Hours run in each location's local time, from the hour holding since
        (default: the simulator's start) up to until (default: now), never
        before the simulator started nor after now.
        """
        now = self._wallclock()
        first = max(since or self._started, self._started)
        last = min(until or now, now)
        by_trigger: defaultdict[str, list[_Event]] = defaultdict(list)
        for event in self._events:
            if event.trigger is not None:
                by_trigger[event.trigger.id].append(event)
        slots: list[tuple[_Trigger, datetime]] = []
        for trigger in self._triggers.values():
            if location_id is not None and trigger.location_id != location_id:
                continue
            if channel_id is not None and trigger.channel_id != channel_id:
                continue
            local = first.astimezone(self._locations[trigger.location_id].tz)
            hour = local.replace(minute=0, second=0, microsecond=0)
            while hour < last and len(slots) < MAX_HISTOGRAMS:
                slots.append((trigger, hour))
                hour += timedelta(hours=1)
        slots.sort(key=lambda slot: (slot[1], slot[0].id))
        return [
            self._histogram(
                trigger, hour, min(hour + timedelta(hours=1), now), by_trigger[trigger.id]
            )
            for trigger, hour in slots
        ]

    # State

    def occupancy(self, location_id: int) -> int:
        """A location's current occupancy (0 once its local day has changed)."""
        return self._occupancy_at(self._location(location_id), self._wallclock())

    def queue(self, channel_id: str) -> int:
        """A channel's current queue length."""
        return len(self._channel(channel_id).queue)

    def state(self) -> dict[str, Any]:
        """Occupancy per location, queue length per channel and the last nonce per key."""
        return {
            "occupancy": {str(loc): self.occupancy(loc) for loc in self._locations},
            "queues": {channel: self.queue(channel) for channel in self._channels},
            "nonces": dict(self._nonces),
            "events": len(self._events),
        }

    # Test hooks

    def emit_events(
        self,
        count: int = 1,
        location_id: int | None = None,
        channel_id: str | None = None,
        event_type: str | None = None,
        *,
        trigger_name: str | None = None,
        origin: str | None = None,
    ) -> list[dict[str, Any]]:
        """Generate analytic events, update occupancy and queues, and queue webhooks.

        Args:
            count: how many events (0 to MAX_EMIT).
            location_id: the location they happen at; random if None.
            channel_id: the channel they happen on; random (within the
                location) if None.
            event_type: one of EVENT_TYPES or any other name (an unusual
                type carries no trigger: ``trigger_id`` is ""); random if None.
            trigger_name: "Enter" or "Exit" (a TripwireCrossed on that line)
                or "Queue zone" (a region event); chosen by the event type if None.
            origin: "Pedestrian", "Vehicle" or "Face"; random if None.

        Returns:
            The events as ``GET /events`` shows them.

        Raises:
            ValueError: bad count, unknown location or channel, a channel of
                another location, an unknown trigger name or origin, or no
                channel that can produce the event.
        """
        if isinstance(count, bool) or not 0 <= count <= MAX_EMIT:
            raise ValueError(f"count must be between 0 and {MAX_EMIT}")
        if location_id is not None and location_id not in self._locations:
            raise ValueError(f"Unknown location {location_id}")
        if channel_id is not None:
            channel = self._channels.get(channel_id)
            if channel is None:
                raise ValueError(f"Unknown channel {channel_id}")
            if location_id is not None and channel.location_id != location_id:
                raise ValueError(f"Channel {channel_id} is not in location {location_id}")
        if event_type is not None and not event_type.strip():
            raise ValueError("event_type must not be empty")
        if trigger_name is not None and trigger_name not in TRIGGER_NAMES:
            raise ValueError(f"trigger_name must be one of {', '.join(TRIGGER_NAMES)}")
        if origin is not None and origin not in ORIGINS:
            raise ValueError(f"origin must be one of {', '.join(ORIGINS)}")
        if trigger_name is not None and event_type is not None:
            fitting = REGION_EVENT_TYPES if trigger_name == QUEUE_TRIGGER else ("TripwireCrossed",)
            if event_type not in fitting:
                raise ValueError(f"A {event_type} event cannot happen on a {trigger_name} trigger")
        events = [
            self._generate(location_id, channel_id, event_type, trigger_name, origin)
            for _ in range(count)
        ]
        self._dispatch_events(events)
        return [event.payload for event in events]

    def set_occupancy(self, location_id: int, occupancy: int) -> None:
        """Set a location's current occupancy and send it to occupancy webhooks."""
        location = self._location(location_id, error=ValueError)
        if isinstance(occupancy, bool) or occupancy < 0:
            raise ValueError("occupancy must be a non-negative integer")
        now = self._wallclock()
        self._occupancy[location.id] = (now.astimezone(location.tz).date(), occupancy)
        self._dispatch_occupancy(location.id, now)

    def set_queue(self, channel_id: str, length: int) -> None:
        """Set a channel's queue length and send it to queue webhooks."""
        channel = self._channel(channel_id, error=ValueError)
        if isinstance(length, bool) or length < 0:
            raise ValueError("queue must be a non-negative integer")
        now = self._wallclock()
        while len(channel.queue) > length:
            channel.queue.popleft()
        while len(channel.queue) < length:
            channel.objects += 1
            channel.queue.append((channel.objects, now))
        channel.timeline.append((now, length))
        self._dispatch_queue(channel, now)

    def set_event_interval(self, seconds: float) -> None:
        """Change the automatic event interval (0 stops it); takes effect at once."""
        if seconds < 0:
            raise ValueError("event_interval must not be negative")
        self.settings.event_interval = seconds
        self._ticker.poke()

    def set_rate_limit(self, rate_limit: float) -> None:
        """Change the rate limit (requests per second per key; 0 disables)."""
        if rate_limit < 0:
            raise ValueError("rate_limit must not be negative")
        self.settings.rate_limit = rate_limit
        self._recent.clear()

    def fail_next(self, status: int, count: int = 1) -> None:
        """Answer the next count API and feed calls with status and an error envelope."""
        if isinstance(status, bool) or not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status between 400 and 599")
        if isinstance(count, bool) or count < 0:
            raise ValueError("count must not be negative")
        self._failure_status, self._failures_left = status, count

    def stats(self) -> dict[str, Any]:
        """Return request and webhook counters.

        by_path counts every API and feed request by path (rejected ones
        included), by_status by the HTTP status answered. rejected_keys,
        rejected_signatures and rejected_nonces count authentication
        failures; rate_limited_429 and rate_limited_503 the rate limit's
        rejections; injected_failures those of fail_next. webhooks counts
        delivered payloads, failed attempts and dropped payloads.
        """
        counters = self._counters
        return {
            "total": self._by_path.total(),
            "by_path": dict(sorted(self._by_path.items())),
            "by_status": dict(sorted(self._by_status.items())),
            "rejected_keys": counters["rejected_keys"],
            "rejected_signatures": counters["rejected_signatures"],
            "rejected_nonces": counters["rejected_nonces"],
            "rate_limited_429": counters["rate_limited_429"],
            "rate_limited_503": counters["rate_limited_503"],
            "injected_failures": counters["injected_failures"],
            "webhooks": {
                "sent": counters["webhooks_sent"],
                "failed_attempts": counters["webhooks_failed_attempts"],
                "dropped": counters["webhooks_dropped"],
            },
        }

    def reset_stats(self) -> None:
        """Zero the counters (the 429/503 alternation starts again)."""
        self._by_path.clear()
        self._by_status.clear()
        self._counters.clear()

    def count_request(self, path: str, status: int) -> None:
        """Count a request to path answered with status (called by the routes)."""
        self._by_path[path] += 1
        self._by_status[str(status)] += 1

    # Webhooks

    def add_webhook(
        self,
        url: str,
        kind: str,
        location_id: int | None = None,
        channel_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> int:
        """Register a webhook target and return its id.

        Args:
            url: an http(s) URL, POSTed to exactly as given.
            kind: "events", "occupancy" or "queue".
            location_id: only this location's events or metrics.
            channel_id: only this channel's events or queue (not for occupancy).
            headers: extra request headers.

        Raises:
            ValueError: a bad URL, kind, location, channel or header.
        """
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError("url must be an http or https URL")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if location_id is not None:
            self._location(location_id, error=ValueError)
        if channel_id is not None:
            if kind == "occupancy":
                raise ValueError("An occupancy webhook takes a location, not a channel")
            channel = self._channel(channel_id, error=ValueError)
            if location_id is not None and channel.location_id != location_id:
                raise ValueError(f"Channel {channel_id} is not in location {location_id}")
        extra = dict(headers or {})
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in extra.items()):
            raise ValueError("headers must map strings to strings")
        webhook = _Webhook(self._sender.next_id(), url, kind, location_id, channel_id, extra)
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

        Each entry: webhook (id), kind, url, payload (as sent), attempt
        (1-based), status (HTTP status or None), error (text or None), ok,
        retry_in (seconds to the next attempt, or None), dropped (attempts
        used up), time (wallclock, UTC ISO 8601).
        """
        return self._sender.deliveries

    def _tick(self) -> None:
        if self._channels:
            self.emit_events()

    def _dispatch_events(self, events: list[_Event]) -> None:
        for webhook in self._webhooks.values():
            if webhook.kind != "events":
                continue
            batch = [
                _webhook_event(event.payload)
                for event in events
                if webhook.wants(event.payload["location_id"], event.payload["channel_id"])
            ]
            if batch:
                self._sender.enqueue(webhook, batch)

    def _dispatch_occupancy(self, location_id: int, moment: datetime) -> None:
        payload = {
            "metric": "occupancy",
            "location_id": location_id,
            "channel_id": None,
            "occupancy": self._occupancy[location_id][1],
            "time": _utc_iso(moment),
        }
        for webhook in self._webhooks.values():
            if webhook.kind == "occupancy" and webhook.wants(location_id, None):
                self._sender.enqueue(webhook, dict(payload))

    def _dispatch_queue(self, channel: _Channel, moment: datetime) -> None:
        payload = {
            "metric": "queue",
            "location_id": channel.location_id,
            "channel_id": channel.id,
            "queue": len(channel.queue),
            "time": _utc_iso(moment),
        }
        for webhook in self._webhooks.values():
            if webhook.kind == "queue" and webhook.wants(channel.location_id, channel.id):
                self._sender.enqueue(webhook, dict(payload))

    # Request gate

    def admit(self, raw_uri: str, headers: Mapping[str, str]) -> None:
        """Apply rate limit, injected failure, key, signature and nonce to an API call.

        raw_uri is the request URI exactly as received. Raise
        CamlyticsApiError to reject; a rejected call never advances the nonce.
        """
        key = headers.get("X-Key", "")
        self._check_rate(key)
        self.raise_injected_failure()
        if not hmac.compare_digest(key.encode(), self.settings.public_key.encode()):
            self._counters["rejected_keys"] += 1
            raise CamlyticsApiError(401, "Invalid key")
        expected = sign(self.settings.secret_key, raw_uri)
        if not hmac.compare_digest(headers.get("X-Sign", "").encode(), expected.encode()):
            self._counters["rejected_signatures"] += 1
            raise CamlyticsApiError(403, "Invalid sign")
        raw_nonce = parse_query(raw_uri).get("nonce", "")
        last = self._nonces.get(key)
        if (
            not _NONCE_RE.fullmatch(raw_nonce)
            or int(raw_nonce) > MAX_NONCE
            or (last is not None and int(raw_nonce) <= last)
        ):
            self._counters["rejected_nonces"] += 1
            raise CamlyticsApiError(400, "Invalid nonce", NONCE_ERROR_CODE)
        self._nonces[key] = int(raw_nonce)

    def raise_injected_failure(self) -> None:
        """Raise the failure armed by fail_next, if any is left."""
        if not self._failures_left:
            return
        self._failures_left -= 1
        self._counters["injected_failures"] += 1
        status = self._failure_status
        retry = {"Retry-After": "1"} if status in (429, 503) else None
        raise CamlyticsApiError(status, f"Injected failure {status}", headers=retry)

    def _check_rate(self, key: str) -> None:
        limit = self.settings.rate_limit
        if not limit:
            return
        now = self._clock()
        window = self._recent[key]
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) < limit:
            window.append(now)
            return
        rejections = self._counters["rate_limited_429"] + self._counters["rate_limited_503"] + 1
        headers = {"Retry-After": "1"}
        if rejections % 3 == 0:
            self._counters["rate_limited_503"] += 1
            raise CamlyticsApiError(
                503, "Service Unavailable", headers=headers, html=_RATE_LIMIT_PAGE
            )
        self._counters["rate_limited_429"] += 1
        raise CamlyticsApiError(429, "Too many requests", headers=headers)

    # Generation

    def _add_location(self, index: int) -> None:
        seed = self.settings.seed
        location_id = 32 + index
        name = _LOCATION_NAMES[index] if index < len(_LOCATION_NAMES) else f"Location {index + 1}"
        digest = hashlib.sha512(f"camlytics:{seed}:{location_id}".encode()).digest()
        location = _Location(
            id=location_id,
            name=name,
            offset=_OFFSETS[index % len(_OFFSETS)],
            hash=base64.b64encode(digest * 2).decode().rstrip("="),
            feed_id=_stable_hex("feed", seed, location_id)[:32],
        )
        self._locations[location.id] = location
        for number in range(self.settings.channels_per_location):
            channel_name = (
                _CHANNEL_NAMES[number] if number < len(_CHANNEL_NAMES) else f"Camera {number + 1}"
            )
            channel = _Channel(
                _camlytics_id("channel", seed, location_id, number),
                channel_name,
                location_id,
                {},
            )
            channel.timeline.append((self._started, 0))
            names = [*LINE_TRIGGERS, *((QUEUE_TRIGGER,) if number % 3 == 2 else ())]
            for trigger_name in names:
                trigger = _Trigger(
                    _camlytics_id("trigger", seed, channel.id, trigger_name),
                    trigger_name,
                    "Region" if trigger_name == QUEUE_TRIGGER else "Line",
                    channel.id,
                    location_id,
                )
                channel.triggers[trigger_name] = trigger
                self._triggers[trigger.id] = trigger
            self._channels[channel.id] = channel

    def _pick_channel(
        self, location_id: int | None, channel_id: str | None, region: bool
    ) -> _Channel:
        if channel_id is not None:
            channel = self._channels[channel_id]
            if region and QUEUE_TRIGGER not in channel.triggers:
                raise ValueError(f"Channel {channel_id} has no {QUEUE_TRIGGER} region")
            return channel
        candidates = [
            channel
            for channel in self._channels.values()
            if (location_id is None or channel.location_id == location_id)
            and (not region or QUEUE_TRIGGER in channel.triggers)
        ]
        if not candidates:
            raise ValueError("No channel can produce this event")
        return self._rng.choice(candidates)

    def _pick_type(self, channel: _Channel) -> str:
        roll = self._rng.random()
        if QUEUE_TRIGGER not in channel.triggers:
            return "FaceRecognized" if roll < 0.05 else "TripwireCrossed"
        if roll < 0.55:
            return "TripwireCrossed"
        if roll < 0.73:
            return "RegionJoin"
        if roll < 0.88:
            return "RegionLeave" if channel.queue else "RegionJoin"
        return "Loitering" if roll < 0.95 else "FaceRecognized"

    def _generate(
        self,
        location_id: int | None,
        channel_id: str | None,
        event_type: str | None,
        trigger_name: str | None,
        origin: str | None,
    ) -> _Event:
        if event_type is None and trigger_name is not None:
            event_type = "RegionJoin" if trigger_name == QUEUE_TRIGGER else "TripwireCrossed"
        region = event_type in REGION_EVENT_TYPES
        line = event_type == "TripwireCrossed"
        channel = self._pick_channel(location_id, channel_id, region)
        if event_type is None:
            event_type = self._pick_type(channel)
            region = event_type in REGION_EVENT_TYPES
            line = event_type == "TripwireCrossed"
        location = self._locations[channel.location_id]
        now = self._wallclock()
        trigger: _Trigger | None = None
        dwell: float | None = None
        if line:
            if trigger_name is None:
                inside = self._occupancy_at(location, now)
                trigger_name = "Exit" if inside and self._rng.random() < 0.45 else "Enter"
            trigger = channel.triggers[trigger_name]
            object_id = self._new_object(channel)
            self._count_crossing(location, trigger_name, now)
        elif region:
            trigger = channel.triggers[QUEUE_TRIGGER]
            object_id, dwell = self._region_step(channel, event_type, now)
        else:
            object_id = self._new_object(channel)
        if origin is None:
            origin = "Face" if event_type == "FaceRecognized" else self._pick_origin()
        self._event_seq += 1
        seq = self._event_seq
        face = origin == "Face"
        payload = {
            "record_id": RECORD_ID_BASE + seq,
            "event_type": event_type,
            "snapshot_id": -(SNAPSHOT_ID_BASE + seq),
            "trigger_id": trigger.id if trigger is not None else "",
            "origin": origin,
            "suborigin": {"Pedestrian": "Unknown", "Vehicle": "Car"}.get(origin, ""),
            "age_range": self._rng.choice(_AGE_RANGES) if face else "",
            "gender": self._rng.choice(_GENDERS) if face else "",
            "id": EVENT_ID_BASE + seq,
            "channel_id": channel.id,
            "object_id": object_id,
            "location_id": location.id,
            "event_time": _api_time(now, location.tz),
        }
        event = _Event(payload, now, trigger, dwell)
        self._events.append(event)
        if line:
            self._dispatch_occupancy(location.id, now)
        elif event_type in ("RegionJoin", "RegionLeave"):
            self._dispatch_queue(channel, now)
        return event

    def _pick_origin(self) -> str:
        roll = self._rng.random()
        return "Pedestrian" if roll < 0.7 else "Face" if roll < 0.9 else "Vehicle"

    @staticmethod
    def _new_object(channel: _Channel) -> int:
        channel.objects += 1
        return channel.objects

    def _occupancy_at(self, location: _Location, moment: datetime) -> int:
        day, count = self._occupancy.get(location.id, (None, 0))
        return count if day == moment.astimezone(location.tz).date() else 0

    def _count_crossing(self, location: _Location, trigger_name: str, now: datetime) -> None:
        count = self._occupancy_at(location, now)
        count = count + 1 if trigger_name == "Enter" else max(count - 1, 0)
        self._occupancy[location.id] = (now.astimezone(location.tz).date(), count)

    def _region_step(
        self, channel: _Channel, event_type: str, now: datetime
    ) -> tuple[int, float | None]:
        """Move the queue for a region event; return the object and, on leaving, its dwell."""
        if event_type == "RegionJoin":
            object_id = self._new_object(channel)
            channel.queue.append((object_id, now))
        elif event_type == "RegionLeave" and channel.queue:
            object_id, joined = channel.queue.popleft()
            channel.timeline.append((now, len(channel.queue)))
            return object_id, max((now - joined).total_seconds(), 0.0)
        elif event_type == "Loitering" and channel.queue:
            return channel.queue[0][0], None
        else:
            return self._new_object(channel), None
        channel.timeline.append((now, len(channel.queue)))
        return object_id, None

    def _select(
        self,
        location_id: int | None,
        channel_id: str | None,
        since: datetime | None,
        until: datetime | None,
    ) -> list[_Event]:
        selected = [
            event
            for event in self._events
            if (location_id is None or event.payload["location_id"] == location_id)
            and (channel_id is None or event.payload["channel_id"] == channel_id)
            and (since is None or event.time >= since)
            and (until is None or event.time < until)
        ]
        selected.sort(key=lambda event: (event.time, event.payload["record_id"]))
        return selected

    def _histogram(
        self, trigger: _Trigger, hour: datetime, end: datetime, events: list[_Event]
    ) -> dict[str, Any]:
        in_hour = [event for event in events if hour <= event.time < hour + timedelta(hours=1)]
        if trigger.type == "Line":
            counting: list[float] = [len(in_hour)]
            lifetime: list[int] = []
        else:
            counting = self._queue_seconds(self._channels[trigger.channel_id], hour, end)
            lifetime = [0] * (len(LIFETIME_BUCKETS) + 1)
            for event in in_hour:
                if event.dwell is not None:
                    bucket = sum(event.dwell >= bound for bound in LIFETIME_BUCKETS)
                    lifetime[bucket] += 1
        return {
            "trigger_id": trigger.id,
            "id": zlib.crc32(f"{trigger.id}:{hour.timestamp()}".encode()),
            "channel_id": trigger.channel_id,
            "counting_data": counting,
            "lifetime_data": lifetime,
            "location_id": trigger.location_id,
            "histogram_time": hour.isoformat(timespec="seconds"),
        }

    @staticmethod
    def _queue_seconds(channel: _Channel, start: datetime, end: datetime) -> list[float]:
        """Seconds between start and end during which the queue held 0, 1, 2, ... objects."""
        seconds: list[float] = []
        points = list(channel.timeline)
        for index, (since, length) in enumerate(points):
            until = points[index + 1][0] if index + 1 < len(points) else end
            overlap = (min(until, end) - max(since, start)).total_seconds()
            if overlap <= 0:
                continue
            seconds.extend([0.0] * (length + 1 - len(seconds)))
            seconds[length] += overlap
        return [round(value, 1) for value in seconds]

    def _location(self, location_id: int, error: type[Exception] = CamlyticsApiError) -> _Location:
        location = self._locations.get(location_id)
        if location is None:
            if error is CamlyticsApiError:
                raise CamlyticsApiError(404, f"Unknown location {location_id}")
            raise error(f"Unknown location {location_id}")
        return location

    def _channel(self, channel_id: str, error: type[Exception] = CamlyticsApiError) -> _Channel:
        channel = self._channels.get(channel_id)
        if channel is None:
            if error is CamlyticsApiError:
                raise CamlyticsApiError(404, f"Unknown channel {channel_id}")
            raise error(f"Unknown channel {channel_id}")
        return channel


def _webhook_event(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An API event as event webhooks send it: id null, UTC time without an offset."""
    moment = datetime.fromisoformat(payload["event_time"])
    return dict(payload) | {"id": None, "event_time": _webhook_time(moment)}


def envelope(result: Any) -> dict[str, Any]:
    """Wrap a result in the success envelope."""
    return {"msg": "success", "result": result, "code": 0}


# Examples for the fixtures


EXAMPLE_START = datetime(2026, 11, 23, 9, 58, 20, 125000, tzinfo=UTC)


def example_payloads() -> dict[str, Any]:
    """Build the files of tests/fixtures/camlytics/, by file name.

    A fresh simulator with a fixed seed and a wallclock that moves 7.25 s
    per reading makes them deterministic. Location 32 sees a pedestrian
    entering, a car entering, the pedestrian leaving, a face joining the
    checkout queue and an unusual FaceRecognized event.
    """
    ticks = iter(range(1_000_000))
    simulator = CamlyticsSimulator(
        CamlyticsSettings(seed=7),
        clock=lambda: 0.0,
        wallclock=lambda: EXAMPLE_START + timedelta(seconds=7.25 * next(ticks)),
    )
    entrance, lobby, checkout = (channel["id"] for channel in simulator.channels(32)[:3])
    for kind in KINDS:
        simulator.add_webhook("http://127.0.0.1:8123/api/webhook/camlytics", kind, 32)
    events = [
        *simulator.emit_events(1, 32, entrance, trigger_name="Enter", origin="Pedestrian"),
        *simulator.emit_events(1, 32, entrance, trigger_name="Enter", origin="Vehicle"),
        *simulator.emit_events(1, 32, entrance, trigger_name="Exit", origin="Pedestrian"),
        *simulator.emit_events(1, 32, checkout, "RegionJoin", origin="Face"),
        *simulator.emit_events(1, 32, lobby, "FaceRecognized"),
    ]
    queued = {webhook.kind: list(webhook.queue) for webhook in simulator._webhooks.values()}
    return {
        "events_api.json": envelope(events),
        "events_webhook.json": [item for batch in queued["events"] for item in batch],
        "occupancy_webhook.json": queued["occupancy"][-1],
        "queue_webhook.json": queued["queue"][-1],
        "locations.json": envelope(simulator.locations()),
        "channels.json": envelope(simulator.channels()),
        "triggers.json": envelope(simulator.triggers()),
        "totals_triggers.json": envelope(simulator.totals_by_trigger(32)),
    }


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


CAMLYTICS_SIMULATOR = web.AppKey("CAMLYTICS_SIMULATOR", CamlyticsSimulator)

ROUTES = web.RouteTableDef()

type _Query = dict[str, str]
type _Listing = Callable[[CamlyticsSimulator, _Query], list[dict[str, Any]]]


async def camlytics_context(app: web.Application) -> AsyncIterator[None]:
    """Run the webhook sender while the application runs (for ``app.cleanup_ctx``)."""
    simulator = app[CAMLYTICS_SIMULATOR]
    await simulator.start()
    yield
    await simulator.stop()


def _int_param(query: _Query, name: str) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    if not re.fullmatch(r"-?\d{1,18}", raw):
        raise _bad_param(name)
    return int(raw)


def _str_param(query: _Query, name: str) -> str | None:
    return query.get(name) or None


def _time_param(query: _Query, name: str) -> datetime | None:
    raw = query.get(name)
    return None if raw is None or raw == "" else _parse_time(raw, name)


def _filters(query: _Query) -> dict[str, Any]:
    since, until = _time_param(query, "since"), _time_param(query, "until")
    return {
        "location_id": _int_param(query, "location_id"),
        "channel_id": _str_param(query, "channel_id"),
        "since": since,
        "until": until,
    }


def _register_api(path: str, listing: _Listing) -> None:
    """Add ``GET API_PREFIX + path`` answering listing's result in the envelope."""

    async def handler(request: web.Request) -> web.StreamResponse:
        simulator = request.app[CAMLYTICS_SIMULATOR]
        raw_uri = request.raw_path
        try:
            simulator.admit(raw_uri, request.headers)
            response = web.json_response(envelope(listing(simulator, parse_query(raw_uri))))
        except CamlyticsApiError as err:
            response = err.response()
        simulator.count_request(request.path, response.status)
        return response

    ROUTES.get(API_PREFIX + path)(handler)


_register_api("/locations", lambda sim, query: sim.locations())
_register_api("/channels", lambda sim, query: sim.channels(_int_param(query, "location_id")))
_register_api(
    "/triggers",
    lambda sim, query: sim.triggers(
        _int_param(query, "location_id"), _str_param(query, "channel_id")
    ),
)
_register_api("/events", lambda sim, query: sim.events(**_filters(query)))
_register_api("/totals/triggers", lambda sim, query: sim.totals_by_trigger(**_filters(query)))
_register_api("/totals/types", lambda sim, query: sim.totals_by_type(**_filters(query)))
_register_api("/histograms", lambda sim, query: sim.histograms(**_filters(query)))


@ROUTES.get(FEED_PREFIX + "/{feed_id}")
async def _feed(request: web.Request) -> web.StreamResponse:
    simulator = request.app[CAMLYTICS_SIMULATOR]
    try:
        simulator.raise_injected_failure()
        response = web.json_response(simulator.feed(request.match_info["feed_id"]))
    except CamlyticsApiError as err:
        response = err.response()
    simulator.count_request(request.path, response.status)
    return response


# Admin routes


_admin: Admin[CamlyticsSimulator] = admin_wrapper(
    CAMLYTICS_SIMULATOR, lambda message: CamlyticsApiError(400, message)
)


def _add_webhook(simulator: CamlyticsSimulator, body: dict[str, Any]) -> int:
    url, kind = body.get("url"), body.get("kind")
    if not isinstance(url, str) or not isinstance(kind, str):
        raise ValueError("url and kind are required strings")
    headers = headers_field(body)
    return simulator.add_webhook(
        url,
        kind,
        optional(body, "location_id", int),
        optional(body, "channel_id", str),
        headers,
    )


target_routes(
    ROUTES,
    "/_sim/camlytics/webhooks",
    _admin,
    listing=CamlyticsSimulator.webhooks,
    add=_add_webhook,
    remove=CamlyticsSimulator.remove_webhook,
    not_found=lambda message: CamlyticsApiError(404, message),
)


@ROUTES.post("/_sim/camlytics/emit")
@_admin
async def _admin_emit(request: web.Request, simulator: CamlyticsSimulator) -> web.StreamResponse:
    body = await json_object(request)
    count = body.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError("count must be an integer")
    events = simulator.emit_events(
        count,
        optional(body, "location_id", int),
        optional(body, "channel_id", str),
        optional(body, "event_type", str),
        trigger_name=optional(body, "trigger_name", str),
        origin=optional(body, "origin", str),
    )
    return web.json_response({"events": events})


delivery_routes(ROUTES, "/_sim/camlytics/deliveries", "webhook", _admin)


@ROUTES.get("/_sim/camlytics/feeds")
@_admin
async def _admin_feeds(request: web.Request, simulator: CamlyticsSimulator) -> web.StreamResponse:
    return web.json_response(simulator.feeds())


@ROUTES.get("/_sim/camlytics/state")
@_admin
async def _admin_state(request: web.Request, simulator: CamlyticsSimulator) -> web.StreamResponse:
    return web.json_response(simulator.state())


@ROUTES.post("/_sim/camlytics/occupancy")
@_admin
async def _admin_occupancy(
    request: web.Request, simulator: CamlyticsSimulator
) -> web.StreamResponse:
    body = await json_object(request)
    location_id, occupancy = body.get("location_id"), body.get("occupancy")
    if not isinstance(location_id, int) or not isinstance(occupancy, int):
        raise ValueError("location_id and occupancy are required integers")
    simulator.set_occupancy(location_id, occupancy)
    return web.json_response({"location_id": location_id, "occupancy": occupancy})


@ROUTES.post("/_sim/camlytics/queue")
@_admin
async def _admin_queue(request: web.Request, simulator: CamlyticsSimulator) -> web.StreamResponse:
    body = await json_object(request)
    channel_id, length = body.get("channel_id"), body.get("queue")
    if not isinstance(channel_id, str) or not isinstance(length, int):
        raise ValueError("channel_id is a required string and queue a required integer")
    simulator.set_queue(channel_id, length)
    return web.json_response({"channel_id": channel_id, "queue": length})


failure_route(ROUTES, "/_sim/camlytics/fail", _admin, one_message=True)


@ROUTES.post("/_sim/camlytics/settings")
@_admin
async def _admin_settings(
    request: web.Request, simulator: CamlyticsSimulator
) -> web.StreamResponse:
    body = await json_object(request)
    interval = optional(body, "event_interval", (int, float))
    rate_limit = optional(body, "rate_limit", (int, float))
    if interval is not None:
        simulator.set_event_interval(float(interval))
    if rate_limit is not None:
        simulator.set_rate_limit(float(rate_limit))
    settings = simulator.settings
    return web.json_response(
        {"event_interval": settings.event_interval, "rate_limit": settings.rate_limit}
    )
