"""The ComAp admin routes under ``/_sim/comap``."""

from aiohttp import web

from .model import ComapApiError
from .routes import ROUTES, _admin, _json_object
from .state import ComapSimulator


@ROUTES.post("/_sim/comap/units")
@_admin
async def _admin_add_unit(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    name = (await _json_object(request)).get("name")
    if not isinstance(name, str) or not name.strip():
        raise ComapApiError(400, "name is a required non-empty string")
    return web.json_response({"unitGuid": simulator.add_unit(name)})


@ROUTES.delete("/_sim/comap/units/{unit_guid}")
@_admin
async def _admin_remove_unit(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    unit_guid = request.match_info["unit_guid"]
    simulator.remove_unit(unit_guid)
    return web.json_response({"unitGuid": unit_guid})


@ROUTES.post("/_sim/comap/fail")
@_admin
async def _admin_fail(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    status, count, raw_body = body.get("status", 500), body.get("count", 1), body.get("body")
    if not isinstance(status, int) or not isinstance(count, int):
        raise ComapApiError(400, "status and count must be integers")
    if raw_body is not None and not isinstance(raw_body, str):
        raise ComapApiError(400, "body must be a string")
    try:
        simulator.fail_next(status, count, raw_body)
    except ValueError as err:
        raise ComapApiError(400, str(err)) from err
    return web.json_response({"status": status, "count": count})


@ROUTES.post("/_sim/comap/expire-tokens")
@_admin
async def _admin_expire_tokens(
    request: web.Request, simulator: ComapSimulator
) -> web.StreamResponse:
    return web.json_response({"expired": simulator.expire_tokens()})
