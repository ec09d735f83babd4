"""Bursts the recorder can absorb: commit its session every few hundred delivered events.

Every fired event is a state change of its event entity, and Home Assistant's recorder writes
each one. Within one commit of the recorder (every 5 s by default, or longer when it is behind)
the rows of one entity form a chain, each pointing at the previous row that is still pending, and
SQLAlchemy's unit of work sorts such chains in time proportional to the rows of the commit times
the chain's length: a catch-up burst of thousands of events on a few entities then costs the
recorder seconds per commit and minutes in all (issue 14; ``benchmarks/event_burst.py``).

When Sitewatch delivers more than ``COMMIT_EVERY`` items within ``WINDOW`` (a burst; a site's
steady trickle never gets there), this asks the recorder to commit after what it has queued, so a
chain never holds more than about ``COMMIT_EVERY`` rows and the cost per event stays small and
constant. The extra commits are cheap (SQLite in WAL mode) and only happen during bursts.
``CommitTask`` is the recorder's own task for its periodic commit; without a recorder (or with an
older or newer one that lacks it) this does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
import time
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

COMMIT_EVERY: Final = 100
"""Delivered items (state writes) after which a burst asks the recorder to commit."""

WINDOW: Final = 5.0
"""Seconds (the recorder's default commit interval) within which items count as one burst."""


@dataclass(slots=True)
class _Burst:
    """Items delivered since ``started`` (monotonic seconds) that no commit followed yet."""

    started: float = 0.0
    items: int = 0


_BURST: HassKey[_Burst] = HassKey(f"{DOMAIN}_burst")


@callback
def async_note_delivered(hass: HomeAssistant, items: int) -> None:
    """Count ``items`` just written as states; ask the recorder to commit during a burst."""
    if items <= 0 or "recorder" not in hass.config.components:
        return
    burst = hass.data.setdefault(_BURST, _Burst())
    now = time.monotonic()
    if now - burst.started > WINDOW:
        burst.started, burst.items = now, 0
    burst.items += items
    if burst.items < COMMIT_EVERY:
        return
    burst.started, burst.items = now, 0
    _queue_commit(hass)


def _queue_commit(hass: HomeAssistant) -> None:
    """Queue the recorder's commit task behind the states it has queued."""
    try:
        from homeassistant.components.recorder.tasks import CommitTask
        from homeassistant.helpers.recorder import get_instance

        get_instance(hass).queue_task(CommitTask())
    except (ImportError, KeyError, AttributeError, TypeError) as err:  # pragma: no cover
        _LOGGER.debug("The recorder takes no commit request: %s", err)
