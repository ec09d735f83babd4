"""The base of the providers' HTTP clients: one request, its timeout, its failures as errors.

No Home Assistant import: a provider's ``api`` builds its client on ``HttpClient`` and stays a
plain aiohttp client. The shared layer never imports a provider; each client names its own
exception classes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, ClassVar

import aiohttp
import orjson
from yarl import URL


class HttpApiError(Exception):
    """Base of a provider's ``api_error``: an error status, or a body of an unexpected shape.

    Attributes:
        status: the HTTP status, or None when the status was fine but the body was not.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        """Store the message and the HTTP status (None for a malformed body)."""
        super().__init__(message)
        self.status = status


class HttpClient:
    """A provider's client on a shared aiohttp session (never closed here).

    A subclass names its ``service`` and exception classes. ``_response`` sends one request
    within the timeout and counts it; a timeout or transport failure becomes
    ``connection_error``. ``_check_status`` turns 401/403 into ``auth_error`` and any other
    error status into ``api_error``; ``_decode_json`` turns a body that is not JSON into
    ``api_error``.
    """

    service: ClassVar[str]
    """How messages name the provider: ``the ComAp API``, ``Moonsense``."""
    auth_error: ClassVar[type[Exception]]
    """Raised for HTTP 401 and 403: the credentials were refused."""
    connection_error: ClassVar[type[Exception]]
    """Raised for a timeout or a transport failure (unreachable, TLS, disconnected)."""
    api_error: ClassVar[type[Exception]]
    """Raised as ``api_error(message, status)`` for another error status or a malformed body."""
    private_urls: ClassVar[bool] = False
    """The URLs hold an account identifier: a transport failure is named by its type only (the
    text of some aiohttp errors holds the URL) and not chained."""

    def __init__(
        self, session: aiohttp.ClientSession, *, base_url: str, request_timeout: float
    ) -> None:
        """Send on ``session`` to ``base_url``, each request within ``request_timeout`` s."""
        self._session = session
        self._base_url = URL(base_url.rstrip("/") + "/")
        """The API root, with one trailing ``/`` so that relative paths join under it."""
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self.request_count = 0
        """Requests sent so far; for diagnostics and benchmarks."""

    @property
    def base_url(self) -> str:
        """The API root this client talks to (without a trailing ``/``)."""
        return str(self._base_url).rstrip("/")

    @asynccontextmanager
    async def _response(
        self, method: str, url: URL, *, where: str = "", **kwargs: Any
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Send one request and yield its answer (also while the body is read).

        ``where`` names the call in messages (a path without account identifiers); ``kwargs``
        go to ``aiohttp.ClientSession.request``.

        Raises:
            connection_error: the request or the reading of its answer timed out or failed.
        """
        self.request_count += 1
        try:
            async with self._session.request(
                method, url, timeout=self._timeout, **kwargs
            ) as response:
                yield response
        except TimeoutError as err:
            place = f" ({where})" if where else ""
            raise self.connection_error(f"Timeout talking to {self.service}{place}") from err
        except aiohttp.ClientError as err:
            if self.private_urls:
                raise self.connection_error(
                    f"Cannot reach {self.service} ({where}): {type(err).__name__}"
                ) from None
            raise self.connection_error(f"Cannot reach {self.service}: {err}") from err

    def _check_status(self, response: aiohttp.ClientResponse, request: str = "") -> None:
        """Raise ``auth_error`` for 401/403 and ``api_error`` for another status from 400 on.

        ``request`` names the call in the message (``GET /cameras/``; none when empty).
        """
        status = response.status
        if status in (401, 403):
            raise self.auth_error(f"{self._subject} refused the credentials (HTTP {status})")
        if status >= 400:
            to = f" to {request}" if request else ""
            raise self.api_error(f"{self._subject} answered HTTP {status}{to}", status)

    def _decode_json(self, body: bytes, where: str) -> Any:
        """JSON of an answer's body; ``api_error`` when it is not JSON.

        orjson refuses nesting deeper than 1024 levels with an error (the standard library would
        raise RecursionError).
        """
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as err:
            raise self.api_error(f"Malformed JSON from {where}", None) from err

    @property
    def _subject(self) -> str:
        """``service`` at the start of a sentence."""
        return self.service[:1].upper() + self.service[1:]
