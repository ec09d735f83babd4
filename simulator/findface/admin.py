"""The FindFace admin routes under ``/_sim/findface``."""

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from ..routing import delivery_routes, failure_route
from .routes import ROUTES, _admin, _json_object, _path_id
from .service import FindFaceSimulator


def _optional_int(body: Mapping[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"{key} must be an integer or null")
    return value


@ROUTES.get("/_sim/findface/hooks")
@_admin
async def _admin_hooks(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    return web.json_response(simulator.hook_states())


@ROUTES.post("/_sim/findface/emit")
@_admin
async def _admin_emit(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    section = body.get("section")
    count = body.get("count", 1)
    matched = body.get("matched")
    if not isinstance(section, str):
        raise ValueError("section is a required string")
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError("count must be an integer")
    if matched is not None and not isinstance(matched, bool):
        raise ValueError("matched must be a boolean or null")
    items = simulator.emit(section, count, matched, _optional_int(body, "camera"))
    return web.json_response({"section": section, "items": items})


delivery_routes(ROUTES, "/_sim/findface/deliveries", "hook", _admin)


@ROUTES.post("/_sim/findface/settings")
@_admin
async def _admin_settings(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    verbose, interval = body.get("verbose"), body.get("emit_interval")
    if verbose is not None and not isinstance(verbose, bool):
        raise ValueError("verbose must be a boolean")
    if interval is not None and (
        isinstance(interval, bool) or not isinstance(interval, int | float)
    ):
        raise ValueError("emit_interval must be a number")
    if verbose is not None:
        simulator.set_verbose(verbose)
    if interval is not None:
        simulator.set_emit_interval(float(interval))
    settings = simulator.settings
    return web.json_response({"verbose": settings.verbose, "emit_interval": settings.emit_interval})


@ROUTES.post("/_sim/findface/cameras")
@_admin
async def _admin_add_camera(
    request: web.Request, simulator: FindFaceSimulator
) -> web.StreamResponse:
    name = (await _json_object(request)).get("name")
    if not isinstance(name, str):
        raise ValueError("name is a required string")
    return web.json_response({"id": simulator.add_camera(name)})


@ROUTES.delete(r"/_sim/findface/cameras/{item_id:\d+}")
@_admin
async def _admin_remove_camera(
    request: web.Request, simulator: FindFaceSimulator
) -> web.StreamResponse:
    simulator.remove_camera(_path_id(request))
    return web.json_response({"id": _path_id(request)})


@ROUTES.post(r"/_sim/findface/cameras/{item_id:\d+}/health")
@_admin
async def _admin_camera_health(
    request: web.Request, simulator: FindFaceSimulator
) -> web.StreamResponse:
    body = await _json_object(request)
    status, msg = body.get("status"), body.get("msg")
    if not isinstance(status, str) or (msg is not None and not isinstance(msg, str)):
        raise ValueError("status is a required string; msg an optional string")
    simulator.set_camera_health(_path_id(request), status, msg)
    return web.json_response(simulator.camera(_path_id(request)))


failure_route(ROUTES, "/_sim/findface/fail", _admin, one_message=True)


@ROUTES.post("/_sim/findface/expire-tokens")
@_admin
async def _admin_expire_tokens(
    request: web.Request, simulator: FindFaceSimulator
) -> web.StreamResponse:
    return web.json_response({"expired": simulator.expire_tokens()})
