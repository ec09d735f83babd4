"""Actions of the FaceSpace provider: recognition log queries."""

from __future__ import annotations

from typing import Any

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv

from ...actions import ATTR_CONFIG_ENTRY_ID, TIME_BOUND, in_home_zone, runtime_for_call
from ...const import DOMAIN
from ...schema import vol
from .api import FaceSpaceError, FaceSpaceUsageError
from .runtime import FaceSpaceRuntime

SERVICE_GET_RECOGNITION_LOGS = "get_recognition_logs"

ATTR_START = "start"
ATTR_END = "end"
ATTR_CAMERA = "camera"

RECOGNITION_LOGS_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_START): TIME_BOUND,
        vol.Optional(ATTR_END): TIME_BOUND,
        vol.Optional(ATTR_CAMERA): cv.string,
    }
)


async def _async_get_recognition_logs(call: ServiceCall) -> ServiceResponse:
    """FaceSpace logs between two bounds, grouped by camera.

    Response: ``{"cameras": {camera: [{"name", "time"}]}, "malformed": [lines]}``; times in
    ISO 8601 UTC. Without a config entry the only loaded FaceSpace entry is used.
    """
    runtime = runtime_for_call(call, FaceSpaceRuntime, "facespace_entry_required")
    try:
        logs = await runtime.coordinator.client.get_logs_range(
            in_home_zone(call.data.get(ATTR_START)),
            in_home_zone(call.data.get(ATTR_END)),
            call.data.get(ATTR_CAMERA),
        )
    except FaceSpaceError as err:
        wrong_query = isinstance(err, FaceSpaceUsageError)
        raise (ServiceValidationError if wrong_query else HomeAssistantError)(
            translation_domain=DOMAIN,
            translation_key="invalid_log_query" if wrong_query else "logs_failed",
            translation_placeholders={"error": str(err)},
        ) from err
    cameras: dict[str, Any] = {
        camera: [{"name": r.name, "time": r.time.isoformat()} for r in recognitions]
        for camera, recognitions in logs.recognitions.items()
    }
    return {"cameras": cameras, "malformed": [error.line for error in logs.errors]}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the recognition log query."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_RECOGNITION_LOGS,
        _async_get_recognition_logs,
        schema=RECOGNITION_LOGS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
