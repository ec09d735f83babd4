"""The simulated Moonsense control-plane and data-plane APIs."""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from .model import CONTROL_PREFIX, DATA_PREFIX, NDJSON, MoonsenseApiError, parse_rfc3339
from .service import MoonsenseSimulator

MOONSENSE_SIMULATOR = web.AppKey("MOONSENSE_SIMULATOR", MoonsenseSimulator)
ROUTES = web.RouteTableDef()
type _ApiHandler = Callable[[web.Request, MoonsenseSimulator, str | None], Awaitable[Any]]


async def moonsense_context(app: web.Application) -> AsyncIterator[None]:
    """Run the webhook sender and generator while the application runs (``app.cleanup_ctx``)."""
    simulator = app[MOONSENSE_SIMULATOR]
    await simulator.start()
    yield
    await simulator.stop()


def _route_path(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else request.path


def _api(
    method: str, suffix: str, *, data: bool = True, control: bool = True, auth: bool = True
) -> Callable[[_ApiHandler], _ApiHandler]:
    """Register an API handler on the control plane, the data planes or both.

    The handler gets the request, the simulator and the data plane's region
    (None on the control plane) and returns a canonical JSON value or a
    response. The wrapper applies injected failures, the token and the
    region check, renders the answer in the wire style and counts it.
    """

    def decorator(handler: _ApiHandler) -> _ApiHandler:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            simulator = request.app[MOONSENSE_SIMULATOR]
            region = request.match_info.get("region")
            try:
                simulator.admit(request.headers, auth=auth)
                if region is not None:
                    simulator.check_region(region)
                answer = await handler(request, simulator, region)
                response = (
                    answer
                    if isinstance(answer, web.StreamResponse)
                    else web.json_response(simulator.render(answer))
                )
            except MoonsenseApiError as err:
                response = err.response()
            simulator.count_request(_route_path(request), response.status)
            return response

        if control:
            ROUTES.route(method, CONTROL_PREFIX + suffix)(wrapper)
        if data:
            ROUTES.route(method, DATA_PREFIX + suffix)(wrapper)
        return handler

    return decorator


def _int_query(request: web.Request, name: str, default: int | None) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise MoonsenseApiError(400, f"{name} must be an integer") from None


def _time_query(request: web.Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if not raw:
        return None
    try:
        return parse_rfc3339(raw)
    except ValueError:
        raise MoonsenseApiError(400, f"Invalid {name}: {raw}") from None


@_api("GET", "/regions", data=False, auth=False)
async def _regions(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    return simulator.regions(str(request.url.origin()))


@_api("GET", "/tokens/self")
async def _whoami(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    return simulator.whoami()


@_api("GET", "/sessions")
async def _sessions(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    query = request.query
    return simulator.list_sessions(
        _int_query(request, "page", 1) or 0,
        _int_query(request, "per_page", None),
        min_created_at=_time_query(request, "filter[min_created_at]"),
        max_created_at=_time_query(request, "filter[max_created_at]"),
        labels=[label for label in query.getall("filter[labels][]", []) if label],
        journey_id=query.get("filter[journey_id]") or None,
        platforms=[p for p in query.getall("filter[platforms][]", []) if p],
    )


@_api("GET", "/sessions/{session_id}")
async def _describe(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    return simulator.describe_session(
        request.match_info["session_id"], request.query.get("view") or "minimal"
    )


@_api("POST", "/sessions/{session_id}/labels")
async def _labels(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    try:
        body = await request.json()
    except ValueError:
        raise MoonsenseApiError(400, "The request body must be JSON") from None
    labels = body.get("labels") if isinstance(body, dict) else None
    if not isinstance(labels, list) or not all(
        isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]
        for item in labels
    ):
        raise MoonsenseApiError(400, 'labels must be a list of {"name": ...}')
    return simulator.set_labels(request.match_info["session_id"], [i["name"] for i in labels])


@_api("GET", "/sessions/{session_id}/chunks", control=False)
async def _chunks(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    assert region is not None
    return simulator.list_chunks(
        region,
        request.match_info["session_id"],
        _int_query(request, "page", 1) or 0,
        _int_query(request, "per_page", None),
    )


@_api("GET", "/sessions/{session_id}/chunks/{chunk_id}", control=False)
async def _chunk(request: web.Request, simulator: MoonsenseSimulator, region: str | None) -> Any:
    assert region is not None
    text = simulator.read_chunk(
        region, request.match_info["session_id"], request.match_info["chunk_id"]
    )
    return web.Response(text=text, content_type=NDJSON)
