"""Device triggers of FaceSpace cameras: a person recognised (optionally who), a stranger.

Persons offered: the names FaceSpace has shown (it has no list of persons): the last person
recognised by each camera of the entry (kept across restarts) and who the cameras see now.
"""

from __future__ import annotations

from typing import Final

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant

from ...triggers import DeviceTrigger, Fields, normalized, person_field, recognition_triggers
from .const import UNKNOWN_NAMES
from .coordinator import EVENT_KEY
from .runtime import FaceSpaceRuntime

PERSON_ATTRIBUTES: Final = ("name",)
"""Event attributes that name the recognised person."""


async def _persons(hass: HomeAssistant, entry: ConfigEntry) -> Fields:
    """The person field with the names the entry's cameras recognised last or see now."""
    names: set[str] = set()
    if entry.state is ConfigEntryState.LOADED and isinstance(entry.runtime_data, FaceSpaceRuntime):
        data = entry.runtime_data.coordinator.data
        names.update(line.name for line in data.last_seen.values())
        for presence in data.in_view.values():
            names.update(presence.names)
    return person_field(name for name in names if normalized(name) not in UNKNOWN_NAMES)


TRIGGERS: Final[tuple[DeviceTrigger, ...]] = recognition_triggers(
    key=EVENT_KEY,
    recognized="recognized",
    unknown="unknown",
    person_attributes=PERSON_ATTRIBUTES,
    persons=_persons,
)
"""The triggers of a FaceSpace camera."""
