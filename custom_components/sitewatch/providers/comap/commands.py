"""Sending genset commands, shared by the buttons, the mode select and the services."""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError

from ...const import DOMAIN
from .api import ComapAuthenticationError, ComapError
from .coordinator import ComapCoordinator


async def async_send_command(
    coordinator: ComapCoordinator, unit_guid: str, command: str, mode: str | None = None
) -> None:
    """Send ``command`` (and ``mode`` for changeMode) to a genset, then refresh the values.

    Args:
        coordinator: the coordinator of the genset's account.
        unit_guid: the genset's lower-cased unit GUID (a key of the coordinator data).
        command: a ``ComapCommand``.
        mode: the mode for changeMode, as the controller lists it.

    Raises:
        HomeAssistantError: translated ``command_failed`` when the API refused the command or
            could not be reached; an authentication failure also starts reauthentication.
    """
    genset = coordinator.data.get(unit_guid)
    name = genset.unit.name if genset else unit_guid
    try:
        await coordinator.client.command(
            genset.unit.unit_guid if genset else unit_guid, command, mode
        )
    except ComapError as err:
        if isinstance(err, ComapAuthenticationError):
            coordinator.config_entry.async_start_reauth(coordinator.hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_failed",
            translation_placeholders={"command": command, "genset": name, "error": str(err)},
        ) from err
    await coordinator.async_request_refresh()
