"""The location tracker of each Moonsense phone: where its newest bundle says it is."""

from __future__ import annotations

from typing import Any

# TrackerEntity is exported from the package on every version, typed as such from 2026.x.
from homeassistant.components.device_tracker import (  # type: ignore[attr-defined,unused-ignore]
    TrackerEntity,
)
from homeassistant.components.device_tracker.const import SourceType

from ...entity import SitewatchEntity
from .api import Readings
from .coordinator import MoonsenseCoordinator, Phone
from .entity import MoonsensePhoneEntity


class MoonsenseLocation(MoonsensePhoneEntity, TrackerEntity):
    """Where the newest bundle of one phone with a location reading says that phone is.

    A bundle without a location keeps the last one (``merge_readings``); fed by webhooks only,
    so available whatever the REST poll does. Attributes: ``altitude`` (m) and ``speed`` (m/s)
    of that location when the phone sent them.
    """

    _attr_translation_key = "device_location"
    _attr_source_type = SourceType.GPS

    def __init__(self, coordinator: MoonsenseCoordinator, phone: Phone) -> None:
        """Create the tracker of ``phone``."""
        super().__init__(coordinator, phone, "location")

    @property
    def _located(self) -> Readings | None:
        phone = self.phone
        return phone.readings if phone and phone.readings else None

    @property
    def latitude(self) -> float | None:
        """Latitude of the newest located bundle."""
        return self._located.latitude if self._located else None

    @property
    def longitude(self) -> float | None:
        """Longitude of the newest located bundle."""
        return self._located.longitude if self._located else None

    @property
    def location_accuracy(self) -> int:
        """Horizontal accuracy in whole metres (0 when unknown)."""
        accuracy = self._located.location_accuracy if self._located else None
        return round(accuracy) if accuracy else 0

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Altitude and speed of the newest located bundle, when it had them."""
        located = self._located
        if located is None:
            return None
        return {"altitude": located.altitude, "speed": located.speed}


def phone_trackers(coordinator: MoonsenseCoordinator, phone: Phone) -> list[SitewatchEntity[Any]]:
    """The trackers of a phone: its location."""
    return [MoonsenseLocation(coordinator, phone)]
