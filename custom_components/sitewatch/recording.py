"""Bursts the recorder can absorb: short commits, and deliveries that wait while it is behind.

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

A webhook body also waits before its events fire while the recorder's queue holds more than
``BACKLOG_LIMIT`` items (``async_wait_for_recorder``, at most ``MAX_WAIT`` seconds): the sender,
waiting for the answer, slows to the pace the recorder keeps, and the queue (about 2 KB of memory
per queued state) stays short instead of holding a whole burst.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import logging
import time
from typing import TYPE_CHECKING, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.components.recorder.core import Recorder

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

BACKLOG_LIMIT: Final = 500
"""Items in the recorder's queue above which a delivery waits for it to catch up."""

MAX_WAIT: Final = 5.0
"""Seconds a delivery waits at most (then it fires anyway: events are never held longer)."""

POLL: Final = 0.05
"""Seconds between two looks at the recorder's queue while waiting."""


async def async_wait_for_recorder(hass: HomeAssistant) -> None:
    """Wait while the recorder's queue is longer than ``BACKLOG_LIMIT``, ``MAX_WAIT`` s at most.

    Returns at once without a recorder, or while it is not recording (a database migration or
    failure: waiting would not help).
    """
    recorder = _recorder(hass)
    if recorder is None or not recorder.recording:
        return
    # The queue belongs to the recorder's thread and nothing signals its length: look again.
    for _ in range(round(MAX_WAIT / POLL)):
        if recorder.backlog <= BACKLOG_LIMIT:
            return
        await asyncio.sleep(POLL)


@callback
def async_note_delivered(hass: HomeAssistant, items: int) -> None:
    """Count ``items`` just written as states; ask the recorder to commit during a burst."""
    if items <= 0 or (recorder := _recorder(hass)) is None:
        return
    burst = hass.data.setdefault(_BURST, _Burst())
    now = time.monotonic()
    if now - burst.started > WINDOW:
        burst.started, burst.items = now, 0
    burst.items += items
    if burst.items < COMMIT_EVERY:
        return
    burst.started, burst.items = now, 0
    _queue_commit(recorder)


def _recorder(hass: HomeAssistant) -> Recorder | None:
    """Home Assistant's recorder when it is set up, else ``None``."""
    if "recorder" not in hass.config.components:
        return None
    from homeassistant.helpers.recorder import get_instance

    try:
        return get_instance(hass)
    except KeyError:  # pragma: no cover - set up, instance not stored yet
        return None


def _queue_commit(recorder: Recorder) -> None:
    """Queue the recorder's commit task behind the states it has queued."""
    try:
        from homeassistant.components.recorder.tasks import CommitTask
    except ImportError as err:  # pragma: no cover - a recorder without it
        _LOGGER.debug("The recorder takes no commit request: %s", err)
        return
    recorder.queue_task(CommitTask())
