"""Fault harness: make one simulated provider fail the way real services do.

A middleware in front of every provider route answers a request with an injected fault instead of
the provider's answer. Faults are chosen per provider, by the key the simulator's routes are
mounted under (``comap``, ``findface``, ``camlytics``, ``facespace``, ``moonsense``), optionally
narrowed to paths starting with a prefix. The simulator's own admin routes (``/_sim/...``) are
never faulted.

Kinds (``FaultKind``):

- ``status``: an error status (500, 502, 503, 401, 403 or 429) with a small JSON body, and a
  ``Retry-After`` header when ``retry_after`` is given;
- ``hang``: no answer for ``hang`` seconds (longer than any client's timeout), or until the fault
  is cleared or the simulator stops, then a 504;
- ``html``: a 200 with an HTML error page, as a proxy or captive portal answers;
- ``empty``: a 200 with an empty body;
- ``garbage``: a 200 declared as JSON whose body is not JSON;
- ``disconnect``: the connection is closed without any answer (what a client sees as a refused
  or reset connection).

Each fault lasts ``count`` requests, or until cleared when ``count`` is None.

In-process, ``harness_for(simulator)`` gives the harness of the application serving any of the
five simulators; a separate process is driven through ``/_sim/faults`` (see ``ROUTES``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
import json
from typing import Any, Final, cast
import weakref

from aiohttp import web

from .plugins import PLUGINS

PROVIDERS: Final = tuple(plugin.key for plugin in PLUGINS)
"""The keys faults are selected by: one per simulated provider."""

FAULT_STATUSES: Final = frozenset({500, 502, 503, 401, 403, 429})
"""The error statuses a ``status`` fault may answer."""

DEFAULT_HANG: Final = 120.0
"""Seconds a ``hang`` fault holds a request by default: longer than every client's timeout."""

HTML_PAGE: Final = (
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>502 Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>\n"
)
GARBAGE_JSON: Final = '{"data": [{"id": 1, "value": tru'
ADMIN_PREFIX: Final = "/_sim/"


class FaultKind(StrEnum):
    """How a faulted request is answered (see the module docstring)."""

    STATUS = "status"
    HANG = "hang"
    HTML = "html"
    EMPTY = "empty"
    GARBAGE = "garbage"
    DISCONNECT = "disconnect"


@dataclass(frozen=True, slots=True, kw_only=True)
class Fault:
    """One injected fault of a provider.

    Attributes:
        kind: how the request is answered.
        status: the status of a ``status`` fault (one of ``FAULT_STATUSES``).
        retry_after: seconds for a ``Retry-After`` header on a ``status`` fault; None sends none.
        hang: seconds a ``hang`` fault holds each request at most.
        path: only requests whose path starts with this are faulted; None faults every route.
    """

    kind: FaultKind
    status: int = 503
    retry_after: int | None = None
    hang: float = DEFAULT_HANG
    path: str | None = None

    def __post_init__(self) -> None:
        """Reject a fault the harness cannot answer.

        Raises:
            ValueError: a status outside ``FAULT_STATUSES``, a negative ``retry_after`` or a
                ``hang`` that is not positive.
        """
        if self.kind is FaultKind.STATUS and self.status not in FAULT_STATUSES:
            raise ValueError(f"status must be one of {sorted(FAULT_STATUSES)}")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after must not be negative")
        if not self.hang > 0:
            raise ValueError("hang must be positive")


@dataclass(slots=True)
class _Active:
    fault: Fault
    remaining: int | None  # None: until cleared
    hit: int = 0


