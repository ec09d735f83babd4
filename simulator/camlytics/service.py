"""The simulated Camlytics cloud: its API operations, request gate and counters."""

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
import hmac
from typing import Any
import zlib

from ..plugin import not_negative
from ..routing import retry_after
from .model import (
    _NONCE_RE,
    _RATE_LIMIT_PAGE,
    FEED_PREFIX,
    LIFETIME_BUCKETS,
    MAX_EVENTS,
    MAX_HISTOGRAMS,
    MAX_NONCE,
    NONCE_ERROR_CODE,
    VERSION,
    CamlyticsApiError,
    EventFilter,
    _Channel,
    _Event,
    _Trigger,
    parse_query,
    sign,
)
from .state import CamlyticsState

_EVERYTHING = EventFilter()


class CamlyticsSimulator(CamlyticsState):
    """State of the simulated Camlytics cloud and its webhook sender.

    Methods that serve API data raise CamlyticsApiError with the HTTP status
    the API would answer; the routes render it. Test hooks raise ValueError
    on bad input.
    """

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
        """Every report feed: a location's occupancy, then each channel's queue length.

        Each with its id, path and current counter (and its ``location_id`` or ``channel_id``).
        """

        def listed(of: str, subject: int | str, feed_id: str, counter: int) -> dict[str, Any]:
            path = f"{FEED_PREFIX}/{feed_id}"
            return {of: subject, "feed_id": feed_id, "path": path, "counter": counter}

        return [
            *(
                listed("location_id", loc.id, loc.feed_id, self.occupancy(loc.id))
                for loc in self._locations.values()
            ),
            *(
                listed("channel_id", channel.id, channel.feed_id, self.queue(channel.id))
                for channel in self._channels.values()
            ),
        ]

    def feed(self, feed_id: str) -> dict[str, Any]:
        """A report feed body; raise CamlyticsApiError (404) for an unknown id.

        A counter report: ``{"report": {"data": {"counter": <count now>}}}``, a location's
        occupancy or a channel's queue length.
        """
        wanted = feed_id.lower()
        for location in self._locations.values():
            if location.feed_id == wanted:
                return {"report": {"data": {"counter": self.occupancy(location.id)}}}
        for channel in self._channels.values():
            if channel.feed_id == wanted:
                return {"report": {"data": {"counter": self.queue(channel.id)}}}
        raise CamlyticsApiError(404, "Report not found")

    # Statistics

    def events(self, filters: EventFilter = _EVERYTHING) -> list[dict[str, Any]]:
        """Events as ``GET /events`` answers: oldest first, at most MAX_EVENTS.

        since is inclusive and until exclusive. When more events match, the
        oldest MAX_EVENTS are answered, so a client pages forward by moving
        since past the last one it got.
        """
        selected = self._select(filters)
        return [event.payload for event in selected[:MAX_EVENTS]]

    def totals_by_trigger(self, filters: EventFilter = _EVERYTHING) -> list[dict[str, Any]]:
        """Event counts grouped by trigger (``GET /totals/triggers``).

        Like a GROUP BY, triggers without events in range are left out.
        """
        counts: Counter[str] = Counter(
            event.trigger.id for event in self._select(filters) if event.trigger is not None
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

    def totals_by_type(self, filters: EventFilter = _EVERYTHING) -> list[dict[str, Any]]:
        """Event counts grouped by channel and event type (``GET /totals/types``)."""
        counts: Counter[tuple[str, str]] = Counter(
            (event.payload["channel_id"], event.payload["event_type"])
            for event in self._select(filters)
        )
        return [
            {"count": count, "type": event_type, "channel_id": channel}
            for (channel, event_type), count in counts.items()
        ]

    def histograms(self, filters: EventFilter = _EVERYTHING) -> list[dict[str, Any]]:
        """Hourly histograms of every trigger (``GET /histograms``), at most MAX_HISTOGRAMS.

        Hours run in each location's local time, from the hour holding since
        (default: the simulator's start) up to until (default: now), never
        before the simulator started nor after now.
        """
        now = self._wallclock()
        first = max(filters.since or self._started, self._started)
        last = min(filters.until or now, now)
        by_trigger: defaultdict[str, list[_Event]] = defaultdict(list)
        for event in self._events:
            if event.trigger is not None:
                by_trigger[event.trigger.id].append(event)
        slots: list[tuple[_Trigger, datetime]] = []
        for trigger in self._triggers.values():
            if filters.location_id not in (None, trigger.location_id):
                continue
            if filters.channel_id not in (None, trigger.channel_id):
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

    def state(self) -> dict[str, Any]:
        """Occupancy per location, queue length per channel and the last nonce per key."""
        return {
            "occupancy": {str(loc): self.occupancy(loc) for loc in self._locations},
            "queues": {channel: self.queue(channel) for channel in self._channels},
            "nonces": dict(self._nonces),
            "events": len(self._events),
        }

    def set_rate_limit(self, rate_limit: float) -> None:
        """Change the rate limit (requests per second per key; 0 disables)."""
        not_negative(rate_limit=rate_limit)
        self.settings.rate_limit = rate_limit
        self._recent.clear()

    def stats(self) -> dict[str, Any]:
        """Return request and webhook counters.

        by_path counts every API and feed request by path (rejected ones
        included), by_status by the HTTP status answered. rejected_keys,
        rejected_signatures and rejected_nonces count authentication
        failures; rate_limited_429 and rate_limited_503 the rate limit's
        rejections; injected_failures those of fail_next. webhooks counts
        delivered payloads, failed attempts and dropped payloads.
        """
        return {
            **self.request_stats(),
            **self.counter_stats(
                "rejected_keys",
                "rejected_signatures",
                "rejected_nonces",
                "rate_limited_429",
                "rate_limited_503",
                "injected_failures",
            ),
            "webhooks": self.sender_stats(),
        }

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The webhook delivery log, oldest first (at most MAX_DELIVERIES entries).

        Each entry: webhook (id), kind, url, payload (as sent), attempt
        (1-based), status (HTTP status or None), error (text or None), ok,
        retry_in (seconds to the next attempt, or None), dropped (attempts
        used up), time (wallclock, UTC ISO 8601).
        """
        return self._sender.deliveries

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
        if (status := self.take_injected_failure()) is not None:
            raise CamlyticsApiError(
                status, f"Injected failure {status}", headers=retry_after(status)
            )

    def _check_rate(self, key: str) -> None:
        limit = self.settings.rate_limit
        if not limit or self._recent.admit(key, self._clock(), limit):
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

    def _select(self, filters: EventFilter) -> list[_Event]:
        selected = [event for event in self._events if filters.matches(event)]
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
