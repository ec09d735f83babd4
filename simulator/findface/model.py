"""FindFace constants, the API error, the catalogue's records and the hook filters."""

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import hmac
import json
import re
from typing import Any

from aiohttp import web

from ..routing import ApiError
from ..sender import Attempt, Target

SECTIONS = (
    "face_events",
    "body_events",
    "car_events",
    "human_episodes",
    "car_episodes",
    "counters",
    "areas",
)
EVENT_SECTIONS = ("face_events", "body_events", "car_events")
EPISODE_SECTIONS = ("human_episodes", "car_episodes")
EPISODE_TYPES = ("episode_open", "episode_event", "episode_close")
HEALTH_MESSAGES = {
    "GREEN": "",
    "YELLOW": "Frame drops detected",
    "RED": "Video stream is not available",
    "INPROGRESS": "Connecting to the video stream",
}
MAX_LIMIT = 1000
MAX_EMIT = 1000
MAX_HISTORY = 1000
EVENT_ID_BASE = 4355024961160384430
USER_AGENT = "FindFace-Multi-Simulator/2.1"
# An 8x8 grey JPEG, served for every thumbnail, full frame and screenshot.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDACgcHiMeGSgjISMtKygwPGRBPDc3PHtYXUlkkYCZlo+AjIqgtObDoKra"
    "rYqMyP/L2u71////m8H////6/+b9//j/2wBDASstLTw1PHZBQXb4pYyl+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4"
    "+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAA"
    "AAAAAAP/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAA"
    "AAAAAAD/2gAMAwEAAhEDEQA/AIgA/9k="
)
_DEFAULT_CAMERAS = (
    ("Entrance", 50.0755, 14.4378, 90.0),
    ("Parking", 50.0751, 14.4385, 180.0),
    ("Lobby", 50.0757, 14.4380, 270.0),
)
_EXTRA_CAMERA_NAMES = ("Corridor", "Warehouse", "Gate", "Roof", "Stairs", "Yard")
_CAMERA_GROUPS = ((1, "Main building"),)
_WATCH_LISTS = ((1, "Employees", "2e7d32"), (2, "Wanted", "c62828"))
_HUMAN_CARDS = ((1, "Alice Novak", (1,)), (2, "Bob Svoboda", (1,)), (3, "Carl Mrazek", (2,)))
_CAR_CARDS = ((1, "1AB 2345", (1,)), (2, "7XY 9876", (2,)))
# Counters: id, name, cameras, cars only. The Lobby camera (3) has two: Lobby occupancy and
# Lobby queue, whose records must not overwrite each other.
_COUNTERS = (
    (1, "Lobby occupancy", (1, 3), False),
    (2, "Parking cars", (2,), True),
    (3, "Lobby queue", (3,), False),
)
_AREAS = ((1, "Entrance zone", (1,)), (2, "Parking lot", (2,)))
_CAR_MODELS = (("Skoda", "Octavia"), ("Volkswagen", "Golf"), ("Toyota", "Corolla"))
_CAR_COLORS = ("white", "black", "silver", "blue", "red")
_CAR_BODIES = ("sedan", "hatchback", "wagon", "suv")
_CLOTHES_COLORS = ("black", "white", "grey", "blue", "red", "green")
_EMOTIONS = ("neutral", "happy", "sad", "surprise", "angry")
# Chance per automatic tick that a section gets one new item.
_MIX = (
    ("face_events", 0.8),
    ("body_events", 0.4),
    ("car_events", 0.4),
    ("human_episodes", 0.3),
    ("car_episodes", 0.2),
    ("counters", 0.3),
    ("areas", 0.15),
)
_EVENT_KIND = {"face_events": "face", "body_events": "body", "car_events": "car"}


class FindFaceApiError(ApiError):
    """An API error answer: status and FindFace's ``{"code", "desc"}`` body."""

    def __init__(self, status: int, code: str, desc: str, param: str | None = None) -> None:
        """Describe the answer; param names the offending request field, if any."""
        super().__init__(status, desc)
        self.code = code
        self.desc = desc
        self.param = param

    def response(self) -> web.Response:
        """Render the error as an HTTP response."""
        body: dict[str, Any] = {"code": self.code, "desc": self.desc}
        if self.param is not None:
            body["param"] = self.param
        return web.json_response(body, status=self.status)


def _unauthorized(desc: str) -> FindFaceApiError:
    return FindFaceApiError(401, "UNAUTHORIZED", desc)


def _not_found(desc: str) -> FindFaceApiError:
    return FindFaceApiError(404, "NOT_FOUND", desc)


