"""The location tracker of the Moonsense provider: where the newest bundle says the phone is."""

from __future__ import annotations

# TrackerEntity is exported from the package on every version, typed as such from 2026.x.
from homeassistant.components.device_tracker import (  # type: ignore[attr-defined,unused-ignore]
    TrackerEntity,
)
from homeassistant.components.device_tracker.const import SourceType

from .coordinator import MoonsenseCoordinator
from .entity import MoonsenseEntity


class MoonsenseLocation(MoonsenseEntity, TrackerEntity):
    """Where the newest bundle with a location reading says the device is.

    Fed by webhooks only, so available whatever the REST poll does.
    """

    _attr_translation_key = "device_location"
    _attr_source_type = SourceType.GPS

    def __init__(self, coordinator: MoonsenseCoordinator) -> None:
        """Create the tracker."""
        super().__init__(coordinator, "location")

    @property
    def available(self) -> bool:
        """Always: the location comes from pushed bundles, not from the REST poll."""
        return True

    @property
    def latitude(self) -> float | None:
        """Latitude of the newest bundle (None when it had no location)."""
        readings = self.coordinator.data.readings
        return readings.latitude if readings else None

    @property
    def longitude(self) -> float | None:
        """Longitude of the newest bundle."""
        readings = self.coordinator.data.readings
        return readings.longitude if readings else None

    @property
    def location_accuracy(self) -> int:
        """Horizontal accuracy in whole metres (0 when unknown)."""
        readings = self.coordinator.data.readings
        accuracy = readings.location_accuracy if readings else None
        return round(accuracy) if accuracy else 0


def app_trackers(coordinator: MoonsenseCoordinator) -> list[MoonsenseLocation]:
    """The trackers of the app: its location."""
    return [MoonsenseLocation(coordinator)]
