"""Async client for the FindFace Multi REST API (about version 2.1) and its webhook payloads.

Pure aiohttp, no Home Assistant imports. Wire facts: ``docs/providers/findface.md``.
Paths sit at the server root with trailing slashes; every call carries
``Authorization: Token <token>``. A token is either given by the user or obtained with
``POST /auth/login/`` (HTTP Basic credentials); with credentials the client logs in again once
when a call answers 401.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
import uuid

import aiohttp
import orjson
from yarl import URL

from ...bounds import (
    MAX_ATTRIBUTE_TEXT,
    bounded_int,
    bounded_text,
    finite_number,
    parse_time,
    state_text,
)

DEFAULT_TIMEOUT: Final = 15.0
SECTIONS: Final = (
    "face_events",
    "body_events",
    "car_events",
    "human_episodes",
    "car_episodes",
    "counters",
    "areas",
)
"""Webhook filter sections; Sitewatch creates one hook per section."""
MAX_ID: Final = 2**63 - 1
"""Largest id accepted (FindFace ids are 64-bit; event ids arrive as digit strings)."""
MAX_ID_DEPTH: Final = 3
"""Most objects an id is looked for in (``{"id": {"id": 7}}`` is two)."""
MAX_RESPONSE_BYTES: Final = 16 * 1024 * 1024
"""Largest REST answer read; a larger one is an API error (never read whole)."""
MAX_LIST_PAGES: Final = 1000
"""Most pages one list is followed through (100 items a page)."""
MAX_LIST_ITEMS: Final = 100_000
"""Most items one list may hold; more is an API error rather than a list cut short."""
MAX_TOKEN_LENGTH: Final = 4096
"""Longest token accepted from ``/auth/login/`` (it is sent in a header on every call)."""
MAX_NUMERIC_TEXT: Final = 64
"""Longest text read as a number (``"48.85"``); longer is not a number."""


class FindFaceError(Exception):
    """Base class of every error the FindFace client raises."""


class FindFaceAuthenticationError(FindFaceError):
    """The token or the user name and password were refused (HTTP 401 or 403)."""


class FindFaceConnectionError(FindFaceError):
    """The server could not be reached: connection failure, TLS failure or timeout."""


class FindFaceApiError(FindFaceError):
    """The server answered another error status, or a body of an unexpected shape.

    Attributes:
        status: the HTTP status, or None when the status was fine but the body was not.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        """Store the message and the HTTP status (None for a malformed body)."""
        super().__init__(message)
        self.status = status


def basic_authorization(username: str, password: str) -> str:
    """The ``Authorization`` header value of HTTP Basic authentication (RFC 7617, UTF-8)."""
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {credentials}"


@dataclass(frozen=True, slots=True)
class HealthStatus:
    """A camera's health as the server reports it (``status``: GREEN, YELLOW, RED...)."""

    enabled: bool | None
    status: str | None
    message: str | None

    @property
    def healthy(self) -> bool | None:
        """True for GREEN, False for other statuses, None when unknown."""
        if self.status is None:
            return None
        return self.status.upper() == "GREEN"


@dataclass(frozen=True, slots=True)
class Camera:
    """A camera from ``GET /cameras/``."""

    id: int
    name: str
    group: int | None = None
    active: bool = True
    url: str | None = None
    health: HealthStatus | None = None
    latitude: float | None = None
    longitude: float | None = None

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Camera:
        """Build from an API object, every field typed and bounded.

        Raises:
            FindFaceApiError: ``id`` is missing or not an id.
        """
        camera_id = _int(item, "id")
        health = item.get("health_status")
        active = item.get("active", True)
        return cls(
            id=camera_id,
            name=state_text(item.get("name")) or f"Camera {camera_id}",
            group=optional_int(item.get("group")),
            active=active if isinstance(active, bool) else True,
            url=bounded_text(item.get("url")),
            health=HealthStatus(
                enabled=health["enabled"] if isinstance(health.get("enabled"), bool) else None,
                status=bounded_text(health.get("status"), 64),
                message=bounded_text(health.get("msg")),
            )
            if isinstance(health, dict)
            else None,
            latitude=optional_float(item.get("latitude"), minimum=-90, maximum=90),
            longitude=optional_float(item.get("longitude"), minimum=-180, maximum=180),
        )


@dataclass(frozen=True, slots=True)
class NamedObject:
    """Anything listed by id and name: camera groups, watch lists, counters, areas, cards."""

    id: int
    name: str

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> NamedObject:
        """Build from an API object (name bounded); raises FindFaceApiError without an ``id``."""
        object_id = _int(item, "id")
        return cls(id=object_id, name=state_text(item.get("name")) or str(object_id))


@dataclass(frozen=True, slots=True)
class Hook:
    """A webhook on the server (``/hooks/``)."""

    id: int
    name: str
    url: str
    active: bool = True
    batch_size: int = 1
    send_attempts: int = 10
    filters: dict[str, Any] = field(default_factory=dict)


