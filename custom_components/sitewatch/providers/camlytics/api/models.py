"""Wire models of the Camlytics API and webhooks, each typed and bounded when it is built.

Every item of an answer is built by its ``from_api`` (``Location.from_api`` and the like); an item
that cannot be used raises ``InvalidItem`` with a short, fixed reason, and the caller drops it
and keeps the rest (``parse_items``). Wire facts: ``docs/providers/camlytics.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from ....bounds import (
    MAX_STATE_TEXT,
    bounded_int,
    bounded_text,
    finite_number,
    parse_time as bounds_parse_time,
)
from .exceptions import InvalidItem

MAX_ID_LENGTH: Final = 128
"""Longest identifier (record, channel, trigger id) taken; a longer one drops its item."""
MAX_NAME_LENGTH: Final = MAX_STATE_TEXT
"""Names and types are cut to 255 characters (they name devices and fill attributes)."""
MAX_COUNT: Final = 10**9
"""Largest count of a trigger total taken (far above a day of crossings)."""
MAX_INT64: Final = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Location:
    """A location (``GET /locations``); ``timezone_offset`` like ``+01:00``."""

    id: int
    name: str
    timezone_offset: str | None = None

    @classmethod
    def from_api(cls, item: object) -> Location:
        """Build from a ``/locations`` item; raises InvalidItem without a numeric id."""
        if not isinstance(item, dict):
            raise InvalidItem("location is not an object")
        if (location_id := as_int(item.get("id"))) is None:
            raise InvalidItem("location without a valid id")
        return cls(
            id=location_id,
            name=_name(item.get("name")) or str(location_id),
            timezone_offset=bounded_text(item.get("timezone_offset"), 16),
        )


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel, i.e. a camera (``GET /channels``)."""

    id: str
    name: str
    location_id: int | None
    active: bool = True

    @classmethod
    def from_api(cls, item: object) -> Channel:
        """Build from a ``/channels`` item; raises InvalidItem without a valid id."""
        if not isinstance(item, dict):
            raise InvalidItem("channel is not an object")
        if (channel_id := ident(item.get("id"))) is None:
            raise InvalidItem("channel without a valid id")
        return cls(
            id=channel_id,
            name=_name(item.get("name")) or channel_id,
            location_id=as_int(item.get("location_id")),
            active=item.get("active", 1) not in (0, False, "0", None),
        )


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger (``GET /triggers``): a line or region, for example ``Enter``."""

    id: str
    name: str
    type: str | None
    channel_id: str | None
    location_id: int | None

    @classmethod
    def from_api(cls, item: object) -> Trigger:
        """Build from a ``/triggers`` item; raises InvalidItem without a valid id."""
        if not isinstance(item, dict):
            raise InvalidItem("trigger is not an object")
        if (trigger_id := ident(item.get("id"))) is None:
            raise InvalidItem("trigger without a valid id")
        return cls(
            id=trigger_id,
            name=_name(item.get("name")) or trigger_id,
            type=_name(item.get("type")),
            channel_id=ident(item.get("channel_id")),
            location_id=as_int(item.get("location_id")),
        )


@dataclass(frozen=True, slots=True)
class TriggerTotal:
    """Events counted for one trigger (``GET /totals/triggers``).

    ``count`` is None when the answer's count is not an integer in [0, 10⁹].
    """

    trigger_id: str
    trigger_name: str | None
    count: int | None
    channel_id: str | None
    location_id: int | None

    @classmethod
    def from_api(cls, item: object) -> TriggerTotal:
        """Build from a ``/totals/triggers`` item; raises InvalidItem without a trigger id."""
        if not isinstance(item, dict):
            raise InvalidItem("total is not an object")
        if (trigger_id := ident(item.get("trigger_id"))) is None:
            raise InvalidItem("total without a valid trigger id")
        count = item.get("count")
        if isinstance(count, str) and len(count) <= 12:
            count = as_int(count)
        return cls(
            trigger_id=trigger_id,
            trigger_name=_name(item.get("trigger_name")),
            count=bounded_int(count, minimum=0, maximum=MAX_COUNT),
            channel_id=ident(item.get("channel_id")),
            location_id=as_int(item.get("location_id")),
        )


@dataclass(frozen=True, slots=True)
class TypeTotal:
    """Events of one type counted on one channel (``GET /totals/types``).

    ``type`` is the Camlytics name (``TripwireCrossed``), at most 255 characters; ``count`` an
    integer in [0, 10⁹].
    """

    type: str
    count: int
    channel_id: str | None

    @classmethod
    def from_api(cls, item: object) -> TypeTotal:
        """Build from a ``/totals/types`` item; raises InvalidItem without a type or a count."""
        if not isinstance(item, dict):
            raise InvalidItem("type total is not an object")
        if (event_type := _name(item.get("type"))) is None:
            raise InvalidItem("type total without a type")
        if (count := bounded_int(item.get("count"), minimum=0, maximum=MAX_COUNT)) is None:
            raise InvalidItem("type total without a valid count")
        return cls(type=event_type, count=count, channel_id=ident(item.get("channel_id")))


MAX_HISTOGRAM_BINS: Final = 64
"""Longest ``counting_data``/``lifetime_data`` taken; a longer list drops its histogram."""
MAX_BIN_VALUE: Final = 1e9
"""Largest value of a histogram bin (seconds of an hour or counts)."""


@dataclass(frozen=True, slots=True)
class Histogram:
    """One trigger's hour (``GET /histograms``).

    For a line, ``counting`` holds the crossing count; for a region, ``counting[n]`` is the seconds
    of the hour the region held ``n`` objects and ``lifetime`` counts objects by time spent
    (<1, 1-5, 5-15, >=15 min). Bins are finite numbers in [0, 10⁹], at most 64 of each;
    ``start`` is the hour's start in UTC.
    """

    trigger_id: str
    channel_id: str | None
    location_id: int | None
    start: datetime
    counting: tuple[float, ...]
    lifetime: tuple[float, ...]

    @classmethod
    def from_api(cls, item: object) -> Histogram:
        """Build from a ``/histograms`` item; raises InvalidItem for an unusable one."""
        if not isinstance(item, dict):
            raise InvalidItem("histogram is not an object")
        if (trigger_id := ident(item.get("trigger_id"))) is None:
            raise InvalidItem("histogram without a valid trigger id")
        if (start := parse_time(item.get("histogram_time"))) is None:
            raise InvalidItem("histogram without a valid time")
        return cls(
            trigger_id=trigger_id,
            channel_id=ident(item.get("channel_id")),
            location_id=as_int(item.get("location_id")),
            start=start,
            counting=_bins(item.get("counting_data")),
            lifetime=_bins(item.get("lifetime_data")),
        )


def _bins(value: object) -> tuple[float, ...]:
    """A histogram's list of bins; raises InvalidItem unless short and of finite numbers."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_HISTOGRAM_BINS:
        raise InvalidItem("histogram bins are not a short list")
    bins = [finite_number(number, minimum=0, maximum=MAX_BIN_VALUE) for number in value]
    if any(number is None for number in bins):
        raise InvalidItem("histogram bin is not a finite number")
    return tuple(number for number in bins if number is not None)


