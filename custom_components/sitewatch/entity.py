"""Base entities of Sitewatch: fed by a coordinator and, for pushed events, by the entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect, async_dispatcher_send
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import SitewatchCoordinator
from .recording import async_note_delivered


class SitewatchEntity[CoordinatorT: SitewatchCoordinator[Any]](CoordinatorEntity[CoordinatorT]):
    """An entity fed by a provider coordinator, named by its translation key and its device."""

    _attr_has_entity_name = True


def push_signal(entry_id: str) -> str:
    """The dispatcher signal that carries the items delivered to an entry (a list each time)."""
    return f"{DOMAIN}_{entry_id}_push"


@callback
def async_push(hass: HomeAssistant, entry_id: str, items: Sequence[object]) -> None:
    """Hand ``items`` (pushed or polled events) to every ``PushEntity`` of the entry, now."""
    if items:
        async_dispatcher_send(hass, push_signal(entry_id), items)
        async_note_delivered(hass, len(items))


class PushEntity[CoordinatorT: SitewatchCoordinator[Any], ItemT](SitewatchEntity[CoordinatorT]):
    """An entity that takes the items its entry delivers (``async_push``), those it ``accepts``."""

    def accepts(self, item: ItemT) -> bool:
        """Whether this entity takes ``item``; none by default."""
        return False

    @callback
    def handle_push(self, item: ItemT) -> None:
        """Take one accepted item (fire the event, write the state)."""

    async def async_added_to_hass(self) -> None:
        """Listen to the entry's delivered items."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, push_signal(self.coordinator.config_entry.entry_id), self._take
            )
        )

    @callback
    def _take(self, items: Sequence[ItemT]) -> None:
        for item in items:
            if self.accepts(item):
                self.handle_push(item)
