"""Wire models of Moonsense: sessions, bundle readings, webhook events, chunks (typed, bounded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import math
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
    "altitude": (-1000, 20_000),
    "speed": (0, 400),
    "temperature": (-100, 150),
    "light": (0, 1e6),
    "pressure": (0, 2000),
    "humidity": (0, 100),
    "steps": (0, 100_000),
    "heart_rate": (0, 300),
    "acceleration": (0, 10_000),
    "linear_acceleration": (0, 10_000),
    "rotation_rate": (0, 10_000),
    "magnetic_field": (0, 100_000),
    "azimuth": (-180, 180),
    "pitch": (-180, 180),
    "roll": (-180, 180),
}
"""Accepted range of each reading (units as in ``Readings``); outside it the reading is dropped."""
MAX_AXIS: Final = 1e6
"""Largest absolute value of one axis of a motion sample (G, rad/s, µT) accepted."""
MAX_COUNTED: Final = 1_000_000
"""Largest list of activity samples (pointer, key, focus, text, markers) counted in a bundle."""
STANDARD_GRAVITY: Final = 9.80665
"""m/s² in one G: accelerometer samples arrive in G and are shown in m/s²."""
ACTIVITY_LISTS: Final = {
    "pointer_events": "pointer_data",
    "key_presses": "key_press_data",
    "focus_changes": "focus_change_data",
    "text_changes": "text_change_data",
    "markers": "markers",
}
"""Counted readings and the bundle list each counts (the samples themselves are not read)."""


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
    install_id: str | None = None
    """The phone's install id (``metadata.install_id``): keys the phone, never shown."""
    model: str | None = None
    """The phone's model (``metadata.model``, at most ``MAX_RAW_ENUM_TEXT`` characters)."""
    manufacturer: str | None = None
    """The phone's maker (``metadata.manufacturer``, at most ``MAX_RAW_ENUM_TEXT`` characters)."""

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
            install_id=optional_id(metadata.get("install_id")),
            model=bounded_text(metadata.get("model"), MAX_RAW_ENUM_TEXT),
            manufacturer=bounded_text(metadata.get("manufacturer"), MAX_RAW_ENUM_TEXT),
        )


class _Reader:
    """Reads the readings of one bundle, counting those present but unusable (``dropped``)."""

    def __init__(self) -> None:
        self.dropped = 0

    def check[T](self, raw: object, value: T | None) -> T | None:
        """``value``, counting a drop when ``raw`` was given but did not make one."""
        if value is None and raw is not None:
            self.dropped += 1
        return value

    def number(self, raw: object, name: str) -> float | None:
        """A reading ``name`` within ``READING_RANGES``."""
        minimum, maximum = READING_RANGES[name]
        return self.check(raw, as_float(raw, minimum=minimum, maximum=maximum))

    def integer(self, raw: object, name: str) -> int | None:
        """A whole reading ``name`` within ``READING_RANGES``."""
        minimum, maximum = READING_RANGES[name]
        return self.check(raw, as_int(raw, minimum=int(minimum), maximum=int(maximum)))

    def latest_value(self, samples: object, name: str, field: str = "value") -> float | None:
        """``field`` of the latest sample of a list (``_latest``), as the reading ``name``."""
        sample = self.samples(samples)
        return self.number(sample.get(field), name) if sample else None

    def samples(self, samples: object, time: str = "determined_at") -> dict[str, Any] | None:
        """The latest sample of a list (a list that is not one is dropped)."""
        if samples is not None and not isinstance(samples, list):
            self.dropped += 1
            return None
        return _latest(samples, time)

    def magnitude(self, samples: object, name: str, scale: float = 1.0) -> float | None:
        """The length of the latest ``x, y, z`` sample times ``scale`` (a missing axis is 0)."""
        sample = self.samples(samples)
        if sample is None:
            return None
        axes = [sample.get(axis) for axis in ("x", "y", "z")]
        values = [
            0.0 if raw is None else as_float(raw, minimum=-MAX_AXIS, maximum=MAX_AXIS)
            for raw in axes
        ]
        if any(value is None for value in values):
            self.dropped += 1
            return None
        length = math.sqrt(sum(value * value for value in values if value is not None)) * scale
        return self.number(round(length, 6), name)

    def angle(self, raw: object, name: str) -> float | None:
        """An angle in radians (``-2π`` to ``2π``) as degrees, folded into -180 to 180."""
        radians = as_float(raw, minimum=-2 * math.pi, maximum=2 * math.pi)
        if radians is None:
            return self.check(raw, None)
        degrees = math.degrees(radians)
        degrees = (degrees + 180) % 360 - 180 if not -180 <= degrees <= 180 else degrees
        return self.number(round(degrees, 4), name)

    def count(self, samples: object) -> int | None:
        """The number of samples in a list (None when the bundle lacks it)."""
        if samples is None:
            return None
        if not isinstance(samples, list):
            self.dropped += 1
            return None
        return min(len(samples), MAX_COUNTED)

    def interval_sum(self, samples: object, field: str, name: str) -> int | None:
        """The sum of ``field`` over interval samples (steps); a bad sample is dropped alone."""
        if samples is None:
            return None
        if not isinstance(samples, list):
            self.dropped += 1
            return None
        total: int | None = None
        for sample in samples[:MAX_COUNTED]:
            item = snake_keys(sample)
            raw = item.get(field) if item is not None else sample
            value = self.check(raw, as_int(raw, minimum=0, maximum=MAX_COUNTED))
            if value is not None:
                total = (total or 0) + value
        return self.integer(total, name) if total is not None else None


