"""Actions of the ComAp provider: genset commands, operating mode and value history.

Registered once when the integration loads; each call resolves its target devices to the
config entry and genset behind them and raises a translated ``ServiceValidationError`` when a
device is not a loaded Sitewatch genset.
"""

from __future__ import annotations

from datetime import date
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

from ...bounds import bounded_text, sane_time, state_text
from ...const import CONF_PROVIDER, DOMAIN
from ...devices import device_belongs_to
from ...models import SitewatchConfigEntry
from ...schema import vol
from .api import ComapCommand, ComapError, HistoryEntry
from .clean import MAX_UNIT_TEXT, name_text
from .const import PROVIDER_COMAP, ValueGuid
from .coordinator import ComapCoordinator, command_mode
from .runtime import ComapRuntime

SERVICE_START = "start"
SERVICE_STOP = "stop"
SERVICE_FAULT_RESET = "fault_reset"
SERVICE_CHANGE_MODE = "change_mode"
SERVICE_GET_HISTORY = "get_history"

ATTR_MODE = "mode"
ATTR_VALUE = "value"
ATTR_FROM = "from"
ATTR_TO = "to"

DEVICE_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string])})
CHANGE_MODE_SCHEMA = DEVICE_SCHEMA.extend({vol.Required(ATTR_MODE): cv.string})
GET_HISTORY_SCHEMA = DEVICE_SCHEMA.extend(
    {
        vol.Required(ATTR_VALUE): cv.string,
        vol.Required(ATTR_FROM): cv.date,
        vol.Required(ATTR_TO): cv.date,
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


def _invalid_device(name: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="invalid_device",
        translation_placeholders={"device_id": name},
    )


def _genset(
    hass: HomeAssistant, device_registry: dr.DeviceRegistry, device_id: str
) -> tuple[ComapCoordinator, str]:
    """Resolve one target device to its entry's coordinator and its unit GUID.

    The genset's identifier (``comap_<account>_<unit GUID>``, ``identity.device_identifier``)
    names its entry: the one whose unique id is ``<account>``.

    Raises:
        ServiceValidationError: ``invalid_device`` when the device is unknown or not a genset
            (another integration's device, a camera of another provider) or its genset left
            the account; ``entry_not_loaded`` when the genset's entry is not loaded.
    """
    device = device_registry.async_get(device_id)
    if device is None:
        raise _invalid_device(device_id)
    prefix = f"{PROVIDER_COMAP}_"
    for domain, identifier in device.identifiers:
        if domain != DOMAIN or not identifier.startswith(prefix):
            continue
        account, _, unit_guid = identifier.removeprefix(prefix).partition("_")
        entry: SitewatchConfigEntry | None = hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, account
        )
        if (
            entry is None
            or entry.data.get(CONF_PROVIDER) != PROVIDER_COMAP
            or not device_belongs_to(device_registry, device.id, entry.entry_id)
        ):
            continue
        if entry.state is not ConfigEntryState.LOADED or not isinstance(
            runtime := entry.runtime_data, ComapRuntime
        ):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="entry_not_loaded",
                translation_placeholders={"device": device.name or device_id},
            )
        if unit_guid in runtime.coordinator.data:
            return runtime.coordinator, unit_guid
    raise _invalid_device(device.name or device_id)


def _gensets(hass: HomeAssistant, call: ServiceCall) -> list[tuple[ComapCoordinator, str, str]]:
    """Resolve the call's target devices to (coordinator, unit GUID, device id).

    Raises:
        ServiceValidationError: a device is unknown, not a genset, or its entry is not loaded.
    """
    device_registry = dr.async_get(hass)
    return [
        (*_genset(hass, device_registry, device_id), device_id)
        for device_id in call.data[ATTR_DEVICE_ID]
    ]


async def _async_command(call: ServiceCall) -> None:
    """Send start, stop or fault reset to every target genset."""
    for coordinator, unit_guid, _ in _gensets(call.hass, call):
        await coordinator.async_send_command(unit_guid, COMMANDS[call.service])


async def _async_change_mode(call: ServiceCall) -> None:
    """Change the mode of every target genset, checking the mode against each one's modes first.

    The mode is sent as the API documents it (``off``, ``man``, ``aut``, ``test``); ``auto``
    and any case are accepted.
    """
    requested = call.data[ATTR_MODE].strip()
    mode = command_mode(requested)
    targets = _gensets(call.hass, call)
    for coordinator, unit_guid, _ in targets:
        modes = coordinator.data[unit_guid].available_modes()
        if mode not in modes:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_mode",
                translation_placeholders={"mode": requested[:32], "modes": ", ".join(modes)},
            )
    for coordinator, unit_guid, _ in targets:
        await coordinator.async_send_command(unit_guid, ComapCommand.CHANGE_MODE, mode)


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


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the genset actions."""
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
