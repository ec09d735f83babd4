"""Logbook rows of Sitewatch: each fired event as a sentence a person reads.

Home Assistant's Logbook shows an event entity's own row as "<name> detected an event" (2025.x)
or its translated event type (2026.x), never its attributes. Every Sitewatch event entity also
puts one ``sitewatch_event`` bus event on the bus (``entity.SitewatchEventEntity.async_fire``)
whose data carries the entity, its device, the event type and a sentence made by the provider
("Alice recognised at Entrance (FindFace), watch list Employees, 93 %"); this platform describes
it, so the row reads as that sentence and belongs to the event entity (and its device).
"""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Event, HomeAssistant, callback

from .bounds import state_text
from .const import DOMAIN
from .entity import ATTR_EVENT_TYPE, ATTR_MESSAGE, EVENT_SITEWATCH

FALLBACK_NAME = "Sitewatch"
"""The row's name when its entity is gone (or the event names none)."""


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str | None]]], None],
) -> None:
    """Describe ``sitewatch_event`` to the Logbook (called once when the Logbook sets up)."""

    @callback
    def describe(event: Event) -> dict[str, str | None]:
        """The row of one ``sitewatch_event``: its entity's name, the sentence, the entity.

        The data comes back from the database, so it is read as untrusted: a missing or
        malformed sentence falls back to the event type, and every text is bounded.
        """
        data = event.data
        entity_id = state_text(data.get(ATTR_ENTITY_ID))
        state = hass.states.get(entity_id) if entity_id is not None else None
        message = (
            state_text(data.get(ATTR_MESSAGE)) or state_text(data.get(ATTR_EVENT_TYPE)) or "event"
        )
        return {
            LOGBOOK_ENTRY_NAME: state.name if state is not None else FALLBACK_NAME,
            LOGBOOK_ENTRY_MESSAGE: message,
            LOGBOOK_ENTRY_ENTITY_ID: entity_id,
        }

    async_describe_event(DOMAIN, EVENT_SITEWATCH, describe)