class FindFaceClient:
    """Client of one FindFace Multi server.

    Args:
        session: the aiohttp session to use (Home Assistant's; one that skips TLS verification
            for self-signed certificates when the user asked so); never closed here.
        base_url: the server root, e.g. ``https://findface.example:8443``.
        token: an API token; used as it is.
        username: user name for ``/auth/login/`` (with ``password``), when no token is given
            or to renew an expired one.
        password: password for ``/auth/login/``.
        client_uuid: the ``uuid`` the login call registers the session under.

    Every call raises ``FindFaceAuthenticationError``, ``FindFaceConnectionError`` or
    ``FindFaceApiError``.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        client_uuid: str | None = None,
        request_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Keep the address and credentials; no request is made until the first call."""
        self._session = session
        self._base_url = URL(base_url.rstrip("/") + "/")
        self.token = token or None
        self._username = username or None
        self._password = password or None
        self._client_uuid = client_uuid or str(uuid.uuid4())
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._login_lock = asyncio.Lock()
        self.request_count = 0

    @property
    def base_url(self) -> str:
        """The server root."""
        return str(self._base_url).rstrip("/")

    async def login(self) -> str:
        """Obtain a token with the user name and password (``POST /auth/login/``).

        Returns:
            The token (also kept for the next calls).

        Raises:
            FindFaceAuthenticationError: no credentials, or they were refused.
        """
        if not (self._username and self._password):
            raise FindFaceAuthenticationError("No user name and password to log in with")
        answer = await self._request(
            "POST",
            "auth/login/",
            json={"uuid": self._client_uuid},
            authorization=basic_authorization(self._username, self._password),
        )
        token = answer.get("token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            raise FindFaceApiError("The login answer carries no token")
        self.token = token
        return token

    async def cameras(self) -> list[Camera]:
        """Every camera (``GET /cameras/``, all pages)."""
        return [Camera.from_api(item) for item in await self._list("cameras/")]

    async def camera_groups(self) -> list[NamedObject]:
        """Every camera group (``GET /camera-groups/``)."""
        return [NamedObject.from_api(item) for item in await self._list("camera-groups/")]

    async def watch_lists(self) -> list[NamedObject]:
        """Every watch list (``GET /watch-lists/``)."""
        return [NamedObject.from_api(item) for item in await self._list("watch-lists/")]

    async def counters(self) -> list[NamedObject]:
        """Every counter (``GET /counters/``)."""
        return [NamedObject.from_api(item) for item in await self._list("counters/")]

    async def areas(self) -> list[NamedObject]:
        """Every area (``GET /areas/``)."""
        return [NamedObject.from_api(item) for item in await self._list("areas/")]

    async def card(self, kind: str, card_id: int) -> NamedObject:
        """A card by id (``GET /cards/{kind}/{id}/``, kind ``humans`` or ``cars``)."""
        answer = await self._call("GET", f"cards/{kind}/{card_id}/")
        if not isinstance(answer, dict):
            raise FindFaceApiError("Expected a card object")
        return NamedObject.from_api(answer)

    async def create_hook(
        self,
        name: str,
        url: str,
        *,
        batch_size: int = 1,
        send_attempts: int = 10,
        filters: dict[str, Any] | None = None,
    ) -> Hook:
        """Create an active webhook (``POST /hooks/``) and return it with its id."""
        body: dict[str, Any] = {
            "name": name,
            "url": url,
            "active": True,
            "batch_size": batch_size,
            "send_attempts": send_attempts,
            "filters": filters or {},
        }
        answer = await self._call("POST", "hooks/", json=body)
        if not isinstance(answer, dict):
            raise FindFaceApiError("Expected a hook object")
        return Hook(
            id=_int(answer, "id"),
            name=name,
            url=url,
            batch_size=batch_size,
            send_attempts=send_attempts,
            filters=filters or {},
        )

    async def delete_hook(self, hook_id: int) -> None:
        """Delete a webhook (``DELETE /hooks/{id}/``); one that is already gone is fine."""
        try:
            await self._call("DELETE", f"hooks/{hook_id}/", expect_body=False)
        except FindFaceApiError as err:
            if err.status != 404:
                raise

    async def _list(self, path: str) -> list[dict[str, Any]]:
        """Every item of a cursor-paged list, following ``next_page`` to the end.

        At most ``MAX_LIST_PAGES`` pages and ``MAX_LIST_ITEMS`` items; a list beyond either, or a
        page of another shape, raises FindFaceApiError (never a list silently cut short).
        """
        items: list[dict[str, Any]] = []
        params: dict[str, str] | None = {"limit": "100"}
        seen: set[str] = set()
        for _ in range(MAX_LIST_PAGES):
            answer = await self._call("GET", path, params=params)
            if isinstance(answer, list):
                page, next_page = answer, None
            elif isinstance(answer, dict) and isinstance(answer.get("results"), list):
                page, next_page = answer["results"], answer.get("next_page")
            else:
                raise FindFaceApiError(f"Unexpected list answer from {path}")
            items.extend(item for item in page if isinstance(item, dict))
            if len(items) > MAX_LIST_ITEMS:
                raise FindFaceApiError(f"More than {MAX_LIST_ITEMS} items in {path}")
            if not isinstance(next_page, str) or not next_page or next_page in seen:
                return items
            if len(next_page) > MAX_ATTRIBUTE_TEXT * 2:
                raise FindFaceApiError(f"Unexpected next page link from {path}")
            seen.add(next_page)
            try:
                link = URL(next_page)
            except ValueError as err:
                raise FindFaceApiError(f"Unexpected next page link from {path}") from err
            params = dict(link.query) if link.query else None
            path = link.path.lstrip("/") or path
        raise FindFaceApiError(f"More than {MAX_LIST_PAGES} pages in {path}")

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        expect_body: bool = True,
    ) -> Any:
        """An authenticated call; logs in (again) once when it has credentials and gets 401."""
        if self.token is None:
            async with self._login_lock:
                if self.token is None:
                    await self.login()
        token = self.token
        try:
            return await self._request(
                method, path, params=params, json=json, token=token, expect_body=expect_body
            )
        except FindFaceAuthenticationError:
            if not (self._username and self._password):
                raise
        async with self._login_lock:
            if self.token == token:
                await self.login()
        return await self._request(
            method, path, params=params, json=json, token=self.token, expect_body=expect_body
        )

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        token: str | None = None,
        authorization: str | None = None,
        expect_body: bool = True,
    ) -> Any:
        """Send one request and decode its answer; maps every failure to a FindFaceError."""
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Token {token}"
        elif authorization is not None:
            headers["Authorization"] = authorization
        self.request_count += 1
        try:
            async with self._session.request(
                method,
                self._base_url.join(URL(path)),
                params=params,
                json=json,
                headers=headers,
                timeout=self._timeout,
            ) as response:
                if response.status in (401, 403):
                    raise FindFaceAuthenticationError(
                        f"The FindFace server refused the credentials (HTTP {response.status})"
                    )
                if response.status >= 400:
                    raise FindFaceApiError(
                        f"The FindFace server answered HTTP {response.status} to {method} /{path}",
                        response.status,
                    )
                if not expect_body or response.status == 204:
                    return None
                return _decode(await _read_bounded(response, path), path)
        except TimeoutError as err:
            raise FindFaceConnectionError(
                f"Timeout talking to the FindFace server (/{path})"
            ) from err
        except aiohttp.ClientError as err:
            raise FindFaceConnectionError(f"Cannot reach the FindFace server: {err}") from err


