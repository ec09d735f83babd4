"""Typed, bounded readers of Moonsense's protobuf-JSON values (either key style, int64 as text).

Each reads one value at a fixed depth (no recursion over a payload) and returns it typed and in
range (``bounds``), or None; ``text_id`` and ``label_names`` raise ``MoonsenseApiError`` where a
wrong type makes the whole event unusable.
"""

from __future__ import annotations

from datetime import UTC, datetime
import hashlib
import re
from typing import Any, Final

import orjson

from ....bounds import MAX_STATE_TEXT, bounded_int, bounded_text, finite_number, sane_time
from .exceptions import MoonsenseApiError

MAX_ID_TEXT: Final = MAX_STATE_TEXT
"""Longest id (session, app, project, journey, chunk) accepted; a longer one is unusable."""
MAX_LABELS: Final = 256
"""Most labels read from one event or session (each at most ``MAX_ID_TEXT`` characters)."""
MAX_RAW_ENUM_TEXT: Final = 64
"""Longest original text of an enum value kept (in an attribute) next to its name."""
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
REGION = re.compile(r"[a-z0-9][a-z0-9.-]{0,62}", re.IGNORECASE)
"""A data plane region: a plain host label."""
_INTEGER = re.compile(r"-?\d{1,20}")
_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**64 - 1


def snake_key(key: object) -> str:
    """One object key in snake_case (a lowerCamelCase key converted)."""
    return _CAMEL.sub("_", str(key)).lower()


def snake_keys(value: object) -> dict[str, Any] | None:
    """One object with its own keys in snake_case (not its children's), or None if no object.

    Shallow on purpose: parsers descend the few levels they read one object at a time, so no
    code walks a payload's nesting.
    """
    if not isinstance(value, dict):
        return None
    return {snake_key(key): item for key, item in value.items()}


def as_int(value: object, *, minimum: int = _INT64_MIN, maximum: int = _INT64_MAX) -> int | None:
    """An int64 that may arrive as a number or a decimal string, within range; None otherwise."""
    if isinstance(value, str):
        text = value.strip()
        if not _INTEGER.fullmatch(text):
            return None
        value = int(text, 10)
    if isinstance(value, float) and not value.is_integer():
        return None  # NaN and infinities too
    return bounded_int(value, minimum=minimum, maximum=maximum)


def as_float(value: object, *, minimum: float = -1e15, maximum: float = 1e15) -> float | None:
    """A finite number (or numeric string, as protobuf JSON allows) in range; None otherwise."""
    if isinstance(value, str):
        if len(value) > 64:
            return None
        try:
            value = float(value)
        except ValueError:
            return None
    return finite_number(value, minimum=minimum, maximum=maximum)


def as_time(value: object) -> datetime | None:
    """An RFC 3339 text, or milliseconds since the epoch (number or string), as a sane time.

    Sane: between 2000 and a day from now (``bounds.sane_time``), in UTC; anything else is None.
    """
    if isinstance(value, str) and not _INTEGER.fullmatch(value.strip()):
        if len(value) > 64:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return sane_time(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
    millis = as_int(value, minimum=0, maximum=10**14)
    if millis is None:
        return None
    return sane_time(datetime.fromtimestamp(millis / 1000, tz=UTC))


def text_id(value: object, what: str) -> str | None:
    """An identifier: text (or an integer) of at most ``MAX_ID_TEXT`` characters; None if empty.

    Raises:
        MoonsenseApiError: another type, or a longer text (the message names only ``what``).
    """
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value) if _INT64_MIN <= value <= _INT64_MAX else None
    if not isinstance(value, str):
        raise MoonsenseApiError(f"{what} is not text")
    if len(value) > MAX_ID_TEXT:
        raise MoonsenseApiError(f"{what} is too long")
    return bounded_text(value, MAX_ID_TEXT)


def optional_id(value: object) -> str | None:
    """``text_id`` of a field Sitewatch only shows: a wrong type is None instead of an error."""
    try:
        return text_id(value, "id")
    except MoonsenseApiError:
        return None


def label_names(value: object, what: str) -> list[str]:
    """Label names from a list of names or of ``{name: ...}`` objects (at most ``MAX_LABELS``).

    Items that are neither are skipped; names are cut to ``MAX_ID_TEXT`` characters.

    Raises:
        MoonsenseApiError: ``value`` is neither a list nor null.
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise MoonsenseApiError(f"{what} is not a list")
    names: list[str] = []
    for item in value:
        label = snake_keys(item)
        name = bounded_text(label.get("name") if label is not None else item, MAX_ID_TEXT)
        if name is not None:
            names.append(name)
            if len(names) == MAX_LABELS:
                break
    return names


def enum_value(value: object, names: dict[int, str]) -> tuple[str | None, str | None]:
    """A protobuf enum given by name or number: (lower-case name, original text).

    A name or number outside ``names`` is ``unknown`` with the original text kept (at most
    ``MAX_RAW_ENUM_TEXT`` characters); a missing, empty or wrong-typed value is (None, None).
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, None
    if isinstance(value, str):
        raw = bounded_text(value, MAX_RAW_ENUM_TEXT)
        if raw is None:
            return None, None
        if _INTEGER.fullmatch(raw):
            number = as_int(raw)
            return (names.get(number, "unknown") if number is not None else "unknown"), raw
        name = raw.lower()
        return (name if name in names.values() else "unknown"), raw
    number = as_int(value, minimum=-(2**31), maximum=2**31 - 1)
    if number is None:
        return "unknown", None
    return names.get(number, "unknown"), str(number)


def digest(value: object) -> str | None:
    """A short digest of a JSON value (keys sorted), or None when it cannot be serialised."""
    try:
        data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError: too deep, an int beyond 64 bits, odd keys
        return None
    return hashlib.blake2b(data, digest_size=12).hexdigest()
