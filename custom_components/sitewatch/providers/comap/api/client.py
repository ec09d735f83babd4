"""Async client for the ComAp Cloud Identity and WebSupervisor (WSV) API v1.1.

Pure aiohttp on the shared ``http.HttpClient``, no Home Assistant imports. Wire facts:
``docs/providers/comap.md`` (hosts, paths and answer shapes) and the public ``comap`` package
documentation.

Every WSV call carries ``Comap-Key`` and ``Authorization: Bearer <token>``. The bearer token
comes from ``POST /identity/application/authenticate`` (the only call that ever sees the secret),
is reused until shortly before ``expires_in`` and is fetched again once when a call answers 401.

Every request of a client (the identity call included) goes through one ``RequestBudget``: at
most ``RATE_LIMIT`` requests in any ``RATE_WINDOW`` seconds, the simulator's limit per
``Comap-Key`` with a margin (ComAp documents none). A 429 is waited out within the budget's
bounds and the request sent again; past them the call raises ``ComapRateLimitError``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
import re
import time
from typing import Any, Final
from urllib.parse import quote

import aiohttp
from yarl import URL

from ....http import HttpClient, RequestBudget, retry_after_seconds
from .exceptions import (
    ComapApiError,
    ComapAuthenticationError,
    ComapCommandNotConfirmedError,
    ComapConnectionError,
    ComapFileTooLargeError,
    ComapRateLimitError,
)
from .models import (
    COMMAND_MODES,
    MAX_COMMAND_ANSWER,
    ComapCommand,
    Comment,
    File,
    Token,
    Unit,
    UnitInfo,
    Value,
    ValueHistory,
    check_command_answer,
    decode,
    decode_list,
)

DEFAULT_BASE_URL: Final = "https://api.websupervisor.net"
DEFAULT_TIMEOUT: Final = 15.0
TOKEN_REFRESH_MARGIN: Final = 60.0
"""Seconds before ``expires_in`` runs out at which a new token is fetched."""
RATE_LIMIT: Final = 10
"""Requests in any ``RATE_WINDOW``: the simulator admits 10 a second per ``Comap-Key``."""
RATE_WINDOW: Final = 1.1
"""Seconds of the budget's window: a tenth more than the API's second, so that requests that
left in time but arrived closer together (network jitter) still fit the API's window."""
MAX_RATE_LIMIT_WAIT: Final = 30.0
"""Longest ``Retry-After`` waited out within a call; a longer one fails the call."""
DOWNLOAD_CHUNK: Final = 65_536
"""Bytes read at a time from a file download."""
RATE_LIMIT_PATIENCE: Final = 60.0
"""Longest a call waits through repeated 429s in all before it fails."""


