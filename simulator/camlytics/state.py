"""The simulated Camlytics world: locations, channels, webhooks and the event generator."""

import base64
from collections import deque
from collections.abc import Mapping
from datetime import date, datetime
import hashlib
import random
from typing import Any

from ..common import PushingSimulator, check_url, string_headers
from ..plugin import not_negative
from ..routing import RateWindows
from ..sender import (
    WebhookSender,
)
from .model import (
    _AGE_RANGES,
    _CHANNEL_NAMES,
    _GENDERS,
    _LOCATION_NAMES,
    _OFFSETS,
    EVENT_ID_BASE,
    KINDS,
    LINE_TRIGGERS,
    MAX_EMIT,
    MAX_HISTORY,
    ORIGINS,
    QUEUE_TRIGGER,
    RECORD_ID_BASE,
    REGION_EVENT_TYPES,
    SNAPSHOT_ID_BASE,
    TRIGGER_NAMES,
    USER_AGENT,
    CamlyticsApiError,
    _api_time,
    _camlytics_id,
    _Channel,
    _Event,
    _Location,
    _stable_hex,
    _Trigger,
    _utc_iso,
    _Webhook,
    _webhook_event,
)
from .settings import CamlyticsSettings


class CamlyticsState(PushingSimulator[CamlyticsSettings], settings=CamlyticsSettings):
    """The simulated cloud's world: locations, channels, webhooks and generated events."""

    def _setup(self) -> None:
        """Create the locations, channels and triggers."""
        self._rng = random.Random(self.settings.seed)
        self._started = self._wallclock()
        self._locations: dict[int, _Location] = {}
        self._channels: dict[str, _Channel] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._occupancy: dict[int, tuple[date, int]] = {}
        self._events: deque[_Event] = deque(maxlen=MAX_HISTORY)
        self._event_seq = 0
        self._nonces: dict[str, int] = {}
        self._recent = RateWindows()
        sender: WebhookSender[_Webhook] = self._push(
            lambda settings: settings.event_interval,
            self._tick,
            user_agent=USER_AGENT,
            headers=lambda webhook: webhook.headers,
            describe=lambda webhook, batch: {
                "webhook": webhook.id,
                "kind": webhook.kind,
                "url": webhook.url,
                "payload": batch[0],
            },
            timestamp=lambda: _utc_iso(self._wallclock()),
        )
        self._webhooks = sender.targets
        for index in range(self.settings.locations):
            self._add_location(index)

    # State

    def occupancy(self, location_id: int) -> int:
        """A location's current occupancy (0 once its local day has changed)."""
        return self._occupancy_at(self._location(location_id), self._wallclock())

    def queue(self, channel_id: str) -> int:
        """A channel's current queue length."""
        return len(self._channel(channel_id).queue)

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
        not_negative(event_interval=seconds)
        self.settings.event_interval = seconds
        self._ticker.poke()

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
        check_url(url)
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
        extra = string_headers(headers)
        webhook = _Webhook(self._sender.next_id(), url, kind, location_id, channel_id, extra)
        return self._add_target(webhook)

    def remove_webhook(self, webhook_id: int) -> None:
        """Unregister a webhook; its queued payloads are dropped."""
        self._remove_target(webhook_id, "webhook")

    def webhooks(self) -> list[dict[str, Any]]:
        """Every webhook target with its queue length and delivery counters."""
        return [webhook.to_json() for webhook in self._webhooks.values()]

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
            channel.feed_id = _stable_hex("queue feed", seed, channel.id)[:32]
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

    def _location(self, location_id: int, error: type[Exception] = CamlyticsApiError) -> _Location:
        return _known(self._locations, location_id, "location", error)

    def _channel(self, channel_id: str, error: type[Exception] = CamlyticsApiError) -> _Channel:
        return _known(self._channels, channel_id, "channel", error)


def _known[K, V](table: Mapping[K, V], key: K, what: str, error: type[Exception]) -> V:
    """table[key]; else CamlyticsApiError 404 or error, saying "Unknown <what> <key>"."""
    found = table.get(key)
    if found is None:
        message = f"Unknown {what} {key}"
        raise CamlyticsApiError(404, message) if error is CamlyticsApiError else error(message)
    return found
