"""The simulated Camlytics REST API and report feeds."""

from collections.abc import AsyncIterator, Callable
from datetime import datetime
import re
from typing import Any

from aiohttp import web

from .model import (
    API_PREFIX,
    FEED_PREFIX,
    CamlyticsApiError,
    EventFilter,
    _bad_param,
    _parse_time,
    envelope,
    parse_query,
)
from .service import CamlyticsSimulator

CAMLYTICS_SIMULATOR = web.AppKey("CAMLYTICS_SIMULATOR", CamlyticsSimulator)
ROUTES = web.RouteTableDef()
type _Query = dict[str, str]
type _Listing = Callable[[CamlyticsSimulator, _Query], list[dict[str, Any]]]


async def camlytics_context(app: web.Application) -> AsyncIterator[None]:
    """Run the webhook sender while the application runs (for ``app.cleanup_ctx``)."""
    simulator = app[CAMLYTICS_SIMULATOR]
    await simulator.start()
    yield
    await simulator.stop()


def _int_param(query: _Query, name: str) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    if not re.fullmatch(r"-?\d{1,18}", raw):
        raise _bad_param(name)
    return int(raw)


def _str_param(query: _Query, name: str) -> str | None:
    return query.get(name) or None


def _time_param(query: _Query, name: str) -> datetime | None:
    raw = query.get(name)
    return None if raw is None or raw == "" else _parse_time(raw, name)


def _filters(query: _Query) -> EventFilter:
    since, until = _time_param(query, "since"), _time_param(query, "until")
    return EventFilter(
        location_id=_int_param(query, "location_id"),
        channel_id=_str_param(query, "channel_id"),
        since=since,
        until=until,
    )


def _register_api(path: str, listing: _Listing) -> None:
    """Add ``GET API_PREFIX + path`` answering listing's result in the envelope."""

    async def handler(request: web.Request) -> web.StreamResponse:
        simulator = request.app[CAMLYTICS_SIMULATOR]
        raw_uri = request.raw_path
        try:
            simulator.admit(raw_uri, request.headers)
            response = web.json_response(envelope(listing(simulator, parse_query(raw_uri))))
        except CamlyticsApiError as err:
            response = err.response()
        simulator.count_request(request.path, response.status)
        return response

    ROUTES.get(API_PREFIX + path)(handler)


_register_api("/locations", lambda sim, query: sim.locations())
_register_api("/channels", lambda sim, query: sim.channels(_int_param(query, "location_id")))
_register_api(
    "/triggers",
    lambda sim, query: sim.triggers(
        _int_param(query, "location_id"), _str_param(query, "channel_id")
    ),
)
_register_api("/events", lambda sim, query: sim.events(_filters(query)))
_register_api("/totals/triggers", lambda sim, query: sim.totals_by_trigger(_filters(query)))
_register_api("/totals/types", lambda sim, query: sim.totals_by_type(_filters(query)))
_register_api("/histograms", lambda sim, query: sim.histograms(_filters(query)))


@ROUTES.get(FEED_PREFIX + "/{feed_id}")
async def _feed(request: web.Request) -> web.StreamResponse:
    simulator = request.app[CAMLYTICS_SIMULATOR]
    try:
        simulator.raise_injected_failure()
        response = web.json_response(simulator.feed(request.match_info["feed_id"]))
    except CamlyticsApiError as err:
        response = err.response()
    simulator.count_request(request.path, response.status)
    return response
