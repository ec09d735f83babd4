"""Camlytics report feeds: parsing (hostile answers too), targets, and the feeds end to end.

End to end against the simulator: a location's feed is its occupancy, a channel's its queue,
while no webhook of that kind arrived; a failing feed falls back with one warning; the feed id
never reaches a log line or the diagnostics; each feed is one request per refresh.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from homeassistant.core import HomeAssistant
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.sitewatch.providers.camlytics.api import (
    MAX_FEED_VALUE,
    Channel,
    Location,
    feed_id,
    feed_value,
)
from custom_components.sitewatch.providers.camlytics.coordinator import (
    CamlyticsData,
    feed_option,
    feed_targets,
)
from simulator.camlytics import CamlyticsSimulator

from ...conftest import SimulatorStack
from ...occupancy_helpers import Fired
from .conftest import add_entry, post

FEED = "0123456789abcdef0123456789ABCDEF"


def test_feed_ids_are_taken_from_urls_or_alone() -> None:
    assert feed_id(f"https://cloud.camlytics.com/feed/report/{FEED}") == FEED.lower()
    assert feed_id(f" {FEED} ") == FEED.lower()
    assert feed_id(f"https://evil.example/feed/report/{FEED}/csv") == FEED.lower()
    for bad in (FEED[:-1], FEED + "0", f"{FEED} {FEED}", "", None, 32, "x" * 600):
        assert feed_id(bad) is None
    assert feed_option(f"  Main Street  store = https://h/feed/report/{FEED}") == (
        f"Main Street store = {FEED.lower()}"
    )
    assert feed_option(f"= {FEED}") is None
    assert feed_option("Lobby = nothing") is None
    assert feed_option(FEED) is None


@pytest.mark.parametrize(
    ("body", "value"),
    [
        ({"report": {"data": {"counter": 12}}}, 12),
        ({"report": {"data": {"counter": "7"}}}, 7),
        ({"report": {"data": {"series": [{"data": [{"value": 3}, {"value": 5}]}]}}}, 5),
        ({"report": {"data": {"series": [{"data": [{"value": 3}, {"value": None}]}]}}}, 3),
        ({"report": {"data": {"counter": math.nan}}}, None),
        ({"report": {"data": {"counter": -1}}}, None),
        ({"report": {"data": {"counter": 10**300}}}, None),
        ({"report": {"data": {"counter": "1" + "0" * 300}}}, None),
        ({"report": {"data": {"counter": True}}}, None),
        ({"report": {"data": {"series": []}}}, None),
        ({"report": []}, None),
        ([], None),
    ],
)
def test_feed_values(body: Any, value: float | None) -> None:
    assert feed_value(body) == value


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["report", "data", "counter", "series", "value"]), children
        )
    ),
    max_leaves=20,
)


@given(JSON)
def test_any_feed_answer_is_a_bounded_count_or_none(body: Any) -> None:
    value = feed_value(body)
    assert value is None or (math.isfinite(value) and 0 <= value <= MAX_FEED_VALUE)


def test_targets_are_locations_or_channels_by_name_or_id() -> None:
    data = CamlyticsData(
        locations={32: Location(32, "Main Street store"), 33: Location(33, "Riverside mall")},
        channels={
            "c1": Channel("c1", "Checkout", 32),
            "c2": Channel("c2", "Checkout", 33),
        },
    )
    entries = [
        f"main street STORE = {FEED}",
        f"Riverside mall Checkout = {FEED}",
        f"c1 = {FEED}",
        f"33 = {'1' * 32}",  # a second feed of location 33: the first one wins
        f"Riverside mall = {'2' * 32}",
        f"Nowhere = {FEED}",
        "Main Street store = no feed",
        42,
    ]
    assert feed_targets(entries, data) == {
        ("location", 32): FEED.lower(),
        ("channel", "c2"): FEED.lower(),
        ("channel", "c1"): FEED.lower(),
        ("location", 33): "1" * 32,
    }


OCCUPANCY = "sensor.main_street_store_occupancy"
QUEUE = "sensor.main_street_store_checkout_queue"


def _feeds(sim: CamlyticsSimulator) -> tuple[str, str, str]:
    feeds = sim.feeds()
    location = next(f["feed_id"] for f in feeds if f.get("location_id") == 32)
    checkout = next(c["id"] for c in sim.channels(32) if c["name"] == "Checkout")
    queue = next(f["feed_id"] for f in feeds if f.get("channel_id") == checkout)
    return location, checkout, queue


@pytest.mark.integration
@pytest.mark.usefixtures("fast_limiter")
async def test_feeds_feed_occupancy_and_queue_until_webhooks_arrive(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    ha_client: Any,
    hass_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim = simulators.camlytics
    location_feed, checkout, queue_feed = _feeds(sim)
    entry = add_entry(hass, simulators.url)
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            "report_feeds": [
                f"Main Street store = https://cloud.camlytics.com/feed/report/{location_feed}",
                f"Main Street store Checkout = {queue_feed}",
            ],
        },
    )
    sim.set_occupancy(32, 6)
    sim.set_queue(checkout, 2)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(OCCUPANCY).state == "6"
    assert hass.states.get(OCCUPANCY).attributes["source"] == "feed"
    assert hass.states.get(QUEUE).state == "2"

    # A refresh reads each feed once, next to the totals and events of each location.
    before = dict(sim.stats()["by_path"])
    fired = Fired(hass, "event.main_street_store_occupancy_changes")
    sim.set_occupancy(32, 9)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    after = sim.stats()["by_path"]
    feed_requests = sum(
        count - before.get(path, 0) for path, count in after.items() if "/feed/report/" in path
    )
    assert feed_requests == 2
    assert fired.events == [("entered", 9, 3, 0)]

    # A feed that stops working (unpublished: 404): one warning however many polls, the
    # occupancy falls back to Enter minus Exit; one line when it works again.
    feeds = entry.options["report_feeds"]
    gone = "f" * 32
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "report_feeds": [f"Main Street store = {gone}", feeds[1]]}
    )
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            await coordinator.async_refresh()
        await hass.async_block_till_done()
        assert hass.states.get(OCCUPANCY).attributes["source"] == "polling"
        hass.config_entries.async_update_entry(
            entry, options={**entry.options, "report_feeds": feeds}
        )
        await coordinator.async_refresh()
        await hass.async_block_till_done()
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if "report feed" in r.getMessage()]
    assert lines == [
        (
            logging.WARNING,
            "Camlytics: the report feed of Main Street store cannot be read "
            "(Camlytics answered HTTP 404 for a report feed)",
        ),
        (logging.INFO, "Camlytics: the report feed of Main Street store works again"),
    ]
    ours = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("custom_comp"))
    assert gone not in ours  # (the simulator's own access log shows the path it served)
    assert hass.states.get(OCCUPANCY).attributes["source"] == "feed"

    # A webhook of the kind takes over; the feed is not read while it is fresh.
    assert await post(ha_client, {"occupancy": 3, "location_id": 32}) == 200
    before = dict(sim.stats()["by_path"])
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert sim.stats()["by_path"].get(f"/feed/report/{location_feed}", 0) == before.get(
        f"/feed/report/{location_feed}", 0
    )
    assert hass.states.get(OCCUPANCY).state == "3"

    # The feed id (its secret) is in no log line of Sitewatch and not in the diagnostics.
    ours = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("custom_comp"))
    assert location_feed not in ours
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert location_feed not in str(diagnostics)
    assert queue_feed not in str(diagnostics)
