"""The Logbook sentence of a Camlytics analytic event, from the event that feeds its attributes.

"Person entered Main Street store Entrance"; "Car crossed Gate line at Depot Yard"; "Person
loitering at Main Street store Checkout (Male, 26 - 35)". The sentence reads only the parsed,
bounded ``api.Event``, the name of its trigger and the channel's place (its device's name); the
shared ``SitewatchEventEntity.async_fire`` cuts it to 255 characters.
"""

from __future__ import annotations

from typing import Final

from ...devices import child_name
from .api import Event
from .const import ENTER_TRIGGERS, EVENT_TYPES, EXIT_TRIGGERS, OTHER_EVENT_TYPE
from .coordinator import CamlyticsData

_WHO: Final = {"pedestrian": "Person", "face": "Person", "vehicle": "Vehicle"}
"""Who an ``origin`` names; a ``Vehicle`` whose ``suborigin`` is ``Car`` is a car."""


def channel_place(data: CamlyticsData, channel_id: str) -> str:
    """A channel as its device is named: ``<location> <channel>`` (``Main Street store Entrance``).

    A channel no longer listed is ``Channel <id>``; one of no listed location, its own name.
    """
    channel = data.channels.get(channel_id)
    if channel is None:
        return f"Channel {channel_id}"
    location = data.locations.get(channel.location_id) if channel.location_id is not None else None
    return child_name(location.name, channel.name) if location is not None else channel.name


def _who(event: Event) -> str:
    """``Person``, ``Car``, ``Vehicle`` from the origin; ``Someone`` when it is not given."""
    origin = (event.origin or "").strip().casefold()
    if origin == "vehicle" and (event.suborigin or "").strip().casefold() == "car":
        return "Car"
    return _WHO.get(origin, "Someone")


def _details(event: Event) -> str:
    """`` (Male, 26 - 35)`` for a face's gender and age range; empty without them."""
    parts = [part for part in (event.gender, event.age_range) if part]
    return f" ({', '.join(parts)})" if parts else ""


def event_sentence(event: Event, trigger: str | None, place: str) -> str:
    """The sentence of ``event`` at ``place`` (``channel_place``); ``trigger`` is its line's name.

    A line crossing of a trigger named like an entrance or exit (``ENTER_TRIGGERS``,
    ``EXIT_TRIGGERS``, as the occupancy count reads them) reads "entered"/"left".
    """
    who = _who(event)
    line = (trigger or "").strip().casefold()
    match EVENT_TYPES.get(event.event_type, OTHER_EVENT_TYPE):
        case "enter":
            what = f"{who} entered {place}"
        case "exit":
            what = f"{who} left {place}"
        case "tripwire_crossed" if line in ENTER_TRIGGERS:
            what = f"{who} entered {place}"
        case "tripwire_crossed" if line in EXIT_TRIGGERS:
            what = f"{who} left {place}"
        case "tripwire_crossed":
            what = f"{who} crossed {trigger or 'a line'} at {place}"
        case "region_join":
            what = f"{who} entered {trigger or 'a region'} at {place}"
        case "region_leave":
            what = f"{who} left {trigger or 'a region'} at {place}"
        case "loitering":
            what = f"{who} loitering at {place}"
        case "abandoned":
            what = f"Object abandoned at {place}"
        case "removed":
            what = f"Object removed at {place}"
        case "crowd":
            what = f"Crowd at {place}"
        case _:
            what = f"{event.event_type} at {place}"
    return what + _details(event)
