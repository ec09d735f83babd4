"""Sitewatch actions: genset commands and history, targeting genset devices.

Registered once in ``async_setup``; each call resolves its target devices to the config entry
and genset behind them and raises a translated ``ServiceValidationError`` when a device is not a
loaded Sitewatch genset.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util

from .bounds import bounded_text, sane_time, state_text
from .const import DOMAIN
from .devices import device_belongs_to
from .models import SitewatchConfigEntry
from .providers.comap import ComapRuntime
from .providers.comap.api import ComapCommand, ComapError, HistoryEntry
from .providers.comap.clean import MAX_UNIT_TEXT, name_text
from .providers.comap.commands import async_send_command, command_mode
from .providers.comap.const import ValueGuid
from .providers.comap.coordinator import ComapCoordinator
from .providers.comap.select import available_modes
from .providers.facespace import FaceSpaceRuntime
from .providers.facespace.api import FaceSpaceError, FaceSpaceUsageError
from .schema import vol

SERVICE_START = "start"
SERVICE_STOP = "stop"
SERVICE_FAULT_RESET = "fault_reset"
SERVICE_CHANGE_MODE = "change_mode"
SERVICE_GET_HISTORY = "get_history"
SERVICE_GET_RECOGNITION_LOGS = "get_recognition_logs"

ATTR_MODE = "mode"
ATTR_VALUE = "value"
ATTR_FROM = "from"
ATTR_TO = "to"
ATTR_START = "start"
ATTR_END = "end"
ATTR_CAMERA = "camera"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"

DEVICE_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string])})
CHANGE_MODE_SCHEMA = DEVICE_SCHEMA.extend({vol.Required(ATTR_MODE): cv.string})
GET_HISTORY_SCHEMA = DEVICE_SCHEMA.extend(
    {
        vol.Required(ATTR_VALUE): cv.string,
        vol.Required(ATTR_FROM): cv.date,
        vol.Required(ATTR_TO): cv.date,
    }
)

TIME_BOUND = vol.Any(cv.date, cv.datetime)
"""A date alone (the whole day) or a date and time."""
RECOGNITION_LOGS_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_START): TIME_BOUND,
        vol.Optional(ATTR_END): TIME_BOUND,
        vol.Optional(ATTR_CAMERA): cv.string,
    }
)

COMMANDS = {
    SERVICE_START: ComapCommand.START,
    SERVICE_STOP: ComapCommand.STOP,
    SERVICE_FAULT_RESET: ComapCommand.FAULT_RESET,
}
VALUE_KEYS = {
    name.lower(): guid for name, guid in vars(ValueGuid).items() if not name.startswith("_")
}
"""Well-known value names a user may give instead of a value GUID (``actual_power``, ``rpm``...)."""


def _gensets(hass: HomeAssistant, call: ServiceCall) -> list[tuple[ComapCoordinator, str, str]]:
    """Resolve the call's target devices to (coordinator, unit GUID, device id).

    Raises:
        ServiceValidationError: a device is unknown, not a genset, or its entry is not loaded.
    """
    device_registry = dr.async_get(hass)
    targets: list[tuple[ComapCoordinator, str, str]] = []
    for device_id in call.data[ATTR_DEVICE_ID]:
        device = device_registry.async_get(device_id)
        unit_guid = (
            next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
            if device
            else None
        )
        if device is None or unit_guid is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_device",
                translation_placeholders={"device_id": device_id},
            )
        target = None
        entry: SitewatchConfigEntry
        for entry in hass.config_entries.async_entries(DOMAIN):
            if (
                entry.state is ConfigEntryState.LOADED
                and isinstance(entry.runtime_data, ComapRuntime)
                and unit_guid in entry.runtime_data.coordinator.data
                and device_belongs_to(device_registry, device.id, entry.entry_id)
            ):
                target = (entry.runtime_data.coordinator, unit_guid, device_id)
                break
        if target is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="entry_not_loaded",
                translation_placeholders={"device": device.name or device_id},
            )
        targets.append(target)
    return targets


async def _async_command(call: ServiceCall) -> None:
    """Send start, stop or fault reset to every target genset."""
    for coordinator, unit_guid, _ in _gensets(call.hass, call):
        await async_send_command(coordinator, unit_guid, COMMANDS[call.service])


async def _async_change_mode(call: ServiceCall) -> None:
    """Change the mode of every target genset, checking the mode against each one's modes first.

    The mode is sent as the API documents it (``off``, ``man``, ``aut``, ``test``); ``auto``
    and any case are accepted.
    """
    requested = call.data[ATTR_MODE].strip()
    mode = command_mode(requested)
    targets = _gensets(call.hass, call)
    for coordinator, unit_guid, _ in targets:
        modes = available_modes(coordinator.data[unit_guid])
        if mode not in modes:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_mode",
                translation_placeholders={"mode": requested[:32], "modes": ", ".join(modes)},
            )
    for coordinator, unit_guid, _ in targets:
        await async_send_command(coordinator, unit_guid, ComapCommand.CHANGE_MODE, mode)


def _history_period(entry: HistoryEntry) -> dict[str, Any]:
    """One period of a value's history, bounded: the value text within 255, sane times."""
    valid_from = sane_time(entry.valid_from)
    valid_to = sane_time(entry.valid_to)
    return {
        "value": state_text(entry.value),
        "valid_from": valid_from.isoformat() if valid_from else None,
        "valid_to": valid_to.isoformat() if valid_to else None,
    }


