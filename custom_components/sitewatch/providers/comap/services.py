"""Actions of the ComAp provider: genset commands, mode, history, comments and files.

Registered once when the integration loads; each call resolves its target devices to the
config entry and genset behind them and raises a translated ``ServiceValidationError`` when a
device is not a loaded Sitewatch genset.
"""

from __future__ import annotations

from datetime import date, datetime
import re
from typing import Any, Final

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
from .api import ComapCommand, ComapError, ComapFileTooLargeError, File, HistoryEntry
from .clean import MAX_UNIT_TEXT, comment_dict, name_text, newest_comments
from .const import PROVIDER_COMAP, ValueGuid
from .coordinator import ComapCoordinator, Genset, command_mode
from .files import MAX_DOWNLOAD_BYTES, async_download
from .runtime import ComapRuntime

SERVICE_START = "start"
SERVICE_STOP = "stop"
SERVICE_FAULT_RESET = "fault_reset"
SERVICE_CHANGE_MODE = "change_mode"
SERVICE_GET_HISTORY = "get_history"
SERVICE_TOGGLE_MCB = "toggle_mcb"
SERVICE_TOGGLE_GCB = "toggle_gcb"
SERVICE_GET_COMMENTS = "get_comments"
SERVICE_LIST_FILES = "list_files"
SERVICE_DOWNLOAD_FILE = "download_file"

ATTR_MODE = "mode"
ATTR_VALUE = "value"
ATTR_FROM = "from"
ATTR_TO = "to"
ATTR_FILE_NAME = "file_name"

MAX_HISTORY_VALUES: Final = 20
"""Most values one ``get_history`` call asks for (one request per genset carries them all)."""
MAX_LISTED_FILES: Final = 500
"""Most files ``list_files`` returns per genset."""
MAX_FILE_NAME_CHARS: Final = 255
"""Longest file name listed (and so downloadable); a longer one cannot be a file name."""
_GUID: Final = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")

DEVICE_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string])})
CHANGE_MODE_SCHEMA = DEVICE_SCHEMA.extend({vol.Required(ATTR_MODE): cv.string})
GET_HISTORY_SCHEMA = DEVICE_SCHEMA.extend(
    {
        vol.Required(ATTR_VALUE): vol.All(cv.ensure_list, [cv.string]),
        vol.Required(ATTR_FROM): cv.date,
        vol.Required(ATTR_TO): cv.date,
    }
)
DOWNLOAD_FILE_SCHEMA = DEVICE_SCHEMA.extend({vol.Required(ATTR_FILE_NAME): cv.string})

