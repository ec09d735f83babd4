"""Async client for the ComAp Cloud Identity and WebSupervisor (WSV) API v1.1.

Pure aiohttp, no Home Assistant imports. Wire facts: ``docs/providers/comap.md``
(hosts, paths and answer shapes) and the public ``comap`` package documentation.

Every WSV call carries ``Comap-Key`` and ``Authorization: Bearer <token>``. The bearer token
comes from ``POST /identity/application/authenticate`` (the only call that ever sees the secret),
is reused until shortly before ``expires_in`` and is fetched again once when a call answers 401.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
import time
from typing import Any, Final

import aiohttp
from mashumaro import field_options
from mashumaro.mixins.dict import DataClassDictMixin
from yarl import URL

DEFAULT_BASE_URL: Final = "https://api.websupervisor.net"
DEFAULT_TIMEOUT: Final = 15.0
TOKEN_REFRESH_MARGIN: Final = 60.0
"""Seconds before ``expires_in`` runs out at which a new token is fetched."""


class ComapError(Exception):
    """Base class of every error the ComAp client raises."""


class ComapAuthenticationError(ComapError):
    """The Comap-Key, client id, secret or login id was refused (HTTP 401 or 403)."""


class ComapConnectionError(ComapError):
    """The API could not be reached: connection failure or timeout."""


class ComapRateLimitError(ComapError):
    """The API answered 429 Too Many Requests.

    Attributes:
        retry_after: seconds to wait before the next call, from the ``Retry-After`` header
            (60 when the header is missing or not a number of seconds).
    """

    def __init__(self, retry_after: float) -> None:
        """Store how long the API asked us to wait, in seconds."""
        super().__init__(f"Rate limited by the ComAp API, retry after {retry_after:g} s")
        self.retry_after = retry_after


class ComapApiError(ComapError):
    """The API answered with another error status, or with a body of an unexpected shape.

    Attributes:
        status: the HTTP status, or None when the status was fine but the body was not.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        """Store the message and the HTTP status (None for a malformed body)."""
        super().__init__(message)
        self.status = status


class ComapCommand:
    """Commands of ``POST /v1.1/{login_id}/units/{unit_guid}/command``."""

    START: Final = "start"
    STOP: Final = "stop"
    FAULT_RESET: Final = "faultReset"
    CHANGE_MCB: Final = "changeMcb"
    CHANGE_GCB: Final = "changeGcb"
    CHANGE_MODE: Final = "changeMode"


def _camel(name: str) -> Any:
    """Field metadata mapping a snake_case field to the API's lowerCamelCase key."""
    return field_options(alias=name)


class _Model(DataClassDictMixin):
    """Base of the API models: decodes by the API's keys, ignores keys it does not know."""

    class Config:
        """Mashumaro options: accept the API's aliases and keep the models lenient."""

        serialize_by_alias = True
        allow_deserialization_not_by_alias = True


@dataclass(frozen=True, slots=True)
class Token(_Model):
    """Answer of ``POST /identity/application/authenticate``.

    ``expires_in`` and ``ext_expires_in`` are in seconds (about 3599).
    """

    access_token: str
    expires_in: float = 3599
    token_type: str = "Bearer"


@dataclass(frozen=True, slots=True)
class Unit(_Model):
    """A controller unit (genset) from ``GET /v1.1/{login_id}/units``."""

    name: str
    unit_guid: str = field(metadata=_camel("unitGuid"))
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Value(_Model):
    """One controller value from ``GET .../units/{unit_guid}/values``.

    ``value`` is the controller's text (numbers come formatted with ``decimal_places`` decimals);
    ``unit`` is the engineering unit text (``kW``, ``V``, ``%``...) or None.
    """

    name: str
    value_guid: str = field(metadata=_camel("valueGuid"))
    value: str | None = None
    unit: str | None = None
    high_limit: float | None = field(default=None, metadata=_camel("highLimit"))
    low_limit: float | None = field(default=None, metadata=_camel("lowLimit"))
    decimal_places: int | None = field(default=None, metadata=_camel("decimalPlaces"))
    timestamp: datetime | None = field(default=None, metadata=_camel("timeStamp"))

    @classmethod
    def __pre_deserialize__(cls, d: dict[Any, Any]) -> dict[Any, Any]:
        """Accept numbers where the API documents text, and empty units."""
        raw = d.get("value")
        if raw is not None and not isinstance(raw, str):
            d = {**d, "value": str(raw)}
        if d.get("unit") == "":
            d = {**d, "unit": None}
        return d

    def as_number(self) -> float | int | None:
        """Parse ``value`` into a number.

        Returns:
            An int when ``decimal_places`` is 0, a float rounded to ``decimal_places`` otherwise,
            or None when the text is not a number (for example ``"####"`` or empty).
        """
        if self.value is None:
            return None
        text = self.value.strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
        if number != number or number in (float("inf"), float("-inf")):
            return None
        if self.decimal_places == 0 and number.is_integer():
            return int(number)
        if self.decimal_places is not None and self.decimal_places > 0:
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


