"""Camlytics pushes you can trust: hostile bodies, REST outages, restarts, push and poll together.

In process against the simulator: bodies go through Home Assistant's HTTP server (``hass_client``)
and the whole webhook pipeline; events are counted as they fire (state changes of the event
entities, by record id).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from http import HTTPStatus
import itertools
import json
import logging
import math
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Event as HassEvent, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import JSONEncoder
from homeassistant.util import dt as dt_util
from hypothesis import given, strategies as st
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.bounds import (
    MAX_ATTRIBUTE_ITEMS,
    MAX_ATTRIBUTE_TEXT,
    MAX_STATE_TEXT,
    cursor_limit,
)
from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.camlytics.coordinator import (
    MAX_LOOKBACK,
    async_nonce_source,
    cursor_store_key,
    key_digest,
    nonce_store_key,
)
from simulator.camlytics import CamlyticsSimulator

from ...conftest import SimulatorStack
from .conftest import WEBHOOK_ID, add_entry, first_place, post

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("fast_limiter")]

EVENT_ENTITY = "event.main_street_store_entrance_analytics"
OCCUPANCY = "sensor.main_street_store_occupancy"
QUEUE = "sensor.main_street_store_entrance_queue"
COUNT = "sensor.main_street_store_entrance_enter_today"


class Fired:
    """Record ids of the events the entry's event entities fired, as they fire.

    A firing is a new (event time, record id) pair in an event entity's state: the state an
    event entity restores when it is added again repeats its last pair and is not counted.
    The listener is a callback: it runs in the event loop, in the order the states changed (a
    plain function would run in the executor, where two firings may be recorded in any order).
    """

    def __init__(self, hass: HomeAssistant) -> None:
        self.record_ids: list[Any] = []
        self._pairs: set[tuple[str, str, Any]] = set()
        hass.bus.async_listen("state_changed", self._changed)

    @callback
    def _changed(self, event: HassEvent[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if not event.data["entity_id"].startswith("event.") or new is None:
            return
        if (record_id := new.attributes.get("record_id")) is None:
            return
        pair = (new.entity_id, new.state, record_id)
        if pair not in self._pairs:
            self._pairs.add(pair)
            self.record_ids.append(record_id)

    def counts(self) -> Counter[Any]:
        return Counter(self.record_ids)


_place = first_place


async def _post_raw(client: Any, body: bytes) -> int:
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data=body, headers={"Content-Type": "application/json"}
    )
    return int(response.status)


# Hostile values for the fields of an item that must make it unusable.
BAD_NUMBERS = st.sampled_from(
    [math.nan, math.inf, -math.inf, -1, 10**300, -(10**300), 1e300, 2e6, "many", "NaN", True]
) | st.one_of(st.none(), st.lists(st.integers(), max_size=2), st.text(max_size=300))
BAD_IDS = st.sampled_from([None, True, -5, 1.5, "", "x" * 300, 10**300, {"id": 1}, [1], math.nan])
# Hostile values anywhere else: the item stays usable, the value is typed, cut or left out.
ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**300), max_value=10**300)
    | st.floats()
    | st.text(max_size=20)
    | st.text(min_size=300, max_size=500)
    | st.sampled_from(["1968-01-01T00:00:00Z", "2068-01-01T00:00:00Z", "日本語 🚪"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children)
    ),
    max_leaves=8,
)
EXTRA_FIELDS = st.dictionaries(
    st.sampled_from(
        [
            *("event_type", "origin", "suborigin", "age_range", "gender", "trigger_id"),
            *("event_time", "object_id", "location_id", "snapshot_id", "rule_name", "extra"),
        ]
    ),
    ANY_VALUE,
    max_size=5,
)
BAD_ITEMS = st.one_of(
    BAD_NUMBERS.map(lambda v: {"metric": "occupancy", "location_id": -1, "occupancy": v}),
    BAD_NUMBERS.map(lambda v: {"metric": "queue", "channel_id": "c", "queue": v}),
    st.tuples(BAD_IDS, EXTRA_FIELDS).map(lambda p: {**p[1], "record_id": p[0]}),
    ANY_VALUE.filter(lambda v: not isinstance(v, dict)),
    st.dictionaries(st.sampled_from(["name", "x", "id"]), ANY_VALUE, max_size=3),
)
# ("good", extra fields) marks a usable event; the test gives it a fresh record id.
ITEMS = st.lists(
    st.one_of(EXTRA_FIELDS.map(lambda extra: ("good", extra)), BAD_ITEMS.map(lambda b: ("bad", b))),
    max_size=6,
)


def _flat_and_bounded(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= MAX_ATTRIBUTE_TEXT
    if value is None or isinstance(value, (bool, int, float)):
        return not isinstance(value, float) or math.isfinite(value)
    if isinstance(value, list):
        return len(value) <= MAX_ATTRIBUTE_ITEMS and all(
            isinstance(item, (str, int, float, bool)) and _flat_and_bounded(item) for item in value
        )
    return False


def assert_states_bounded(hass: HomeAssistant, entity_ids: list[str]) -> None:
    for entity_id in entity_ids:
        state = hass.states.get(entity_id)
        assert state is not None
        assert len(state.state) <= MAX_STATE_TEXT
        for name, value in state.attributes.items():
            assert _flat_and_bounded(value), (entity_id, name, value)
        json.dumps(dict(state.attributes), cls=JSONEncoder)


record_ids = itertools.count(9_000_000_000)


@given(items=ITEMS)
async def test_hostile_bodies_answer_200_or_400_and_deliver_the_good_items_once(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    ha_client: Any,
    simulators: SimulatorStack,
    entity_registry: er.EntityRegistry,
    items: list[tuple[str, Any]],
) -> None:
    _location, channel = _place(simulators.camlytics)
    entity_ids = [
        e.entity_id for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    ]
    fired = Fired(hass)
    body: list[Any] = []
    good: list[int] = []
    for kind, value in items:
        if kind == "good":
            record_id = next(record_ids)
            good.append(record_id)
            body.append(
                {
                    "event_type": "TripwireCrossed",
                    **value,
                    "record_id": record_id,
                    "channel_id": channel,
                }
            )
        else:
            body.append(value)
    text = json.dumps(body, allow_nan=True).encode()
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        readable = False  # NaN, Infinity, a number beyond a double: not JSON for the pipeline
    else:
        readable = True

    status = await _post_raw(ha_client, text)
    await hass.async_block_till_done()

    if not readable or (body and not good):
        assert status == HTTPStatus.BAD_REQUEST
        assert fired.record_ids == []
    else:
        assert status == HTTPStatus.OK
        assert fired.counts() == Counter(good)
    # A resend of the same body fires nothing again.
    assert await _post_raw(ha_client, text) == status
    await hass.async_block_till_done()
    assert len(fired.record_ids) == (len(good) if status == HTTPStatus.OK else 0)
    assert_states_bounded(hass, entity_ids)


async def test_a_valid_occupancy_body_works_after_hostile_ones(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, simulators: SimulatorStack
) -> None:
    location, channel = _place(simulators.camlytics)
    hostile = [
        b'{"metric": "occupancy", "location_id": %d, "occupancy": NaN}' % location,
        b'{"metric": "occupancy", "location_id": %d, "occupancy": Infinity}' % location,
        b'{"metric": "occupancy", "location_id": %d, "occupancy": 1e400}' % location,
        b'{"metric": "occupancy", "location_id": %d, "occupancy": 1%s}' % (location, b"0" * 300),
        b'{"metric": "queue", "channel_id": "%s", "queue": -1}' % channel.encode(),
    ]
    for body in hostile:
        assert await _post_raw(ha_client, body) == HTTPStatus.BAD_REQUEST
    # Bad and good together: the bad item is dropped, the good one delivered.
    mixed = [
        {"metric": "occupancy", "location_id": location, "occupancy": 10**300},
        {"metric": "occupancy", "location_id": location, "occupancy": 12},
        {"metric": "queue", "channel_id": channel, "queue": 3},
    ]
    assert await post(ha_client, mixed) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert hass.states.get(OCCUPANCY).state == "12"
    assert hass.states.get(QUEUE).state == "3"
    dropped = entry.runtime_data.push.stats.items_dropped
    assert dropped == {"occupancy is not a number in range": 1}
    # Another location's valid reading still works: nothing is stuck answering 503.
    other = simulators.camlytics.locations()[1]["id"]
    assert await post(ha_client, {"occupancy": 4, "location_id": other}) == HTTPStatus.OK
    assert await post(ha_client, {"occupancy": 5, "location_id": location}) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert hass.states.get(OCCUPANCY).state == "5"
    assert HTTPStatus.SERVICE_UNAVAILABLE not in entry.runtime_data.push.stats.by_status


async def test_pushes_fire_while_the_rest_poll_fails(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, sim: CamlyticsSimulator
) -> None:
    location, channel = _place(sim)
    coordinator = entry.runtime_data.coordinator
    sim.fail_next(500, count=1000)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert not coordinator.last_update_success
    assert hass.states.get(COUNT).state == STATE_UNAVAILABLE  # polled: unavailable
    assert hass.states.get(EVENT_ENTITY).state != STATE_UNAVAILABLE  # pushed: not

    fired = Fired(hass)
    events = [
        {"record_id": 7_000_001, "event_type": "RegionJoin", "channel_id": channel},
        {"record_id": 7_000_002, "event_type": "RegionLeave", "channel_id": channel},
    ]
    assert await post(ha_client, events) == HTTPStatus.OK
    assert await post(ha_client, {"occupancy": 9, "location_id": location}) == HTTPStatus.OK
    assert await post(ha_client, {"queue": 2, "channel_id": channel}) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.record_ids == [7_000_001, 7_000_002]
    assert hass.states.get(EVENT_ENTITY).attributes["event_type"] == "region_leave"
    assert hass.states.get(OCCUPANCY).state == "9"
    assert hass.states.get(QUEUE).state == "2"

    # Another failed poll leaves the pushed values available.
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(OCCUPANCY).state == "9"
    assert hass.states.get(QUEUE).state == "2"
    sim.fail_next(500, count=0)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(COUNT).state == "0"


async def test_the_same_event_by_poll_and_push_fires_once(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, sim: CamlyticsSimulator
) -> None:
    location, channel = _place(sim)
    coordinator = entry.runtime_data.coordinator
    fired = Fired(hass)

    # Polled first, pushed after (as the webhook sends them: id null, UTC time).
    polled = sim.emit_events(3, location_id=location, channel_id=channel)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert sorted(fired.record_ids) == sorted(e["record_id"] for e in polled)
    pushed = [{**event, "id": None} for event in polled]
    assert await post(ha_client, pushed) == HTTPStatus.OK
    await hass.async_block_till_done()

    # Pushed first, polled after; and a poll again.
    base = str(ha_client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    sim.add_webhook(base, "events", location_id=location)
    second = sim.emit_events(2, location_id=location, channel_id=channel)
    async with asyncio.timeout(10):
        while sum(1 for d in sim.deliveries if d.get("ok")) < 1:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    await hass.async_block_till_done()
    coordinator._last_push.clear()  # as if the last push were old: the events are polled
    await coordinator.async_refresh()
    await coordinator.async_refresh()
    await hass.async_block_till_done()

    assert fired.counts() == Counter(e["record_id"] for e in polled + second)
    assert set(fired.counts().values()) == {1}


async def test_events_of_a_downtime_fire_once_after_a_restart(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    ha_client: Any,
    sim: CamlyticsSimulator,
    hass_storage: dict[str, Any],
) -> None:
    location, channel = _place(sim)
    fired = Fired(hass)
    base = str(ha_client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    hook = sim.add_webhook(base, "events", location_id=location)
    before = sim.emit_events(3, location_id=location, channel_id=channel)
    async with asyncio.timeout(10):
        while sum(1 for d in sim.deliveries if d.get("ok")) < 1:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    await hass.async_block_till_done()
    assert sorted(fired.record_ids) == sorted(e["record_id"] for e in before)

    # Home Assistant stops; events happen meanwhile (the sender gives up: nobody answers 200).
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    sim.remove_webhook(hook)
    # Saved on unload: the cursor and the delivered keys.
    assert hass_storage[cursor_store_key(entry.entry_id)]["data"]["since"]
    assert hass_storage[f"{DOMAIN}.{entry.entry_id}.seen_keys"]["data"]["keys"]
    during = sim.emit_events(4, location_id=location, channel_id=channel)

    # It starts again: the catch-up poll resumes from the saved cursor.
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert fired.counts() == Counter(e["record_id"] for e in before + during)

    # A late push of the downtime's events and another restart fire nothing again.
    assert await post(ha_client, [{**e, "id": None} for e in during]) == HTTPStatus.OK
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert fired.counts() == Counter(e["record_id"] for e in before + during)


async def test_a_backlog_longer_than_a_page_is_read_in_pages(
    hass: HomeAssistant, entry: MockConfigEntry, sim: CamlyticsSimulator
) -> None:
    location, channel = _place(sim)
    fired = Fired(hass)
    emitted = sim.emit_events(1000, location_id=location, channel_id=channel)
    emitted += sim.emit_events(300, location_id=location, channel_id=channel)
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert fired.counts() == Counter(e["record_id"] for e in emitted)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (timedelta(days=-3), -MAX_LOOKBACK),  # a long downtime: at most a day back
        (timedelta(hours=12), timedelta(minutes=5)),  # ahead: never past cursor_limit()
        (timedelta(minutes=-30), timedelta(minutes=-30)),
    ],
)
async def test_the_stored_cursor_is_bounded(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    ha_client: Any,
    hass_storage: dict[str, Any],
    stored: timedelta,
    expected: timedelta,
) -> None:
    entry = add_entry(hass, simulators.url)
    location = simulators.camlytics.locations()[0]["id"]
    now = dt_util.utcnow()
    hass_storage[cursor_store_key(entry.entry_id)] = {
        "version": 1,
        "minor_version": 1,
        "key": cursor_store_key(entry.entry_id),
        "data": {
            "since": {
                str(location): (now + stored).isoformat(),
                "2": "2068-01-01T00:00:00+00:00",
                "3": {"nested": [1]},
                "x": "1968-01-01T00:00:00+00:00",
            }
        },
    }
    assert await hass.config_entries.async_setup(entry.entry_id)
    coordinator = entry.runtime_data.coordinator
    assert set(coordinator.cursors) == {location}
    since = coordinator.events_since(location, now)
    assert since == now + expected
    assert since <= cursor_limit(now)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_nonce_file_named_by_a_digest_and_moved(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    ha_client: Any,
    hass_storage: dict[str, Any],
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    old_key = f"{DOMAIN}.camlytics_nonce.demo-public"
    hass_storage[old_key] = {
        "version": 1,
        "minor_version": 1,
        "key": old_key,
        "data": {"last": 5_000_000_000},
    }
    caplog.set_level(logging.DEBUG, logger="custom_components.sitewatch")
    entry = add_entry(hass, simulators.url)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert old_key not in hass_storage
    new_key = nonce_store_key("demo-public")
    assert new_key == f"{DOMAIN}.camlytics_nonce.{key_digest('demo-public')}"
    assert len(key_digest("demo-public")) == 16
    assert hass_storage[new_key]["data"]["last"] == 5_000_000_000
    assert entry.runtime_data.coordinator.client.nonces.last > 5_000_000_000
    assert simulators.camlytics.stats()["rejected_nonces"] == 0
    assert not [key for key in hass_storage if "demo-public" in key]

    # Neither key in any log line of the integration, nor in diagnostics.
    simulators.camlytics.fail_next(500)
    await entry.runtime_data.coordinator.async_refresh()
    assert await post(ha_client, {"junk": 1}) == HTTPStatus.BAD_REQUEST
    diagnostics = json.dumps(await get_diagnostics_for_config_entry(hass, hass_client, entry))
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("custom_components")]
    assert lines
    for text in [diagnostics, *lines]:
        assert "demo-public" not in text
        assert "demo-secret" not in text


async def test_an_unsafe_old_key_is_not_looked_for(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A key that is no plain file name never named a file: nothing outside is read or removed."""
    outside = f"{DOMAIN}.camlytics_nonce.../../secrets"
    hass_storage[outside] = {"version": 1, "minor_version": 1, "key": outside, "data": {"last": 9}}
    source = await async_nonce_source(hass, "../../secrets")
    assert source.last == 0
    assert outside in hass_storage


async def test_an_event_of_a_channel_without_entity_is_dropped_and_counted(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, simulators: SimulatorStack
) -> None:
    _location, channel = _place(simulators.camlytics)
    fired = Fired(hass)
    body = [
        {"record_id": 8_000_001, "event_type": "RegionJoin", "channel_id": "no-such-channel"},
        {"record_id": 8_000_002, "event_type": "RegionJoin", "channel_id": channel},
    ]
    assert await post(ha_client, body) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.record_ids == [8_000_002]
    stats = entry.runtime_data.push.stats
    assert stats.items_dropped == {"no event entity for the event's channel": 1}
