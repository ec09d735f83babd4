"""The ComAp admin routes under ``/_sim/comap``."""

from aiohttp import web

from .. import routing
from .model import ComapApiError
from .routes import COMAP_SIMULATOR, ROUTES
from .state import ComapSimulator

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
        ("POST", "/fail", _fail),
        ("POST", "/expire-tokens", routing.expire_tokens),
    ]
)
