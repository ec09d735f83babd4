"""The Logbook sentence of each FindFace event, made from the item that feeds its attributes.

One function per kind of item (recognition, episode, area activation); ``sentence`` picks it.
Each reads only the item's parsed, bounded data (``api.PushItem.data`` after the receiver named
its card, lists and camera), so the sentence and the attributes never disagree. The shared
``SitewatchEventEntity.async_fire`` cuts the sentence to 255 characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ...devices import provider_device_name
from .api import AttributeValue, PushItem
from .api.payloads import EPISODE_SECTIONS, RECOGNITION_SECTIONS

PROVIDER_NAME: Final = "FindFace"
_KIND: Final = {"face_events": "face", "body_events": "body", "car_events": "car"}


def _text(data: Mapping[str, AttributeValue], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _place(item: PushItem) -> str:
    """The camera as its device is named: ``Entrance (FindFace)`` (``Camera 3`` unnamed)."""
    name = _text(item.data, "camera_name") or f"Camera {item.camera_id}"
    return provider_device_name(name, PROVIDER_NAME)


def _who(data: Mapping[str, AttributeValue]) -> str | None:
    """The matched card's name, or ``card <id>`` when the server did not name it."""
    if (name := _text(data, "card_name")) is not None:
        return name
    card_id = data.get("card_id")
    return f"card {card_id}" if isinstance(card_id, int) else None


def _lists(data: Mapping[str, AttributeValue]) -> str:
    """``, watch list Employees`` (or ``lists A, B``); empty without watch lists."""
    lists = data.get("watch_lists")
    if not isinstance(lists, list) or not lists:
        return ""
    label = "watch list" if len(lists) == 1 else "watch lists"
    return f", {label} {', '.join(str(entry) for entry in lists)}"


def _percent(value: AttributeValue) -> str:
    """``, 93 %`` for a confidence of 0.93; empty without one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return f", {round(value * 100)} %"


def _vehicle(data: Mapping[str, AttributeValue]) -> str:
    """`` (white Toyota Camry)`` from the car's features; empty without any."""
    words = [text for key in ("car_color", "car_make", "car_model") if (text := _text(data, key))]
    return f" ({' '.join(words)})" if words else ""


def recognition_sentence(item: PushItem) -> str:
    """A face, body or car event.

    "Alice recognised at Entrance (FindFace), watch list Employees, 93 %"; "Unknown face at
    Parking (FindFace)"; "Car AB-123-CD (white Toyota Camry) at Gate (FindFace)".
    """
    data = item.data
    kind = _KIND.get(item.section, "face")
    place = _place(item)
    who = _who(data) if data.get("matched") is True else None
    if kind == "car":
        plate = _text(data, "car_license_plate")
        vehicle = _vehicle(data)
        if who is None:
            car = f"Car {plate}" if plate is not None else "Unknown car"
            return f"{car}{vehicle} at {place}"
        other_plate = f", plate {plate}" if plate is not None and plate != who else ""
        return (
            f"Car {who}{vehicle} recognised at {place}{other_plate}"
            f"{_lists(data)}{_percent(data.get('confidence'))}"
        )
    if who is None:
        return f"Unknown {kind} at {place}"
    by_body = " by body" if kind == "body" else ""
    return f"{who} recognised{by_body} at {place}{_lists(data)}{_percent(data.get('confidence'))}"


def episode_sentence(item: PushItem) -> str:
    """An episode opened, grown or closed.

    "Episode of Alice opened at Entrance (FindFace)"; "Episode of an unknown car closed at Gate
    (FindFace) after 12 events".
    """
    data = item.data
    car = item.section == "car_episodes"
    named = _who(data) or (_text(data, "car_license_plate") if car else None)
    if named is None:
        who = "an unknown car" if car else "an unknown person"
    else:
        who = f"car {named}" if car else named
    place = _place(item)
    count = data.get("events_count")
    events = f"{count} event{'' if count == 1 else 's'}" if isinstance(count, int) else None
    match item.event_type:
        case "episode_open":
            return f"Episode of {who} opened at {place}"
        case "episode_close":
            return f"Episode of {who} closed at {place}" + (f" after {events}" if events else "")
        case _:
            return f"Episode of {who} at {place}" + (f": {events}" if events else "")


def _duration(seconds: AttributeValue) -> str | None:
    """``2 min 5 s`` (``1 h 3 min`` from an hour on); None without a duration."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return None
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def area_sentence(item: PushItem) -> str:
    """An area activated or deactivated.

    "Loading bay activated"; "Loading bay deactivated after 2 min 5 s, at most 3 people".
    """
    data = item.data
    area = _text(data, "area_name") or f"Area {item.area_id}"
    if item.event_type == "activated":
        return f"{area} activated"
    sentence = f"{area} deactivated"
    if (duration := _duration(data.get("duration"))) is not None and duration != "0 s":
        sentence += f" after {duration}"
    bodies = data.get("max_body_count")
    if isinstance(bodies, int) and not isinstance(bodies, bool) and bodies:
        sentence += f", at most {bodies} {'person' if bodies == 1 else 'people'}"
    return sentence


def sentence(item: PushItem) -> str | None:
    """The sentence of any item an event entity fires; None for sections without one."""
    if item.section in RECOGNITION_SECTIONS:
        return recognition_sentence(item)
    if item.section in EPISODE_SECTIONS:
        return episode_sentence(item)
    if item.section == "areas":
        return area_sentence(item)
    return None
