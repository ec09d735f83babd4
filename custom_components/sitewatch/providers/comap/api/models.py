"""Wire models of the ComAp WSV API v1.1 and their lenient, bounded decoding.

Every answer of the API is read here (``docs/providers/comap.md`` lists the shapes): each field
is typed and bounded, a field of the wrong type is None, and one bad item of a list never costs
the others. No Home Assistant import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
import json
import logging
import math
import re
from typing import Any, ClassVar, Final, Self

from mashumaro import field_options
from mashumaro.mixins.dict import DataClassDictMixin

from .exceptions import ComapApiError, ComapCommandNotConfirmedError

_LOGGER = logging.getLogger(__package__)


class ComapCommand:
    """Commands of ``POST /v1.1/{login_id}/units/{unit_guid}/command``."""

    START: Final = "start"
    STOP: Final = "stop"
    FAULT_RESET: Final = "faultReset"
    CHANGE_MCB: Final = "changeMcb"
    CHANGE_GCB: Final = "changeGcb"
    CHANGE_MODE: Final = "changeMode"


COMMAND_MODES: Final = ("off", "man", "aut", "test")
"""The ``mode`` values of ``changeMode`` the API documents (``docs/providers/comap.md``)."""


def _camel(name: str) -> Any:
    """Field metadata mapping a snake_case field to the API's lowerCamelCase key."""
    return field_options(alias=name)


MAX_ID_CHARS: Final = 64
"""Longest unit or value GUID accepted (a GUID has 36 characters)."""
MAX_TEXT_CHARS: Final = 32_768
"""Longest text kept from an answer; Home Assistant's side cuts further for states."""
MAX_ITEMS: Final = 2_000
"""Most items kept from one list of an answer (values of a genset, units of an account)."""
MAX_ABS_NUMBER: Final = 1e15
"""Largest magnitude of a number kept from an answer; larger (a 300-digit number) is dropped."""
_ID: Final = re.compile(rf"[0-9A-Za-z_-]{{1,{MAX_ID_CHARS}}}")


def _clean_id(raw: object) -> str | None:
    """A GUID-like identifier (letters, digits, ``-``, ``_``; safe in a URL path), else None."""
    return raw if isinstance(raw, str) and _ID.fullmatch(raw) else None


def _clean_text(raw: object) -> str | None:
    """A non-empty string cut to ``MAX_TEXT_CHARS``, else None."""
    return raw[:MAX_TEXT_CHARS] if isinstance(raw, str) and raw else None


def _clean_value_text(raw: object) -> str | None:
    """A controller value's text; a finite number (sent where text is documented) as text."""
    if isinstance(raw, str):
        return raw[:MAX_TEXT_CHARS]
    number = _clean_number(raw)
    if number is None:
        return None
    return str(int(number)) if isinstance(raw, int) else repr(number)


def _clean_number(raw: object) -> float | None:
    """A finite JSON number within ``MAX_ABS_NUMBER`` as float (never a bool), else None."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    if isinstance(raw, int) and not -MAX_ABS_NUMBER <= raw <= MAX_ABS_NUMBER:
        return None  # float() of a 400-digit int raises OverflowError
    number = float(raw)
    return number if math.isfinite(number) and abs(number) <= MAX_ABS_NUMBER else None


def _int_in(low: int, high: int) -> Callable[[object], int | None]:
    """Cleaner of an integer in [low, high] (an integral float counts, a bool does not)."""

    def clean(raw: object) -> int | None:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            return None
        if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
            return None
        return int(raw) if low <= raw <= high else None

    return clean


def _clean_time(raw: object) -> datetime | None:
    """An ISO 8601 text (64 characters at most) as a datetime, else None."""
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    try:
        return datetime.fromisoformat(raw.strip())
    except ValueError:
        return None


def _clean_bool(raw: object) -> bool | None:
    """A JSON boolean (or 0/1), else None."""
    if isinstance(raw, bool):
        return raw
    return bool(raw) if isinstance(raw, int) and raw in (0, 1) else None


@dataclass(frozen=True, slots=True)
class _Wire:
    """How one model field is read: its key(s) in the answer, its cleaner, whether required."""

    keys: tuple[str, ...]
    clean: Callable[[object], Any]
    required: bool = False


class _Model(DataClassDictMixin):
    """Base of the API models: typed, lenient decoding of the API's keys.

    ``parse`` reads each field with its cleaner; a field of the wrong type or out of range is
    left at its default (None), and only a missing or invalid *required* field rejects the
    whole object. Unknown keys are ignored. ``to_dict`` (mashumaro) writes the API's keys back.
    """

    _WIRE: ClassVar[dict[str, _Wire]]

    class Config:
        """Mashumaro options: serialise by the API's aliases."""

        serialize_by_alias = True
        allow_deserialization_not_by_alias = True

    @classmethod
    def parse(cls, raw: object) -> Self:
        """Decode one JSON object of the API into the model.

        Raises:
            ValueError: ``raw`` is not an object, or a required field is missing or invalid.
        """
        if not isinstance(raw, dict):
            raise ValueError(f"{cls.__name__} is not a JSON object")
        fields: dict[str, Any] = {}
        for name, wire in cls._WIRE.items():
            value = next(
                (cleaned for key in wire.keys if (cleaned := wire.clean(raw.get(key))) is not None),
                None,
            )
            if value is not None:
                fields[name] = value
            elif wire.required:
                raise ValueError(f"{cls.__name__}: {wire.keys[0]} is missing or invalid")
        return cls(**fields)


