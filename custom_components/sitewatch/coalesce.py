"""State writes of entities that change with every delivered item, at most one per interval.

An entity that shows "the last one" (a camera's last picture, a person's last sighting) changes
with every recognition; during a burst (a FindFace server catching up) writing each change
would add one recorder row per event beside the event entity's own. ``CoalescedWrites`` writes
the first change at once and folds the changes of the next ``WRITE_INTERVAL`` into one write of
the newest state.
"""

from __future__ import annotations

import time
from typing import Final

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.event import async_call_later

WRITE_INTERVAL: Final = 1.0
"""Seconds between two state writes of a coalescing entity."""


class CoalescedWrites(Entity):
    """Mixin: ``async_write_soon`` writes now, or once at the end of the current interval."""

    _last_write: float = -WRITE_INTERVAL
    _pending_write: CALLBACK_TYPE | None = None

    @callback
    def async_write_soon(self) -> None:
        """Write the state now if none was written in the last ``WRITE_INTERVAL``, else later."""
        if self._pending_write is not None:
            return
        waited = time.monotonic() - self._last_write
        if waited >= WRITE_INTERVAL:
            self._write_now()
            return
        self._pending_write = async_call_later(
            self.hass, WRITE_INTERVAL - waited, self._write_later
        )

    @callback
    def _write_later(self, _now: object) -> None:
        self._pending_write = None
        self._write_now()

    @callback
    def _write_now(self) -> None:
        self._last_write = time.monotonic()
        self.async_write_ha_state()

    async def async_will_remove_from_hass(self) -> None:
        """Drop a pending write (the entity is going)."""
        await super().async_will_remove_from_hass()
        if self._pending_write is not None:
            self._pending_write()
            self._pending_write = None
