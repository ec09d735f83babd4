"""The location of a ComAp genset on the map: the position of its unit info."""

from __future__ import annotations

from typing import Any

# TrackerEntity is exported from the package on every version, typed as such from 2026.x.
from homeassistant.components.device_tracker import (  # type: ignore[attr-defined,unused-ignore]
    TrackerEntity,
)
from homeassistant.components.device_tracker.const import SourceType

from ...bounds import state_text
from .api import Position
from .coordinator import ComapCoordinator
from .entity import ComapEntity


def genset_position(position: Position | None) -> tuple[float, float] | None:
    """Latitude and longitude of a unit's info position, or None when it has no usable one.

    Both must be numbers within their ranges (±90, ±180); 0, 0 is the API's "no position".
    """
    if position is None or position.latitude is None or position.longitude is None:
        return None
    latitude, longitude = position.latitude, position.longitude
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or latitude == longitude == 0:
        return None
    return latitude, longitude


class ComapLocation(ComapEntity, TrackerEntity):
    """Where the genset stands, from its unit info (read once a day, no request of its own).

    Unavailable until the info arrived with a usable position; the info's ``positionType``
    is the ``position_type`` attribute.
    """

    _attr_translation_key = "genset_location"
    _attr_source_type = SourceType.GPS

    def __init__(self, coordinator: ComapCoordinator, unit_guid: str) -> None:
        """Create the tracker of the genset ``unit_guid``."""
        super().__init__(coordinator, unit_guid, "location")

    def _position(self) -> tuple[float, float] | None:
        genset = self.genset
        return genset_position(genset.info.position) if genset and genset.info else None

    @property
    def available(self) -> bool:
        """Available while the genset is and its info gave a position."""
        return super().available and self._position() is not None

    @property
    def latitude(self) -> float | None:
        """Latitude in decimal degrees."""
        position = self._position()
        return position[0] if position else None

    @property
    def longitude(self) -> float | None:
        """Longitude in decimal degrees."""
        position = self._position()
        return position[1] if position else None

    @property
    def location_accuracy(self) -> int:
        """0: the API gives no accuracy."""
        return 0

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