def _object[ModelT: _Model](model: type[ModelT]) -> Callable[[object], ModelT | None]:
    """Cleaner of a nested object: the model, or None when it does not parse."""

    def clean(raw: object) -> ModelT | None:
        try:
            return model.parse(raw)
        except ValueError:
            return None

    return clean


def _objects[ModelT: _Model](model: type[ModelT]) -> Callable[[object], list[ModelT] | None]:
    """Cleaner of a nested list: the items that parse (at most ``MAX_ITEMS``)."""

    def clean(raw: object) -> list[ModelT] | None:
        if not isinstance(raw, list):
            return None
        return parse_items(model, raw)

    return clean


def parse_items[ModelT: _Model](model: type[ModelT], items: list[Any]) -> list[ModelT]:
    """Decode a list of JSON objects, dropping each item that does not parse.

    At most ``MAX_ITEMS`` items are kept; one bad item never costs the others.
    """
    parsed: list[ModelT] = []
    dropped = 0
    for item in items:
        try:
            parsed.append(model.parse(item))
        except ValueError:
            dropped += 1
            continue
        if len(parsed) == MAX_ITEMS:
            break
    if dropped:
        _LOGGER.debug("Dropped %d malformed %s item(s) of a ComAp answer", dropped, model.__name__)
    return parsed


@dataclass(frozen=True, slots=True)
class Token(_Model):
    """Answer of ``POST /identity/application/authenticate``.

    ``expires_in`` and ``ext_expires_in`` are in seconds (about 3599).
    """

    access_token: str
    expires_in: float = 3599
    token_type: str = "Bearer"

    _WIRE: ClassVar[dict[str, _Wire]] = {
        "access_token": _Wire(("access_token",), _clean_text, required=True),
        "expires_in": _Wire(("expires_in",), _int_in(0, 10**8)),
        "token_type": _Wire(("token_type",), _clean_text),
    }


@dataclass(frozen=True, slots=True)
class Unit(_Model):
    """A controller unit (genset) from ``GET /v1.1/{login_id}/units``.

    ``unit_guid`` is required (letters, digits and dashes); ``name`` may be missing.
    """

    unit_guid: str = field(metadata=_camel("unitGuid"))
    name: str | None = None
    url: str | None = None

    _WIRE: ClassVar[dict[str, _Wire]] = {
        "unit_guid": _Wire(("unitGuid",), _clean_id, required=True),
        "name": _Wire(("name",), _clean_text),
        "url": _Wire(("url",), _clean_text),
    }


