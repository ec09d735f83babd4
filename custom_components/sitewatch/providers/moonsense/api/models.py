"""Wire models of Moonsense: sessions, bundle readings, webhook events, chunks (typed, bounded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from ....bounds import bounded_text
from .exceptions import MoonsenseApiError
from .parsing import (
    MAX_RAW_ENUM_TEXT,
    REGION,
    as_float,
    as_int,
    as_time,
    digest,
    enum_value,
    label_names,
    optional_id,
    snake_keys,
    text_id,
)

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
            app_id=optional_id(item.get("app_id")),
            region_id=region if isinstance(region, str) and REGION.fullmatch(region) else None,
            journey_id=optional_id(item.get("journey_id")),
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
                digest(bundle) if readings is not None and readings.time is None else None
            ),
        )


@dataclass(frozen=True, slots=True)
class Chunk:
    """A persisted chunk of a session."""

    chunk_id: str
    created_at: datetime | None