COMMANDS = {
    SERVICE_START: ComapCommand.START,
    SERVICE_STOP: ComapCommand.STOP,
    SERVICE_FAULT_RESET: ComapCommand.FAULT_RESET,
    SERVICE_TOGGLE_MCB: ComapCommand.CHANGE_MCB,
    SERVICE_TOGGLE_GCB: ComapCommand.CHANGE_GCB,
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
    """Send start, stop, fault reset or a breaker toggle to every target genset.

    Each command follows the genset as the buttons do; one that the API does not confirm
    raises ``command_not_confirmed`` (the gensets after it get nothing).
    """
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


def _value_guid(genset: Genset, requested: str) -> str | None:
    """The lower-cased GUID of a value picked by the user, or None when nothing matches.

    In this order: a well-known name (``actual_power``, ``rpm``...), the name of one of the
    genset's own values (``Oil pressure``; any case), a GUID.
    """
    key = requested.strip().lower()
    guid = VALUE_KEYS.get(key) or genset.value_names.get(key)
    if guid is None and _GUID.fullmatch(key):
        guid = key
    return guid


def _iso(moment: datetime | None) -> str | None:
    """A time in ISO 8601, or None."""
    return moment.isoformat() if moment else None


def _failed(key: str, genset: Genset, err: ComapError) -> HomeAssistantError:
    """The translated error ``key`` of a read that failed for ``genset``."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"genset": genset.name, "error": str(err)},
    )


async def _async_get_history(call: ServiceCall) -> ServiceResponse:
    """Return the history of one or more values of every target genset between two dates.

    ``value`` is one text or a list of at most ``MAX_HISTORY_VALUES``, each a well-known
    name, the name of a value of the genset, or a GUID (``_value_guid``); one request per
    genset reads them all.

    Response: ``{"gensets": [{"device_id", "name", "value_guid", "value_name", "unit",
    "history": [{"value", "valid_from", "valid_to"}]}]}``, one item per genset and value the
    API answered, in the order asked, times in ISO 8601 UTC; texts are bounded (names 100
    characters, values 255) and times outside 2000..tomorrow are None.

    Raises:
        ServiceValidationError: ``invalid_date_range``, ``too_many_values``, or
            ``unknown_value`` when a value matches none of a genset's (nothing is sent).
        HomeAssistantError: ``history_failed`` when the API failed.
    """
    start: date = call.data[ATTR_FROM]
    end: date = call.data[ATTR_TO]
    if end < start:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="invalid_date_range"
        )
    requested: list[str] = [text.strip() for text in call.data[ATTR_VALUE]]
    if not 1 <= len(requested) <= MAX_HISTORY_VALUES:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="too_many_values",
            translation_placeholders={"limit": str(MAX_HISTORY_VALUES)},
        )
    targets = []
    for coordinator, unit_guid, device_id in _gensets(call.hass, call):
        genset = coordinator.data[unit_guid]
        guids: list[str] = []
        for text in requested:
            if (guid := _value_guid(genset, text)) is None:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="unknown_value",
                    translation_placeholders={"value": text[:64], "genset": genset.name},
                )
            guids.append(guid)
        targets.append((coordinator, genset, device_id, list(dict.fromkeys(guids))))
    gensets: list[Any] = []
    for coordinator, genset, device_id, guids in targets:
        try:
            histories = await coordinator.client.history(genset.unit.unit_guid, guids, start, end)
        except ComapError as err:
            raise _failed("history_failed", genset, err) from err
        by_guid = {history.value_guid.lower(): history for history in reversed(histories)}
        for guid in guids:
            if (history := by_guid.get(guid)) is None:
                continue
            gensets.append(
                {
                    "device_id": device_id,
                    "name": genset.name,
                    "value_guid": guid,
                    "value_name": name_text(history.name),
                    "unit": bounded_text(history.unit, MAX_UNIT_TEXT),
                    "history": [_history_period(entry) for entry in history.history],
                }
            )
    return {"gensets": gensets}


async def _async_get_comments(call: ServiceCall) -> ServiceResponse:
    """Return the newest comments of every target genset (one request per genset).

    Response: ``{"gensets": [{"device_id", "name", "comments": [{"id", "author", "date",
    "text", "active"}]}]}``, at most ``MAX_COMMENTS`` per genset, newest first, bounded as
    ``clean.newest_comments`` says. The comments sensor shows them at once too.

    Raises:
        HomeAssistantError: ``comments_failed`` when the API failed.
    """
    gensets: list[Any] = []
    for coordinator, unit_guid, device_id in _gensets(call.hass, call):
        genset = coordinator.data[unit_guid]
        try:
            comments = await coordinator.client.comments(genset.unit.unit_guid)
        except ComapError as err:
            raise _failed("comments_failed", genset, err) from err
        genset.comments = newest_comments(comments, coordinator.client.login_id)
        coordinator.async_update_listeners()
        gensets.append(
            {
                "device_id": device_id,
                "name": genset.name,
                "comments": [comment_dict(comment) for comment in genset.comments],
            }
        )
    return {"gensets": gensets}


async def _listed_files(coordinator: ComapCoordinator, genset: Genset) -> list[File]:
    """The genset's files whose names can be files, at most ``MAX_LISTED_FILES``.

    A name longer than ``MAX_FILE_NAME_CHARS``, blank, ``.`` or ``..`` is left out (it can
    name no file, so it could not be downloaded).

    Raises:
        HomeAssistantError: ``files_failed`` when the API failed.
    """
    try:
        files = await coordinator.client.files(genset.unit.unit_guid)
    except ComapError as err:
        raise _failed("files_failed", genset, err) from err
    usable = [
        file
        for file in files
        if len(file.file_name) <= MAX_FILE_NAME_CHARS
        and file.file_name.strip() not in ("", ".", "..")
    ]
    return usable[:MAX_LISTED_FILES]


async def _async_list_files(call: ServiceCall) -> ServiceResponse:
    """Return the files stored for every target genset (one request per genset).

    Response: ``{"gensets": [{"device_id", "name", "files": [{"file_name", "file_type",
    "generated"}]}]}``; the names are as the API gives them (what ``download_file`` takes),
    types within 100 characters, times sane or None.

    Raises:
        HomeAssistantError: ``files_failed`` when the API failed.
    """
    gensets: list[Any] = []
    for coordinator, unit_guid, device_id in _gensets(call.hass, call):
        genset = coordinator.data[unit_guid]
        files = await _listed_files(coordinator, genset)
        gensets.append(
            {
                "device_id": device_id,
                "name": genset.name,
                "files": [
                    {
                        "file_name": file.file_name,
                        "file_type": name_text(file.file_type),
                        "generated": (
                            when.isoformat() if (when := sane_time(file.generated)) else None
                        ),
                    }
                    for file in files
                ],
            }
        )
    return {"gensets": gensets}


async def _async_download_file(call: ServiceCall) -> ServiceResponse:
    """Download one file of one genset into the media folder and return where it went.

    The name must be one the genset's files list gives (that list is read first, so two
    requests); it is saved under a safe name (``files.safe_file_name``) that never replaces
    an existing file, in ``<media>/sitewatch/comap/<genset>/``.

    Response: ``{"device_id", "name", "file_name", "path", "media_content_id", "size"}``.

    Raises:
        ServiceValidationError: ``one_genset_only``, ``file_not_found``, ``no_media_folder``.
        HomeAssistantError: ``file_too_large`` (over 20 MiB), ``files_failed`` (the API or
            the disk failed); nothing is left on disk then.
    """
    targets = _gensets(call.hass, call)
    if len(targets) != 1:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="one_genset_only")
    ((coordinator, unit_guid, device_id),) = targets
    genset = coordinator.data[unit_guid]
    file_name: str = call.data[ATTR_FILE_NAME]
    listed = {file.file_name for file in await _listed_files(coordinator, genset)}
    if file_name not in listed:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="file_not_found",
            translation_placeholders={"file_name": file_name[:100], "genset": genset.name},
        )
    try:
        downloaded = await async_download(
            call.hass, coordinator.client, genset.unit.unit_guid, genset.name, file_name
        )
    except ComapFileTooLargeError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="file_too_large",
            translation_placeholders={
                "file_name": file_name[:100],
                "limit": f"{MAX_DOWNLOAD_BYTES // 2**20} MiB",
            },
        ) from err
    except ComapError as err:
        raise _failed("files_failed", genset, err) from err
    except OSError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="files_failed",
            translation_placeholders={"genset": genset.name, "error": type(err).__name__},
        ) from err
    return {
        "device_id": device_id,
        "name": genset.name,
        "file_name": file_name,
        "path": str(downloaded.path),
        "media_content_id": downloaded.media_content_id,
        "size": downloaded.size,
    }


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the genset actions (commands, mode, history, comments, files)."""
    for service in COMMANDS:
        hass.services.async_register(DOMAIN, service, _async_command, schema=DEVICE_SCHEMA)
    hass.services.async_register(
        DOMAIN, SERVICE_CHANGE_MODE, _async_change_mode, schema=CHANGE_MODE_SCHEMA
    )
    for service, handler, schema in (
        (SERVICE_GET_HISTORY, _async_get_history, GET_HISTORY_SCHEMA),
        (SERVICE_GET_COMMENTS, _async_get_comments, DEVICE_SCHEMA),
        (SERVICE_LIST_FILES, _async_list_files, DEVICE_SCHEMA),
    ):
        hass.services.async_register(
            DOMAIN, service, handler, schema=schema, supports_response=SupportsResponse.ONLY
        )
    hass.services.async_register(
        DOMAIN,
        SERVICE_DOWNLOAD_FILE,
        _async_download_file,
        schema=DOWNLOAD_FILE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
