"""Device triggers of Camlytics channels (people entering, leaving, queueing) and locations.

On a channel, "someone entered" fires on an ``enter`` analytic event, or on a line crossing
(``tripwire_crossed``) of a trigger named like an entrance (``ENTER_TRIGGERS``, the names the
occupancy count reads too); "someone exited" likewise with ``exit`` and ``EXIT_TRIGGERS``.
On a location, "someone entered"/"someone exited" (``occupancy_entered``/``occupancy_exited``)
fire on the location's occupancy events (its occupancy rose or fell), whichever source the
occupancy has.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Final

from homeassistant.helpers.typing import ConfigType

from ...occupancy import ENTERED, EXITED, OCCUPANCY_EVENT
from ...triggers import DeviceTrigger, EventTrigger, ThresholdTrigger, normalized
from .const import ENTER_TRIGGERS, EXIT_TRIGGERS
from .event import ANALYTIC_EVENT

LINE_CROSSED: Final = "tripwire_crossed"
TRIGGER_NAME: Final = "trigger"
"""The event attribute that names the Camlytics trigger (line) of an event."""


def _crossing(
    direction: str, lines: Collection[str]
) -> Callable[[Mapping[str, Any], ConfigType], bool]:
    """Matches an event of type ``direction``, or a crossing of a line named in ``lines``."""

    def matches(attributes: Mapping[str, Any], config: ConfigType) -> bool:
        if attributes.get("event_type") == direction:
            return True
        return normalized(attributes.get(TRIGGER_NAME)) in lines

    return matches


TRIGGERS: Final[tuple[DeviceTrigger, ...]] = (
    EventTrigger(
        type="someone_entered",
        key=ANALYTIC_EVENT.key,
        event_types=frozenset({"enter", LINE_CROSSED}),
        matches=_crossing("enter", ENTER_TRIGGERS),
    ),
    EventTrigger(
        type="someone_exited",
        key=ANALYTIC_EVENT.key,
        event_types=frozenset({"exit", LINE_CROSSED}),
        matches=_crossing("exit", EXIT_TRIGGERS),
    ),
    *(
        EventTrigger(
            type=f"occupancy_{event_type}",
            key=OCCUPANCY_EVENT.key,
            event_types=frozenset({event_type}),
        )
        for event_type in (ENTERED, EXITED)
    ),
    *(
        ThresholdTrigger(type=f"occupancy_{bound}", subtype=subtype, key=subtype, bound=bound)
        for bound in ("above", "below")
        for subtype in ("occupancy", "queue")
    ),
)
"""The triggers of a Camlytics channel (events, queue) and location (occupancy)."""
