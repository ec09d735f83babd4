"""The Camlytics admin routes under ``/_sim/camlytics``."""

from typing import Any

from aiohttp import web

from .. import routing
from .model import CamlyticsApiError
from .routes import CAMLYTICS_SIMULATOR, ROUTES
from .service import CamlyticsSimulator

_ADMIN = routing.AdminRoutes(ROUTES, "/_sim/camlytics", CAMLYTICS_SIMULATOR, CamlyticsApiError)


def _add_webhook(simulator: CamlyticsSimulator, body: dict[str, Any]) -> int:
    url, kind = routing.required(body, "url and kind are required strings", url=str, kind=str)
    headers = routing.headers_field(body)
    return simulator.add_webhook(
        url,
        kind,
        routing.optional(body, "location_id", int),
        routing.optional(body, "channel_id", str),
        headers,
    )


async def _emit(request: web.Request, simulator: CamlyticsSimulator) -> dict[str, Any]:
    body = await routing.json_object(request)
    count = body.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError("count must be an integer")
    events = simulator.emit_events(
        count,
        routing.optional(body, "location_id", int),
        routing.optional(body, "channel_id", str),
        routing.optional(body, "event_type", str),
        trigger_name=routing.optional(body, "trigger_name", str),
        origin=routing.optional(body, "origin", str),
    )
    return {"events": events}


async def _feeds(request: web.Request, simulator: CamlyticsSimulator) -> Any:
    return simulator.feeds()


async def _state(request: web.Request, simulator: CamlyticsSimulator) -> Any:
    return simulator.state()


_ADMIN.targets(CamlyticsSimulator.webhooks, _add_webhook, CamlyticsSimulator.remove_webhook)
_ADMIN.add(
    [
        ("POST", "/emit", _emit),
        ("GET", "/feeds", _feeds),
        ("GET", "/state", _state),
        (
            "POST",
            "/occupancy",
            routing.setter(
                "location_id and occupancy are required integers",
                CamlyticsSimulator.set_occupancy,
                location_id=int,
                occupancy=int,
            ),
        ),
        (
            "POST",
            "/queue",
            routing.setter(
                "channel_id is a required string and queue a required integer",
                CamlyticsSimulator.set_queue,
                channel_id=str,
                queue=int,
            ),
        ),
    ]
)
_ADMIN.failure(one_message=True)
_ADMIN.settings(
    [
        routing.Setting("event_interval", CamlyticsSimulator.set_event_interval),
        routing.Setting("rate_limit", CamlyticsSimulator.set_rate_limit),
    ]
)
