"""The simulated ComAp identity and WebSupervisor v1.1 HTTP API."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web

from ..routing import Admin, sim_wrapper
from .model import HISTORY_DATE_FORMAT, ComapApiError
from .state import ComapSimulator

COMAP_SIMULATOR = web.AppKey("COMAP_SIMULATOR", ComapSimulator)


ROUTES = web.RouteTableDef()


def _endpoint(call: str) -> Admin[ComapSimulator]:
    """Wrap a handler with counting, rate limit, failure injection and auth.

    Routes with a login id in their path are WSV calls and need a token.
    """
    return sim_wrapper(
        COMAP_SIMULATOR,
        before=lambda request, simulator: simulator.admit(
            call, request.headers, request.match_info.get("login_id")
        ),
    )


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as err:
        raise ComapApiError(400, "The request body must be JSON") from err
    if not isinstance(body, dict):
        raise ComapApiError(400, "The request body must be a JSON object")
    return body


def _guid_filter(request: web.Request) -> list[str] | None:
    raw = request.query.get("valueGuids", "")
    guids = [guid.strip() for guid in raw.split(",") if guid.strip()]
    return guids or None


def _query_date(request: web.Request, name: str) -> date | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        return datetime.strptime(raw, HISTORY_DATE_FORMAT).date()
    except ValueError as err:
        raise ComapApiError(400, f"Parameter {name} must be a date in format MM/DD/YYYY") from err


@ROUTES.post("/identity/application/authenticate")
@_endpoint("authenticate")
async def _authenticate(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    client_id, secret = body.get("clientId"), body.get("secret")
    if not isinstance(client_id, str) or not isinstance(secret, str):
        raise ComapApiError(400, "clientId and secret are required strings")
    return web.json_response(simulator.authenticate(client_id, secret))


@ROUTES.get("/v1.1/{login_id}/units")
@_endpoint("units")
async def _units(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    return web.json_response({"units": simulator.units()})


@ROUTES.get("/v1.1/{login_id}/units/{unit_guid}/values")
@_endpoint("values")
async def _values(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    values = simulator.values(request.match_info["unit_guid"], _guid_filter(request))
    return web.json_response({"values": values})


def _unit_route(call: str, read: Callable[[ComapSimulator, str], Any], *, wrap: bool) -> None:
    """Add ``GET .../units/{unit_guid}/<call>`` answering read's result (under call if wrap)."""

    async def handler(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
        answer = read(simulator, request.match_info["unit_guid"])
        return web.json_response({call: answer} if wrap else answer)

    ROUTES.get(f"/v1.1/{{login_id}}/units/{{unit_guid}}/{call}")(_endpoint(call)(handler))


_unit_route("info", ComapSimulator.info, wrap=False)
_unit_route("comments", ComapSimulator.comments, wrap=True)


@ROUTES.get("/v1.1/{login_id}/units/{unit_guid}/history")
@_endpoint("history")
async def _history(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    values = simulator.history(
        request.match_info["unit_guid"],
        _query_date(request, "from"),
        _query_date(request, "to"),
        _guid_filter(request),
    )
    return web.json_response({"values": values})


_unit_route("files", ComapSimulator.files, wrap=True)


@ROUTES.get("/v1.1/{login_id}/unit/{unit_guid}/download/{file_name}")
@_endpoint("download")
async def _download(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    file_name = request.match_info["file_name"]
    content = simulator.download(request.match_info["unit_guid"], file_name)
    return web.Response(
        body=content,
        content_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file_name, safe='')}"
        },
    )


@ROUTES.post("/v1.1/{login_id}/units/{unit_guid}/command")
@_endpoint("command")
async def _command(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    command, mode = body.get("command"), body.get("mode")
    if not isinstance(command, str):
        raise ComapApiError(400, "command is a required string")
    simulator.command(request.match_info["unit_guid"], command, mode)
    return web.json_response({"command": command, "result": "OK"})