@dataclass(frozen=True, slots=True)
class Value(_Model):
    """One controller value from ``GET .../units/{unit_guid}/values``.

    ``value`` is the controller's text (numbers come formatted with ``decimal_places`` decimals);
    ``unit`` is the engineering unit text (``kW``, ``V``, ``%``...) or None. Only
    ``value_guid`` is required: a value whose other fields are of the wrong type keeps None
    there (its sensor shows unknown).
    """

    value_guid: str = field(metadata=_camel("valueGuid"))
    name: str | None = None
    value: str | None = None
    unit: str | None = None
    high_limit: float | None = field(default=None, metadata=_camel("highLimit"))
    low_limit: float | None = field(default=None, metadata=_camel("lowLimit"))
    decimal_places: int | None = field(default=None, metadata=_camel("decimalPlaces"))
    timestamp: datetime | None = field(default=None, metadata=_camel("timeStamp"))

    _WIRE: ClassVar[dict[str, _Wire]] = {
        "value_guid": _Wire(("valueGuid",), _clean_id, required=True),
        "name": _Wire(("name",), _clean_text),
        "value": _Wire(("value",), _clean_value_text),
        "unit": _Wire(("unit",), _clean_text),
        "high_limit": _Wire(("highLimit",), _clean_number),
        "low_limit": _Wire(("lowLimit",), _clean_number),
        "decimal_places": _Wire(("decimalPlaces",), _int_in(0, 15)),
        "timestamp": _Wire(("timeStamp",), _clean_time),
    }

    def as_number(self) -> float | int | None:
        """Parse ``value`` into a number.

        Returns:
            An int when ``decimal_places`` is 0, a float rounded to ``decimal_places`` otherwise,
            or None when the text is not a finite number within ``MAX_ABS_NUMBER`` (for example
            ``"####"``, empty, ``"NaN"`` or 300 digits).
        """
        if self.value is None or len(self.value) > 64:
            return None
        text = self.value.strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
        if not math.isfinite(number) or abs(number) > MAX_ABS_NUMBER:
            return None
        if self.decimal_places == 0 and number.is_integer():
            return int(number)
        if self.decimal_places is not None and 0 < self.decimal_places <= 15:
            return round(number, self.decimal_places)
        return number


@dataclass(frozen=True, slots=True)
class Connection(_Model):
    """Connection block of a unit's info (AirGate id or IP address and port)."""

    enabled: bool | None = None
    air_gate_id: str | None = field(default=None, metadata=_camel("airGateId"))
    ip_address: str | None = field(default=None, metadata=_camel("ipAddress"))
    port: int | None = None
    controller_address: int | None = field(default=None, metadata=_camel("controllerAddress"))

    _WIRE: ClassVar[dict[str, _Wire]] = {
        "enabled": _Wire(("enabled",), _clean_bool),
        "air_gate_id": _Wire(("airGateId",), _clean_text),
        "ip_address": _Wire(("ipAddress",), _clean_text),
        "port": _Wire(("port",), _int_in(0, 65535)),
        "controller_address": _Wire(("controllerAddress",), _int_in(0, 2**31)),
    }


@dataclass(frozen=True, slots=True)
class Position(_Model):
    """Position block of a unit's info, in decimal degrees."""

    position_type: str | None = field(default=None, metadata=_camel("positionType"))
    latitude: float | None = None
    longitude: float | None = None

    _WIRE: ClassVar[dict[str, _Wire]] = {
        "position_type": _Wire(("positionType",), _clean_text),
        "latitude": _Wire(("latitude",), _clean_number),
        "longitude": _Wire(("longitude",), _clean_number),
    }


@dataclass(frozen=True, slots=True)
class UnitInfo(_Model):
    """Answer of ``GET .../units/{unit_guid}/info``."""

    unit_guid: str | None = field(default=None, metadata=_camel("unitGuid"))
    name: str | None = None
    owner_login_id: str | None = field(default=None, metadata=_camel("ownerLoginId"))
    application_type: str | None = field(default=None, metadata=_camel("applicationType"))
    timezone: str | None = None
    connection: Connection | None = None
    position: Position | None = None

    _WIRE: ClassVar[dict[str, _Wire]] = {
        "unit_guid": _Wire(("unitGuid",), _clean_id),
        "name": _Wire(("name",), _clean_text),
        "owner_login_id": _Wire(("ownerLoginId",), _clean_text),
        "application_type": _Wire(("applicationType",), _clean_text),
        "timezone": _Wire(("timezone",), _clean_text),
        "connection": _Wire(("connection",), _object(Connection)),
        "position": _Wire(("position",), _object(Position)),
    }


@dataclass(frozen=True, slots=True)
class Comment(_Model):
    """A WebSupervisor comment from ``GET .../units/{unit_guid}/comments``.

    The author is read from ``author`` or the misspelt ``auhtor`` the documentation shows.
    """

    id: int
    author: str | None = None
    date: datetime | None = None
    text: str | None = None
    active: bool | None = None

    _WIRE: ClassVar[dict[str, _Wire]] = {
        "id": _Wire(("id",), _int_in(-(2**53), 2**53), required=True),
        "author": _Wire(("author", "auhtor"), _clean_text),
        "date": _Wire(("date",), _clean_time),
        "text": _Wire(("text",), _clean_text),
        "active": _Wire(("active",), _clean_bool),
    }


@dataclass(frozen=True, slots=True)
class HistoryEntry(_Model):
    """One period of a value's history: ``value`` held from ``valid_from`` to ``valid_to``."""

    value: str | None = None
    valid_from: datetime | None = field(default=None, metadata=_camel("validFrom"))
    valid_to: datetime | None = field(default=None, metadata=_camel("validTo"))

    _WIRE: ClassVar[dict[str, _Wire]] = {
        "value": _Wire(("value",), _clean_value_text),
        "valid_from": _Wire(("validFrom",), _clean_time),
        "valid_to": _Wire(("validTo",), _clean_time),
    }


