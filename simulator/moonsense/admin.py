"""The Moonsense admin routes under ``/_sim/moonsense``."""

from typing import Any

from aiohttp import web

from .. import routing
from .model import SENSORS, MoonsenseApiError, parse_rfc3339
from .routes import MOONSENSE_SIMULATOR, ROUTES
from .service import MoonsenseSimulator

_admin: routing.Admin[MoonsenseSimulator] = routing.admin_wrapper(
    MOONSENSE_SIMULATOR, lambda message: MoonsenseApiError(400, message)
)


def _add_webhook(simulator: MoonsenseSimulator, body: dict[str, Any]) -> int:
    url = body.get("url")
    if not isinstance(url, str):
        raise ValueError("url is a required string")
    return simulator.add_webhook(url, routing.headers_field(body))


routing.target_routes(
    ROUTES,
    "/_sim/moonsense/webhooks",
    _admin,
    listing=MoonsenseSimulator.webhooks,
    add=_add_webhook,
    remove=MoonsenseSimulator.remove_webhook,
    not_found=lambda message: MoonsenseApiError(404, message),
)
routing.delivery_routes(ROUTES, "/_sim/moonsense/deliveries", "webhook", _admin)


@ROUTES.get("/_sim/moonsense/events")
@_admin
async def _admin_events(request: web.Request, simulator: MoonsenseSimulator) -> web.StreamResponse:
    return web.json_response(simulator.events)


@ROUTES.post("/_sim/moonsense/events")
@_admin
async def _admin_raw_event(
    request: web.Request, simulator: MoonsenseSimulator
) -> web.StreamResponse:
    body = await routing.json_object(request)
    event_type = body.get("event_type")
    if isinstance(event_type, bool) or not isinstance(event_type, str | int):
        raise ValueError("event_type is a required string or integer")
    session_id = routing.optional(body, "session_id", str)
    return web.json_response(simulator.send_raw_event(event_type, session_id))


@ROUTES.post("/_sim/moonsense/sessions")
@_admin
async def _admin_create_session(
    request: web.Request, simulator: MoonsenseSimulator
) -> web.StreamResponse:
    body = await routing.json_object(request, optional=True)
    labels = routing.optional(body, "labels", list) or []
    session_id = simulator.create_session(
        labels,
        routing.optional(body, "journey_id", str),
        routing.optional(body, "platform", str) or "ios",
        routing.optional(body, "region", str),
    )
    return web.json_response({"session_id": session_id})


@ROUTES.post("/_sim/moonsense/sessions/{session_id}/bundles")
@_admin
async def _admin_bundle(request: web.Request, simulator: MoonsenseSimulator) -> web.StreamResponse:
    body = await routing.json_object(request, optional=True)
    unknown = set(body) - {*SENSORS, "when"}
    if unknown:
        raise ValueError(f"Unknown readings: {', '.join(sorted(unknown))}")
    raw_when = routing.optional(body, "when", str)
    sealed = simulator.send_bundle(
        request.match_info["session_id"],
        when=parse_rfc3339(raw_when) if raw_when else None,
        battery=body.get("battery"),
        activity=body.get("activity"),
        location=body.get("location"),
        temperature=body.get("temperature"),
        light=body.get("light"),
        pressure=body.get("pressure"),
        humidity=body.get("humidity"),
    )
    return web.json_response(sealed)


@ROUTES.post("/_sim/moonsense/sessions/{session_id}/persist")
@_admin
async def _admin_persist(request: web.Request, simulator: MoonsenseSimulator) -> web.StreamResponse:
    return web.json_response(
        {"chunk_id": simulator.persist_chunk(request.match_info["session_id"])}
    )


@ROUTES.post("/_sim/moonsense/sessions/{session_id}/end")
@_admin
async def _admin_end(request: web.Request, simulator: MoonsenseSimulator) -> web.StreamResponse:
    session_id = request.match_info["session_id"]
    simulator.end_session(session_id)
    return web.json_response({"session_id": session_id})


@ROUTES.post("/_sim/moonsense/sessions/{session_id}/chunks/{chunk_id}/bad-line")
@_admin
async def _admin_bad_line(
    request: web.Request, simulator: MoonsenseSimulator
) -> web.StreamResponse:
    body = await routing.json_object(request)
    text = body.get("text")
    if not isinstance(text, str):
        raise ValueError("text is a required string")
    index = routing.optional(body, "index", int)
    session_id, chunk_id = request.match_info["session_id"], request.match_info["chunk_id"]
    simulator.plant_bad_line(session_id, chunk_id, text, index)
    return web.json_response({"chunk_id": chunk_id, "text": text})


routing.failure_route(ROUTES, "/_sim/moonsense/fail", _admin)


@ROUTES.post("/_sim/moonsense/settings")
@_admin
async def _admin_settings(
    request: web.Request, simulator: MoonsenseSimulator
) -> web.StreamResponse:
    body = await routing.json_object(request)
    flags = {
        "camel_case": simulator.set_camel_case,
        "emit_defaults": simulator.set_emit_defaults,
        "numeric_event_types": simulator.set_numeric_event_types,
    }
    for key in flags:
        routing.optional(body, key, bool)
    interval = body.get("bundle_interval")
    if interval is not None and (
        isinstance(interval, bool) or not isinstance(interval, int | float)
    ):
        raise ValueError("bundle_interval must be a number")
    if interval is not None:
        simulator.set_bundle_interval(float(interval))
    for key, setter in flags.items():
        if body.get(key) is not None:
            setter(body[key])
    settings = simulator.settings
    return web.json_response(
        {
            "camel_case": settings.camel_case,
            "emit_defaults": settings.emit_defaults,
            "numeric_event_types": settings.numeric_event_types,
            "bundle_interval": settings.bundle_interval,
        }
    )


@ROUTES.get("/_sim/moonsense/state")
@_admin
async def _admin_state(request: web.Request, simulator: MoonsenseSimulator) -> web.StreamResponse:
    return web.json_response(simulator.state())
