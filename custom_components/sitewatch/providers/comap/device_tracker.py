"""The location of a ComAp genset on the map: the position of its unit info."""

from __future__ import annotations

from typing import Any

from ...bounds import state_text
from ...device_tracker import PlaceTracker, usable_position
from .api import Position
from .coordinator import ComapCoordinator
from .entity import ComapEntity


def genset_position(position: Position | None) -> tuple[float, float] | None:
    """Latitude and longitude of a unit's info position, or None when it has no usable one.

    Both must be numbers within their ranges (±90, ±180); 0, 0 is the API's "no position".
    """
    if position is None:
        return None
    return usable_position(position.latitude, position.longitude)


class ComapLocation(PlaceTracker, ComapEntity):
    """Where the genset stands, from its unit info (read once a day, no request of its own).

    Unavailable until the info arrived with a usable position; the info's ``positionType``
    is the ``position_type`` attribute.
    """

    _attr_translation_key = "genset_location"

    def __init__(self, coordinator: ComapCoordinator, unit_guid: str) -> None:
        """Create the tracker of the genset ``unit_guid``."""
        super().__init__(coordinator, unit_guid, "location")

    def position(self) -> tuple[float, float] | None:
        """The position of the genset's unit info, if usable."""
        genset = self.genset
        return genset_position(genset.info.position) if genset and genset.info else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The info's position type (``static``...), bounded, when it gives one."""
        genset = self.genset
        position = genset.info.position if genset and genset.info else None
        kind = state_text(position.position_type) if position else None
        return {"position_type": kind} if kind else None


def genset_trackers(coordinator: ComapCoordinator, unit_guid: str) -> list[ComapLocation]:
    """The trackers of one genset: its location."""
    return [ComapLocation(coordinator, unit_guid)]
