"""The FindFace admin routes under ``/_sim/findface``."""

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from .. import routing
from .model import _bad_param
from .routes import FINDFACE_SIMULATOR, ROUTES, _path_id
from .service import FindFaceSimulator

_ADMIN = routing.AdminRoutes(
    ROUTES,
    "/_sim/findface",
    FINDFACE_SIMULATOR,
    lambda status, message: _bad_param("body", message),
    before=lambda request, simulator: simulator.learn_base_url(str(request.url.origin())),
)


def _optional_int(body: Mapping[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"{key} must be an integer or null")
    return value


async def _hooks(request: web.Request, simulator: FindFaceSimulator) -> Any:
    return simulator.hook_states()


async def _emit(request: web.Request, simulator: FindFaceSimulator) -> dict[str, Any]:
    body = await routing.json_object(request)
    section = body.get("section")
    count = body.get("count", 1)
    matched = body.get("matched")
    if not isinstance(section, str):
        raise ValueError("section is a required string")
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError("count must be an integer")
    if matched is not None and not isinstance(matched, bool):
        raise ValueError("matched must be a boolean or null")
    items = simulator.emit(
        section, count, matched, _optional_int(body, "camera"), _optional_int(body, "counter")
    )
    return {"section": section, "items": items}


async def _add_camera(request: web.Request, simulator: FindFaceSimulator) -> dict[str, int]:
    (name,) = routing.required(
        await routing.json_object(request), "name is a required string", name=str
    )
    return {"id": simulator.add_camera(name)}


async def _remove_camera(request: web.Request, simulator: FindFaceSimulator) -> dict[str, int]:
    simulator.remove_camera(_path_id(request))
    return {"id": _path_id(request)}


async def _camera_health(request: web.Request, simulator: FindFaceSimulator) -> Any:
    body = await routing.json_object(request)
    status, msg = body.get("status"), body.get("msg")
    if not isinstance(status, str) or (msg is not None and not isinstance(msg, str)):
        raise ValueError("status is a required string; msg an optional string")
    simulator.set_camera_health(_path_id(request), status, msg)
    return simulator.camera(_path_id(request))


_CAMERA = r"/cameras/{item_id:\d+}"
_ADMIN.add(
    [
        ("GET", "/hooks", _hooks),
        ("POST", "/emit", _emit),
        ("POST", "/cameras", _add_camera),
        ("DELETE", _CAMERA, _remove_camera),
        ("POST", _CAMERA + "/health", _camera_health),
        ("POST", "/expire-tokens", routing.expire_tokens),
    ]
)
routing.delivery_routes(ROUTES, "/_sim/findface/deliveries", "hook", _ADMIN.admin)
_ADMIN.failure(one_message=True)
_ADMIN.settings(
    [
        routing.Setting(
            "verbose",
            FindFaceSimulator.set_verbose,
            number=False,
            message="verbose must be a boolean",
        ),
        routing.Setting(
            "emit_interval",
            FindFaceSimulator.set_emit_interval,
            message="emit_interval must be a number",
        ),
    ]
)
