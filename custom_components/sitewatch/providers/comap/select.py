"""Operating mode select of a ComAp genset."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription

from .api import ComapCommand
from .commands import async_send_command
from .const import OPERATING_MODES, ValueGuid
from .coordinator import ComapCoordinator, Genset
from .entity import ComapEntity

MODE_SEPARATORS = (",", ";", "|")


def available_modes(genset: Genset) -> list[str]:
    """The genset's modes (lower-case) from its available-modes value, else the standard four."""
    value = genset.value(ValueGuid.MODES_AVAILABLE)
    text = (value.value or "") if value else ""
    for separator in MODE_SEPARATORS:
        text = text.replace(separator, " ")
    modes = [mode.lower() for mode in text.split()]
    return list(dict.fromkeys(modes)) or ["off", "man", "aut", "test"]


def current_mode(genset: Genset) -> str | None:
    """The genset's mode (lower-case), or None when it does not report one."""
    value = genset.value(ValueGuid.MODE)
    text = (value.value or "").strip().lower() if value else ""
    return OPERATING_MODES.get(text, text) or None


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
