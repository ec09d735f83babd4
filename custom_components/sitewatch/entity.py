"""Base entities of Sitewatch: fed by a coordinator and, for pushed events, by the entry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from homeassistant.components.event import EventEntity
from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect, async_dispatcher_send
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .bounds import state_text
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


EVENT_SITEWATCH: Final = f"{DOMAIN}_event"
"""The bus event that carries the readable sentence of each fired Sitewatch event (Logbook).

Its data (``SitewatchEventEntity.async_fire``) holds four bounded texts and nothing else:
``entity_id`` (the event entity that fired), ``device_id`` (its device, or None),
``event_type`` (the type the entity fired) and ``message`` (the sentence, at most 255
characters). ``logbook.py`` describes it.
"""
ATTR_EVENT_TYPE: Final = "event_type"
"""Key of the fired event type in ``EVENT_SITEWATCH`` data."""
ATTR_MESSAGE: Final = "message"
"""Key of the readable sentence in ``EVENT_SITEWATCH`` data."""


class SitewatchEventEntity(EventEntity):
    """An event entity that also tells the Logbook, in a sentence, what each event was.

    Provider event entities fire through ``async_fire`` (never ``_trigger_event`` directly): the
    entity fires ``event_type`` with ``data`` as its attributes, writes its state, then puts one
    ``EVENT_SITEWATCH`` bus event with the sentence on the bus. The sentence is made by the
    provider from the same parsed item as the attributes.
    """

    @callback
    def async_fire(self, event_type: str, data: Mapping[str, Any], message: str | None) -> None:
        """Fire ``event_type`` with ``data`` (bounded, flat) and log ``message`` in the Logbook.

        Args:
            event_type: one of the entity's ``event_types``.
            data: the event's attributes (already typed and bounded by the provider's parser).
            message: a sentence a person reads ("Alice recognised at Entrance (FindFace)"), cut
                to 255 characters here; None or empty: the event gets no Logbook sentence.

        Raises:
            ValueError: ``event_type`` is not one of the entity's (a programming error).
        """
        self._trigger_event(event_type, dict(data))
        self.async_write_ha_state()
        if (sentence := state_text(message)) is None:
            return
        entry = self.registry_entry
        self.hass.bus.async_fire(
            EVENT_SITEWATCH,
            {
                ATTR_ENTITY_ID: self.entity_id,
                ATTR_DEVICE_ID: entry.device_id if entry is not None else None,
                ATTR_EVENT_TYPE: event_type,
                ATTR_MESSAGE: sentence,
            },
        )
