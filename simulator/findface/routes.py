"""The simulated FindFace Multi REST API."""

import base64
import binascii
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from ..routing import Admin, json_object, sim_wrapper
from .model import JPEG, MAX_LIMIT, _bad_param, _not_found, _unauthorized
from .service import FindFaceSimulator

FINDFACE_SIMULATOR = web.AppKey("FINDFACE_SIMULATOR", FindFaceSimulator)
ROUTES = web.RouteTableDef()
type _Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def findface_context(app: web.Application) -> AsyncIterator[None]:
    """Run the webhook sender while the application runs (for ``app.cleanup_ctx``)."""
    simulator = app[FINDFACE_SIMULATOR]
    await simulator.start()
    yield
    await simulator.stop()


def _endpoint(call: str, *, auth: bool = True) -> Admin[FindFaceSimulator]:
    """Wrap an API handler with counting, failure injection and token auth."""

    def before(request: web.Request, simulator: FindFaceSimulator) -> None:
        simulator.learn_base_url(str(request.url.origin()))
        simulator.admit(call, request.headers, auth=auth)

    return sim_wrapper(FINDFACE_SIMULATOR, before=before)


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        return await json_object(request)
    except ValueError as err:
        raise _bad_param("body", str(err)) from err


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o={offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("o="):
            raise ValueError(cursor)
        offset = int(text[2:])
    except (ValueError, binascii.Error) as err:
        raise _bad_param("page", "Invalid cursor") from err
    if offset < 0:
        raise _bad_param("page", "Invalid cursor")
    return offset


def _id_key(item: Mapping[str, Any]) -> int:
    return int(item["id"])


def _paged(
    request: web.Request, items: list[dict[str, Any]], *, count: bool = False, newest: bool = False
) -> web.Response:
    """Answer a cursor-paged list: ``{"next_page", "prev_page", "results"}``.

    Query: limit (1..1000, default 20), page (cursor), ordering (id or -id),
    id_in (comma-separated or repeated). Default order: ascending id, or
    newest first when newest.
    """
    wanted = {
        part.strip()
        for value in request.query.getall("id_in", [])
        for part in value.split(",")
        if part.strip()
    }
    if wanted:
        items = [item for item in items if str(item["id"]) in wanted]
    ordering = request.query.get("ordering", "-id" if newest else "id")
    items = sorted(items, key=_id_key, reverse=ordering.startswith("-"))
    try:
        limit = int(request.query.get("limit", "20"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise _bad_param("limit", f"limit must be an integer between 1 and {MAX_LIMIT}")
    offset = _decode_cursor(request.query["page"]) if "page" in request.query else 0
    end = offset + limit

    def link(position: int) -> str:
        return str(request.url.update_query(page=_encode_cursor(position)))

    body: dict[str, Any] = {
        "next_page": link(end) if end < len(items) else None,
        "prev_page": link(max(offset - limit, 0)) if offset > 0 else None,
        "results": items[offset:end],
    }
    if count:
        body["count"] = len(items)
    return web.json_response(body)


def _path_id(request: web.Request, name: str = "item_id") -> int:
    return int(request.match_info[name])


def _one(items: list[dict[str, Any]], item_id: str, what: str) -> web.Response:
    for item in items:
        if str(item["id"]) == item_id:
            return web.json_response(item)
    raise _not_found(f"{what} {item_id} not found")


def _register_list(
    path: str,
    call: str,
    what: str,
    source: Callable[[FindFaceSimulator], list[dict[str, Any]]],
    *,
    history: bool = False,
) -> None:
    """Add ``GET path`` (paged) and ``GET path{id}/`` for a collection."""

    async def listing(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
        return _paged(request, source(simulator), count=history, newest=history)

    async def detail(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
        return _one(source(simulator), request.match_info["item_id"], what)

    ROUTES.get(path)(_endpoint(call)(listing))
    ROUTES.get(path + r"{item_id:\d+}/")(_endpoint(call)(detail))


def _section_history(section: str) -> Callable[[FindFaceSimulator], list[dict[str, Any]]]:
    return lambda simulator: simulator.history(section)


_register_list("/cameras/", "cameras", "Camera", FindFaceSimulator.cameras)
_register_list("/camera-groups/", "camera_groups", "Camera group", FindFaceSimulator.camera_groups)
_register_list("/watch-lists/", "watch_lists", "Watch list", FindFaceSimulator.watch_lists)
_register_list("/cards/humans/", "human_cards", "Card", FindFaceSimulator.human_cards)
_register_list("/cards/cars/", "car_cards", "Card", FindFaceSimulator.car_cards)
_register_list("/counters/", "counters", "Counter", FindFaceSimulator.counters)
_register_list("/areas/", "areas", "Area", FindFaceSimulator.areas)
for _path, _section, _what in (
    ("/events/faces/", "face_events", "Event"),
    ("/events/bodies/", "body_events", "Event"),
    ("/events/cars/", "car_events", "Event"),
    ("/episodes/humans/", "human_episodes", "Episode"),
    ("/episodes/cars/", "car_episodes", "Episode"),
    ("/counter-records/", "counters", "Counter record"),
    ("/area-trigger-activations/", "areas", "Area activation"),
):
    _register_list(_path, _section, _what, _section_history(_section), history=True)


def _jpeg() -> web.Response:
    return web.Response(body=JPEG, content_type="image/jpeg")


@ROUTES.post("/auth/login/")
@_endpoint("login", auth=False)
async def _login(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    authorization = request.headers.get("Authorization", "")
    if not authorization.lower().startswith("basic "):
        raise _unauthorized("HTTP Basic credentials were not provided.")
    try:
        body = await request.json()
    except ValueError:
        body = None
    client_uuid = body.get("uuid") if isinstance(body, dict) else None
    return web.json_response(simulator.login(authorization, client_uuid))


@ROUTES.post("/auth/logout/")
@_endpoint("logout")
async def _logout(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    simulator.logout(simulator.check_token(request.headers.get("Authorization", "")))
    return web.json_response({})


@ROUTES.get(r"/cameras/{item_id:\d+}/screenshot/")
@_endpoint("screenshot")
async def _screenshot(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    simulator.camera(_path_id(request))
    return _jpeg()


@ROUTES.get("/uploads/{tail:.+}")
async def _uploads(request: web.Request) -> web.StreamResponse:
    return _jpeg()


@ROUTES.get("/hooks/")
@_endpoint("hooks")
async def _list_hooks(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    return _paged(request, simulator.hooks())


@ROUTES.post("/hooks/")
@_endpoint("hooks")
async def _create_hook(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    hook = simulator.create_hook(await _json_object(request))
    return web.json_response(hook, status=201)


@ROUTES.get(r"/hooks/{item_id:\d+}/")
@_endpoint("hooks")
async def _get_hook(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    return web.json_response(simulator.hook(_path_id(request)))


@ROUTES.patch(r"/hooks/{item_id:\d+}/")
@_endpoint("hooks")
async def _patch_hook(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    return web.json_response(simulator.update_hook(_path_id(request), body))


@ROUTES.delete(r"/hooks/{item_id:\d+}/")
@_endpoint("hooks")
async def _delete_hook(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    simulator.delete_hook(_path_id(request))
    return web.Response(status=204)
