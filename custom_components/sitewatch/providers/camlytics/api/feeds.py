"""Camlytics report feeds: a published report read as a current count (no signing, no key).

A report published as a feed answers ``GET <service>/feed/report/<32 hex>`` with JSON; the URL is
its only secret, so the feed id is never logged, shown or sent anywhere but to the service.
Community code reads ``report.data.counter`` (a counter report, such as live occupancy or a
queue) or the last ``value`` of ``report.data.series[0].data`` (a chart report). Wire facts:
``docs/providers/camlytics.md``, Report feeds.
"""

from __future__ import annotations

import re
from typing import Final

from ....bounds import finite_number

FEED_ID: Final = re.compile(r"(?<![0-9A-Fa-f])([0-9A-Fa-f]{32})(?![0-9A-Fa-f])")
"""A feed id: 32 hex digits (alone, or inside a feed URL)."""
FEED_PATH: Final = "/feed/report/"
MAX_FEED_VALUE: Final = 1_000_000.0
"""Largest count taken from a feed (people); larger, negative or not finite is no value."""
MAX_SERIES_POINTS: Final = 10_000
"""Most points of a chart series looked at (the last usable one is the value)."""


def feed_id(text: object) -> str | None:
    """The feed id (lower case) in a feed URL or given alone; None when there is none.

    Only the id is kept: the feed is always read from the entry's own Camlytics service, so
    a URL naming another host reaches nothing else.
    """
    if not isinstance(text, str) or len(text) > 512:
        return None
    found = FEED_ID.findall(text)
    return found[-1].lower() if len(found) == 1 else None


def feed_value(body: object) -> float | None:
    """The current count of a feed answer, or None when it holds no usable number.

    ``report.data.counter``, else the last point of the first chart series with a ``value``
    that is a finite number (or short numeric text) in [0, ``MAX_FEED_VALUE``].
    """
    report = body.get("report") if isinstance(body, dict) else None
    data = report.get("data") if isinstance(report, dict) else None
    if not isinstance(data, dict):
        return None
    if "counter" in data:
        return _number(data.get("counter"))
    series = data.get("series")
    first = series[0] if isinstance(series, list) and series else None
    points = first.get("data") if isinstance(first, dict) else None
    if not isinstance(points, list):
        return None
    for point in reversed(points[-MAX_SERIES_POINTS:]):
        value = _number(point.get("value") if isinstance(point, dict) else point)
        if value is not None:
            return value
    return None


def _number(value: object) -> float | None:
    if isinstance(value, str) and len(value) <= 32:
        try:
            value = float(value)
        except ValueError:
            return None
    return finite_number(value, minimum=0, maximum=MAX_FEED_VALUE)
