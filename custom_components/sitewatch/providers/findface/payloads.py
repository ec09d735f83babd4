"""Parsing of FindFace Multi webhook batches (default and verbose formats).

No official payload example exists (``docs/providers/findface.md``): items mirror the
REST serializers; in the default format cards, lists and cameras are ids, with
``VERBOSE_WEBHOOKS`` they are objects with names. A batch is a JSON array holding items of one
section. The section comes from the hook URL (``?section=...``, set when Sitewatch creates the
hooks) or, for a hand-made hook, from the item's shape. Parsing is tolerant: unknown keys are
ignored and one bad item does not lose the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from .api import SECTIONS, optional_float, optional_int

RECOGNITION_SECTIONS: Final = ("face_events", "body_events", "car_events")
EPISODE_SECTIONS: Final = ("human_episodes", "car_episodes")
CAR_FEATURES: Final = {"license_plate", "make", "model", "color", "body"}
BODY_FEATURES: Final = {"upper_clothes", "lower_clothes", "headwear", "bag_hand", "bag_back"}


class PayloadError(ValueError):
    """A webhook body (or one item of it) does not have the shape of any FindFace section."""


@dataclass(frozen=True, slots=True)
class PushItem:
    """One parsed webhook item, ready to be handed to an entity.

    Attributes:
        section: the webhook section (``face_events``... ``areas``).
        key: a key unique to this notification, for dropping redelivered duplicates.
        event_type: ``matched``/``unmatched`` (recognitions), ``episode_open``/
            ``episode_event``/``episode_close`` (episodes), ``record`` (counters),
            ``activated``/``deactivated`` (areas).
        camera_id: the camera the item belongs to, when it has one.
        area_id: the area of an area activation.
        card_id: the matched card (recognitions and episodes), to resolve its name.
        card_name: the card's name when the payload is verbose.
        data: the event data for the entity (JSON-able; names added on delivery).
    """

    section: str
    key: str
    event_type: str
    camera_id: int | None = None
    area_id: int | None = None
    card_id: int | None = None
    card_name: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def parse_batch(payload: Any, section: str | None = None) -> tuple[list[PushItem], list[str]]:
    """Parse a webhook body.

    Args:
        payload: the decoded JSON: an array of items (a single object is taken as one item).
        section: the section from the hook URL, or None to recognise each item by its shape.

    Returns:
        The parsed items and, for each item that could not be parsed, why.

    Raises:
        PayloadError: the body is not an array or object, the section is unknown, or no item
            could be parsed.
    """
    if section is not None and section not in SECTIONS:
        raise PayloadError(f"unknown section '{section}'")
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list):
        raise PayloadError(f"expected a JSON array, got {type(payload).__name__}")
    items: list[PushItem] = []
    errors: list[str] = []
    for index, raw in enumerate(payload):
        try:
            items.append(parse_item(raw, section))
        except PayloadError as err:
            errors.append(f"item {index}: {err}")
    if payload and not items:
        raise PayloadError("; ".join(errors[:3]))
    return items, errors


def detect_section(item: dict[str, Any]) -> str:
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
    raise PayloadError("not a recognition event, episode, counter record or area activation")


def parse_item(raw: Any, section: str | None = None) -> PushItem:
    """Parse one item of a batch; raises PayloadError naming what is missing."""
    if not isinstance(raw, dict):
        raise PayloadError(f"expected an object, got {type(raw).__name__}")
    section = section or detect_section(raw)
    item_id = raw.get("id")
    if item_id is None or isinstance(item_id, (dict, list, bool)):
        raise PayloadError("missing 'id'")
    if section in RECOGNITION_SECTIONS:
        return _recognition(raw, section, str(item_id))
    if section in EPISODE_SECTIONS:
        return _episode(raw, section, str(item_id))
    if section == "counters":
        return _counter_record(raw, str(item_id))
    return _area_activation(raw, str(item_id))


def _name(value: Any) -> str | None:
    """The ``name`` of a verbose object."""
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return str(value["name"])
    return None


def _watch_lists(raw: dict[str, Any]) -> list[Any]:
    """Watch lists as names (verbose) or ids (default)."""
    lists = raw.get("verbose_matched_lists") or raw.get("matched_lists") or []
    if not isinstance(lists, list):
        return []
    return [_name(entry) or optional_int(entry) for entry in lists]


def _card(raw: dict[str, Any]) -> tuple[int | None, str | None]:
    card = raw.get("verbose_matched_card") or raw.get("matched_card")
    return optional_int(card), _name(card)


def _recognition(raw: dict[str, Any], section: str, item_id: str) -> PushItem:
    camera_id = optional_int(raw.get("camera"))
    if camera_id is None:
        raise PayloadError("missing 'camera'")
    matched = bool(raw.get("matched"))
    card_id, card_name = _card(raw)
    return PushItem(
        section=section,
        key=f"{section}:{item_id}",
        event_type="matched" if matched else "unmatched",
        camera_id=camera_id,
        card_id=card_id if matched else None,
        card_name=card_name,
        data={
            "event_id": item_id,
            "matched": matched,
            "card_id": card_id,
            "card_name": card_name,
            "watch_lists": _watch_lists(raw),
            "confidence": optional_float(raw.get("confidence")),
            "mode": raw.get("bs_type"),
            "detected_at": raw.get("created_date"),
            "thumbnail_url": raw.get("thumbnail"),
            "fullframe_url": raw.get("fullframe"),
            "episode_id": optional_int(raw.get("episode")),
        },
    )


def _episode(raw: dict[str, Any], section: str, item_id: str) -> PushItem:
    is_open = bool(raw.get("open"))
    count = optional_int(raw.get("events_count")) or 0
    if not is_open:
        event_type = "episode_close"
    elif count <= 1:
        event_type = "episode_open"
    else:
        event_type = "episode_event"
    last = raw.get("last_car_event") or raw.get("last_face_event") or raw.get("last_body_event")
    cameras = raw.get("cameras") if isinstance(raw.get("cameras"), list) else []
    camera_id = optional_int(last.get("camera")) if isinstance(last, dict) else None
    if camera_id is None and cameras:
        camera_id = optional_int(cameras[-1])
    if camera_id is None:
        raise PayloadError("episode without a camera")
    card_id, card_name = _card(raw)
    matched = card_id is not None or bool(raw.get("matched"))
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
            "opened_at": raw.get("created_date"),
            "closed_at": raw.get("closed_date"),
        },
    )


def _counter_record(raw: dict[str, Any], item_id: str) -> PushItem:
    camera_id = optional_int(raw.get("camera"))
    if camera_id is None:
        raise PayloadError("counter record without a camera")
    return PushItem(
        section="counters",
        key=f"counters:{item_id}",
        event_type="record",
        camera_id=camera_id,
        data={
            "record_id": item_id,
            "counter_id": optional_int(raw.get("counter")),
            "faces": optional_int(raw.get("faces_count")),
            "bodies": optional_int(raw.get("silhouettes_count")),
            "cars": optional_int(raw.get("cars_count")),
            "proximity_min": optional_float(raw.get("proximity_min")),
            "proximity_avg": optional_float(raw.get("proximity_avg")),
            "proximity_max": optional_float(raw.get("proximity_max")),
            "recorded_at": raw.get("created_date"),
        },
    )


def _area_activation(raw: dict[str, Any], item_id: str) -> PushItem:
    area_id = optional_int(raw.get("area"))
    if area_id is None:
        raise PayloadError("area activation without an area")
    active = bool(raw.get("active"))
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
            "duration": optional_float(raw.get("duration")),
            "max_body_count": optional_int(raw.get("max_body_count")),
            "started_at": raw.get("created_date"),
        },
    )
