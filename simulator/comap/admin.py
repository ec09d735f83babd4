"""The ComAp admin routes under ``/_sim/comap``."""

from typing import Any

from aiohttp import web

from .. import routing
from .model import ComapApiError
from .routes import COMAP_SIMULATOR, ROUTES
from .state import ComapSimulator

MAX_ADDED_FILE = 64 * 1024 * 1024
"""Largest file the admin route adds (bytes)."""

_ADMIN = routing.AdminRoutes(ROUTES, "/_sim/comap", COMAP_SIMULATOR, ComapApiError)


async def _add_unit(request: web.Request, simulator: ComapSimulator) -> dict[str, str]:
    name = (await routing.json_object(request)).get("name")
    if not isinstance(name, str) or not name.strip():
        raise ComapApiError(400, "name is a required non-empty string")
    return {"unitGuid": simulator.add_unit(name)}


async def _remove_unit(request: web.Request, simulator: ComapSimulator) -> dict[str, str]:
    unit_guid = request.match_info["unit_guid"]
    simulator.remove_unit(unit_guid)
    return {"unitGuid": unit_guid}


async def _add_comment(request: web.Request, simulator: ComapSimulator) -> dict[str, int]:
    body = await routing.json_object(request)
    text, author = body.get("text"), body.get("author", "site.operator")
    if not isinstance(text, str) or not isinstance(author, str):
        raise ComapApiError(400, "text and author must be strings")
    return {"id": simulator.add_comment(request.match_info["unit_guid"], text, author)}


async def _add_file(request: web.Request, simulator: ComapSimulator) -> dict[str, Any]:
    body = await routing.json_object(request)
    name, size = body.get("name"), body.get("size", 0)
    if not isinstance(name, str) or not name or not isinstance(size, int) or size < 0:
        raise ComapApiError(400, "name is a non-empty string and size a byte count")
    simulator.add_file(
        request.match_info["unit_guid"], name, bytes(index % 251 for index in range(size))
    )
    return {"name": name, "size": size}


async def _set_mains(request: web.Request, simulator: ComapSimulator) -> dict[str, bool]:
    present = (await routing.json_object(request)).get("present")
    if not isinstance(present, bool):
        raise ComapApiError(400, "present must be true or false")
    simulator.set_mains(request.match_info["unit_guid"], present)
    return {"present": present}


async def _raise_alarm(request: web.Request, simulator: ComapSimulator) -> dict[str, str]:
    text = (await routing.json_object(request)).get("text")
    if not isinstance(text, str) or not text.strip():
        raise ComapApiError(400, "text is a required non-empty string")
    simulator.raise_alarm(request.match_info["unit_guid"], text)
    return {"text": text}


async def _fail(request: web.Request, simulator: ComapSimulator) -> dict[str, int]:
    body = await routing.json_object(request)
    status, count, raw_body = body.get("status", 500), body.get("count", 1), body.get("body")
    if not isinstance(status, int) or not isinstance(count, int):
        raise ComapApiError(400, "status and count must be integers")
    if raw_body is not None and not isinstance(raw_body, str):
        raise ComapApiError(400, "body must be a string")
    simulator.fail_next(status, count, raw_body)
    return {"status": status, "count": count}


_ADMIN.add(
    [
        ("POST", "/units", _add_unit),
        ("DELETE", "/units/{unit_guid}", _remove_unit),
        ("POST", "/units/{unit_guid}/comments", _add_comment),
        ("POST", "/units/{unit_guid}/files", _add_file),
        ("POST", "/units/{unit_guid}/mains", _set_mains),
        ("POST", "/units/{unit_guid}/alarms", _raise_alarm),
        ("POST", "/fail", _fail),
        ("POST", "/expire-tokens", routing.expire_tokens),
    ]
)