@dataclass(frozen=True, slots=True)
class Event:
    """An analytic event (``GET /events`` and the event webhooks), every field typed and bounded.

    ``record_id`` identifies the event in both sources (the webhook's ``id`` is null): an
    integer in [0, 2⁶³) or an identifier of at most 128 characters. Texts are at most 255
    characters; ``event_time`` is a sane UTC time (2000 to now plus a day) or None;
    ``snapshot_id`` is a 64-bit integer (the vendor's example is negative) or None. The API gives
    no snapshot URL.
    """

    record_id: int | str
    event_type: str
    channel_id: str | None
    location_id: int | None
    event_time: datetime | None
    trigger_id: str | None = None
    origin: str | None = None
    suborigin: str | None = None
    age_range: str | None = None
    gender: str | None = None
    object_id: int | None = None
    snapshot_id: int | None = None

    @classmethod
    def from_api(cls, item: object) -> Event:
        """Build from an API or webhook object; raises InvalidItem without a valid record id."""
        if not isinstance(item, dict):
            raise InvalidItem("event is not an object")
        raw_id = item.get("record_id")
        if raw_id is None:
            raw_id = item.get("id")
        record_id: int | str | None = bounded_int(raw_id, minimum=0, maximum=MAX_INT64)
        if record_id is None and not isinstance(raw_id, (int, float)):
            record_id = ident(raw_id)
        if record_id is None:
            raise InvalidItem("event without a valid record id")
        return cls(
            record_id=record_id,
            event_type=_name(item.get("event_type")) or _name(item.get("rule_name")) or "unknown",
            channel_id=ident(item.get("channel_id")),
            location_id=as_int(item.get("location_id")),
            event_time=parse_time(item.get("event_time")),
            trigger_id=ident(item.get("trigger_id")),
            origin=_name(item.get("origin")),
            suborigin=_name(item.get("suborigin")),
            age_range=_name(item.get("age_range")),
            gender=_name(item.get("gender")),
            object_id=bounded_int(item.get("object_id"), minimum=0, maximum=MAX_INT64),
            snapshot_id=bounded_int(item.get("snapshot_id"), minimum=-MAX_INT64, maximum=MAX_INT64),
        )


