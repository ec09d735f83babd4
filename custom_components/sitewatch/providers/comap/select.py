"""Operating mode select of a ComAp genset."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription

from ...bounds import MAX_ATTRIBUTE_ITEMS, MAX_ATTRIBUTE_TEXT
from .api import COMMAND_MODES, ComapCommand
from .commands import async_send_command, command_mode
from .const import ValueGuid
from .coordinator import ComapCoordinator, Genset
from .entity import ComapEntity

MODE_SEPARATORS = (",", ";", "|")


def available_modes(genset: Genset) -> list[str]:
    """The documented modes the genset lists in its available-modes value, else all four.

    The controller writes them upper-case (``OFF,MAN,AUT,TEST``); the API's ``changeMode``
    documents them lower-case, which is how they are offered and sent. A listed mode the API
    does not document cannot be sent, so it is not offered.
    """
    value = genset.value(ValueGuid.MODES_AVAILABLE)
    text = (value.value or "")[:MAX_ATTRIBUTE_TEXT] if value else ""
    for separator in MODE_SEPARATORS:
        text = text.replace(separator, " ")
    modes = [mode for word in text.split()[:MAX_ATTRIBUTE_ITEMS] if (mode := command_mode(word))]
    return list(dict.fromkeys(modes)) or list(COMMAND_MODES)


def current_mode(genset: Genset) -> str | None:
    """The genset's mode as a documented mode, or None when it reports none or another."""
    value = genset.value(ValueGuid.MODE)
    text = (value.value or "")[:64] if value else ""
    return command_mode(text)


class ComapModeSelect(ComapEntity, SelectEntity):
    """Selects the controller mode (OFF, MAN, AUT, TEST...) with the changeMode command."""

    entity_description = SelectEntityDescription(key="mode", translation_key="operating_mode")

    def __init__(self, coordinator: ComapCoordinator, unit_guid: str) -> None:
        """Create the mode select of the genset ``unit_guid``."""
        super().__init__(coordinator, unit_guid, "mode_select")

    @property
    def options(self) -> list[str]:
        """The modes the controller offers."""
        genset = self.genset
        return available_modes(genset) if genset else []

    @property
    def current_option(self) -> str | None:
        """The controller's current mode."""
        genset = self.genset
        return current_mode(genset) if genset else None

    async def async_select_option(self, option: str) -> None:
        """Change the mode; raises a translated HomeAssistantError when the command fails."""
        await async_send_command(self.coordinator, self.unit_guid, ComapCommand.CHANGE_MODE, option)


def genset_selects(coordinator: ComapCoordinator, unit_guid: str) -> list[SelectEntity]:
    """The selects of one genset."""
    return [ComapModeSelect(coordinator, unit_guid)]
