"""FaceSpace constants, the API error, the log line format and time helpers."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time as dt_time, timedelta
import re
from typing import Any

from ..routing import ErrorMessageApiError
from ..sender import CountedTarget

BASE_PATH = "/facespace"
LOGS_PATH = f"{BASE_PATH}/logs"
RECOGNITION_PATH = f"{BASE_PATH}/recognition"
KINDS = ("logs", "realtime")
UNKNOWN = "Unknown"
STOP_MESSAGE = "No cameras active"
LINE_FORMAT = "%H:%M:%S %d/%m/%y"
MINUTE_FORMAT = "%H:%M %d/%m/%y"
DAY_FORMAT = "%d/%m/%y"
MAX_LINES = 20_000  # per camera; the oldest go first
USER_AGENT = "FaceSpace-Simulator/0.1.2"
_MINUTE_RE = re.compile(r"\d{2}:\d{2} \d{2}/\d{2}/\d{2}")
_DAY_RE = re.compile(r"\d{2}/\d{2}/\d{2}")
_LINE_TIME_RE = re.compile(r"\d{2}:\d{2}:\d{2} \d{2}/\d{2}/\d{2}")


def _check_camera_name(camera: object) -> str:
    if not isinstance(camera, str) or not camera.strip():
        raise ValueError("a camera name must be a non-empty string")
    return camera


def _check_person_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a name must be a non-empty string")
    if " @ " in name or "\n" in name:
        raise ValueError("a name must not contain ' @ ' or a line break")
    return name


class FaceSpaceApiError(ErrorMessageApiError):
    """An API error answer: HTTP status and the ``{"error": ...}`` message."""


def format_line(name: str, moment: datetime) -> str:
    """A log line as FaceSpace writes it: ``Name @ HH:MM:SS DD/MM/YY`` in UTC."""
    return f"{name} @ {_utc(moment).strftime(LINE_FORMAT)}"


def parse_line(line: str) -> tuple[str, datetime] | None:
    """Split a log line into name and aware UTC time; None if it is malformed."""
    name, sep, stamp = line.rpartition(" @ ")
    if not sep or not name or not _LINE_TIME_RE.fullmatch(stamp):
        return None
    try:
        return name, datetime.strptime(stamp, LINE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def parse_bound(raw: str, *, end: bool) -> datetime:
    """Parse a ``start_time``/``end_time`` value into an inclusive start or exclusive end.

    Args:
        raw: ``%H:%M %d/%m/%y`` (a minute) or ``%d/%m/%y`` (a day), UTC.
        end: True for ``end_time``: the result is the first instant after
            the minute or day, so the whole minute or day is included.

    Returns:
        An aware UTC datetime.

    Raises:
        FaceSpaceApiError: 400 for any other format.
    """
    value = raw.strip()
    try:
        if _MINUTE_RE.fullmatch(value):
            moment = datetime.strptime(value, MINUTE_FORMAT).replace(tzinfo=UTC)
            return moment + timedelta(minutes=1) if end else moment
        if _DAY_RE.fullmatch(value):
            day = datetime.strptime(value, DAY_FORMAT).date()
            return _day_start(day + timedelta(days=1) if end else day)
    except ValueError:
        pass
    raise FaceSpaceApiError(400, f"Invalid date format: {raw}")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, dt_time(0, 0), tzinfo=UTC)


def _utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _utc_iso(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_admin_time(raw: str) -> datetime:
    """Parse an admin ``time``: ISO 8601 (naive is UTC) or ``HH:MM:SS DD/MM/YY``."""
    value = raw.strip()
    try:
        if _LINE_TIME_RE.fullmatch(value):
            return datetime.strptime(value, LINE_FORMAT).replace(tzinfo=UTC)
        return _utc(datetime.fromisoformat(value))
    except ValueError as err:
        raise ValueError(f"Invalid time: {raw}") from err


@dataclass(order=True)
class _Entry:
    time: datetime
    seq: int
    text: str = field(compare=False)


@dataclass
class _Target(CountedTarget):
    kind: str
    headers: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        head = {"id": self.id, "url": self.url, "kind": self.kind, "headers": dict(self.headers)}
        return head | self.delivery_json()
