"""Parsing of FindFace Multi webhook batches (default and verbose formats).

No official payload example exists (``docs/providers/findface.md``): items mirror the
REST serializers; in the default format cards, lists and cameras are ids, with
``VERBOSE_WEBHOOKS`` they are objects with names. A batch is a JSON array holding items of one
section. The section comes from the hook URL (``?section=...``, set when Sitewatch creates the
hooks) or, for a hand-made hook, from the item's shape.

Every field Sitewatch uses is typed and bounded here (``custom_components/sitewatch/bounds.py``):
ids are ints in [0, 2**63 - 1] (event ids kept as their decimal text, as they exceed what
JavaScript can hold), confidences finite in [0, 1], counts and durations finite and in range,
times sane and aware (ISO 8601 text in UTC), text cut to ``MAX_ATTRIBUTE_TEXT`` and lists flat and
at most ``MAX_ATTRIBUTE_ITEMS`` long. A field of the wrong type becomes None; an item missing a
field it cannot do without (its id, its camera or area, its state flag) is dropped with a short,
fixed reason, and the rest of the batch is kept. No code here recurses into the payload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from ....bounds import (
    MAX_ATTRIBUTE_ITEMS,
    bounded_int,
    bounded_text,
    finite_number,
    parse_time,
    state_text,
)
from .models import SECTIONS, optional_int

RECOGNITION_SECTIONS: Final = ("face_events", "body_events", "car_events")
EPISODE_SECTIONS: Final = ("human_episodes", "car_episodes")
CAR_FEATURES: Final = {"license_plate", "make", "model", "color", "body"}
BODY_FEATURES: Final = {"upper_clothes", "lower_clothes", "headwear", "bag_hand", "bag_back"}
FEATURES: Final = {
    "face_events": (
        "face",
        ("age", "gender", "emotions", "glasses", "beard", "medmask", "liveness"),
    ),
    "body_events": (
        "body",
        (
            "upper_clothes",
            "upper_color",
            "lower_clothes",
            "lower_color",
            "headwear",
            "bag_hand",
            "bag_back",
        ),
    ),
    "car_events": ("car", ("license_plate", "make", "model", "color", "body")),
}
"""Per recognition section: the prefix of its feature attributes and the features read.

``features`` is a flat object of these keys; each value is a text, a number or an object whose
``name`` is the value (``{"name": "male", "confidence": 0.93}``). They become flat attributes
``<prefix>_<key>`` (``car_license_plate``, ``face_age``); other keys are ignored.
"""
MAX_FEATURE_TEXT: Final = 64
"""Longest text kept of a feature value (a plate, a make, a colour)."""
MAX_FEATURE_NUMBER: Final = 1_000_000.0
"""Largest feature number accepted (ages, liveness scores)."""
BS_TYPES: Final = ("realtime", "overall")
"""Known ``bs_type`` values (best-shot mode); any other is ``unknown`` (text in ``mode_text``)."""
MAX_ENUM_TEXT: Final = 64
"""Longest original text kept of an unknown enum value."""
MAX_COUNT: Final = 1_000_000
"""Largest count accepted (faces, bodies, cars counted in one frame; events of an episode)."""
MAX_DURATION: Final = 10 * 365 * 24 * 3600.0
"""Largest duration accepted (seconds, ten years)."""
MAX_PROXIMITY: Final = 10_000.0
"""Largest proximity accepted (metres)."""

type AttributeValue = str | int | float | bool | list[str | int] | None
"""What an item's data may hold: bounded scalars, or a flat bounded list of them."""


class PayloadError(ValueError):
    """A webhook body as a whole does not have the shape of any FindFace batch."""


class ItemDropped(ValueError):
    """One item cannot be used; its message is a short, fixed reason (no payload text)."""