@dataclass(frozen=True, slots=True)
class Position(_Model):
    """Position block of a unit's info, in decimal degrees."""

    position_type: str | None = field(default=None, metadata=_camel("positionType"))
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class UnitInfo(_Model):
    """Answer of ``GET .../units/{unit_guid}/info``."""

    name: str
    unit_guid: str = field(metadata=_camel("unitGuid"))
    owner_login_id: str | None = field(default=None, metadata=_camel("ownerLoginId"))
    application_type: str | None = field(default=None, metadata=_camel("applicationType"))
    timezone: str | None = None
    connection: Connection | None = None
    position: Position | None = None


@dataclass(frozen=True, slots=True)
class Comment(_Model):
    """A WebSupervisor comment from ``GET .../units/{unit_guid}/comments``."""

    id: int
    author: str | None = None
    date: datetime | None = None
    text: str | None = None
    active: bool | None = None

    @classmethod
    def __pre_deserialize__(cls, d: dict[Any, Any]) -> dict[Any, Any]:
        """Accept the misspelt ``auhtor`` key that the API documentation shows."""
        if "author" not in d and "auhtor" in d:
            d = {**d, "author": d["auhtor"]}
        return d


@dataclass(frozen=True, slots=True)
class HistoryEntry(_Model):
    """One period of a value's history: ``value`` held from ``valid_from`` to ``valid_to``."""

    value: str | None
    valid_from: datetime | None = field(default=None, metadata=_camel("validFrom"))
    valid_to: datetime | None = field(default=None, metadata=_camel("validTo"))

    @classmethod
    def __pre_deserialize__(cls, d: dict[Any, Any]) -> dict[Any, Any]:
        """Accept numbers where the API documents text."""
        raw = d.get("value")
        if raw is not None and not isinstance(raw, str):
            d = {**d, "value": str(raw)}
        return d


