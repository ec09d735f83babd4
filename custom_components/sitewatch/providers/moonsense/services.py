"""Actions of the Moonsense provider: a session's recorded data (its chunks), summarised."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, Final

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from ...actions import ATTR_CONFIG_ENTRY_ID, in_home_zone, runtime_for_call
from ...const import DOMAIN
from ...schema import vol
from .api import (
    MoonsenseApiError,
    MoonsenseAuthenticationError,
    MoonsenseClient,
    MoonsenseError,
    Readings,
)
from .api.parsing import MAX_ID_TEXT
from .runtime import MoonsenseRuntime

SERVICE_GET_SESSION_DATA: Final = "get_moonsense_session_data"

ATTR_SESSION_ID: Final = "session_id"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
ATTR_MAX_BUNDLES: Final = "max_bundles"

DEFAULT_BUNDLES: Final = 100
MAX_BUNDLES: Final = 500
"""Most bundles returned by one call (the summary counts every bundle read)."""
MAX_CHUNKS: Final = 50
"""Most chunks read by one call (``GET .../chunks/{id}`` each); the answer says when cut."""
SUMMARISED: Final = (
    "battery_level",
    "heart_rate",
    "temperature",
    "light",
    "pressure",
    "humidity",
    "altitude",
    "speed",
    "acceleration",
)
"""Readings given as minimum, maximum and mean in the summary."""
COUNTED: Final = ("steps", "pointer_events", "key_presses", "focus_changes", "text_changes")
"""Readings summed in the summary."""

SESSION_DATA_SCHEMA: Final = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_SESSION_ID): vol.All(
            cv.string, vol.Length(min=1, max=MAX_ID_TEXT), vol.Match(r"^[A-Za-z0-9_.:-]+$")
        ),
        vol.Optional(ATTR_START): cv.datetime,
        vol.Optional(ATTR_END): cv.datetime,
        vol.Optional(ATTR_MAX_BUNDLES, default=DEFAULT_BUNDLES): vol.All(
            vol.Coerce(int), vol.Range(min=0, max=MAX_BUNDLES)
        ),
    }
)


def summarise(bundles: list[Readings]) -> dict[str, Any]:
    """Counts, time span and statistics of ``bundles``.

    Shape: ``{"bundles", "first", "last", "readings": {name: count}, "<reading>": {"min",
    "max", "mean"}, "<count>_total", "activities": {name: count}, "dropped_readings"}``.
    """
    present: Counter[str] = Counter()
    activities: Counter[str] = Counter()
    for readings in bundles:
        present.update(readings.as_dict().keys() - {"time"})
        if readings.activity:
            activities[readings.activity] += 1
    times = [readings.time for readings in bundles if readings.time]
    summary: dict[str, Any] = {
        "bundles": len(bundles),
        "first": min(times).isoformat() if times else None,
        "last": max(times).isoformat() if times else None,
        "readings": dict(sorted(present.items())),
        "activities": dict(sorted(activities.items())),
        "dropped_readings": sum(readings.dropped for readings in bundles),
    }
    for name in SUMMARISED:
        values = [value for r in bundles if (value := getattr(r, name)) is not None]
        if values:
            summary[name] = {
                "min": min(values),
                "max": max(values),
                "mean": round(sum(values) / len(values), 3),
            }
    for name in COUNTED:
        summary[f"{name}_total"] = sum(getattr(r, name) or 0 for r in bundles)
    return summary


async def read_session_data(
    client: MoonsenseClient,
    session_id: str,
    start: datetime | None,
    end: datetime | None,
    max_bundles: int,
) -> dict[str, Any]:
    """A session's bundles between ``start`` and ``end`` (inclusive; None: open), summarised.

    Requests: ``GET /v2/sessions/{id}`` (control plane: the session's region), then on its data
    plane (the session's ``region_id``, else the entry's region option) the chunk list and at
    most ``MAX_CHUNKS`` chunks, oldest first. Bundles are picked by their own (client) time;
    chunks are not skipped by their persistence time, since a phone's clock may be off.

    Response: ``{"session": {"session_id", "platform", "model", "labels", "journey_id",
    "created_at", "region"}, "summary": summarise(...), "bundles": [the first ``max_bundles``
    readings, oldest first, as ``Readings.as_dict``], "truncated": bool, "chunks_read": int,
    "malformed_lines": int}``. No app, install or user id is included.

    Raises:
        MoonsenseError: the client's errors (the action translates them).
    """
    session = await client.session(session_id)
    chunks = await client.chunks(session)
    bundles: list[Readings] = []
    malformed = 0
    read = 0
    truncated = False
    for chunk in chunks:
        if read == MAX_CHUNKS:
            truncated = True
            break
        readings, errors = await client.read_chunk(session, chunk.chunk_id)
        read += 1
        malformed += len(errors)
        bundles.extend(
            r
            for r in readings
            if (start is None or (r.time is not None and r.time >= start))
            and (end is None or (r.time is not None and r.time <= end))
        )
    bundles.sort(key=lambda r: r.time or datetime.min.replace(tzinfo=dt_util.UTC))
    truncated = truncated or len(bundles) > max_bundles
    return {
        "session": {
            "session_id": session.session_id,
            "platform": session.platform,
            "model": session.model,
            "labels": session.labels[:32],
            "journey_id": session.journey_id,
            "created_at": session.created_at.isoformat() if session.created_at else None,
            "region": session.region_id or client.default_region,
        },
        "summary": summarise(bundles),
        "bundles": [readings.as_dict() for readings in bundles[:max_bundles]],
        "truncated": truncated,
        "chunks_read": read,
        "malformed_lines": malformed,
    }


async def _async_get_session_data(call: ServiceCall) -> ServiceResponse:
    """The ``get_moonsense_session_data`` action (``read_session_data``), errors translated."""
    start, end = in_home_zone(call.data.get(ATTR_START)), in_home_zone(call.data.get(ATTR_END))
    if start is not None and end is not None and start > end:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="invalid_date_range"
        )
    runtime = runtime_for_call(call, MoonsenseRuntime, "moonsense_entry_required")
    try:
        return await read_session_data(
            runtime.coordinator.client,
            call.data[ATTR_SESSION_ID],
            start,
            end,
            call.data[ATTR_MAX_BUNDLES],
        )
    except MoonsenseAuthenticationError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="moonsense_auth_failed"
        ) from err
    except MoonsenseApiError as err:
        if err.status == 404:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="moonsense_session_not_found"
            ) from err
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="moonsense_session_data_failed",
            translation_placeholders={"error": str(err)},
        ) from err
    except MoonsenseError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="moonsense_session_data_failed",
            translation_placeholders={"error": str(err)},
        ) from err


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the session data action (response only)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_SESSION_DATA,
        _async_get_session_data,
        schema=SESSION_DATA_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