def _bad_param(param: str, desc: str) -> FindFaceApiError:
    return FindFaceApiError(400, "BAD_PARAM", desc, param)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _same(given: str, expected: str) -> bool:
    """Compare a credential in constant time."""
    return hmac.compare_digest(given.encode(), expected.encode())


@dataclass
class _Camera:
    id: int
    name: str
    group: int
    url: str
    latitude: float
    longitude: float
    azimuth: float
    created: datetime
    modified: datetime
    active: bool = True
    comment: str = ""
    health: str = "GREEN"
    health_msg: str = ""
    face_count: int = 0
    body_count: int = 0
    car_count: int = 0


@dataclass(frozen=True)
class _Card:
    id: int
    name: str
    watch_lists: tuple[int, ...]


@dataclass
class _Item:
    """A generated notification: its payload and what the filters look at."""

    section: str
    raw: dict[str, Any]  # default form (ids)
    payload: dict[str, Any]  # as sent: default or verbose form
    cameras: list[int]
    camera_groups: list[int]
    episode_type: str | None = None


@dataclass
class _Episode:
    id: int
    section: str
    camera: int
    camera_group: int
    card: _Card | None
    created: datetime
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Activation:
    id: int
    area: int
    started: datetime
    max_body_count: int


@dataclass
class _Queued:
    section: str
    item_id: str
    payload: dict[str, Any]


@dataclass
class _HookStats:
    sent_batches: int = 0
    sent_items: int = 0
    failed_attempts: int = 0
    dropped_batches: int = 0
    dropped_items: int = 0
    overflow_items: int = 0
    last_status: int | None = None
    last_error: str | None = None


@dataclass
class _Hook(Target):
    name: str
    created: datetime
    modified: datetime
    active: bool = True
    comment: str = ""
    batch_size: int = 1
    send_attempts: int = 10
    filters: dict[str, Any] = field(default_factory=dict)
    stats: _HookStats = field(default_factory=_HookStats)

    def to_json(self) -> dict[str, Any]:
        names = ("id", "name", "comment", "active", "url", "batch_size", "send_attempts")
        return self.fields_json(*names) | {
            "filters": json.loads(json.dumps(self.filters)),
            "created_date": _iso(self.created),
            "modified_date": _iso(self.modified),
        }

    @property
    def ready(self) -> bool:
        """Only an active hook sends."""
        return self.active

    def next_batch(self) -> list[_Queued]:
        """Up to batch_size items of the first item's section."""
        section = self.queue[0].section
        batch: list[_Queued] = []
        for queued in self.queue:
            if queued.section != section or len(batch) >= self.batch_size:
                break
            batch.append(queued)
        return batch

    def body(self, batch: list[_Queued]) -> list[dict[str, Any]]:
        """A JSON array of the items."""
        return [queued.payload for queued in batch]

    def count(self, attempt: Attempt, items: int) -> None:
        """Count sent and dropped batches and items, and keep the last answer."""
        stats = self.stats
        stats.last_status, stats.last_error = attempt.status, attempt.error
        if attempt.ok:
            stats.sent_batches += 1
            stats.sent_items += items
        else:
            stats.failed_attempts += 1
        if attempt.dropped:
            stats.dropped_batches += 1
            stats.dropped_items += items

    def count_overflow(self) -> None:
        """Count an item turned away because the queue was full."""
        self.stats.overflow_items += 1


