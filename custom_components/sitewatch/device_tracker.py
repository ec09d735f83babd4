"""Device trackers of Sitewatch; each provider supplies its own, fixed places on a shared base."""

from __future__ import annotations

# TrackerEntity is exported from the package on every version, typed as such from 2026.x.
from homeassistant.components.device_tracker import (  # type: ignore[attr-defined,unused-ignore]
    TrackerEntity,
)
from homeassistant.components.device_tracker.const import SourceType
from homeassistant.const import Platform

from .models import platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_setup(Platform.DEVICE_TRACKER)
"""Add the provider's device trackers."""


def usable_position(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    """``(latitude, longitude)`` in decimal degrees when both are within ±90/±180 and not 0, 0.

    0, 0 is how the services say "no position set".
    """
    if latitude is None or longitude is None or latitude == longitude == 0:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


class PlaceTracker(TrackerEntity):
    """Where a fixed thing (a genset, a camera) stands, as its provider lists it.

    Put it first among the entity's bases; the provider supplies ``position``. Unavailable while
    there is no usable position (and whenever the provider's base says so).
    """

    _attr_source_type = SourceType.GPS

    def position(self) -> tuple[float, float] | None:
        """Latitude and longitude now (``usable_position``), or None."""
        raise NotImplementedError

    @property
    def available(self) -> bool:
        """Available while the provider's entity is and there is a position."""
        return super().available and self.position() is not None

    @property
    def latitude(self) -> float | None:
        """Latitude in decimal degrees."""
        position = self.position()
        return position[0] if position else None

    @property
    def longitude(self) -> float | None:
        """Longitude in decimal degrees."""
        position = self.position()
        return position[1] if position else None

    @property
    def location_accuracy(self) -> int:
        """0: the services give no accuracy."""
        return 0
