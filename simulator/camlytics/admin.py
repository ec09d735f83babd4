"""The Camlytics admin routes under ``/_sim/camlytics``."""

from typing import Any

from aiohttp import web

from .. import routing
from .model import CamlyticsApiError
from .routes import CAMLYTICS_SIMULATOR, ROUTES
from .service import CamlyticsSimulator

_admin: routing.Admin[CamlyticsSimulator] = routing.admin_wrapper(
    CAMLYTICS_SIMULATOR, lambda message: CamlyticsApiError(400, message)
)


def _add_webhook(simulator: CamlyticsSimulator, body: dict[str, Any]) -> int:
    url, kind = body.get("url"), body.get("kind")
    if not isinstance(url, str) or not isinstance(kind, str):
        raise ValueError("url and kind are required strings")
    headers = routing.headers_field(body)
    return simulator.add_webhook(
        url,
        kind,
        routing.optional(body, "location_id", int),
        routing.optional(body, "channel_id", str),
        headers,
    )


routing.target_routes(
    ROUTES,
    "/_sim/camlytics/webhooks",
    _admin,
    listing=CamlyticsSimulator.webhooks,
    add=_add_webhook,
    remove=CamlyticsSimulator.remove_webhook,
    not_found=lambda message: CamlyticsApiError(404, message),
)


@ROUTES.post("/_sim/camlytics/emit")
@_admin
async def _admin_emit(request: web.Request, simulator: CamlyticsSimulator) -> web.StreamResponse:
    body = await routing.json_object(request)
    count = body.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError("count must be an integer")
    events = simulator.emit_events(
        count,
        routing.optional(body, "location_id", int),
        routing.optional(body, "channel_id", str),
        routing.optional(body, "event_type", str),
        trigger_name=routing.optional(body, "trigger_name", str),
        origin=routing.optional(body, "origin", str),
    )
    return web.json_response({"events": events})


routing.delivery_routes(ROUTES, "/_sim/camlytics/deliveries", "webhook", _admin)


@ROUTES.get("/_sim/camlytics/feeds")
@_admin
async def _admin_feeds(request: web.Request, simulator: CamlyticsSimulator) -> web.StreamResponse:
    return web.json_response(simulator.feeds())


@ROUTES.get("/_sim/camlytics/state")
@_admin
async def _admin_state(request: web.Request, simulator: CamlyticsSimulator) -> web.StreamResponse:
    return web.json_response(simulator.state())


@ROUTES.post("/_sim/camlytics/occupancy")
@_admin
async def _admin_occupancy(
    request: web.Request, simulator: CamlyticsSimulator
) -> web.StreamResponse:
    body = await routing.json_object(request)
    location_id, occupancy = body.get("location_id"), body.get("occupancy")
    if not isinstance(location_id, int) or not isinstance(occupancy, int):
        raise ValueError("location_id and occupancy are required integers")
    simulator.set_occupancy(location_id, occupancy)
    return web.json_response({"location_id": location_id, "occupancy": occupancy})


@ROUTES.post("/_sim/camlytics/queue")
@_admin
async def _admin_queue(request: web.Request, simulator: CamlyticsSimulator) -> web.StreamResponse:
    body = await routing.json_object(request)
    channel_id, length = body.get("channel_id"), body.get("queue")
    if not isinstance(channel_id, str) or not isinstance(length, int):
        raise ValueError("channel_id is a required string and queue a required integer")
    simulator.set_queue(channel_id, length)
    return web.json_response({"channel_id": channel_id, "queue": length})


routing.failure_route(ROUTES, "/_sim/camlytics/fail", _admin, one_message=True)


@ROUTES.post("/_sim/camlytics/settings")
@_admin
async def _admin_settings(
    request: web.Request, simulator: CamlyticsSimulator
) -> web.StreamResponse:
    body = await routing.json_object(request)
    interval = routing.optional(body, "event_interval", (int, float))
    rate_limit = routing.optional(body, "rate_limit", (int, float))
    if interval is not None:
        simulator.set_event_interval(float(interval))
    if rate_limit is not None:
        simulator.set_rate_limit(float(rate_limit))
    settings = simulator.settings
    return web.json_response(
        {"event_interval": settings.event_interval, "rate_limit": settings.rate_limit}
    )
