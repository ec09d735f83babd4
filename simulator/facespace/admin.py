"""The FaceSpace admin routes under ``/_sim/facespace``."""

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from .. import routing
from .model import FaceSpaceApiError, parse_admin_time
from .routes import FACESPACE_SIMULATOR, ROUTES
from .state import FaceSpaceSimulator

_ADMIN = routing.AdminRoutes(ROUTES, "/_sim/facespace", FACESPACE_SIMULATOR, FaceSpaceApiError)


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


async def _recognize(request: web.Request, simulator: FaceSpaceSimulator) -> dict[str, Any]:
    body = await routing.json_object(request, optional=True)
    raw_time = _optional_str(body, "time")
    when = parse_admin_time(raw_time) if raw_time else None
    return {
        "line": simulator.recognize(
            _optional_str(body, "camera"), _optional_str(body, "name"), when
        )
    }


async def _raw_line(request: web.Request, simulator: FaceSpaceSimulator) -> dict[str, str]:
    body = await routing.json_object(request)
    camera, text = routing.required(
        body, "camera and text are required strings", camera=str, text=str
    )
    raw_time = _optional_str(body, "time")
    simulator.add_raw_line(camera, text, parse_admin_time(raw_time) if raw_time else None)
    return {"camera": camera, "text": text}


async def _state(request: web.Request, simulator: FaceSpaceSimulator) -> Any:
    return simulator.state()


_ADMIN.targets(
    FaceSpaceSimulator.push_targets,
    _add_target,
    FaceSpaceSimulator.remove_push_target,
    path="/push-targets",
    field="target",
)
_ADMIN.add(
    [
        ("POST", "/recognize", _recognize),
        ("POST", "/raw-line", _raw_line),
        (
            "POST",
            "/active",
            routing.setter(
                "active is a required boolean", FaceSpaceSimulator.set_active, active=bool
            ),
        ),
        (
            "POST",
            "/gone",
            routing.setter("gone is a required boolean", FaceSpaceSimulator.set_gone, gone=bool),
        ),
        ("GET", "/state", _state),
    ]
)
_ADMIN.failure()
_ADMIN.settings(
    [
        routing.Setting(
            "recognition_interval",
            FaceSpaceSimulator.set_recognition_interval,
            message="recognition_interval must be a number",
        )
    ]
)
