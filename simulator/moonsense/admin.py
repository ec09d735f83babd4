"""The Moonsense admin routes under ``/_sim/moonsense``."""

from typing import Any

from aiohttp import web

from .. import routing
from .model import SENSORS, MoonsenseApiError, parse_rfc3339
from .routes import MOONSENSE_SIMULATOR, ROUTES
from .service import MoonsenseSimulator

BASIC = ("when", "battery", "activity", "location", "temperature", "light", "pressure", "humidity")
"""Readings of a posted bundle given to ``send_bundle`` by name; the others go as ``more``."""
_ADMIN = routing.AdminRoutes(ROUTES, "/_sim/moonsense", MOONSENSE_SIMULATOR, MoonsenseApiError)


def _add_webhook(simulator: MoonsenseSimulator, body: dict[str, Any]) -> int:
    url = body.get("url")
    if not isinstance(url, str):
        raise ValueError("url is a required string")
    return simulator.add_webhook(url, routing.headers_field(body))


async def _events(request: web.Request, simulator: MoonsenseSimulator) -> Any:
    return simulator.events


async def _raw_event(request: web.Request, simulator: MoonsenseSimulator) -> Any:
    body = await routing.json_object(request)
    event_type = body.get("event_type")
    if isinstance(event_type, bool) or not isinstance(event_type, str | int):
        raise ValueError("event_type is a required string or integer")
    session_id = routing.optional(body, "session_id", str)
    return simulator.send_raw_event(event_type, session_id)


async def _create_session(request: web.Request, simulator: MoonsenseSimulator) -> Any:
    body = await routing.json_object(request, optional=True)
    labels = routing.optional(body, "labels", list) or []
    session_id = simulator.create_session(
        labels,
        routing.optional(body, "journey_id", str),
        routing.optional(body, "platform", str),
        routing.optional(body, "region", str),
        routing.optional(body, "phone", int),
    )
    return {"session_id": session_id}


async def _bundle(request: web.Request, simulator: MoonsenseSimulator) -> Any:
    body = await routing.json_object(request, optional=True)
    unknown = set(body) - {*SENSORS, "when"}
    if unknown:
        raise ValueError(f"Unknown readings: {', '.join(sorted(unknown))}")
    raw_when = routing.optional(body, "when", str)
    return simulator.send_bundle(
        request.match_info["session_id"],
        when=parse_rfc3339(raw_when) if raw_when else None,
        battery=body.get("battery"),
        activity=body.get("activity"),
        location=body.get("location"),
        temperature=body.get("temperature"),
        light=body.get("light"),
        pressure=body.get("pressure"),
        humidity=body.get("humidity"),
        **{name: body[name] for name in body if name not in BASIC},
    )


async def _persist(request: web.Request, simulator: MoonsenseSimulator) -> Any:
    return {"chunk_id": simulator.persist_chunk(request.match_info["session_id"])}


async def _end(request: web.Request, simulator: MoonsenseSimulator) -> Any:
    session_id = request.match_info["session_id"]
    simulator.end_session(session_id)
    return {"session_id": session_id}


async def _bad_line(request: web.Request, simulator: MoonsenseSimulator) -> Any:
    body = await routing.json_object(request)
    text = body.get("text")
    if not isinstance(text, str):
        raise ValueError("text is a required string")
    index = routing.optional(body, "index", int)
    session_id, chunk_id = request.match_info["session_id"], request.match_info["chunk_id"]
    simulator.plant_bad_line(session_id, chunk_id, text, index)
    return {"chunk_id": chunk_id, "text": text}


async def _state(request: web.Request, simulator: MoonsenseSimulator) -> Any:
    return simulator.state()


async def _phones(request: web.Request, simulator: MoonsenseSimulator) -> Any:
    return simulator.phones()


_ADMIN.targets(MoonsenseSimulator.webhooks, _add_webhook, MoonsenseSimulator.remove_webhook)
_SESSION = "/sessions/{session_id}"
_ADMIN.add(
    [
        ("GET", "/events", _events),
        ("POST", "/events", _raw_event),
        ("POST", "/sessions", _create_session),
        ("POST", _SESSION + "/bundles", _bundle),
        ("POST", _SESSION + "/persist", _persist),
        ("POST", _SESSION + "/end", _end),
        ("POST", _SESSION + "/chunks/{chunk_id}/bad-line", _bad_line),
        ("GET", "/state", _state),
        ("GET", "/phones", _phones),
    ]
)
_ADMIN.failure()
_ADMIN.settings(
    [
        routing.Setting(
            "bundle_interval",
            MoonsenseSimulator.set_bundle_interval,
            message="bundle_interval must be a number",
        ),
        routing.Setting("camel_case", MoonsenseSimulator.set_camel_case, number=False),
        routing.Setting("emit_defaults", MoonsenseSimulator.set_emit_defaults, number=False),
        routing.Setting(
            "numeric_event_types", MoonsenseSimulator.set_numeric_event_types, number=False
        ),
    ],
    answer=("camel_case", "emit_defaults", "numeric_event_types", "bundle_interval"),
)
