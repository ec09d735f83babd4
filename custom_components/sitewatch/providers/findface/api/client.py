"""Async client for the FindFace Multi REST API (about version 2.1).

Pure aiohttp on the shared ``http.HttpClient``, no Home Assistant imports. Wire facts:
``docs/providers/findface.md``.
Paths sit at the server root with trailing slashes; every call carries
``Authorization: Token <token>``. A token is either given by the user or obtained with
``POST /auth/login/`` (HTTP Basic credentials); with credentials the client logs in again once
when a call answers 401.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Mapping
from typing import Any, Final
import uuid

import aiohttp
from yarl import URL

from ....bounds import MAX_ATTRIBUTE_TEXT
from ....http import HttpClient
from .exceptions import (
    FindFaceApiError,
    FindFaceAuthenticationError,
    FindFaceConnectionError,
)
from .models import Camera, CounterInfo, Hook, NamedObject, required_int

DEFAULT_TIMEOUT: Final = 15.0
"""Seconds one request may take."""
MAX_RESPONSE_BYTES: Final = 16 * 1024 * 1024
"""Largest REST answer read; a larger one is an API error (never read whole)."""
MAX_LIST_PAGES: Final = 1000
"""Most pages one list is followed through (100 items a page)."""
MAX_LIST_ITEMS: Final = 100_000
"""Most items one list may hold; more is an API error rather than a list cut short."""
MAX_TOKEN_LENGTH: Final = 4096
"""Longest token accepted from ``/auth/login/`` (it is sent in a header on every call)."""


def basic_authorization(username: str, password: str) -> str:
    """The ``Authorization`` header value of HTTP Basic authentication (RFC 7617, UTF-8)."""
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {credentials}"


class FindFaceClient(HttpClient):
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

    service = "the FindFace server"
    auth_error = FindFaceAuthenticationError
    connection_error = FindFaceConnectionError
    api_error = FindFaceApiError

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
        super().__init__(session, base_url=base_url, request_timeout=request_timeout)
        self.token = token or None
        self._username = username or None
        self._password = password or None
        self._client_uuid = client_uuid or str(uuid.uuid4())
        self._login_lock = asyncio.Lock()

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

    async def counters(self) -> list[CounterInfo]:
        """Every counter with its cameras (``GET /counters/``, all pages)."""
        return [CounterInfo.from_api(item) for item in await self._list("counters/")]

    async def areas(self) -> list[NamedObject]:
        """Every area (``GET /areas/``)."""
        return [NamedObject.from_api(item) for item in await self._list("areas/")]

    async def cards(self, kind: str, limit: int) -> list[NamedObject]:
        """The first ``limit`` cards (``GET /cards/{kind}/``, kind ``humans`` or ``cars``).

        Pages are followed only until ``limit`` cards are read.
        """
        return [
            NamedObject.from_api(item) for item in await self._list(f"cards/{kind}/", limit=limit)
        ]

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
        body = {"name": name, **_hook_fields(url, True, batch_size, send_attempts, filters or {})}
        answer = await self._hook_call("POST", "hooks/", body)
        return Hook(
            id=required_int(answer, "id"),
            name=name,
            url=url,
            batch_size=batch_size,
            send_attempts=send_attempts,
            filters=filters or {},
        )

    async def hook(self, hook_id: int) -> Hook:
        """A webhook by id (``GET /hooks/{id}/``); a 404 raises FindFaceApiError(404)."""
        return Hook.from_api(await self._hook_call("GET", f"hooks/{hook_id}/"))

    async def update_hook(
        self,
        hook_id: int,
        *,
        url: str,
        active: bool = True,
        batch_size: int,
        send_attempts: int,
        filters: dict[str, Any],
    ) -> Hook:
        """Change a webhook in place (``PATCH /hooks/{id}/``); it keeps its id and its queue.

        Sends ``url``, ``active``, ``batch_size``, ``send_attempts`` and ``filters`` (the name is
        left as it is). Raises FindFaceApiError(404) when the hook is gone, (405) when the
        server does not take PATCH.
        """
        body = _hook_fields(url, active, batch_size, send_attempts, filters)
        return Hook.from_api(await self._hook_call("PATCH", f"hooks/{hook_id}/", body))

    async def _hook_call(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A ``/hooks/`` call answering a hook object (FindFaceApiError for anything else)."""
        answer = await self._call(method, path, json=body)
        if not isinstance(answer, dict):
            raise FindFaceApiError("Expected a hook object")
        return answer

    async def delete_hook(self, hook_id: int) -> None:
        """Delete a webhook (``DELETE /hooks/{id}/``); one that is already gone is fine."""
        try:
            await self._call("DELETE", f"hooks/{hook_id}/", expect_body=False)
        except FindFaceApiError as err:
            if err.status != 404:
                raise

    async def _list(self, path: str, *, limit: int | None = None) -> list[dict[str, Any]]:
        """Every item of a cursor-paged list, following ``next_page`` to the end.

        At most ``MAX_LIST_PAGES`` pages and ``MAX_LIST_ITEMS`` items; a list beyond either, or a
        page of another shape, raises FindFaceApiError (never a list silently cut short). With
        ``limit``, the first ``limit`` items (pages are read until that many are).
        """
        items: list[dict[str, Any]] = []
        params: dict[str, str] | None = {"limit": str(min(limit or 100, 100))}
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
            if limit is not None and len(items) >= limit:
                return items[:limit]
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
        url = self._base_url.join(URL(path))
        async with self._response(
            method, url, where=f"/{path}", params=params, json=json, headers=headers
        ) as response:
            self._check_status(response, f"{method} /{path}")
            if not expect_body or response.status == 204:
                return None
            body = await _read_bounded(response, path)
        if not body.strip():
            return None  # as aiohttp's ``json()``: an empty answer is no value
        return self._decode_json(body, f"/{path}")


def _hook_fields(
    url: str, active: bool, batch_size: int, send_attempts: int, filters: dict[str, Any]
) -> dict[str, Any]:
    """The delivery fields of a hook body (``POST``/``PATCH /hooks/``)."""
    return {
        "url": url,
        "active": active,
        "batch_size": batch_size,
        "send_attempts": send_attempts,
        "filters": filters,
    }


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