@dataclass(frozen=True, slots=True)
class ValueHistory(_Model):
    """History of one value from ``GET .../units/{unit_guid}/history``."""

    value_guid: str = field(metadata=_camel("valueGuid"))
    name: str | None = None
    unit: str | None = None
    history: list[HistoryEntry] = field(default_factory=list)

    _WIRE: ClassVar[dict[str, _Wire]] = {
        "value_guid": _Wire(("valueGuid",), _clean_id, required=True),
        "name": _Wire(("name",), _clean_text),
        "unit": _Wire(("unit",), _clean_text),
        "history": _Wire(("history",), _objects(HistoryEntry)),
    }


@dataclass(frozen=True, slots=True)
class File(_Model):
    """A file stored on the controller, from ``GET .../units/{unit_guid}/files``."""

    file_name: str = field(metadata=_camel("fileName"))
    file_type: str | None = field(default=None, metadata=_camel("fileType"))
    generated: datetime | None = None

    _WIRE: ClassVar[dict[str, _Wire]] = {
        "file_name": _Wire(("fileName",), _clean_text, required=True),
        "file_type": _Wire(("fileType",), _clean_text),
        "generated": _Wire(("generated",), _clean_time),
    }


COMMAND_SUCCESS_RESULT: Final = "OK"
"""``result`` of the command answer that confirms a command (``docs/providers/comap.md``)."""
MAX_COMMAND_ANSWER: Final = 65_536
"""Largest command answer read, in bytes; a larger one is not a confirmation."""
_EXCERPT_CHARS: Final = 80


def _excerpt(text: str) -> str:
    """Printable characters of a provider text, at most ``_EXCERPT_CHARS`` (for a message)."""
    cleaned = "".join(char for char in text[: _EXCERPT_CHARS * 4] if char.isprintable()).strip()
    return cleaned[:_EXCERPT_CHARS]


def check_command_answer(body: bytes, command: str) -> None:
    """Check the answer of ``POST .../units/{unit_guid}/command`` (a 2xx status).

    The documented success answer is a JSON object whose ``result`` is ``"OK"`` (compared
    case-insensitively) and whose ``command``, when present, is the command sent. Anything else
    (no body, HTML, invalid or too deep JSON, another shape, another result) is not a
    confirmation.

    Raises:
        ComapCommandNotConfirmedError: with a short reason naming what was wrong.
    """
    if not body.strip():
        raise ComapCommandNotConfirmedError("the answer was empty")
    if len(body) > MAX_COMMAND_ANSWER:
        raise ComapCommandNotConfirmedError("the answer was too large")
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):
        raise ComapCommandNotConfirmedError("the answer was not JSON") from None
    if not isinstance(answer, dict):
        raise ComapCommandNotConfirmedError("the answer was not a JSON object")
    echoed = answer.get("command", command)
    if not isinstance(echoed, str) or echoed.lower() != command.lower():
        raise ComapCommandNotConfirmedError("the answer was for another command")
    result = answer.get("result")
    if isinstance(result, str) and result.strip().upper() == COMMAND_SUCCESS_RESULT:
        return
    if isinstance(result, str) and (text := _excerpt(result)):
        raise ComapCommandNotConfirmedError(f"the result was {text!r}")
    for key in ("message", "error", "errorMessage"):
        if isinstance(detail := answer.get(key), str) and (text := _excerpt(detail)):
            raise ComapCommandNotConfirmedError(f"the answer reported an error: {text}")
    raise ComapCommandNotConfirmedError("the answer did not say the command succeeded")


def decode[ModelT: _Model](model: type[ModelT], payload: Any) -> ModelT:
    """Decode one object, mapping a wrong shape to ComapApiError (without the payload's text)."""
    try:
        return model.parse(payload)
    except ValueError:
        raise ComapApiError(f"Unexpected {model.__name__} data from the ComAp API") from None


def decode_list[ModelT: _Model](model: type[ModelT], payload: Any, key: str) -> list[ModelT]:
    """Decode ``{key: [...]}`` (or a bare list), dropping the items that do not parse.

    Raises:
        ComapApiError: the answer as a whole has another shape (no list under ``key``).
    """
    items = payload.get(key) if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise ComapApiError(f"Expected a list under '{key}'")
    return parse_items(model, items)