def comap_budget(sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> RequestBudget:
    """The request budget of one client: ``RATE_LIMIT`` per ``RATE_WINDOW`` s, 429s waited out."""
    return RequestBudget(
        RATE_LIMIT,
        RATE_WINDOW,
        max_wait=MAX_RATE_LIMIT_WAIT,
        patience=RATE_LIMIT_PATIENCE,
        sleep=sleep,
    )


class ComapClient(HttpClient):
    """Client of one ComAp account: identity (bearer token) plus WSV v1.1 calls for one login id.

    Args:
        session: the aiohttp session to use (Home Assistant's shared one); never closed here.
        comap_key: the ``Comap-Key`` from the user's ComAp profile.
        client_id: application registration id (sent only to the identity call).
        secret: application secret (sent only to the identity call).
        login_id: the WebSupervisor user name used in every WSV path.
        base_url: API root, ``https://api.websupervisor.net`` by default.
        request_timeout: seconds for one request, including reading its body.
        budget: the pace of the requests (``comap_budget(sleep)`` when None).
        sleep: how the default budget waits (``asyncio.sleep``; tests pass a fake).

    Every call raises ``ComapAuthenticationError``, ``ComapConnectionError``,
    ``ComapRateLimitError`` or ``ComapApiError``.
    """

    service = "the ComAp API"
    auth_error = ComapAuthenticationError
    connection_error = ComapConnectionError
    api_error = ComapApiError
    private_urls = True  # every WSV path holds the login id

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
        budget: RequestBudget | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Keep the credentials; no request is made until the first call."""
        super().__init__(
            session,
            base_url=base_url,
            request_timeout=request_timeout,
            budget=budget or comap_budget(sleep),
        )
        self._comap_key = comap_key
        self._client_id = client_id
        self._secret = secret
        self.login_id = login_id
        self._token: str | None = None
        self._token_valid_until = 0.0
        self._token_lock = asyncio.Lock()

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
        token = decode(Token, payload)
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
        return decode_list(Unit, payload, "units")

    async def values(self, unit_guid: str, value_guids: list[str] | None = None) -> list[Value]:
        """Read a unit's values (``GET /v1.1/{login_id}/units/{unit_guid}/values``).

        Args:
            unit_guid: the unit.
            value_guids: the values wanted; None (or empty) asks for every value the unit has.
        """
        params = {"valueGuids": ",".join(value_guids)} if value_guids else None
        payload = await self._wsv("GET", f"units/{unit_guid}/values", params=params)
        return decode_list(Value, payload, "values")

    async def info(self, unit_guid: str) -> UnitInfo:
        """Read a unit's information (``GET /v1.1/{login_id}/units/{unit_guid}/info``)."""
        return decode(UnitInfo, await self._wsv("GET", f"units/{unit_guid}/info"))

    async def comments(self, unit_guid: str) -> list[Comment]:
        """Read a unit's comments (``GET /v1.1/{login_id}/units/{unit_guid}/comments``)."""
        payload = await self._wsv("GET", f"units/{unit_guid}/comments")
        return decode_list(Comment, payload, "comments")

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
        return decode_list(ValueHistory, payload, "values")

    async def files(self, unit_guid: str) -> list[File]:
        """List files stored on the controller (``GET .../units/{unit_guid}/files``)."""
        payload = await self._wsv("GET", f"units/{unit_guid}/files")
        return decode_list(File, payload, "files")

    async def download(self, unit_guid: str, file_name: str) -> bytes:
        """Download a controller file (``GET /v1.1/{login_id}/unit/{unit_guid}/download/{name}``).

        Note the singular ``unit`` in this path. Returns the raw bytes (whole, in memory: use
        ``download_to`` for a file of unknown size).

        Raises:
            ValueError: ``file_name`` is empty, ``.`` or ``..`` (nothing is sent).
        """
        content: bytes = await self._wsv("GET", _download_path(unit_guid, file_name), binary=True)
        return content

    async def download_to(
        self,
        unit_guid: str,
        file_name: str,
        write: Callable[[bytes], Awaitable[None]],
        *,
        max_bytes: int,
    ) -> int:
        """Stream a controller file (the ``download`` call) chunk by chunk into ``write``.

        The name is sent percent-encoded as one path segment, so a ``/`` or ``..`` in it never
        reaches another path. At most ``max_bytes`` are read: a larger ``Content-Length`` is
        refused before the body is read, a longer body as soon as it passes the limit (what
        ``write`` received by then is the caller's to discard).

        Returns:
            The number of bytes written.

        Raises:
            ValueError: ``file_name`` is empty, ``.`` or ``..`` (nothing is sent).
            ComapFileTooLargeError: the file is larger than ``max_bytes``.
            ComapError: any other failure, as every call.
        """
        written: int = await self._wsv(
            "GET", _download_path(unit_guid, file_name), sink=write, max_bytes=max_bytes
        )
        return written

    async def command(self, unit_guid: str, command: str, mode: str | None = None) -> None:
        """Send a command (``POST /v1.1/{login_id}/units/{unit_guid}/command``) and check it.

        Returns only when the API answered the documented success answer (see
        ``check_command_answer``); the answer is always read.

        Args:
            unit_guid: the unit.
            command: one of ``ComapCommand`` (start, stop, faultReset, changeMcb, changeGcb,
                changeMode).
            mode: for ``changeMode``, one of ``COMMAND_MODES`` (``off``, ``man``, ``aut``,
                ``test``, as documented).

        Raises:
            ValueError: ``changeMode`` without a documented mode (nothing is sent).
            ComapCommandNotConfirmedError: a 2xx answer that is not the success answer.
            ComapError: any other failure (status, timeout, credentials), as every call.
        """
        body: dict[str, str] = {"command": command}
        if command == ComapCommand.CHANGE_MODE and mode not in COMMAND_MODES:
            raise ValueError(f"changeMode needs one of {', '.join(COMMAND_MODES)}")
        if mode is not None:
            body["mode"] = mode
        answer: bytes = await self._wsv(
            "POST",
            f"units/{unit_guid}/command",
            json=body,
            binary=True,
            max_bytes=MAX_COMMAND_ANSWER,
            wait_out_429=False,  # a genset command is not delayed: refused, it fails at once
        )
        try:
            check_command_answer(answer, command)
        except ComapCommandNotConfirmedError as err:
            raise ComapCommandNotConfirmedError(self._redact(err.reason)) from None

    def _redact(self, text: str) -> str:
        """``text`` with the credentials and the login id this client knows replaced by ***."""
        for secret in (self._comap_key, self._client_id, self._secret, self.login_id, self._token):
            if secret:
                text = re.sub(re.escape(secret), "***", text, flags=re.IGNORECASE)
        return text

    # -- transport ----------------------------------------------------------------------------

    async def _wsv(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        binary: bool = False,
        sink: Callable[[bytes], Awaitable[None]] | None = None,
        max_bytes: int | None = None,
        wait_out_429: bool = True,
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
                    sink=sink,
                    max_bytes=max_bytes,
                    label=_label(path),
                    wait_out_429=wait_out_429,
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
        sink: Callable[[bytes], Awaitable[None]] | None = None,
        max_bytes: int | None = None,
        label: str | None = None,
        wait_out_429: bool = True,
    ) -> Any:
        """Send one request and decode its answer; maps every failure to a ComapError.

        ``binary`` returns the raw body (at most ``max_bytes`` plus one byte when given, so that
        the caller can tell a larger body); ``sink`` receives the body chunk by chunk (at most
        ``max_bytes``, else ``ComapFileTooLargeError``) and the byte count is returned;
        otherwise the body is decoded as JSON.
        ``wait_out_429`` waits out a short ``Retry-After`` (the budget's bounds) before a 429
        becomes ``ComapRateLimitError``; otherwise the first 429 does.
        ``label`` names the call in error messages (the path without the login id): no message
        of this client contains the login id, a credential or a URL.
        """
        label = label or path
        headers = {"Comap-Key": self._comap_key, "Accept": "application/json"}
        if authorized:
            headers["Authorization"] = f"Bearer {token}"
        url = self._base_url.join(URL(path))
        async with self._response(
            method,
            url,
            where=label,
            wait_out_429=wait_out_429,
            params=params,
            json=json,
            headers=headers,
        ) as response:
            if response.status == 401 and authorized:
                raise _Unauthorized
            if response.status == 429:
                raise ComapRateLimitError(retry_after_seconds(response.headers.get("Retry-After")))
            self._check_status(response, f"{method} {label}")
            if sink is not None:
                return await _stream(response, sink, max_bytes or 0)
            if binary:
                if max_bytes is not None:
                    return await _read_at_most(response, max_bytes + 1)
                return await response.read()
            try:
                return await response.json(content_type=None)
            except (ValueError, RecursionError):
                raise ComapApiError(f"The ComAp API answered {label} with malformed JSON") from None


def _label(path: str) -> str:
    """How a call is named in messages: its path, a download's without the file name."""
    head, found, _ = path.partition("/download/")
    return f"{head}/download" if found else path


def _download_path(unit_guid: str, file_name: str) -> str:
    """The download path of a file, its name percent-encoded as one path segment."""
    if file_name.strip() in ("", ".", ".."):
        raise ValueError("Not a file name")
    return f"unit/{unit_guid}/download/{quote(file_name, safe='')}"


async def _stream(
    response: aiohttp.ClientResponse, sink: Callable[[bytes], Awaitable[None]], limit: int
) -> int:
    """Pass the body to ``sink`` in chunks; raise ComapFileTooLargeError past ``limit`` bytes."""
    if response.content_length is not None and response.content_length > limit:
        raise ComapFileTooLargeError(limit)
    size = 0
    async for chunk in response.content.iter_chunked(DOWNLOAD_CHUNK):
        size += len(chunk)
        if size > limit:
            raise ComapFileTooLargeError(limit)
        await sink(chunk)
    return size


class _Unauthorized(Exception):
    """Internal: a WSV call answered 401, so the token should be fetched again."""


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """The body, or its first ``limit`` bytes when it is longer (read chunk by chunk)."""
    chunks: list[bytes] = []
    size = 0
    while size < limit and (chunk := await response.content.read(limit - size)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
