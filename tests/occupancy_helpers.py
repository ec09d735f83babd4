"""Recording the occupancy events an entity fires (tests of Camlytics and FindFace)."""

from __future__ import annotations

from typing import Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event


class Fired:
    """The events (type, occupancy, entered, exited) an event entity fires, in order.

    A firing is a new state whose time differs from the last one shown (a restored or
    re-added state repeats its time and is not counted).
    """

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        """Start recording ``entity_id``."""
        self.events: list[tuple[Any, ...]] = []
        self.data: list[dict[str, Any]] = []
        state = hass.states.get(entity_id)
        self._last = state.state if state is not None else None

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            new = event.data["new_state"]
            if new is None or new.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
                return
            if new.state == self._last:
                return
            self._last = new.state
            attributes = new.attributes
            self.data.append(dict(attributes))
            self.events.append(
                (
                    attributes["event_type"],
                    attributes["occupancy"],
                    attributes["entered"],
                    attributes["exited"],
                )
            )

        self.stop = async_track_state_change_event(hass, entity_id, changed)
