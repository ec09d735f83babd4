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
import math
from typing import Any, Final
import uuid

import aiohttp
from yarl import URL

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
        """Build from an API object; raises FindFaceApiError when ``id`` is missing."""
        health = item.get("health_status")
        return cls(
            id=_int(item, "id"),
            name=str(item.get("name") or f"Camera {item.get('id')}"),
            group=optional_int(item.get("group")),
            active=bool(item.get("active", True)),
            url=item.get("url") if isinstance(item.get("url"), str) else None,
            health=HealthStatus(
                enabled=health.get("enabled"),
                status=health["status"] if isinstance(health.get("status"), str) else None,
                message=health["msg"] if isinstance(health.get("msg"), str) else None,
            )
            if isinstance(health, dict)
            else None,
            latitude=optional_float(item.get("latitude")),
            longitude=optional_float(item.get("longitude")),
        )


@dataclass(frozen=True, slots=True)
class NamedObject:
    """Anything listed by id and name: camera groups, watch lists, counters, areas, cards."""

    id: int
    name: str

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> NamedObject:
        """Build from an API object; raises FindFaceApiError when ``id`` is missing."""
        return cls(id=_int(item, "id"), name=str(item.get("name") or item.get("id")))


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
        if not isinstance(token, str) or not token:
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
        """Every item of a cursor-paged list, following ``next_page`` to the end."""
        items: list[dict[str, Any]] = []
        params: dict[str, str] | None = {"limit": "100"}
        seen: set[str] = set()
        while True:
            answer = await self._call("GET", path, params=params)
            if isinstance(answer, list):
                page, next_page = answer, None
            elif isinstance(answer, dict) and isinstance(answer.get("results"), list):
                page, next_page = answer["results"], answer.get("next_page")
            else:
                raise FindFaceApiError(f"Unexpected list answer from {path}")
            items.extend(item for item in page if isinstance(item, dict))
            if not next_page or next_page in seen:
                return items
            seen.add(next_page)
            cursor = URL(next_page).query
            params = dict(cursor) if cursor else None
            path = URL(next_page).path.lstrip("/") or path

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
                try:
                    return await response.json(content_type=None)
                except ValueError as err:
                    raise FindFaceApiError(f"Malformed JSON from /{path}") from err
        except TimeoutError as err:
            raise FindFaceConnectionError(
                f"Timeout talking to the FindFace server (/{path})"
            ) from err
        except aiohttp.ClientError as err:
            raise FindFaceConnectionError(f"Cannot reach the FindFace server: {err}") from err


def _int(item: Mapping[str, Any], key: str) -> int:
    value = optional_int(item.get(key))
    if value is None:
        raise FindFaceApiError(f"Expected an integer '{key}'")
    return value


def optional_int(value: Any) -> int | None:
    """An id as an int: ints, digit strings and objects with an ``id``; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip(), 10)
        except ValueError:
            return None
    if isinstance(value, dict):
        return optional_int(value.get("id"))
    return None


def optional_float(value: Any) -> float | None:
    """A number as a float; None when absent or not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 text as a datetime (None when absent or malformed)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
