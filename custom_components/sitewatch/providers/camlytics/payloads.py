"""Parsing of Camlytics webhooks: analytic events, current occupancy and current queue.

Event webhooks post a JSON array of events shaped like ``GET /events`` (``id`` null, UTC time
without offset); community receivers also see single flat objects (``channel_id``,
``rule_name``, ``event_time``). The occupancy and queue webhooks are not documented by the vendor:
an object or array carrying a location or channel id and a numeric occupancy or queue value is
accepted (``docs/providers/camlytics.md``, Assumptions). One bad item does not lose the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .api import CamlyticsApiError, Event, as_int, parse_time

OCCUPANCY_KEYS = ("occupancy", "current_occupancy", "currentOccupancy")
QUEUE_KEYS = ("queue", "queue_length", "current_queue", "currentQueue")


class PayloadError(ValueError):
    """A webhook body (or one item of it) is not a Camlytics event or metric."""


@dataclass(frozen=True, slots=True)
class Metric:
    """A current occupancy (per location) or queue length (per channel) reading."""

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
    """The key that identifies an event in both the API and the webhooks."""
    return f"event:{event.record_id}"


def parse_webhook(payload: Any) -> tuple[list[Event | Metric], list[str]]:
    """Parse a webhook body into events and metrics, with the reasons items were skipped.

    Raises:
        PayloadError: the body is neither an object nor an array, or no item could be parsed.
    """
    items = payload if isinstance(payload, list) else [payload]
    if not isinstance(payload, (list, dict)):
        raise PayloadError(f"expected a JSON array or object, got {type(payload).__name__}")
    parsed: list[Event | Metric] = []
    errors: list[str] = []
    for index, raw in enumerate(items):
        try:
            parsed.append(parse_item(raw))
        except PayloadError as err:
            errors.append(f"item {index}: {err}")
    if items and not parsed:
        raise PayloadError("; ".join(errors[:3]))
    return parsed, errors


def parse_item(raw: Any) -> Event | Metric:
    """One event or metric; raises PayloadError naming what is missing."""
    if not isinstance(raw, dict):
        raise PayloadError(f"expected an object, got {type(raw).__name__}")
    metric = raw.get("metric")
    for kind, keys in (("occupancy", OCCUPANCY_KEYS), ("queue", QUEUE_KEYS)):
        key = next((key for key in keys if key in raw), None)
        if key is None and metric == kind:
            key = "value"
        if key is not None:
            return _metric(raw, kind, key)
    if "event_type" in raw or "rule_name" in raw or "record_id" in raw:
        try:
            return Event.from_api(raw)
        except CamlyticsApiError as err:
            raise PayloadError(str(err)) from err
    raise PayloadError("neither an event nor an occupancy or queue reading")


def _metric(raw: dict[str, Any], kind: str, key: str) -> Metric:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise PayloadError(f"{kind} without a number")
    try:
        number = float(value)
    except ValueError as err:
        raise PayloadError(f"{kind} '{value}' is not a number") from err
    location_id = as_int(raw.get("location_id"))
    channel_id = raw.get("channel_id")
    if location_id is None and channel_id is None:
        raise PayloadError(f"{kind} without a location or channel")
    return Metric(
        kind=kind,
        value=number,
        location_id=location_id,
        channel_id=None if channel_id is None else str(channel_id),
        time=parse_time(raw.get("time") or raw.get("timestamp") or raw.get("event_time")),
    )