@dataclass(frozen=True, slots=True)
class PushItem:
    """One parsed webhook item, ready to be handed to an entity.

    Attributes:
        section: the webhook section (``face_events``... ``areas``).
        key: a key unique to this notification, for dropping redelivered duplicates.
        event_type: ``matched``/``unmatched`` (recognitions), ``episode_open``/
            ``episode_event``/``episode_close`` (episodes), ``record`` (counters),
            ``activated``/``deactivated`` (areas).
        camera_id: the camera the item belongs to (every section but areas).
        area_id: the area of an area activation.
        card_id: the matched card (recognitions and episodes), to resolve its name.
        card_name: the card's name when the payload is verbose (bounded).
        data: the event data for the entity: bounded scalars and flat bounded lists only
            (names added on delivery).
    """

    section: str
    key: str
    event_type: str
    camera_id: int | None = None
    area_id: int | None = None
    card_id: int | None = None
    card_name: str | None = None
    data: dict[str, AttributeValue] = field(default_factory=dict)

    @property
    def target(self) -> tuple[str, int] | None:
        """Which entities take the item: its section and camera id (area id for ``areas``).

        Every parsed item has one (the parser drops items without a camera or area).
        """
        target_id = self.area_id if self.section == "areas" else self.camera_id
        return None if target_id is None else (self.section, target_id)


def parse_batch(payload: object, section: str | None = None) -> tuple[list[PushItem], list[str]]:
    """Parse a webhook body.

    Args:
        payload: the decoded JSON: an array of items (a single object is taken as one item).
        section: the section from the hook URL, or None to recognise each item by its shape.

    Returns:
        The parsed items and, for each item dropped, a short fixed reason.

    Raises:
        PayloadError: the body is not an array or object, the section is unknown, or no item
            could be parsed.
    """
    if section is not None and section not in SECTIONS:
        raise PayloadError("unknown section in the hook URL")
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise PayloadError(f"expected a JSON array, got {type(payload).__name__}")
    items: list[PushItem] = []
    reasons: list[str] = []
    for raw in payload:
        try:
            items.append(parse_item(raw, section))
        except ItemDropped as err:
            reasons.append(str(err))
    if payload and not items:
        raise PayloadError(f"no item could be used ({reasons[0]})")
    return items, reasons


def detect_section(item: dict[str, object]) -> str:
    """Recognise an item's section from its keys (for hooks made by hand)."""
    if "faces_count" in item or "silhouettes_count" in item or "cars_count" in item:
        return "counters"
    if "events_count" in item and "open" in item:
        car = "last_car_event" in item or "best_car_event" in item or "car_matched" in item
        return "car_episodes" if car else "human_episodes"
    if "area" in item and ("duration" in item or "active" in item):
        return "areas"
    if "bs_type" in item or "matched_card" in item or "matched" in item:
        features = item.get("features")
        keys = set(features) if isinstance(features, dict) else set()
        if keys & CAR_FEATURES:
            return "car_events"
        if keys & BODY_FEATURES:
            return "body_events"
        return "face_events"
    raise ItemDropped("not a recognition event, episode, counter record or area activation")


def parse_item(raw: object, section: str | None = None) -> PushItem:
    """Parse one item of a batch; raises ItemDropped with a short fixed reason."""
    if not isinstance(raw, dict):
        raise ItemDropped("item is not an object")
    section = section or detect_section(raw)
    item_id = optional_int(raw.get("id"))
    if item_id is None or isinstance(raw.get("id"), dict):
        raise ItemDropped("missing or invalid 'id'")
    if section in RECOGNITION_SECTIONS:
        return _recognition(raw, section, str(item_id))
    if section in EPISODE_SECTIONS:
        return _episode(raw, section, str(item_id))
    if section == "counters":
        return _counter_record(raw, str(item_id))
    return _area_activation(raw, str(item_id))


def _name(value: object) -> str | None:
    """The ``name`` of a verbose object, bounded."""
    return state_text(value.get("name")) if isinstance(value, dict) else None


def _time(value: object) -> str | None:
    """A sane time as ISO 8601 text in UTC, else None."""
    moment: datetime | None = parse_time(value) if isinstance(value, str) else None
    return moment.isoformat() if moment is not None else None


