"""Wire models of the FindFace Multi REST API and the typed, bounded readers of its fields.

No Home Assistant import. Wire facts: ``docs/providers/findface.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from yarl import URL

from ....bounds import bounded_int, bounded_text, finite_number, parse_time, state_text
from .exceptions import FindFaceApiError

SECTIONS: Final = (
    "face_events",
    "body_events",
    "car_events",
    "human_episodes",
    "car_episodes",
    "counters",
    "areas",
)
"""Webhook filter sections; Sitewatch creates one hook per section."""
MAX_ID: Final = 2**63 - 1
"""Largest id accepted (FindFace ids are 64-bit; event ids arrive as digit strings)."""
MAX_ID_DEPTH: Final = 3
"""Most objects an id is looked for in (``{"id": {"id": 7}}`` is two)."""
MAX_NUMERIC_TEXT: Final = 64
"""Longest text read as a number (``"48.85"``); longer is not a number."""


@dataclass(frozen=True, slots=True)
class HealthStatus:
    """A camera's health as the server reports it (``status``: GREEN, YELLOW, RED...)."""

    enabled: bool | None
    status: str | None
    message: str | None

    @property
    def healthy(self) -> bool | None:
        """True for GREEN, False for other statuses, None when unknown."""
        if self.status is None:
            return None
        return self.status.upper() == "GREEN"


@dataclass(frozen=True, slots=True)
class Camera:
    """A camera from ``GET /cameras/``."""

    id: int
    name: str
    group: int | None = None
    active: bool = True
    url: str | None = None
    health: HealthStatus | None = None
    latitude: float | None = None
    longitude: float | None = None

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Camera:
        """Build from an API object, every field typed and bounded.

        Raises:
            FindFaceApiError: ``id`` is missing or not an id.
        """
        camera_id = required_int(item, "id")
        health = item.get("health_status")
        active = item.get("active", True)
        return cls(
            id=camera_id,
            name=state_text(item.get("name")) or f"Camera {camera_id}",
            group=optional_int(item.get("group")),
            active=active if isinstance(active, bool) else True,
            url=bounded_text(item.get("url")),
            health=HealthStatus(
                enabled=health["enabled"] if isinstance(health.get("enabled"), bool) else None,
                status=bounded_text(health.get("status"), 64),
                message=bounded_text(health.get("msg")),
            )
            if isinstance(health, dict)
            else None,
            latitude=optional_float(item.get("latitude"), minimum=-90, maximum=90),
            longitude=optional_float(item.get("longitude"), minimum=-180, maximum=180),
        )


@dataclass(frozen=True, slots=True)
class NamedObject:
    """Anything listed by id and name: camera groups, watch lists, counters, areas, cards."""

    id: int
    name: str

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> NamedObject:
        """Build from an API object (name bounded); raises FindFaceApiError without an ``id``."""
        object_id = required_int(item, "id")
        return cls(id=object_id, name=state_text(item.get("name")) or str(object_id))


MAX_HOOK_SETTING: Final = 1_000_000
"""Largest ``batch_size`` or ``send_attempts`` read from a hook (beyond: the default)."""
MAX_COUNTER_CAMERAS: Final = 1000
"""Most cameras of a counter read (``cameras`` of ``GET /counters/``); the rest are ignored."""


@dataclass(frozen=True, slots=True)
class CounterInfo:
    """A counter from ``GET /counters/``: its id, name and the cameras it counts on.

    ``cameras`` holds the ids of ``cameras`` that are ids (an object's ``id`` too), at most
    ``MAX_COUNTER_CAMERAS``, in the server's order without repeats.
    """

    id: int
    name: str
    cameras: tuple[int, ...] = ()

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> CounterInfo:
        """Build from an API object (name bounded); raises FindFaceApiError without an ``id``."""
        named = NamedObject.from_api(item)
        raw = item.get("cameras")
        cameras: dict[int, None] = {}
        if isinstance(raw, list):
            for entry in raw[:MAX_COUNTER_CAMERAS]:
                if (camera_id := optional_int(entry)) is not None:
                    cameras[camera_id] = None
        return cls(id=named.id, name=named.name, cameras=tuple(cameras))


@dataclass(frozen=True, slots=True)
class Hook:
    """A webhook on the server (``/hooks/``).

    ``filters`` holds one object per section (``face_events``, ...; see ``SECTIONS``); ``{}``
    sends everything.
    """

    id: int
    name: str
    url: str
    active: bool = True
    batch_size: int = 1
    send_attempts: int = 10
    filters: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Hook:
        """Build from ``GET``/``PATCH /hooks/{id}/`` (fields bounded; filters kept as objects).

        Raises:
            FindFaceApiError: ``id`` is missing or not an id.
        """
        active = item.get("active", True)
        filters = item.get("filters")
        return cls(
            id=required_int(item, "id"),
            name=bounded_text(item.get("name")) or "",
            url=bounded_text(item.get("url")) or "",
            active=active if isinstance(active, bool) else True,
            batch_size=bounded_int(item.get("batch_size"), minimum=1, maximum=MAX_HOOK_SETTING)
            or 1,
            send_attempts=_or_default(
                bounded_int(item.get("send_attempts"), minimum=0, maximum=MAX_HOOK_SETTING), 10
            ),
            filters={
                section: rules
                for section, rules in filters.items()
                if section in SECTIONS and isinstance(rules, dict)
            }
            if isinstance(filters, dict)
            else {},
        )

    @property
    def section(self) -> str | None:
        """The one section the hook sends: its URL's ``?section=``, else its only filter key."""
        try:
            query = URL(self.url).query.get("section")
        except ValueError:
            query = None
        if query in SECTIONS:
            return query
        if len(self.filters) == 1 and (only := next(iter(self.filters))) in SECTIONS:
            return only
        return None


def _or_default(value: int | None, default: int) -> int:
    """``value`` unless it is None (``0`` stays ``0``)."""
    return default if value is None else value


def required_int(item: Mapping[str, Any], key: str) -> int:
    """``item[key]`` as an id (``optional_int``); raises FindFaceApiError when it is not one."""
    value = optional_int(item.get(key))
    if value is None:
        raise FindFaceApiError(f"Expected an integer '{key}'")
    return value


def optional_int(value: Any, *, maximum: int = MAX_ID) -> int | None:
    """An id as an int in [0, ``maximum``]: an int, a digit string or an object with an ``id``.

    Objects are looked into at most ``MAX_ID_DEPTH`` levels (iteratively); anything else,
    negative, larger than ``maximum`` or a bool is None.
    """
    for _ in range(MAX_ID_DEPTH + 1):
        if not isinstance(value, dict):
            break
        value = value.get("id")
    if isinstance(value, str):
        text = value.strip()
        if not 0 < len(text) <= 20 or not text.isascii() or not text.isdigit():
            return None
        value = int(text, 10)
    if isinstance(value, float):
        return None
    return bounded_int(value, minimum=0, maximum=maximum)


def optional_float(
    value: Any, *, minimum: float | None = None, maximum: float | None = None
) -> float | None:
    """A finite number (or a short numeric text) as a float within the bounds given, else None."""
    if isinstance(value, str):
        if len(value) > MAX_NUMERIC_TEXT:
            return None
        try:
            value = float(value)
        except ValueError:
            return None
    bounds: dict[str, float] = {}
    if minimum is not None:
        bounds["minimum"] = minimum
    if maximum is not None:
        bounds["maximum"] = maximum
    return finite_number(value, **bounds)


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 text as a sane aware time in UTC (``bounds.parse_time``; naive read as UTC)."""
    if not isinstance(value, str):
        return None
    return parse_time(value)
