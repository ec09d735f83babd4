"""Saving to Home Assistant's storage while changes keep coming."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.storage import Store


class SteadySave:
    """Saves a Store ``delay`` seconds after a change, however many changes follow.

    ``Store.async_delay_save`` starts its delay again on every call, so under a steady stream of
    changes (one event a second, say) nothing would be written until the stream stops, and a
    crash would lose all of it. Here the first change schedules the write and later ones join
    it: a crash loses at most ``delay`` seconds of changes. The Store still writes on shutdown.
    """

    def __init__(self, store: Store[Any], data: Callable[[], Any], delay: float) -> None:
        """Write ``data()`` to ``store`` at most ``delay`` seconds after each first change."""
        self._store = store
        self._data = data
        self._delay = delay
        self._scheduled = False

    @callback
    def changed(self) -> None:
        """Note a change; the write it needs is scheduled unless one already is."""
        if not self._scheduled:
            self._scheduled = True
            self._store.async_delay_save(self._written, self._delay)

    async def async_save_now(self) -> None:
        """Write now (on unload: the next setup reads it)."""
        await self._store.async_save(self._written())

    def _written(self) -> Any:
        self._scheduled = False
        return self._data()
