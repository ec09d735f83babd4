"""Actions of the Camlytics provider: counts by event type and histograms over a period."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv

from ...actions import ATTR_CONFIG_ENTRY_ID, TIME_BOUND, runtime_for_call
from ...const import DOMAIN
from ...schema import vol
from .api import CamlyticsError, Histogram, Location, TypeTotal
from .const import EVENT_TYPES, OTHER_EVENT_TYPE
from .coordinator import CamlyticsCoordinator, location_timezone
from .runtime import CamlyticsRuntime

SERVICE_GET_STATISTICS: Final = "get_camlytics_statistics"

ATTR_LOCATION: Final = "location"
ATTR_CHANNEL: Final = "channel"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
ATTR_BUCKET: Final = "bucket"

BUCKETS: Final = ("hour", "day")
MAX_PERIOD: Final = timedelta(days=31)
"""Longest period one call covers (744 hourly buckets per trigger at most)."""

STATISTICS_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_LOCATION): cv.string,
        vol.Optional(ATTR_CHANNEL): cv.string,
        vol.Optional(ATTR_START): TIME_BOUND,
        vol.Optional(ATTR_END): TIME_BOUND,
        vol.Optional(ATTR_BUCKET, default="hour"): vol.In(BUCKETS),
    }
)


def _invalid(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _by_id_or_name[T](items: dict[Any, T], wanted: str, name: Any) -> T | None:
    """The item whose id (as text) or name (case-insensitive) is ``wanted``."""
    for item_id, item in items.items():
        if str(item_id) == wanted:
            return item
    folded = wanted.casefold()
    return next((item for item in items.values() if name(item).casefold() == folded), None)


def _bound(value: date | datetime | None, location: Location, default: datetime) -> datetime:
    """A call's start or end as an aware time; a date or naive time is the location's local."""
    zone = location_timezone(location)
    if value is None:
        return default
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def period(
    start: date | datetime | None, end: date | datetime | None, location: Location, now: datetime
) -> tuple[datetime, datetime]:
    """The call's period: default from the location's midnight today up to ``now``.

    An ``end`` given as a date alone includes that whole day.

    Raises:
        ServiceValidationError: the end is not after the start, or the period exceeds 31 days.
    """
    local_now = now.astimezone(location_timezone(location))
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    since = _bound(start, location, midnight)
    until = _bound(end, location, now)
    if end is not None and not isinstance(end, datetime):
        until += timedelta(days=1)
    until = min(until, now)
    if until <= since:
        raise _invalid("camlytics_empty_period")
    if until - since > MAX_PERIOD:
        raise _invalid("camlytics_period_too_long", days=str(MAX_PERIOD.days))
    return since, until


def totals_by_type(totals: list[TypeTotal], channel_id: str | None) -> dict[str, int]:
    """Counts per Sitewatch event type (``enter``, ``tripwire_crossed``... ``other``)."""
    counts: defaultdict[str, int] = defaultdict(int)
    for total in totals:
        if channel_id is None or total.channel_id == channel_id:
            counts[EVENT_TYPES.get(total.type, OTHER_EVENT_TYPE)] += total.count
    return dict(sorted(counts.items()))


def bucketed(
    histograms: list[Histogram],
    coordinator: CamlyticsCoordinator,
    location: Location,
    channel_id: str | None,
    bucket: str,
) -> list[dict[str, Any]]:
    """Histograms summed per trigger and bucket (an hour, or a day of the location's time).

    Each item: ``{"start" (ISO 8601 with the location's offset), "trigger", "trigger_type",
    "channel", "counting_data", "lifetime_data"}``, bins summed element by element; sorted by
    start, then trigger name.
    """
    zone = location_timezone(location)
    sums: dict[tuple[datetime, str], tuple[list[float], list[float]]] = {}
    for histogram in histograms:
        if channel_id is not None and histogram.channel_id != channel_id:
            continue
        start = histogram.start.astimezone(zone)
        if bucket == "day":
            start = start.replace(hour=0, minute=0, second=0, microsecond=0)
        counting, lifetime = sums.setdefault((start, histogram.trigger_id), ([], []))
        for into, values in ((counting, histogram.counting), (lifetime, histogram.lifetime)):
            into.extend([0.0] * (len(values) - len(into)))
            for index, value in enumerate(values):
                into[index] += value
    data = coordinator.data
    items = []
    for (start, trigger_id), (counting, lifetime) in sums.items():
        trigger = data.triggers.get(trigger_id)
        channel = data.channels.get(trigger.channel_id) if trigger and trigger.channel_id else None
        items.append(
            {
                "start": start.isoformat(),
                "trigger": trigger.name if trigger else trigger_id,
                "trigger_type": trigger.type if trigger else None,
                "channel": channel.name if channel else None,
                "counting_data": [round(value, 3) for value in counting],
                "lifetime_data": [round(value, 3) for value in lifetime],
            }
        )
    items.sort(key=lambda item: (item["start"], item["trigger"]))
    return items


async def _async_get_statistics(call: ServiceCall) -> ServiceResponse:
    """Counts by event type and histograms of a location (or one of its channels) over a period.

    Reads ``GET /totals/types`` and ``GET /histograms`` for the location (two requests, paced at
    one per second with the entry's polls). Response::

        {"location", "channel", "start", "end", "bucket",
         "totals": {event type: count}, "histograms": [bucket items, see ``bucketed``]}

    Raises:
        ServiceValidationError: no single Camlytics entry, unknown location or channel, bad period.
        HomeAssistantError: the service could not be read.
    """
    coordinator = runtime_for_call(call, CamlyticsRuntime, "camlytics_entry_required").coordinator
    data = coordinator.data
    location = _by_id_or_name(data.locations, call.data[ATTR_LOCATION], lambda loc: loc.name)
    if location is None:
        raise _invalid("camlytics_unknown_location", location=call.data[ATTR_LOCATION])
    channel_id: str | None = None
    if (wanted := call.data.get(ATTR_CHANNEL)) is not None:
        in_location = {
            cid: channel
            for cid, channel in data.channels.items()
            if channel.location_id == location.id
        }
        channel = _by_id_or_name(in_location, wanted, lambda ch: ch.name)
        if channel is None:
            raise _invalid("camlytics_unknown_channel", channel=wanted)
        channel_id = channel.id
    since, until = period(
        call.data.get(ATTR_START),
        call.data.get(ATTR_END),
        location,
        datetime.now(location_timezone(location)),
    )
    try:
        totals = await coordinator.client.type_totals(location.id, since=since, until=until)
        histograms = await coordinator.client.histograms(location.id, since=since, until=until)
    except CamlyticsError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="camlytics_statistics_failed",
            translation_placeholders={"location": location.name},
        ) from err
    bucket = call.data[ATTR_BUCKET]
    return {
        "location": location.name,
        "channel": data.channels[channel_id].name if channel_id else None,
        "start": since.isoformat(),
        "end": until.isoformat(),
        "bucket": bucket,
        "totals": totals_by_type(totals, channel_id),
        "histograms": bucketed(histograms, coordinator, location, channel_id, bucket),
    }


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the statistics query."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_STATISTICS,
        _async_get_statistics,
        schema=STATISTICS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
