"""Buttons of a ComAp genset: start, stop, fault reset and the breaker toggles."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription

from .api import ComapCommand
from .commands import async_send_command
from .coordinator import ComapCoordinator
from .entity import ComapEntity


@dataclass(frozen=True, kw_only=True)
class ComapButtonEntityDescription(ButtonEntityDescription):
    """A button that sends ``command`` to the genset."""

    command: str


BUTTONS: tuple[ComapButtonEntityDescription, ...] = (
    ComapButtonEntityDescription(key="start", translation_key="start", command=ComapCommand.START),
    ComapButtonEntityDescription(key="stop", translation_key="stop", command=ComapCommand.STOP),
    ComapButtonEntityDescription(
        key="fault_reset", translation_key="fault_reset", command=ComapCommand.FAULT_RESET
    ),
    ComapButtonEntityDescription(
        key="toggle_mcb",
        translation_key="toggle_mcb",
        command=ComapCommand.CHANGE_MCB,
        entity_registry_enabled_default=False,
    ),
    ComapButtonEntityDescription(
        key="toggle_gcb",
        translation_key="toggle_gcb",
        command=ComapCommand.CHANGE_GCB,
        entity_registry_enabled_default=False,
    ),
)


class ComapButton(ComapEntity, ButtonEntity):
    """Sends one command to the genset, then refreshes its values."""

    entity_description: ComapButtonEntityDescription

    def __init__(
        self,
        coordinator: ComapCoordinator,
        unit_guid: str,
        description: ComapButtonEntityDescription,
    ) -> None:
        """Create the button of ``description`` on the genset ``unit_guid``."""
        super().__init__(coordinator, unit_guid, description.key)
        self.entity_description = description

    async def async_press(self) -> None:
        """Send the command; raises a translated HomeAssistantError when it fails."""
        await async_send_command(self.coordinator, self.unit_guid, self.entity_description.command)


def genset_buttons(coordinator: ComapCoordinator, unit_guid: str) -> list[ButtonEntity]:
    """The buttons of one genset."""
    return [ComapButton(coordinator, unit_guid, description) for description in BUTTONS]
