"""Sending genset commands, shared by the buttons, the mode select and the services."""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from ...const import DOMAIN, LOGGER
from .api import COMMAND_MODES, ComapAuthenticationError, ComapCommand, ComapError
from .const import OPERATING_MODES
from .coordinator import ComapCoordinator


def command_mode(text: str) -> str | None:
    """The documented ``changeMode`` mode (``off``, ``man``, ``aut``, ``test``) for a text.

    Case and spaces do not matter and ``auto`` means ``aut``; any other text is None.
    """
    mode = OPERATING_MODES.get(text.strip().lower())
    return mode if mode in COMMAND_MODES else None


async def async_send_command(
    coordinator: ComapCoordinator, unit_guid: str, command: str, mode: str | None = None
) -> None:
    """Send ``command`` (and ``mode`` for changeMode) to a genset, then refresh the values.

    The command counts as done only when the API answered the documented success answer
    (``docs/providers/comap.md``, Commands); anything else is an error the user sees.

    Args:
        coordinator: the coordinator of the genset's account.
        unit_guid: the genset's lower-cased unit GUID (a key of the coordinator data).
        command: a ``ComapCommand``.
        mode: for changeMode, a mode as the user or the controller wrote it (``AUT``, ``auto``,
            ``man``...); it is sent as the documented lower-case mode.

    Raises:
        ServiceValidationError: translated ``invalid_mode`` when changeMode gets a mode the API
            does not document (nothing is sent).
        HomeAssistantError: translated ``command_not_confirmed`` when the genset did not confirm
            the command: an error status, a timeout, or a 2xx answer that is not the success
            answer (HTML, empty, not JSON, a failure result). An authentication failure also
            starts reauthentication.
    """
    genset = coordinator.data.get(unit_guid)
    name = genset.name if genset else unit_guid
    if command == ComapCommand.CHANGE_MODE:
        sent_mode = command_mode(mode or "")
        if sent_mode is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_mode",
                translation_placeholders={"mode": mode or "", "modes": ", ".join(COMMAND_MODES)},
            )
        mode = sent_mode
    try:
        await coordinator.client.command(
            genset.unit.unit_guid if genset else unit_guid, command, mode
        )
    except ComapError as err:
        if isinstance(err, ComapAuthenticationError):
            coordinator.config_entry.async_start_reauth(coordinator.hass)
        LOGGER.warning("%s did not confirm the %s command: %s", name, command, err)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_not_confirmed",
            translation_placeholders={"command": command, "genset": name, "reason": str(err)},
        ) from err
    await coordinator.async_request_refresh()
