"""Operating mode select of a ComAp genset."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription

from .api import ComapCommand
from .coordinator import ComapCoordinator
from .entity import ComapEntity


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
        return genset.available_modes() if genset else []

    @property
    def current_option(self) -> str | None:
        """The controller's current mode."""
        genset = self.genset
        return genset.current_mode() if genset else None

    async def async_select_option(self, option: str) -> None:
        """Change the mode; raises a translated HomeAssistantError when the command fails."""
        await self.coordinator.async_send_command(self.unit_guid, ComapCommand.CHANGE_MODE, option)


def genset_selects(coordinator: ComapCoordinator, unit_guid: str) -> list[SelectEntity]:
    """The selects of one genset."""
    return [ComapModeSelect(coordinator, unit_guid)]