def _count(value: object) -> int | None:
    return bounded_int(value, minimum=0, maximum=MAX_COUNT)


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _watch_lists(raw: dict[str, object]) -> list[str | int]:
    """Watch lists as names (verbose) or ids (default): flat, at most MAX_ATTRIBUTE_ITEMS."""
    lists = raw.get("verbose_matched_lists") or raw.get("matched_lists")
    if not isinstance(lists, list):
        return []
    entries: list[str | int] = []
    for entry in lists[: MAX_ATTRIBUTE_ITEMS * 4]:
        value: str | int | None = _name(entry) or optional_int(entry)
        if value is not None:
            entries.append(value)
            if len(entries) == MAX_ATTRIBUTE_ITEMS:
                break
    return entries


def _card(raw: dict[str, object]) -> tuple[int | None, str | None]:
    card = raw.get("verbose_matched_card") or raw.get("matched_card")
    return optional_int(card), _name(card)


def _mode(value: object) -> tuple[str | None, str | None]:
    """``bs_type`` as a known value, or ``unknown`` with its original text (bounded)."""
    if value is None:
        return None, None
    if isinstance(value, str) and value in BS_TYPES:
        return value, None
    text = bounded_text(value, MAX_ENUM_TEXT) if isinstance(value, str) else None
    return "unknown", text


def _feature_value(value: object) -> str | int | float | bool | None:
    """A feature as a bounded scalar: text (≤ 64), bool, number in [0, 10⁶], or None."""
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bounded_int(value, minimum=0, maximum=int(MAX_FEATURE_NUMBER))
    if isinstance(value, float):
        return finite_number(value, minimum=0.0, maximum=MAX_FEATURE_NUMBER)
    return bounded_text(value, MAX_FEATURE_TEXT)


def _features(raw: dict[str, object], section: str) -> dict[str, AttributeValue]:
    """The known ``features`` of a recognition as flat ``<prefix>_<key>`` attributes.

    Only the features the payload gives with a usable value are returned (no None padding).
    """
    features = raw.get("features")
    if not isinstance(features, dict):
        return {}
    prefix, keys = FEATURES[section]
    return {
        f"{prefix}_{key}": value
        for key in keys
        if (value := _feature_value(features.get(key))) is not None
    }


def _camera_group(value: object) -> dict[str, AttributeValue]:
    """``camera_group`` as ``camera_group_id`` and, when verbose, ``camera_group_name``."""
    group_id = optional_int(value)
    if group_id is None:
        return {}
    return {"camera_group_id": group_id, "camera_group_name": _name(value)}


def _recognition(raw: dict[str, object], section: str, item_id: str) -> PushItem:
    camera_id = optional_int(raw.get("camera"))
    if camera_id is None:
        raise ItemDropped("missing or invalid 'camera'")
    card_id, card_name = _card(raw)
    matched = _flag(raw.get("matched"))
    if matched is None:
        matched = card_id is not None
    if not matched:
        card_id, card_name = None, None
    mode, mode_text = _mode(raw.get("bs_type"))
    data: dict[str, AttributeValue] = {
        "event_id": item_id,
        "matched": matched,
        "card_id": card_id,
        "card_name": card_name,
        "watch_lists": _watch_lists(raw),
        "confidence": finite_number(raw.get("confidence"), minimum=0.0, maximum=1.0),
        "looks_like_confidence": finite_number(
            raw.get("looks_like_confidence"), minimum=0.0, maximum=1.0
        ),
        "quality": finite_number(raw.get("quality"), minimum=0.0, maximum=1.0),
        "mode": mode,
        "detected_at": _time(raw.get("created_date")),
        "thumbnail_url": bounded_text(raw.get("thumbnail")),
        "fullframe_url": bounded_text(raw.get("fullframe")),
        "episode_id": optional_int(raw.get("episode")),
        **_camera_group(raw.get("camera_group")),
        **_features(raw, section),
    }
    if mode_text is not None:
        data["mode_text"] = mode_text
    return PushItem(
        section=section,
        key=f"{section}:{item_id}",
        event_type="matched" if matched else "unmatched",
        camera_id=camera_id,
        card_id=card_id,
        card_name=card_name,
        data=data,
    )


