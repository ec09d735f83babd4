"""Device triggers of FindFace cameras: recognitions, bodies, cars and counter values.

"Someone entered"/"someone exited" follow the occupancy events of a counter on the camera
(``{counter} occupancy changes``); on a camera with several counters, the first counter's.

Persons offered in the "person recognised" trigger: the server's human cards (``GET
/cards/humans/``, the first ``MAX_PERSONS``), which are who FindFace can recognise, including
people not seen yet, with the names on the entry's face events; while the server cannot be read
(within ``CARDS_TIMEOUT``), those names only.
"""

from __future__ import annotations

import asyncio
from typing import Final

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, entity_registry as er

from ...const import DOMAIN, LOGGER
from ...occupancy import ENTERED, EXITED, OCCUPANCY_EVENT
from ...schema import vol
from ...triggers import (
    CONF_PLATE,
    MAX_PERSONS,
    DeviceTrigger,
    EventTrigger,
    Fields,
    ThresholdTrigger,
    attribute_is,
    person_field,
    plate_text,
    recognition_triggers,
)
from .api import FindFaceError
from .event import RECOGNITION_TYPES
from .runtime import FindFaceRuntime

FACE_EVENT: Final = "face_event"
BODY_EVENT: Final = "body_event"
CAR_EVENT: Final = "car_event"
PERSON_ATTRIBUTES: Final = ("card_name",)
"""Event attributes that name the recognised person (the matched card)."""
PLATE_ATTRIBUTES: Final = ("car_license_plate", "license_plate", "plate")
"""Event attributes that may carry a car's licence plate (``car_license_plate``, from the car
event's ``features``)."""
CARDS_TIMEOUT: Final = 5.0
"""Seconds the editor waits for the card list before offering the names seen."""
COUNTED: Final = {"faces": "faces_counted", "bodies": "bodies_counted", "cars": "cars_counted"}
"""Counter sensors by the trigger subtype (what the counter record counted)."""


async def _persons(hass: HomeAssistant, entry: ConfigEntry) -> Fields:
    """The person field with the server's human cards, or the names seen on face events."""
    names: set[str] = set()
    if entry.state is ConfigEntryState.LOADED and isinstance(entry.runtime_data, FindFaceRuntime):
        try:
            async with asyncio.timeout(CARDS_TIMEOUT):
                cards = await entry.runtime_data.coordinator.client.cards("humans", MAX_PERSONS)
        except (FindFaceError, TimeoutError) as err:
            LOGGER.debug("FindFace: cannot list the cards for a trigger's persons: %s", err)
        else:
            names.update(card.name for card in cards)
    for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        if entity.platform != DOMAIN or not entity.unique_id.endswith(f"_{FACE_EVENT}"):
            continue
        if (state := hass.states.get(entity.entity_id)) is not None:
            names.update(
                name
                for attribute in PERSON_ATTRIBUTES
                if isinstance(name := state.attributes.get(attribute), str)
            )
    return person_field(names)


TRIGGERS: Final[tuple[DeviceTrigger, ...]] = (
    *recognition_triggers(
        key=FACE_EVENT,
        recognized="matched",
        unknown="unmatched",
        person_attributes=PERSON_ATTRIBUTES,
        persons=_persons,
    ),
    EventTrigger(type="body_detected", key=BODY_EVENT, event_types=frozenset(RECOGNITION_TYPES)),
    EventTrigger(
        type="car_detected",
        key=CAR_EVENT,
        event_types=frozenset(RECOGNITION_TYPES),
        fields={vol.Optional(CONF_PLATE): cv.string},
        matches=attribute_is(PLATE_ATTRIBUTES, CONF_PLATE, plate_text),
    ),
    *(
        EventTrigger(
            type=f"someone_{direction}", key=OCCUPANCY_EVENT.key, event_types=frozenset({event})
        )
        for direction, event in (("entered", ENTERED), ("exited", EXITED))
    ),
    *(
        ThresholdTrigger(type=f"occupancy_{bound}", subtype=subtype, key=key, bound=bound)
        for bound in ("above", "below")
        for subtype, key in COUNTED.items()
    ),
)
"""The triggers of a FindFace camera."""
