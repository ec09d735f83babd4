"""The FaceSpace admin routes under ``/_sim/facespace``."""

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from .. import routing
from .model import FaceSpaceApiError, parse_admin_time
from .routes import FACESPACE_SIMULATOR, ROUTES
from .state import FaceSpaceSimulator

_admin: routing.Admin[FaceSpaceSimulator] = routing.admin_wrapper(
    FACESPACE_SIMULATOR, lambda message: FaceSpaceApiError(400, message)
)


def _optional_str(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def _add_target(simulator: FaceSpaceSimulator, body: dict[str, Any]) -> int:
    url, kind = body.get("url"), body.get("kind", "realtime")
    if not isinstance(url, str) or not isinstance(kind, str):
        raise ValueError("url is a required string and kind a string")
    return simulator.add_push_target(url, routing.headers_field(body), kind)


routing.target_routes(
    ROUTES,
    "/_sim/facespace/push-targets",
    _admin,
    listing=FaceSpaceSimulator.push_targets,
    add=_add_target,
    remove=FaceSpaceSimulator.remove_push_target,
    not_found=lambda message: FaceSpaceApiError(404, message),
)
routing.delivery_routes(ROUTES, "/_sim/facespace/deliveries", "target", _admin)


@ROUTES.post("/_sim/facespace/recognize")
@_admin
async def _admin_recognize(
    request: web.Request, simulator: FaceSpaceSimulator
) -> web.StreamResponse:
    body = await routing.json_object(request, optional=True)
    raw_time = _optional_str(body, "time")
    when = parse_admin_time(raw_time) if raw_time else None
    line = simulator.recognize(_optional_str(body, "camera"), _optional_str(body, "name"), when)
    return web.json_response({"line": line})


@ROUTES.post("/_sim/facespace/raw-line")
@_admin
async def _admin_raw_line(
    request: web.Request, simulator: FaceSpaceSimulator
) -> web.StreamResponse:
    body = await routing.json_object(request)
    camera, text = body.get("camera"), body.get("text")
    if not isinstance(camera, str) or not isinstance(text, str):
        raise ValueError("camera and text are required strings")
    raw_time = _optional_str(body, "time")
    simulator.add_raw_line(camera, text, parse_admin_time(raw_time) if raw_time else None)
    return web.json_response({"camera": camera, "text": text})


@ROUTES.post("/_sim/facespace/active")
@_admin
async def _admin_active(request: web.Request, simulator: FaceSpaceSimulator) -> web.StreamResponse:
    body = await routing.json_object(request)
    active = body.get("active")
    if not isinstance(active, bool):
        raise ValueError("active is a required boolean")
    simulator.set_active(active)
    return web.json_response({"active": active})


routing.failure_route(ROUTES, "/_sim/facespace/fail", _admin)


@ROUTES.post("/_sim/facespace/settings")
@_admin
async def _admin_settings(
    request: web.Request, simulator: FaceSpaceSimulator
) -> web.StreamResponse:
    body = await routing.json_object(request)
    interval = body.get("recognition_interval")
    if interval is not None:
        if isinstance(interval, bool) or not isinstance(interval, int | float):
            raise ValueError("recognition_interval must be a number")
        simulator.set_recognition_interval(float(interval))
    return web.json_response({"recognition_interval": simulator.settings.recognition_interval})


@ROUTES.get("/_sim/facespace/state")
@_admin
async def _admin_state(request: web.Request, simulator: FaceSpaceSimulator) -> web.StreamResponse:
    return web.json_response(simulator.state())