def _episode_camera(raw: dict[str, object]) -> int | None:
    last = raw.get("last_car_event") or raw.get("last_face_event") or raw.get("last_body_event")
    if isinstance(last, dict) and (camera_id := optional_int(last.get("camera"))) is not None:
        return camera_id
    cameras = raw.get("cameras")
    if isinstance(cameras, list) and cameras:
        return optional_int(cameras[-1])
    return None


def _best_event(raw: dict[str, object], section: str) -> dict[str, AttributeValue]:
    """The pictures and features of an episode's best event (``best_<kind>_event``).

    ``thumbnail_url`` and ``fullframe_url`` (None without a best event), and the best event's
    features as a recognition's (``car_license_plate``, ``face_age``...).
    """
    kinds = (
        (("best_car_event", "car_events"),)
        if section == "car_episodes"
        else (("best_face_event", "face_events"), ("best_body_event", "body_events"))
    )
    for key, event_section in kinds:
        if isinstance(best := raw.get(key), dict):
            return {
                "thumbnail_url": bounded_text(best.get("thumbnail")),
                "fullframe_url": bounded_text(best.get("fullframe")),
                **_features(best, event_section),
            }
    return {"thumbnail_url": None, "fullframe_url": None}


def _episode(raw: dict[str, object], section: str, item_id: str) -> PushItem:
    is_open = _flag(raw.get("open"))
    if is_open is None:
        raise ItemDropped("missing or invalid 'open'")
    count = _count(raw.get("events_count")) or 0
    if not is_open:
        event_type = "episode_close"
    elif count <= 1:
        event_type = "episode_open"
    else:
        event_type = "episode_event"
    camera_id = _episode_camera(raw)
    if camera_id is None:
        raise ItemDropped("episode without a camera")
    card_id, card_name = _card(raw)
    matched = card_id is not None or _flag(raw.get("matched")) is True
    return PushItem(
        section=section,
        key=f"{section}:{item_id}:{event_type}:{count}",
        event_type=event_type,
        camera_id=camera_id,
        card_id=card_id,
        card_name=card_name,
        data={
            "episode_id": item_id,
            "events_count": count,
            "matched": matched,
            "card_id": card_id,
            "card_name": card_name,
            "watch_lists": _watch_lists(raw),
            "opened_at": _time(raw.get("created_date")),
            "closed_at": _time(raw.get("closed_date")),
            **_best_event(raw, section),
        },
    )


def _proximity(value: object) -> float | None:
    return finite_number(value, minimum=0.0, maximum=MAX_PROXIMITY)


def _counter_record(raw: dict[str, object], item_id: str) -> PushItem:
    camera_id = optional_int(raw.get("camera"))
    if camera_id is None:
        raise ItemDropped("counter record without a camera")
    return PushItem(
        section="counters",
        key=f"counters:{item_id}",
        event_type="record",
        camera_id=camera_id,
        data={
            "record_id": item_id,
            "counter_id": optional_int(raw.get("counter")),
            "faces": _count(raw.get("faces_count")),
            "bodies": _count(raw.get("silhouettes_count")),
            "cars": _count(raw.get("cars_count")),
            "proximity_min": _proximity(raw.get("proximity_min")),
            "proximity_avg": _proximity(raw.get("proximity_avg")),
            "proximity_max": _proximity(raw.get("proximity_max")),
            "recorded_at": _time(raw.get("created_date")),
        },
    )


def _area_activation(raw: dict[str, object], item_id: str) -> PushItem:
    area_id = optional_int(raw.get("area"))
    if area_id is None:
        raise ItemDropped("area activation without an area")
    active = _flag(raw.get("active"))
    if active is None:
        raise ItemDropped("missing or invalid 'active'")
    event_type = "activated" if active else "deactivated"
    return PushItem(
        section="areas",
        key=f"areas:{item_id}:{event_type}",
        event_type=event_type,
        area_id=area_id,
        data={
            "activation_id": item_id,
            "area_id": area_id,
            "area_name": _name(raw.get("area")),
            "duration": finite_number(raw.get("duration"), minimum=0.0, maximum=MAX_DURATION),
            "max_body_count": _count(raw.get("max_body_count")),
            "started_at": _time(raw.get("created_date")),
        },
    )
