"""Occupancy as events: a count of people (or cars) turned into entered, exited and changed.

Shared by the providers that know an occupancy (Camlytics locations, FindFace counters); no
provider is imported here. ``OccupancyTracker`` compares each new count with the last one and
says which event that is, if any; ``OccupancyEvent`` is the event entity's half that fires it;
``occupancy_sentence`` builds the Logbook sentence of a fired event from its data alone.

Rules (the README's "Occupancy events" says them for users):

- Only a real change fires: the same count again fires nothing (on another basis neither).
- The first count an entity sees (after setup, a reload or a restart) is its baseline and fires
  nothing, so a restart never reads as "30 people entered".
- A rise is ``entered`` (``entered`` = how many more), a fall ``exited``; ``changed`` when the
  count's basis changed (another source took over, or a new counting day began), since then
  nobody is known to have walked through a door.
- A count that is not a finite number in [0, ``MAX_OCCUPANCY``] (NaN, negative, 300 digits) is
  ignored: it neither fires nor becomes the baseline.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
import math
from typing import Any, Final

from homeassistant.components.event import EventEntityDescription

from .bounds import state_text
from .entity import SitewatchEventEntity

ENTERED: Final = "entered"
EXITED: Final = "exited"
CHANGED: Final = "changed"
OCCUPANCY_EVENT_TYPES: Final = [ENTERED, EXITED, CHANGED]
MAX_OCCUPANCY: Final = 1_000_000
"""Largest count taken (people or cars in one place); anything above is ignored."""

OCCUPANCY_EVENT: Final = EventEntityDescription(
    key="occupancy_event",
    translation_key="occupancy_event",
    event_types=OCCUPANCY_EVENT_TYPES,
)
"""The occupancy event entity of a location or counter."""


def occupancy_count(value: object) -> int | None:
    """A count as a whole number in [0, ``MAX_OCCUPANCY``], or None (NaN, negative, huge, text).

    Fractions are rounded (an average of ``2.6`` people is 3); bools are not counts.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_OCCUPANCY else None
    if not math.isfinite(value) or not 0 <= value <= MAX_OCCUPANCY:
        return None
    return round(value)


@dataclass(frozen=True, slots=True)
class OccupancyChange:
    """One occupancy event: its type and data (the counts bounded whole numbers).

    ``place`` names where (bounded text); ``entered``/``exited`` are how many more/fewer than
    ``previous`` (0 for the other way; both 0 for ``changed``).
    """

    event_type: str
    place: str
    occupancy: int
    previous: int
    entered: int
    exited: int

    def as_data(self) -> dict[str, str | int]:
        """The event data (the entity's attributes when it fires)."""
        return {
            "place": self.place,
            "occupancy": self.occupancy,
            "previous": self.previous,
            "entered": self.entered,
            "exited": self.exited,
        }


class OccupancyTracker:
    """The last count of one place, and the change a new one makes (see the module rules)."""

    def __init__(self) -> None:
        """No baseline yet: the first count fires nothing."""
        self.count: int | None = None
        self.basis: Hashable = None

    def update(self, place: str, value: object, basis: Hashable = None) -> OccupancyChange | None:
        """Take a new count (``value``) measured on ``basis``; the event it makes, or None.

        Args:
            place: the name of the location or counter (cut to 255 characters).
            value: the count as received (anything; only a count in range is taken).
            basis: what the count is relative to (its source and counting day, say); a count
                on another basis than the last one is ``changed``, not entered or exited.
        """
        count = occupancy_count(value)
        if count is None:
            return None
        previous, previous_basis = self.count, self.basis
        self.count, self.basis = count, basis
        if previous is None or count == previous:
            return None
        place = state_text(place) or "-"
        if basis != previous_basis:
            return OccupancyChange(CHANGED, place, count, previous, 0, 0)
        if count > previous:
            return OccupancyChange(ENTERED, place, count, previous, count - previous, 0)
        return OccupancyChange(EXITED, place, count, previous, 0, previous - count)


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def occupancy_sentence(event_type: str, data: Mapping[str, Any]) -> str:
    """The Logbook sentence of an occupancy event, from what was fired alone.

    ``data`` is the event data (``OccupancyChange.as_data``): ``place`` names the location or
    counter (``Main Street store``, ``Lobby counter``). Values of the wrong type read as
    unknown rather than failing: the sentence is built from stored data.

    Examples: ``3 people entered Main Street store``, ``1 person left Lobby counter``,
    ``Occupancy of Lobby counter is 12``.
    """
    place = state_text(data.get("place")) or "an unknown place"
    occupancy = occupancy_count(data.get("occupancy"))
    if event_type == ENTERED and (entered := occupancy_count(data.get("entered"))):
        return f"{_people(entered)} entered {place}"
    if event_type == EXITED and (exited := occupancy_count(data.get("exited"))):
        return f"{_people(exited)} left {place}"
    return f"Occupancy of {place} is {occupancy if occupancy is not None else 'unknown'}"


class OccupancyEvent(SitewatchEventEntity):
    """The firing half of an occupancy event entity: ``take`` a count, fire what changed.

    The provider entity supplies the place and feeds ``take`` (from a coordinator update or a
    pushed record). ``fire`` fires the change with its Logbook sentence (``occupancy_sentence``).
    """

    entity_description = OCCUPANCY_EVENT
    _unrecorded_attributes = frozenset({"previous", "entered", "exited"})
    """Per event: in the attributes when it fires, not recorded (the count is)."""

    def __init__(self) -> None:
        """No baseline yet."""
        self.tracker = OccupancyTracker()

    def take(self, place: str, value: object, basis: Hashable = None) -> None:
        """Compare a new count of ``place`` with the last; fire the change, if any.

        See the module rules; ``basis`` as in ``OccupancyTracker.update``.
        """
        if (change := self.tracker.update(place, value, basis)) is not None:
            self.fire(change)

    def fire(self, change: OccupancyChange) -> None:
        """Fire ``change`` on this entity, write its state and log its sentence."""
        data = change.as_data()
        self.async_fire(change.event_type, data, occupancy_sentence(change.event_type, data))
