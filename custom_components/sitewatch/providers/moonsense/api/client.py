"""Async client of the Moonsense Cloud API v2 (control plane and data planes), on aiohttp.

The control plane is ``https://api.{root}``, a session's data (chunks of SealedBundle JSON lines)
is on ``https://{region}.data-api.{root}``. A root given as a full URL ``BASE`` (the simulator,
tests) means control plane ``BASE`` and data plane ``BASE/data/{region}``. Wire facts:
``docs/providers/moonsense.md``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, Final

import aiohttp
import orjson
from yarl import URL

from ....bounds import bounded_text
from ....http import HttpClient
from .exceptions import (
    BundleParseError,
    MoonsenseApiError,
    MoonsenseAuthenticationError,
    MoonsenseConnectionError,
)
from .models import Chunk, Readings, Session
from .parsing import MAX_ID_TEXT, as_int, as_time, optional_id, snake_keys

DEFAULT_ROOT: Final = "moonsense.cloud"
DEFAULT_REGION: Final = "us-central1.gcp"
DEFAULT_TIMEOUT: Final = 20.0
PER_PAGE: Final = 50
MAX_PAGES: Final = 200


def _rfc3339(moment: datetime) -> str:
    """RFC 3339 (a naive datetime is taken as UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


class MoonsenseClient(HttpClient):
    """Client of one Moonsense secret token.

    Args:
        session: the aiohttp session to use (Home Assistant's shared one); never closed here.
        token: the secret token (``Authorization: Bearer``).
        root: the root domain (``moonsense.cloud``), or a full URL for another deployment.
        default_region: the data plane region when a session does not name its own.

    Every call raises ``MoonsenseAuthenticationError``, ``MoonsenseConnectionError`` or
    ``MoonsenseApiError``.
    """

    service = "Moonsense"
    auth_error = MoonsenseAuthenticationError
    connection_error = MoonsenseConnectionError
    api_error = MoonsenseApiError

    def __init__(
        self,
        session: aiohttp.ClientSession,
        token: str,
        root: str = DEFAULT_ROOT,
        default_region: str = DEFAULT_REGION,
        request_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Keep the token; no request is made until the first call."""
        super().__init__(session, base_url=root, request_timeout=request_timeout)
        self._token = token
        self.root = root.strip().rstrip("/")
        self.default_region = default_region

    @property
    def control_url(self) -> str:
        """The control plane's base URL."""
        if "://" in self.root:
            return self.root
        return f"https://api.{self.root}"

    def data_url(self, region: str | None = None) -> str:
        """The data plane's base URL for ``region`` (the default region when None)."""
        region = region or self.default_region
        if "://" in self.root:
            return f"{self.root}/data/{region}"
        return f"https://{region}.data-api.{self.root}"

    async def whoami(self) -> dict[str, str]:
        """The token's description (``GET /v2/tokens/self``): its text fields (app_id, ...).

        Keys in snake_case; only fields holding text (at most ``MAX_ID_TEXT`` characters) are
        kept, so a nested or oversized value never reaches a unique id or a title.
        """
        answer = snake_keys(await self._get(f"{self.control_url}/v2/tokens/self"))
        if answer is None:
            raise MoonsenseApiError("Expected an object from /v2/tokens/self")
        return {
            key: text
            for key, value in answer.items()
            if isinstance(value, str)
            and len(value) <= MAX_ID_TEXT
            and (text := bounded_text(value, MAX_ID_TEXT)) is not None
        }

    async def sessions(
        self,
        *,
        min_created_at: datetime | None = None,
        max_created_at: datetime | None = None,
        labels: list[str] | None = None,
        journey_id: str | None = None,
        platforms: list[str] | None = None,
        per_page: int = PER_PAGE,
    ) -> list[Session]:
        """Every session matching the filters, following the pages to the end.

        An item that is not a session with a usable id is skipped (the others are kept).
        """
        params: list[tuple[str, str]] = [("per_page", str(per_page))]
        if min_created_at is not None:
            params.append(("filter[min_created_at]", _rfc3339(min_created_at)))
        if max_created_at is not None:
            params.append(("filter[max_created_at]", _rfc3339(max_created_at)))
        params.extend(("filter[labels][]", label) for label in labels or [])
        if journey_id:
            params.append(("filter[journey_id]", journey_id))
        params.extend(("filter[platforms][]", platform) for platform in platforms or [])
        sessions: list[Session] = []
        async for item in self._pages(f"{self.control_url}/v2/sessions", "sessions", params):
            try:
                sessions.append(Session.from_api(item))
            except MoonsenseApiError:
                continue
        return sessions

    async def session(self, session_id: str, view: str = "minimal") -> Session:
        """One session (``GET /v2/sessions/{id}``)."""
        answer = await self._get(f"{self.control_url}/v2/sessions/{session_id}", [("view", view)])
        return Session.from_api(answer)

    async def chunks(self, session: Session) -> list[Chunk]:
        """The persisted chunks of a session, from its region's data plane (all pages)."""
        chunks: list[Chunk] = []
        base = f"{self.data_url(session.region_id)}/v2/sessions/{session.session_id}/chunks"
        async for raw in self._pages(base, "chunks", [("per_page", str(PER_PAGE))]):
            item = snake_keys(raw) or {}
            chunk_id = optional_id(item.get("chunk_id"))
            if chunk_id is not None:
                chunks.append(Chunk(chunk_id, as_time(item.get("created_at"))))
        return chunks

    async def read_chunk(
        self, session: Session, chunk_id: str
    ) -> tuple[list[Readings], list[BundleParseError]]:
        """The bundles of a chunk (JSON lines); a bad line is reported and loses no other."""
        body: bytes = await self._get(
            f"{self.data_url(session.region_id)}/v2/sessions/{session.session_id}/chunks/{chunk_id}",
            raw=True,
        )
        readings: list[Readings] = []
        errors: list[BundleParseError] = []
        # JSON lines end in "\n" only: other Unicode line breaks may stand inside strings.
        for number, raw_line in enumerate(body.split(b"\n"), start=1):
            line = raw_line.rstrip(b"\r")
            if not line.strip():
                continue
            try:
                readings.append(Readings.from_sealed_bundle(orjson.loads(line)))
            except (ValueError, MoonsenseApiError):
                errors.append(BundleParseError(number, line.decode("utf-8", "replace")))
        return readings, errors

    async def _pages(
        self, url: str, key: str, params: list[tuple[str, str]]
    ) -> AsyncIterator[object]:
        """The items under ``key`` of every page of ``url``, in order (at most ``MAX_PAGES``).

        Stops at an empty page, or when ``pagination.next_page`` is missing, 0 or does not
        advance.

        Raises:
            MoonsenseApiError: a page is not an object with a list under ``key``.
        """
        page = 1
        for _ in range(MAX_PAGES):
            answer = snake_keys(await self._get(url, [*params, ("page", str(page))]))
            items = answer.get(key) if answer is not None else None
            if answer is None or not isinstance(items, list):
                raise MoonsenseApiError(f"Expected a list of {key}")
            if not items:
                return
            for item in items:
                yield item
            pagination = snake_keys(answer.get("pagination")) or {}
            next_page = as_int(pagination.get("next_page"), minimum=0, maximum=2**31)
            if not next_page or next_page <= page:
                return
            page = next_page

    async def _get(
        self, url: str, params: list[tuple[str, str]] | None = None, *, raw: bool = False
    ) -> Any:
        """GET ``url``: its body (``raw``) or its JSON (messages name no path: it holds ids)."""
        headers = {"Authorization": f"Bearer {self._token}"}
        async with self._response("GET", URL(url), params=params, headers=headers) as response:
            self._check_status(response)
            body = await response.read()
        return body if raw else self._decode_json(body, "Moonsense")
