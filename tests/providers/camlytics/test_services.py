"""The Camlytics statistics action against the simulator: counts by type and histograms."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.camlytics.api import Location
from custom_components.sitewatch.providers.camlytics.services import (
    SERVICE_GET_STATISTICS,
    period,
)

from ...conftest import SimulatorStack


async def _statistics(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, SERVICE_GET_STATISTICS, data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


def _emit(simulators: SimulatorStack, channel: str, location: int, enter: int, exit_: int) -> None:
    for trigger, count in (("Enter", enter), ("Exit", exit_)):
        simulators.camlytics.emit_events(
            count,
            location_id=location,
            channel_id=channel,
            trigger_name=trigger,
            event_type="TripwireCrossed",
        )


async def test_totals_and_histograms_of_a_channel(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    location = simulators.camlytics.locations()[0]
    first, second = simulators.camlytics.channels(location["id"])[:2]
    _emit(simulators, first["id"], location["id"], enter=3, exit_=1)
    _emit(simulators, second["id"], location["id"], enter=2, exit_=0)
    # A period ends now, exclusive, at millisecond precision: let the events' millisecond pass.
    await asyncio.sleep(0.002)

    whole = await _statistics(hass, location=location["name"], bucket="day")
    one = await _statistics(hass, location=str(location["id"]), channel=first["name"])

    assert whole["location"] == location["name"]
    assert whole["channel"] is None
    assert whole["totals"]["tripwire_crossed"] == 6
    assert one["channel"] == first["name"]
    assert one["totals"]["tripwire_crossed"] == whole["totals"]["tripwire_crossed"] - 2
    # Line triggers count crossings in their first bin; summed over the day they are the totals.
    crossings = {
        item["trigger"]: item["counting_data"][0]
        for item in one["histograms"]
        if item["trigger_type"] == "Line"
    }
    assert crossings == {"Enter": 3.0, "Exit": 1.0}
    assert all(item["channel"] == first["name"] for item in one["histograms"])
    starts = [item["start"] for item in whole["histograms"]]
    assert starts == sorted(starts)
    assert datetime.fromisoformat(one["start"]) < datetime.fromisoformat(one["end"])


async def test_wrong_calls_are_refused(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    location = simulators.camlytics.locations()[0]["name"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"location": "Nowhere"}, "camlytics_unknown_location"),
        ({"location": location, "channel": "Nowhere"}, "camlytics_unknown_channel"),
        (
            {"location": location, "start": "2026-01-01", "end": "2026-03-01"},
            "camlytics_period_too_long",
        ),
        ({"location": location, "config_entry_id": "other"}, "camlytics_entry_required"),
    ]
    for data, key in cases:
        with pytest.raises(ServiceValidationError) as err:
            await _statistics(hass, **data)
        assert err.value.translation_key == key


async def test_a_failing_service_is_a_translated_error(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    location = simulators.camlytics.locations()[0]["name"]
    simulators.camlytics.fail_next(500, count=10)
    with pytest.raises(HomeAssistantError) as err:
        await _statistics(hass, location=location)
    assert err.value.translation_key == "camlytics_statistics_failed"


def test_period_defaults_and_whole_days() -> None:
    location = Location(id=1, name="Store", timezone_offset="+02:00")
    now = datetime(2026, 11, 29, 10, 30, tzinfo=UTC)
    since, until = period(None, None, location, now)
    assert since.isoformat() == "2026-11-29T00:00:00+02:00"
    assert until == now
    since, until = period(date(2026, 11, 27), date(2026, 11, 27), location, now)
    assert (since.isoformat(), until - since) == ("2026-11-27T00:00:00+02:00", timedelta(days=1))
    with pytest.raises(ServiceValidationError):
        period(date(2026, 12, 1), None, location, now)