@dataclass(frozen=True, slots=True)
class ValueHistory(_Model):
    """History of one value from ``GET .../units/{unit_guid}/history``."""

    value_guid: str = field(metadata=_camel("valueGuid"))
    name: str | None = None
    unit: str | None = None
    history: list[HistoryEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class File(_Model):
    """A file stored on the controller, from ``GET .../units/{unit_guid}/files``."""

    file_name: str = field(metadata=_camel("fileName"))
    file_type: str | None = field(default=None, metadata=_camel("fileType"))
    generated: datetime | None = None


class ComapClient:
    """Client of one ComAp account: identity (bearer token) plus WSV v1.1 calls for one login id.

    Args:
        session: the aiohttp session to use (Home Assistant's shared one); never closed here.
        comap_key: the ``Comap-Key`` from the user's ComAp profile.
        client_id: application registration id (sent only to the identity call).
        secret: application secret (sent only to the identity call).
        login_id: the WebSupervisor user name used in every WSV path.
        base_url: API root, ``https://api.websupervisor.net`` by default.
        request_timeout: seconds for one request, including reading its body.

    Every call raises ``ComapAuthenticationError``, ``ComapConnectionError``,
    ``ComapRateLimitError`` or ``ComapApiError``.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        comap_key: str,
        client_id: str,
        secret: str,
        login_id: str,
        base_url: str = DEFAULT_BASE_URL,
        request_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Keep the credentials; no request is made until the first call."""
        self._session = session
        self._comap_key = comap_key
        self._client_id = client_id
        self._secret = secret
        self.login_id = login_id
        self._base_url = URL(base_url.rstrip("/") + "/")
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._token: str | None = None
        self._token_valid_until = 0.0
        self._token_lock = asyncio.Lock()
        self.request_count = 0
        """Requests sent so far (identity calls included); for diagnostics and benchmarks."""

    @property
    def base_url(self) -> str:
        """The API root this client talks to."""
        return str(self._base_url).rstrip("/")

    # -- identity -----------------------------------------------------------------------------

    async def authenticate(self) -> Token:
        """Fetch a new bearer token (``POST /identity/application/authenticate``) and keep it.

        Returns:
            The token; ``expires_in`` in seconds.

        Raises:
            ComapAuthenticationError: the key, client id or secret was refused.
        """
        payload = await self._request(
            "POST",
            "identity/application/authenticate",
            json={"clientId": self._client_id, "secret": self._secret},
            authorized=False,
        )
        token = _decode(Token, payload)
        self._token = token.access_token
        self._token_valid_until = time.monotonic() + max(token.expires_in - TOKEN_REFRESH_MARGIN, 0)
        return token

    async def _bearer(self) -> str:
        """Return a valid token, fetching one when needed (once for parallel callers)."""
        async with self._token_lock:
            if self._token is None or time.monotonic() >= self._token_valid_until:
                await self.authenticate()
            assert self._token is not None
            return self._token

    # -- WSV calls ----------------------------------------------------------------------------

    async def units(self) -> list[Unit]:
        """List the account's units (``GET /v1.1/{login_id}/units``)."""
        payload = await self._wsv("GET", "units")
        return _decode_list(Unit, payload, "units")

    async def values(self, unit_guid: str, value_guids: list[str] | None = None) -> list[Value]:
        """Read a unit's values (``GET /v1.1/{login_id}/units/{unit_guid}/values``).

        Args:
            unit_guid: the unit.
            value_guids: the values wanted; None (or empty) asks for every value the unit has.
        """
        params = {"valueGuids": ",".join(value_guids)} if value_guids else None
        payload = await self._wsv("GET", f"units/{unit_guid}/values", params=params)
        return _decode_list(Value, payload, "values")

    async def info(self, unit_guid: str) -> UnitInfo:
        """Read a unit's information (``GET /v1.1/{login_id}/units/{unit_guid}/info``)."""
        return _decode(UnitInfo, await self._wsv("GET", f"units/{unit_guid}/info"))

    async def comments(self, unit_guid: str) -> list[Comment]:
        """Read a unit's comments (``GET /v1.1/{login_id}/units/{unit_guid}/comments``)."""
        payload = await self._wsv("GET", f"units/{unit_guid}/comments")
        return _decode_list(Comment, payload, "comments")

    async def history(
        self,
        unit_guid: str,
        value_guids: list[str],
        start: date,
        end: date,
    ) -> list[ValueHistory]:
        """Read the history of values between two dates (``GET .../units/{unit_guid}/history``).

        Args:
            unit_guid: the unit.
            value_guids: the values whose history is wanted.
            start: first day (sent as ``MM/DD/YYYY``).
            end: last day (sent as ``MM/DD/YYYY``).
        """
        params = {"from": start.strftime("%m/%d/%Y"), "to": end.strftime("%m/%d/%Y")}
        if value_guids:
            params["valueGuids"] = ",".join(value_guids)
        payload = await self._wsv("GET", f"units/{unit_guid}/history", params=params)
        return _decode_list(ValueHistory, payload, "values")

    async def files(self, unit_guid: str) -> list[File]:
        """List files stored on the controller (``GET .../units/{unit_guid}/files``)."""
        payload = await self._wsv("GET", f"units/{unit_guid}/files")
        return _decode_list(File, payload, "files")

    async def download(self, unit_guid: str, file_name: str) -> bytes:
        """Download a controller file (``GET /v1.1/{login_id}/unit/{unit_guid}/download/{name}``).

        Note the singular ``unit`` in this path. Returns the raw bytes.
        """
        content: bytes = await self._wsv(
            "GET", f"unit/{unit_guid}/download/{file_name}", binary=True
        )
        return content

    async def command(self, unit_guid: str, command: str, mode: str | None = None) -> None:
        """Send a command (``POST /v1.1/{login_id}/units/{unit_guid}/command``).

        Args:
            unit_guid: the unit.
            command: one of ``ComapCommand`` (start, stop, faultReset, changeMcb, changeGcb,
                changeMode).
            mode: the mode for ``changeMode`` (off, man, aut, test as the controller lists them).
        """
        body: dict[str, str] = {"command": command}
        if mode is not None:
            body["mode"] = mode
        await self._wsv("POST", f"units/{unit_guid}/command", json=body, expect_body=False)

    # -- transport ----------------------------------------------------------------------------

    async def _wsv(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        binary: bool = False,
        expect_body: bool = True,
    ) -> Any:
        """Call a WSV path below ``/v1.1/{login_id}/``, fetching a new token once on a 401."""
        full_path = f"v1.1/{self.login_id}/{path}"
        for attempt in (1, 2):
            token = await self._bearer()
            try:
                return await self._request(
                    method,
                    full_path,
                    params=params,
                    json=json,
                    token=token,
                    binary=binary,
                    expect_body=expect_body,
                    label=path,
                )
            except _Unauthorized:
                if attempt == 2:
                    raise ComapAuthenticationError("The ComAp API refused the token") from None
                if self._token == token:
                    self._token = None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        token: str | None = None,
        authorized: bool = True,
        binary: bool = False,
        expect_body: bool = True,
        label: str | None = None,
    ) -> Any:
        """Send one request and decode its answer; maps every failure to a ComapError.

        ``label`` names the call in error messages (the path without the login id).
        """
        label = label or path
        headers = {"Comap-Key": self._comap_key, "Accept": "application/json"}
        if authorized:
            headers["Authorization"] = f"Bearer {token}"
        url = self._base_url.join(URL(path))
        self.request_count += 1
        try:
            async with self._session.request(
                method, url, params=params, json=json, headers=headers, timeout=self._timeout
            ) as response:
                if response.status == 401 and authorized:
                    raise _Unauthorized
                if response.status in (401, 403):
                    raise ComapAuthenticationError(
                        f"The ComAp API refused the credentials (HTTP {response.status})"
                    )
                if response.status == 429:
                    raise ComapRateLimitError(_retry_after(response.headers.get("Retry-After")))
                if response.status >= 400:
                    raise ComapApiError(
                        f"The ComAp API answered HTTP {response.status} to {method} {label}",
                        response.status,
                    )
                if binary:
                    return await response.read()
                if not expect_body:
                    return None
                try:
                    return await response.json(content_type=None)
                except ValueError as err:
                    raise ComapApiError(
                        f"The ComAp API answered {label} with malformed JSON"
                    ) from err
        except TimeoutError as err:
            raise ComapConnectionError(f"Timeout talking to the ComAp API ({label})") from err
        except aiohttp.ClientError as err:
            raise ComapConnectionError(f"Cannot reach the ComAp API: {err}") from err


