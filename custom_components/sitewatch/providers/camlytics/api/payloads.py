"""Parsing of Camlytics webhooks: analytic events, current occupancy and current queue.

Event webhooks post a JSON array of events shaped like ``GET /events`` (``id`` null, UTC time
without offset); community receivers also see single flat objects (``channel_id``,
``rule_name``, ``event_time``). The occupancy and queue webhooks are not documented by the vendor:
an object or array carrying a location id (occupancy) or a channel id (queue) and a numeric
occupancy or queue value is accepted (``docs/providers/camlytics.md``, Assumptions).

Every field used is typed and bounded (``Event.from_api``, ``parse_metric``): an item that cannot
be used (not an object, no valid id, a value that is not a finite number in range) is dropped
with a short, fixed reason and the others are kept. Nothing here raises but ``PayloadError`` for
a body that is unusable as a whole.
"""

from __future__ import annotations

from typing import Final

from ....bounds import finite_number
from .exceptions import InvalidItem
from .models import Event, Metric, as_int, ident, parse_time

OCCUPANCY_KEYS: Final = ("occupancy", "current_occupancy", "currentOccupancy")
QUEUE_KEYS: Final = ("queue", "queue_length", "current_queue", "currentQueue")
MAX_METRIC: Final = 1_000_000.0
"""Largest occupancy or queue length taken (people); larger, negative or not finite drops it."""
MAX_ITEMS: Final = 10_000
"""Most items of one body parsed; the rest are dropped (``too many items in one body``)."""


class PayloadError(ValueError):
    """A webhook body that is unusable as a whole; the message is a short, fixed reason."""


def parse_webhook(payload: object) -> tuple[list[Event | Metric], list[str]]:
    """Parse a webhook body into events and metrics, with a fixed reason per item dropped.

    Raises:
        PayloadError: the body is neither an object nor an array, or it holds items and none of
            them could be used.
    """
    if isinstance(payload, dict):
        items: list[object] = [payload]
    elif isinstance(payload, list):
        items = payload
    else:
        raise PayloadError("body is neither a JSON array nor an object")
    parsed: list[Event | Metric] = []
    dropped: list[str] = []
    for raw in items[:MAX_ITEMS]:
        try:
            parsed.append(parse_item(raw))
        except InvalidItem as err:
            dropped.append(str(err))
    dropped.extend(["too many items in one body"] * max(len(items) - MAX_ITEMS, 0))
    if items and not parsed:
        raise PayloadError(f"no usable item ({dropped[0]})")
    return parsed, dropped


def parse_item(raw: object) -> Event | Metric:
    """One event or metric.

    Raises:
        InvalidItem: with a short, fixed reason when the item cannot be used.
    """
    if not isinstance(raw, dict):
        raise InvalidItem("item is not an object")
    metric = raw.get("metric")
    for kind, keys in (("occupancy", OCCUPANCY_KEYS), ("queue", QUEUE_KEYS)):
        key = next((key for key in keys if key in raw), None)
        if key is None and metric == kind:
            key = "value"
        if key is not None:
            return parse_metric(raw, kind, key)
    if "event_type" in raw or "rule_name" in raw or "record_id" in raw:
        return Event.from_api(raw)
    raise InvalidItem("neither an event nor an occupancy or queue reading")


def parse_metric(raw: dict[str, object], kind: str, key: str) -> Metric:
    """An occupancy (``kind`` ``occupancy``) or queue reading whose value is under ``key``.

    The value is a JSON number or a short numeric string, finite, in [0, 10⁶].

    Raises:
        InvalidItem: the value is not such a number, or the location (occupancy) or channel
            (queue) id is missing or invalid.
    """
    value = raw.get(key)
    if isinstance(value, str) and len(value) <= 32:
        try:
            value = float(value)
        except ValueError:
            value = None
    number = finite_number(value, minimum=0, maximum=MAX_METRIC)
    if number is None:
        raise InvalidItem(
            "occupancy is not a number in range"
            if kind == "occupancy"
            else "queue is not a number in range"
        )
    location_id = as_int(raw.get("location_id"))
    channel_id = ident(raw.get("channel_id"))
    if kind == "occupancy" and location_id is None:
        raise InvalidItem("occupancy without a valid location id")
    if kind == "queue" and channel_id is None:
        raise InvalidItem("queue without a valid channel id")
    return Metric(
        kind=kind,
        value=number,
        location_id=location_id,
        channel_id=channel_id,
        time=parse_time(raw.get("time") or raw.get("timestamp") or raw.get("event_time")),
    )