@dataclass(frozen=True, slots=True)
class Readings:
    """The readings of one bundle (each None when the bundle lacks it); latest sample of each.

    Every reading is finite and within ``READING_RANGES`` (a reading outside is dropped, not the
    bundle, and counted in ``dropped``); ``battery_state`` and ``activity`` are names of
    ``BATTERY_STATES`` and ``ACTIVITY_TYPES`` (``unknown`` for others), the original texts in
    ``raw_battery_state`` and ``raw_activity``; a location has both coordinates or neither;
    ``time`` is sane (2000 to now plus a day).

    Units: altitude m, speed m/s, temperature °C, light lx, pressure mbar, humidity %, heart rate
    beats per minute, acceleration and linear acceleration m/s² (the length of the latest
    sample, which arrives in G), rotation rate rad/s, magnetic field µT, azimuth, pitch and roll
    in degrees. ``steps`` is the sum of the bundle's step samples; the activity counts
    (``ACTIVITY_LISTS``) are the number of samples of each list. ``install_id`` names the phone
    (it keys the phone's device through a digest and is never shown).
    """

    battery_level: int | None = None
    battery_state: str | None = None
    activity: str | None = None
    activity_confidence: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_accuracy: float | None = None
    altitude: float | None = None
    speed: float | None = None
    temperature: float | None = None
    light: float | None = None
    pressure: float | None = None
    humidity: float | None = None
    steps: int | None = None
    heart_rate: int | None = None
    acceleration: float | None = None
    linear_acceleration: float | None = None
    rotation_rate: float | None = None
    magnetic_field: float | None = None
    azimuth: float | None = None
    pitch: float | None = None
    roll: float | None = None
    pointer_events: int | None = None
    key_presses: int | None = None
    focus_changes: int | None = None
    text_changes: int | None = None
    markers: int | None = None
    time: datetime | None = None
    raw_battery_state: str | None = None
    raw_activity: str | None = None
    install_id: str | None = None
    dropped: int = 0
    """How many readings the bundle carried that were unusable (wrong type, NaN, out of range)."""

    @classmethod
    def from_sealed_bundle(cls, raw: object) -> Readings:
        """Read a SealedBundle (either key style).

        Raises:
            MoonsenseApiError: it is no object.
        """
        sealed = snake_keys(raw)
        if sealed is None:
            raise MoonsenseApiError("a sealed bundle must be an object")
        read = _Reader()
        bundle = snake_keys(sealed.get("bundle")) or {}
        battery = read.check(bundle.get("battery"), snake_keys(bundle.get("battery"))) or {}
        activity = read.samples(bundle.get("activity_data")) or {}
        location = read.samples(bundle.get("location_data")) or {}
        orientation = read.samples(bundle.get("orientation_data")) or {}
        heart = read.samples(bundle.get("heart_rate_data"), "to") or {}
        client_time = snake_keys(bundle.get("client_time")) or {}
        when = as_time(client_time.get("wall_time_millis")) or as_time(
            sealed.get("server_time_millis")
        )
        battery_state, raw_battery_state = enum_value(battery.get("state"), BATTERY_STATES)
        activity_type, raw_activity = enum_value(activity.get("type"), ACTIVITY_TYPES)
        latitude = read.number(location.get("latitude"), "latitude")
        longitude = read.number(location.get("longitude"), "longitude")
        if latitude is None or longitude is None:
            latitude = longitude = None
        counts = {key: read.count(bundle.get(name)) for key, name in ACTIVITY_LISTS.items()}
        return cls(
            battery_level=read.integer(battery.get("capacity"), "battery_level"),
            battery_state=battery_state,
            activity=activity_type,
            activity_confidence=read.integer(activity.get("confidence"), "activity_confidence"),
            latitude=latitude,
            longitude=longitude,
            location_accuracy=(
                read.number(location.get("horizontal_accuracy"), "location_accuracy")
                if latitude is not None
                else None
            ),
            altitude=read.number(location.get("altitude"), "altitude"),
            speed=read.number(location.get("speed"), "speed"),
            temperature=read.latest_value(bundle.get("temperature_data"), "temperature"),
            light=read.latest_value(bundle.get("light_data"), "light"),
            pressure=read.latest_value(bundle.get("pressure_data"), "pressure"),
            humidity=read.latest_value(bundle.get("humidity_data"), "humidity"),
            steps=read.interval_sum(bundle.get("steps_data"), "count", "steps"),
            heart_rate=read.integer(heart.get("rate"), "heart_rate"),
            acceleration=read.magnitude(
                bundle.get("accelerometer_data"), "acceleration", STANDARD_GRAVITY
            ),
            linear_acceleration=read.magnitude(
                bundle.get("linear_accelerometer_data"), "linear_acceleration", STANDARD_GRAVITY
            ),
            rotation_rate=read.magnitude(bundle.get("gyroscope_data"), "rotation_rate"),
            magnetic_field=read.magnitude(bundle.get("magnetometer_data"), "magnetic_field"),
            azimuth=read.angle(orientation.get("azimuth"), "azimuth"),
            pitch=read.angle(orientation.get("pitch"), "pitch"),
            roll=read.angle(orientation.get("roll"), "roll"),
            **counts,
            time=when,
            raw_battery_state=raw_battery_state,
            raw_activity=raw_activity,
            install_id=optional_id(sealed.get("install_id")),
            dropped=read.dropped,
        )

    def as_dict(self) -> dict[str, Any]:
        """The readings present, as plain JSON values (time in ISO 8601); no install id."""
        shown: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name in ("install_id", "dropped") or value is None:
                continue
            shown[name] = value.isoformat() if isinstance(value, datetime) else value
        return shown


def _latest(samples: object, time: str = "determined_at") -> dict[str, Any] | None:
    """The sample with the latest ``time`` (the last one when times are missing)."""
    if not isinstance(samples, list):
        return None
    latest: dict[str, Any] | None = None
    latest_at = -1
    for sample in samples[:MAX_COUNTED]:
        if (item := snake_keys(sample)) is None:
            continue
        determined_at = as_int(item.get(time)) or 0
        if determined_at >= latest_at:
            latest, latest_at = item, determined_at
    return latest


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