class _Unauthorized(Exception):
    """Internal: a WSV call answered 401, so the token should be fetched again."""


def _retry_after(header: str | None) -> float:
    """Seconds from a ``Retry-After`` header given in seconds (60 when absent or a date)."""
    try:
        return max(float(header), 0.0) if header is not None else 60.0
    except ValueError:
        return 60.0


def _decode[ModelT: _Model](model: type[ModelT], payload: Any) -> ModelT:
    """Decode one object, mapping a wrong shape to ComapApiError."""
    if not isinstance(payload, dict):
        raise ComapApiError(f"Expected a JSON object for {model.__name__}")
    try:
        return model.from_dict(payload)
    except (ValueError, LookupError, TypeError) as err:
        raise ComapApiError(f"Unexpected {model.__name__} data: {err}") from err


def _decode_list[ModelT: _Model](model: type[ModelT], payload: Any, key: str) -> list[ModelT]:
    """Decode ``{key: [...]}`` (or a bare list) into models; a wrong shape is ComapApiError."""
    items = payload.get(key) if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise ComapApiError(f"Expected a list under '{key}'")
    return [_decode(model, item) for item in items]


__all__ = [
    "DEFAULT_BASE_URL",
    "ComapApiError",
    "ComapAuthenticationError",
    "ComapClient",
    "ComapCommand",
    "ComapConnectionError",
    "ComapError",
    "ComapRateLimitError",
    "Comment",
    "File",
    "HistoryEntry",
    "Token",
    "Unit",
    "UnitInfo",
    "Value",
    "ValueHistory",
]
