"""Buttons of a ComAp genset: start, stop, fault reset and the breaker toggles."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription

from .api import ComapCommand
from .coordinator import ComapCoordinator
from .entity import ComapEntity


@dataclass(frozen=True, kw_only=True)
class ComapButtonEntityDescription(ButtonEntityDescription):
    """A button that sends ``command`` to the genset."""

    command: str


BUTTONS: tuple[ComapButtonEntityDescription, ...] = tuple(
    ComapButtonEntityDescription(
        key=key, translation_key=key, command=command, entity_registry_enabled_default=enabled
    )
    for key, command, enabled in (
        ("start", ComapCommand.START, True),
        ("stop", ComapCommand.STOP, True),
        ("fault_reset", ComapCommand.FAULT_RESET, True),
        ("toggle_mcb", ComapCommand.CHANGE_MCB, False),
        ("toggle_gcb", ComapCommand.CHANGE_GCB, False),
    )
)
"""Start, stop and fault reset; the breaker toggles are disabled until the user enables them."""


class ComapButton(ComapEntity, ButtonEntity):
    """Sends one command to the genset, then refreshes its values."""

    entity_description: ComapButtonEntityDescription

    async def async_press(self) -> None:
        """Send the command; raises a translated HomeAssistantError when it fails."""
        await self.coordinator.async_send_command(self.unit_guid, self.entity_description.command)


def genset_buttons(coordinator: ComapCoordinator, unit_guid: str) -> list[ButtonEntity]:
    """The buttons of one genset."""
    return [
        ComapButton(coordinator, unit_guid, description.key, description) for description in BUTTONS
    ]
