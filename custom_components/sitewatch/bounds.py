"""Typed, bounded values from provider payloads, before they reach a state or an attribute.

Every function takes whatever a decoded JSON payload held and returns a value of its type within
Home Assistant's limits, or None when the value is missing, of the wrong type or out of range; the
caller decides whether None drops the item (a required field) or leaves the attribute empty. None
of them raises, and none returns a nested structure.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math
from typing import Final

from homeassistant.const import MAX_LENGTH_STATE_STATE
from homeassistant.util import dt as dt_util

MAX_STATE_TEXT: Final = MAX_LENGTH_STATE_STATE
"""Longest text a state may be (255 characters; longer is refused by the state machine)."""
MAX_ATTRIBUTE_TEXT: Final = 1024
"""Longest text Sitewatch puts in one attribute (a URL, a name, a comment)."""
MAX_ATTRIBUTE_ITEMS: Final = 32
"""Most items of a list Sitewatch puts in one attribute (watch lists, names seen)."""
MAX_ABS_NUMBER: Final = 1e15
"""Largest magnitude of a number Sitewatch accepts (counts, readings), beyond any real value."""
EARLIEST_TIME: Final = datetime(2000, 1, 1, tzinfo=UTC)
"""Earliest time a provider's event may carry; earlier is a broken clock or a parse error."""
MAX_CLOCK_SKEW: Final = timedelta(days=1)
"""How far in the future a provider's time may be (time zones, clocks set wrong)."""
_ELLIPSIS: Final = "…"
_CONTROL: Final = {
    code: None
    for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
    if code != 0x09  # a tab is kept
}
"""C0 and C1 control characters and the Unicode line and paragraph separators."""


def bounded_text(value: object, limit: int = MAX_ATTRIBUTE_TEXT) -> str | None:
    """A string without control characters, cut to ``limit`` characters (ending in "…").

    Returns None for anything but a string, and for a string that is empty once cleaned.
    """
    if not isinstance(value, str):
        return None
    text = value.translate(_CONTROL).strip()
    if not text:
        return None
    # Lone surrogates (from undecodable input) cannot be stored or sent: replace them.
    text = text.encode("utf-8", "replace").decode("utf-8")
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + _ELLIPSIS
    return text


def state_text(value: object) -> str | None:
    """``bounded_text`` within the 255 characters a state may have."""
    return bounded_text(value, MAX_STATE_TEXT)


def text_list(
    value: object, *, limit: int = MAX_ATTRIBUTE_TEXT, max_items: int = MAX_ATTRIBUTE_ITEMS
) -> list[str]:
    """The strings of a list, each bounded, at most ``max_items``; other items are skipped."""
    if not isinstance(value, list):
        return []
    texts: list[str] = []
    for item in value:
        if (text := bounded_text(item, limit)) is not None:
            texts.append(text)
            if len(texts) == max_items:
                break
    return texts


def finite_number(
    value: object, *, minimum: float = -MAX_ABS_NUMBER, maximum: float = MAX_ABS_NUMBER
) -> float | None:
    """A finite number in [minimum, maximum] as float (JSON ints too; never a bool or a string)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int) and not -MAX_ABS_NUMBER <= value <= MAX_ABS_NUMBER:
        return None  # float() of a 300-digit int raises OverflowError
    number = float(value)
    if not math.isfinite(number) or not minimum <= number <= maximum:
        return None
    return number


def bounded_int(value: object, *, minimum: int = 0, maximum: int = 2**53) -> int | None:
    """An integer in [minimum, maximum] (a float with no fraction counts; a bool does not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        if not minimum <= value <= maximum:
            return None
        value = int(value)
    if not isinstance(value, int) or not minimum <= value <= maximum:
        return None
    return value


def sane_time(value: datetime | None, *, now: datetime | None = None) -> datetime | None:
    """An aware time between 2000 and ``now`` plus a day, in UTC; naive times are taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    latest = (now or dt_util.utcnow()) + MAX_CLOCK_SKEW
    if not EARLIEST_TIME <= value <= latest:
        return None
    return value


def parse_time(value: object, *, now: datetime | None = None) -> datetime | None:
    """An ISO 8601 string (or seconds since the epoch) as a sane aware time, else None."""
    parsed: datetime | None = None
    if isinstance(value, str) and len(value) <= 64 and value.isascii():
        # ISO 8601 is ASCII; other text never reaches the C parser (ciso8601 2.3 crashes the
        # process on a lone surrogate such as "\ud800", which JSON can carry).
        try:
            parsed = dt_util.parse_datetime(value)
        except ValueError:
            parsed = None
    elif (seconds := finite_number(value, minimum=0, maximum=1e11)) is not None:
        parsed = datetime.fromtimestamp(seconds, UTC)
    return sane_time(parsed, now=now)


def cursor_limit(now: datetime | None = None) -> datetime:
    """The latest a stored cursor may be: now plus the clock skew allowed (never further)."""
    return (now or dt_util.utcnow()) + timedelta(minutes=5)
