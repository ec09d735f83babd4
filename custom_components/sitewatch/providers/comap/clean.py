"""Bounds on what the ComAp API answered, before it reaches a state, an attribute or a device.

The client (``api.py``) already types every field (a field of the wrong type is None, a number
is finite and within 1e15, a GUID is letters, digits and dashes). Here the texts are cut to Home
Assistant's limits with ``bounds.py`` and the times made sane, so that one hostile value leaves
its own sensor unknown and nothing else.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Final

from yarl import URL

from ...bounds import MAX_ATTRIBUTE_TEXT, bounded_text, sane_time
from .api import Comment, Unit, UnitInfo, Value

MAX_NAME_TEXT: Final = 100
"""Longest genset, value or model name kept: entity ids made from two names stay within 255."""
MAX_UNIT_TEXT: Final = 32
"""Longest engineering unit text kept (``kW``, ``V``...)."""
MAX_COMMENTS: Final = 5
"""Newest comments kept per genset (the sensor's attribute and the ``get_comments`` action)."""


def name_text(raw: str | None) -> str | None:
    """A name (genset, value, model, serial) within ``MAX_NAME_TEXT``, or None."""
    return bounded_text(raw, MAX_NAME_TEXT)


def web_url(raw: str | None) -> str | None:
    """An absolute http(s) URL within ``MAX_ATTRIBUTE_TEXT``, or None (the device link)."""
    text = bounded_text(raw, MAX_ATTRIBUTE_TEXT)
    if text is None or len(text) == MAX_ATTRIBUTE_TEXT:
        return None
    try:
        url = URL(text)
    except ValueError:
        return None
    return text if url.scheme in ("http", "https") and url.host else None


def clean_unit(unit: Unit) -> Unit:
    """The unit with its name bounded and its WebSupervisor link kept only when a web URL."""
    return replace(unit, name=name_text(unit.name), url=web_url(unit.url))


def clean_info(info: UnitInfo) -> UnitInfo:
    """The unit info with the texts an entity shows (name, application type) bounded."""
    return replace(
        info,
        name=name_text(info.name),
        application_type=name_text(info.application_type),
        timezone=bounded_text(info.timezone, MAX_NAME_TEXT),
    )


def clean_value(value: Value) -> Value:
    """The value with its name and unit bounded and its time stamp sane (or None).

    ``value`` itself stays the controller's text (the client caps it at 32 768 characters):
    each sensor bounds what it makes of it (a number, a state text, a list of alarms).
    """
    return replace(
        value,
        name=name_text(value.name),
        unit=bounded_text(value.unit, MAX_UNIT_TEXT),
        timestamp=sane_time(value.timestamp),
    )


def newest_comments(comments: list[Comment], login_id: str) -> list[Comment]:
    """The ``MAX_COMMENTS`` newest comments, newest first, bounded for Home Assistant.

    Ordered by date (undated last), then by id. Texts are cut to 1,024 characters, authors to
    100; an author that is the account's own login id (an account identifier) is left out.
    A date before 2000 or more than a day ahead is None.
    """
    oldest = datetime.min.replace(tzinfo=UTC)

    def order(comment: Comment) -> tuple[datetime, int]:
        dated = sane_time(comment.date)
        return (dated or oldest, comment.id)

    newest = sorted(comments, key=order, reverse=True)[:MAX_COMMENTS]
    private = login_id.strip().lower()
    return [
        replace(
            comment,
            author=None
            if comment.author is None or comment.author.strip().lower() == private
            else name_text(comment.author),
            date=sane_time(comment.date),
            text=bounded_text(comment.text, MAX_ATTRIBUTE_TEXT),
        )
        for comment in newest
    ]


def comment_dict(comment: Comment) -> dict[str, Any]:
    """A bounded comment (``newest_comments``) as an attribute or action response item."""
    return {
        "id": comment.id,
        "author": comment.author,
        "date": comment.date.isoformat() if comment.date else None,
        "text": comment.text,
        "active": comment.active,
    }