async def _read_bounded(response: aiohttp.ClientResponse, path: str) -> bytes:
    """The answer's body, refusing one over ``MAX_RESPONSE_BYTES`` before reading it whole."""
    if response.content_length is not None and response.content_length > MAX_RESPONSE_BYTES:
        raise FindFaceApiError(f"Answer from /{path} is too large")
    body = bytearray()
    while chunk := await response.content.read(65536):
        body += chunk
        if len(body) > MAX_RESPONSE_BYTES:
            raise FindFaceApiError(f"Answer from /{path} is too large")
    return bytes(body)


def _decode(body: bytes, path: str) -> Any:
    """JSON of a REST answer; FindFaceApiError when it is not JSON.

    orjson refuses nesting deeper than 1024 levels with an error (the standard library would
    raise RecursionError), and nothing in this module walks a decoded answer recursively.
    """
    if not body.strip():
        return None  # as aiohttp's ``json()``: an empty answer is no value
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as err:
        raise FindFaceApiError(f"Malformed JSON from /{path}") from err


def _int(item: Mapping[str, Any], key: str) -> int:
    value = optional_int(item.get(key))
    if value is None:
        raise FindFaceApiError(f"Expected an integer '{key}'")
    return value


def optional_int(value: Any, *, maximum: int = MAX_ID) -> int | None:
    """An id as an int in [0, ``maximum``]: an int, a digit string or an object with an ``id``.

    Objects are looked into at most ``MAX_ID_DEPTH`` levels (iteratively); anything else,
    negative, larger than ``maximum`` or a bool is None.
    """
    for _ in range(MAX_ID_DEPTH + 1):
        if not isinstance(value, dict):
            break
        value = value.get("id")
    if isinstance(value, str):
        text = value.strip()
        if not 0 < len(text) <= 20 or not text.isascii() or not text.isdigit():
            return None
        value = int(text, 10)
    if isinstance(value, float):
        return None
    return bounded_int(value, minimum=0, maximum=maximum)


def optional_float(
    value: Any, *, minimum: float | None = None, maximum: float | None = None
) -> float | None:
    """A finite number (or a short numeric text) as a float within the bounds given, else None."""
    if isinstance(value, str):
        if len(value) > MAX_NUMERIC_TEXT:
            return None
        try:
            value = float(value)
        except ValueError:
            return None
    bounds: dict[str, float] = {}
    if minimum is not None:
        bounds["minimum"] = minimum
    if maximum is not None:
        bounds["maximum"] = maximum
    return finite_number(value, **bounds)


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 text as a sane aware time in UTC (``bounds.parse_time``; naive read as UTC)."""
    if not isinstance(value, str):
        return None
    return parse_time(value)