def _hook_fields(body: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate a hook body and return the fields it sets."""
    fields: dict[str, Any] = {}
    if not partial and "url" not in body:
        raise _bad_param("url", "url is required")
    if "url" in body:
        url = body["url"]
        if not isinstance(url, str) or not re.match(r"https?://[^/?#\s]+", url):
            raise _bad_param("url", "url must be an http or https URL")
        fields["url"] = url
    for name in ("name", "comment"):
        if name in body:
            if not isinstance(body[name], str):
                raise _bad_param(name, f"{name} must be a string")
            fields[name] = body[name]
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise _bad_param("active", "active must be a boolean")
        fields["active"] = body["active"]
    for name, low in (("batch_size", 1), ("send_attempts", 0)):
        if name in body:
            value = body[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise _bad_param(name, f"{name} must be an integer of at least {low}")
            fields[name] = value
    if "filters" in body:
        filters = body["filters"]
        if filters is None:
            filters = {}
        if not isinstance(filters, dict):
            raise _bad_param("filters", "filters must be an object")
        for section, rules in filters.items():
            if section not in SECTIONS:
                raise _bad_param("filters", f"Unknown filter section {section!r}")
            if not isinstance(rules, dict):
                raise _bad_param("filters", f"Filters of {section} must be an object")
            for key, value in rules.items():
                if (problem := _filter_problem(key, value)) is not None:
                    raise _bad_param("filters", f"{section}.{key} {problem}")
        fields["filters"] = filters
    return fields


_CHOICES = {"allowed_bs_types": ("overall", "realtime"), "allowed_types": EPISODE_TYPES}
_FLAGS = ("matched", "face_matched", "body_matched", "car_matched")


def _filter_problem(key: str, value: Any) -> str | None:
    """Why a documented filter's value is refused (None: fine; unknown keys are ignored).

    ``*_in``: a list of ids (``allowed_*``: of the documented words); flags: a boolean or null;
    ``*_gte``/``*_lte``: a number.
    """
    if key in _CHOICES:
        if not isinstance(value, list) or any(entry not in _CHOICES[key] for entry in value):
            return f"must be a list of {', '.join(_CHOICES[key])}"
    elif key.endswith("_in"):
        if not isinstance(value, list) or any(
            isinstance(entry, bool) or not isinstance(entry, int) for entry in value
        ):
            return "must be a list of ids"
    elif key in _FLAGS:
        if value is not None and not isinstance(value, bool):
            return "must be a boolean"
    elif key.endswith(("_gte", "_lte")) and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        return "must be a number"
    return None


def _any_in(rules: Mapping[str, Any], key: str, values: Iterable[Any]) -> bool:
    """A ``*_in`` filter: absent passes; a list passes when it holds any value (empty: none)."""
    if key not in rules:
        return True
    allowed = rules[key]
    if not isinstance(allowed, list):
        allowed = [allowed]
    return any(value in allowed for value in values)


def _bound(rules: Mapping[str, Any], key: str, value: Any) -> bool:
    """A ``*_gte``/``*_lte`` filter: absent passes; a missing value fails."""
    if key not in rules:
        return True
    limit = rules[key]
    if value is None or not isinstance(limit, int | float):
        return False
    return bool(value >= limit if key.endswith("_gte") else value <= limit)


def _flag(rules: Mapping[str, Any], key: str, value: bool) -> bool:
    return key not in rules or rules[key] is None or bool(rules[key]) == value


def _accepts(filters: Mapping[str, Any], item: _Item) -> bool:
    """Whether a hook with these filters wants an item.

    ``{}`` wants everything. Otherwise a section absent from the filters is
    not sent, a section given as ``{}`` is sent whole, and each given filter
    must pass (``*_in`` lists: any value matches; an empty list matches
    nothing, as the documentation warns; unknown filters are ignored).
    """
    if not filters:
        return True
    rules = filters.get(item.section)
    if not isinstance(rules, dict):
        return False
    raw = item.raw
    common = _any_in(rules, "camera_in", item.cameras) and _any_in(
        rules, "camera_group_in", item.camera_groups
    )
    if not common:
        return False
    if item.section in EVENT_SECTIONS:
        card = [raw["matched_card"]] if raw["matched_card"] is not None else []
        return (
            _any_in(rules, "allowed_bs_types", [raw["bs_type"]])
            and _any_in(rules, "matched_lists_in", raw["matched_lists"])
            and _any_in(rules, "matched_card_in", card)
            and _flag(rules, "matched", raw["matched"])
            and _bound(rules, "confidence_gte", raw["confidence"])
        )
    if item.section in EPISODE_SECTIONS:
        matched = raw["matched_card"] is not None
        flags: tuple[str, ...] = (
            ("car_matched",) if item.section == "car_episodes" else ("face_matched",)
        )
        if item.section == "human_episodes":
            flags += ("body_matched",)
        return (
            _any_in(rules, "allowed_types", [item.episode_type])
            and _any_in(rules, "matched_lists_in", raw["matched_lists"])
            and all(_flag(rules, flag, matched) for flag in flags)
            and _bound(rules, "events_count_gte", raw["events_count"])
            and _bound(rules, "events_count_lte", raw["events_count"])
        )
    if item.section == "counters":
        if not _any_in(rules, "counter_in", [raw["counter"]]):
            return False
        checks = {
            "faces": raw["faces_count"],
            "silhouettes": raw["silhouettes_count"],
            "cars": raw["cars_count"],
            "proximity_min": raw["proximity_min"],
            "proximity_avg": raw["proximity_avg"],
            "proximity_max": raw["proximity_max"],
        }
        return all(
            _bound(rules, f"{name}_{suffix}", value)
            for name, value in checks.items()
            for suffix in ("gte", "lte")
        )
    return _any_in(rules, "area_in", [raw["area"]])