async def _async_get_history(call: ServiceCall) -> ServiceResponse:
    """Return the history of one value of every target genset between two dates.

    Response: ``{"gensets": [{"device_id", "name", "value_guid", "value_name", "unit",
    "history": [{"value", "valid_from", "valid_to"}]}]}``, times in ISO 8601 UTC; texts are
    bounded (names 100 characters, values 255) and times outside 2000..tomorrow are None.
    """
    start: date = call.data[ATTR_FROM]
    end: date = call.data[ATTR_TO]
    if end < start:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="invalid_date_range"
        )
    requested: str = call.data[ATTR_VALUE].strip()
    value_guid = VALUE_KEYS.get(requested.lower(), requested).lower()
    gensets: list[Any] = []
    for coordinator, unit_guid, device_id in _gensets(call.hass, call):
        genset = coordinator.data[unit_guid]
        try:
            histories = await coordinator.client.history(
                genset.unit.unit_guid, [value_guid], start, end
            )
        except ComapError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="history_failed",
                translation_placeholders={"genset": genset.name, "error": str(err)},
            ) from err
        for history in histories:
            if history.value_guid.lower() != value_guid:
                continue
            gensets.append(
                {
                    "device_id": device_id,
                    "name": genset.name,
                    "value_guid": value_guid,
                    "value_name": name_text(history.name),
                    "unit": bounded_text(history.unit, MAX_UNIT_TEXT),
                    "history": [_history_period(entry) for entry in history.history],
                }
            )
    return {"gensets": gensets}


def _utc(value: date | datetime | None) -> date | datetime | None:
    """A naive datetime from the UI is in Home Assistant's time zone; dates stay dates."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt_util.get_default_time_zone())
    return value


async def _async_get_recognition_logs(call: ServiceCall) -> ServiceResponse:
    """FaceSpace logs between two bounds, grouped by camera.

    Response: ``{"cameras": {camera: [{"name", "time"}]}, "malformed": [lines]}``; times in
    ISO 8601 UTC. Without a config entry the only loaded FaceSpace entry is used.
    """
    entries = [
        entry
        for entry in call.hass.config_entries.async_loaded_entries(DOMAIN)
        if isinstance(entry.runtime_data, FaceSpaceRuntime)
    ]
    wanted = call.data.get(ATTR_CONFIG_ENTRY_ID)
    if wanted is not None:
        entries = [entry for entry in entries if entry.entry_id == wanted]
    if len(entries) != 1:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="facespace_entry_required",
        )
    runtime: FaceSpaceRuntime = entries[0].runtime_data
    try:
        logs = await runtime.coordinator.client.get_logs_range(
            _utc(call.data.get(ATTR_START)),
            _utc(call.data.get(ATTR_END)),
            call.data.get(ATTR_CAMERA),
        )
    except FaceSpaceUsageError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_log_query",
            translation_placeholders={"error": str(err)},
        ) from err
    except FaceSpaceError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="logs_failed",
            translation_placeholders={"error": str(err)},
        ) from err
    cameras: dict[str, Any] = {
        camera: [{"name": r.name, "time": r.time.isoformat()} for r in recognitions]
        for camera, recognitions in logs.recognitions.items()
    }
    return {"cameras": cameras, "malformed": [error.line for error in logs.errors]}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the Sitewatch actions."""
    for service in COMMANDS:
        hass.services.async_register(DOMAIN, service, _async_command, schema=DEVICE_SCHEMA)
    hass.services.async_register(
        DOMAIN, SERVICE_CHANGE_MODE, _async_change_mode, schema=CHANGE_MODE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_HISTORY,
        _async_get_history,
        schema=GET_HISTORY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_RECOGNITION_LOGS,
        _async_get_recognition_logs,
        schema=RECOGNITION_LOGS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