@dataclass
class FaultHarness:
    """The faults of one simulator application, and the middleware that injects them.

    Attributes:
        injected: requests answered with a fault, by provider key, since the last reset.
        held: requests a ``hang`` fault has started holding since the last reset (a test
            waits for it to grow before it moves a client's clock past its timeout).
    """

    injected: Counter[str] = field(default_factory=Counter, init=False)
    held: int = field(default=0, init=False)
    _active: dict[str, _Active] = field(default_factory=dict, init=False)
    _routes: dict[web.AbstractResource, str] = field(default_factory=dict, init=False)
    _released: asyncio.Event | None = field(default=None, init=False)

    def mount(self, provider: str, routes: Iterable[web.AbstractRoute]) -> None:
        """Mark ``routes`` (as ``Application.add_routes`` returned them) as ``provider``'s.

        Raises:
            ValueError: ``provider`` is not one of ``PROVIDERS``.
        """
        _check_provider(provider)
        for route in routes:
            if route.resource is not None:
                self._routes[route.resource] = provider

    def inject(
        self,
        provider: str,
        kind: FaultKind | str,
        *,
        count: int | None = None,
        status: int = 503,
        retry_after: int | None = None,
        hang: float = DEFAULT_HANG,
        path: str | None = None,
    ) -> Fault:
        """Fault ``provider``'s next ``count`` requests (every one until cleared when None).

        Replaces a fault the provider already has. Returns the fault injected.

        Raises:
            ValueError: an unknown provider or kind, a ``count`` below 1, or a fault ``Fault``
                refuses.
        """
        _check_provider(provider)
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        fault = Fault(
            kind=FaultKind(kind), status=status, retry_after=retry_after, hang=hang, path=path
        )
        self._active[provider] = _Active(fault, count)
        return fault

    def clear(self, provider: str | None = None) -> None:
        """Clear ``provider``'s fault (every fault when None); hung requests are answered now.

        Raises:
            ValueError: an unknown provider.
        """
        if provider is None:
            self._active.clear()
        else:
            _check_provider(provider)
            self._active.pop(provider, None)
        self._release()

    def reset(self) -> None:
        """Clear every fault and the counts."""
        self.clear()
        self.injected.clear()
        self.held = 0

    def active(self) -> dict[str, dict[str, Any]]:
        """The faults in force by provider: the fault's fields, ``remaining`` and ``hit``."""
        return {
            provider: {**asdict(entry.fault), "remaining": entry.remaining, "hit": entry.hit}
            for provider, entry in self._active.items()
        }

    def provider_of(self, request: web.Request) -> str | None:
        """The provider key of the route ``request`` matched; None for admin or unknown routes."""
        if request.path.startswith(ADMIN_PREFIX):
            return None
        resource = request.match_info.route.resource
        return self._routes.get(resource) if resource is not None else None

    def take(self, request: web.Request) -> Fault | None:
        """The fault that answers ``request``, counting it; None lets the provider answer."""
        provider = self.provider_of(request)
        if provider is None or (entry := self._active.get(provider)) is None:
            return None
        if entry.fault.path is not None and not request.path.startswith(entry.fault.path):
            return None
        entry.hit += 1
        self.injected[provider] += 1
        if entry.remaining is not None:
            entry.remaining -= 1
            if entry.remaining == 0:
                del self._active[provider]
        return entry.fault

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Answer ``request`` with its provider's fault, if any, else pass it to ``handler``."""
        fault = self.take(request)
        if fault is None:
            return await handler(request)
        return await self._answer(request, fault)

    async def _answer(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        match fault.kind:
            case FaultKind.STATUS:
                headers = {}
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
                return web.json_response(
                    {"error": f"injected fault: HTTP {fault.status}"},
                    status=fault.status,
                    headers=headers,
                )
            case FaultKind.HANG:
                released = self._released_event()
                self.held += 1
                try:
                    async with asyncio.timeout(fault.hang):
                        await released.wait()
                except TimeoutError:
                    pass
                return web.json_response({"error": "injected fault: hang"}, status=504)
            case FaultKind.HTML:
                return web.Response(text=HTML_PAGE, content_type="text/html")
            case FaultKind.EMPTY:
                return web.Response(body=b"", content_type="application/json")
            case FaultKind.GARBAGE:
                return web.Response(text=GARBAGE_JSON, content_type="application/json")
            case FaultKind.DISCONNECT:
                if request.transport is not None:
                    request.transport.abort()
                # Nothing is written to an aborted transport; aiohttp drops this answer.
                return web.Response(status=204)

    def _released_event(self) -> asyncio.Event:
        if self._released is None:
            self._released = asyncio.Event()
        return self._released

    def _release(self) -> None:
        """Wake every hung request (a new event holds later ones)."""
        if self._released is not None:
            self._released.set()
            self._released = None

    async def on_shutdown(self, app: web.Application) -> None:
        """Answer hung requests when the application stops, so it stops at once."""
        self.clear()


FAULTS: Final = web.AppKey("FAULTS", FaultHarness)
"""Where ``create_app`` stores the application's harness."""

_BY_SIMULATOR: weakref.WeakKeyDictionary[object, FaultHarness] = weakref.WeakKeyDictionary()


def attach(app: web.Application, harness: FaultHarness, simulators: Iterable[object]) -> None:
    """Install ``harness`` on ``app`` (before its first request) and link it to ``simulators``."""
    app[FAULTS] = harness
    app.middlewares.append(harness.middleware)
    # aiohttp's annotation of its signals does not match aiosignal's generic on every version.
    cast(Any, app.on_shutdown).append(harness.on_shutdown)
    for simulator in simulators:
        _BY_SIMULATOR[simulator] = harness


def harness_for(simulator: object) -> FaultHarness:
    """The harness of the application serving ``simulator`` (any of its five simulators).

    Raises:
        LookupError: no application built by ``create_app`` serves ``simulator``.
    """
    try:
        return _BY_SIMULATOR[simulator]
    except (KeyError, TypeError):  # TypeError: not a simulator (cannot be weakly referenced)
        raise LookupError("no simulator application serves this simulator") from None


def _check_provider(provider: str) -> None:
    if provider not in PROVIDERS:
        raise ValueError(f"provider must be one of {', '.join(PROVIDERS)}")


# Admin API, for a simulator in its own process (the demo stack, benchmarks).

ROUTES = web.RouteTableDef()


def _bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")


@ROUTES.get("/_sim/faults")
async def _list(request: web.Request) -> web.Response:
    """``GET /_sim/faults``: ``{"active": {provider: fault}, "injected": {provider: n}}``."""
    harness = request.app[FAULTS]
    return web.json_response({"active": harness.active(), "injected": dict(harness.injected)})


@ROUTES.post("/_sim/faults")
async def _inject(request: web.Request) -> web.Response:
    """``POST /_sim/faults`` with ``{"provider", "kind"}`` and optionally ``count``, ``status``,
    ``retry_after``, ``hang``, ``path``: inject a fault (400 with a reason when refused).
    """  # noqa: D205
    try:
        body = await request.json()
    except ValueError:
        raise _bad_request("the body must be JSON") from None
    if not isinstance(body, dict):
        raise _bad_request("the body must be a JSON object")
    allowed = {"provider", "kind", "count", "status", "retry_after", "hang", "path"}
    if unknown := set(body) - allowed:
        raise _bad_request(f"unknown fields: {', '.join(sorted(unknown))}")
    provider, kind = body.get("provider"), body.get("kind")
    count, status, retry_after = body.get("count"), body.get("status", 503), body.get("retry_after")
    hang, path = body.get("hang", DEFAULT_HANG), body.get("path")
    if not isinstance(provider, str) or not isinstance(kind, str):
        raise _bad_request("provider and kind are required strings")
    if not all(_is_int(value) for value in (count, retry_after) if value is not None):
        raise _bad_request("count and retry_after must be integers")
    if not _is_int(status):
        raise _bad_request("status must be an integer")
    if not isinstance(hang, (int, float)) or isinstance(hang, bool):
        raise _bad_request("hang must be a number")
    if path is not None and not isinstance(path, str):
        raise _bad_request("path must be a string")
    try:
        fault = request.app[FAULTS].inject(
            provider,
            kind,
            count=count,
            status=status,
            retry_after=retry_after,
            hang=float(hang),
            path=path,
        )
    except ValueError as err:
        raise _bad_request(str(err)) from None
    return web.json_response({"provider": provider, "count": count, **asdict(fault)})


@ROUTES.delete("/_sim/faults")
async def _clear_all(request: web.Request) -> web.Response:
    """``DELETE /_sim/faults``: clear every fault (the counts stay)."""
    request.app[FAULTS].clear()
    return web.json_response({"active": {}})


@ROUTES.delete("/_sim/faults/{provider}")
async def _clear_one(request: web.Request) -> web.Response:
    """``DELETE /_sim/faults/{provider}``: clear that provider's fault."""
    harness = request.app[FAULTS]
    try:
        harness.clear(request.match_info["provider"])
    except ValueError as err:
        raise web.HTTPNotFound(
            text=json.dumps({"error": str(err)}), content_type="application/json"
        ) from None
    return web.json_response({"active": harness.active()})


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