def parse_time(value: object) -> datetime | None:
    """An event time: ISO 8601 with offset (API) or ``YYYY-MM-DD HH:MM:SS.fff`` in UTC (webhook).

    Returns a UTC time between 2000 and now plus a day (``bounds.parse_time``), else None.
    """
    return bounds_parse_time(value)


def ident(value: object) -> str | None:
    """An identifier as text: a string of 1-128 printable characters, or an integer (as text).

    Returns None for anything else (a longer or empty string, control characters, a bool, a
    float, a nested value): an identifier is never cut, so two ids cannot become one.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if -MAX_INT64 <= value <= MAX_INT64 else None
    if isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH and value.isprintable():
        return value if value.strip() else None
    return None


def _name(value: object) -> str | None:
    """A name or type: bounded text of at most 255 characters, or None."""
    return bounded_text(value, MAX_NAME_LENGTH)


def as_int(value: object) -> int | None:
    """A 64-bit integer from an int or a short decimal string; None otherwise (bools too)."""
    if isinstance(value, str):
        if not 0 < len(value) <= 20:
            return None
        try:
            value = int(value.strip(), 10)
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if -MAX_INT64 <= value <= MAX_INT64 else None


def parse_items[T](result: list[Any], build: Callable[[object], T]) -> tuple[list[T], list[str]]:
    """Build every item of an answer's ``result``: the items, and a reason per item dropped."""
    items: list[T] = []
    dropped: list[str] = []
    for raw in result:
        try:
            items.append(build(raw))
        except InvalidItem as err:
            dropped.append(str(err))
    return items, dropped


@dataclass(frozen=True, slots=True)
class Metric:
    """A current occupancy (per location) or queue length (per channel) reading.

    ``kind`` is ``occupancy`` (``location_id`` set) or ``queue`` (``channel_id`` set); ``value``
    is a finite number of people in [0, 10⁶]; ``time`` a sane UTC time or None.
    """

    kind: str
    value: float
    location_id: int | None
    channel_id: str | None
    time: datetime | None

    @property
    def key(self) -> str:
        """A key unique to this reading, for dropping redelivered duplicates."""
        when = self.time.isoformat() if self.time else "-"
        return f"{self.kind}:{self.location_id}:{self.channel_id}:{when}:{self.value}"


def event_key(event: Event) -> str:
    """The key that identifies an event in both the API and the webhooks (``event:<record_id>``)."""
    return f"event:{event.record_id}"
