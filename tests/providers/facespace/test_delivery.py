"""FaceSpace lines fire exactly once, only through existing entities, with a cursor that stays put.

Against the simulator in-process: the cursor never passes now + 5 minutes, a restart fires what
was logged meanwhile once, real-time bodies create no cameras, pushes work while the poll fails,
and no body (generated) gets an answer other than 200, 400 or 401.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any
from unittest.mock import patch

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
from hypothesis import given, strategies as st
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.bounds import cursor_limit
from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.presence import PEOPLE_DEVICE

from ...conftest import SimulatorStack
from .conftest import (
    ACCOUNT_DEVICE,
    ENTRY_ID,
    HOOK,
    KEY,
    STORE_KEY,
    Fired,
    async_refresh,
    async_setup_simulator,
    camera_device,
    coordinator_of,
    simulator_entry,
)

pytestmark = pytest.mark.integration


def _line(name: str, moment: datetime) -> str:
    return f"{name} @ {moment.strftime('%H:%M:%S %d/%m/%y')}"


def _devices(hass: HomeAssistant) -> set[str]:
    """The entry's account and camera devices (not the People device of ``presence``)."""
    return {
        identifier
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), ENTRY_ID)
        for _, identifier in device.identifiers
        if identifier != PEOPLE_DEVICE
    }


async def _push_entry(
    hass: HomeAssistant, simulators: SimulatorStack
) -> tuple[MockConfigEntry, Fired]:
    """The test entry accepting pushes, set up, and the events it fires from now on."""
    entry = await async_setup_simulator(hass, simulators.url, accept_push=True)
    return entry, Fired(hass)


async def test_a_line_dated_68_does_not_stop_later_lines(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry, fired = await _push_entry(hass, simulators)
    sim = simulators.facespace
    sim.add_raw_line("Lobby", "Mallory @ 00:00:00 01/01/68")  # read as 2068
    await async_refresh(hass, entry)
    assert coordinator_of(entry).cursor <= cursor_limit()
    sim.recognize("Lobby", "Polled")
    await async_refresh(hass, entry)
    now = dt_util.utcnow()
    response = await ha_client.post(
        HOOK,
        json={"Lobby": ["Mallory @ 00:00:00 01/01/68", _line("Pushed", now)]},
        headers={"x-api-key": KEY},
    )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.names("event.lobby_facespace_recognition") == ["Polled", "Pushed"]
    assert coordinator_of(entry).cursor <= cursor_limit()
    stats = entry.runtime_data.push.stats.as_dict()
    assert stats["items_dropped"] == {"log line time is out of range": 1}


async def test_a_line_from_the_future_fires_once_and_the_cursor_stays_near_now(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry, fired = await _push_entry(hass, simulators)
    ahead = dt_util.utcnow().replace(microsecond=0) + timedelta(minutes=10)
    simulators.facespace.recognize("Lobby", "Early", ahead)
    await async_refresh(hass, entry)
    await async_refresh(hass, entry)
    response = await ha_client.post(
        HOOK, json={"Lobby": [_line("Early", ahead)]}, headers={"x-api-key": KEY}
    )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.names() == ["Early"]
    assert coordinator_of(entry).cursor <= cursor_limit()
    assert entry.runtime_data.push.stats.duplicates_dropped == 1
    simulators.facespace.recognize("Lobby", "Now")
    await async_refresh(hass, entry)
    assert fired.names() == ["Early", "Now"]


async def test_a_cursor_stored_in_the_future_is_repaired(
    hass: HomeAssistant, simulators: SimulatorStack, hass_storage: dict[str, Any]
) -> None:
    hass_storage[STORE_KEY] = {
        "version": 1,
        "key": STORE_KEY,
        "data": {"cursor": "2068-01-01T00:00:00+00:00", "seen": [], "cameras": ["Lobby"]},
    }
    entry = simulator_entry(hass, simulators.url)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert coordinator_of(entry).cursor <= dt_util.utcnow()
    fired = Fired(hass)
    simulators.facespace.recognize("Lobby", "Alive")
    await async_refresh(hass, entry)
    assert fired.names() == ["Alive"]


async def test_restart_fires_every_line_exactly_once(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry, fired = await _push_entry(hass, simulators)
    sim = simulators.facespace
    start = dt_util.utcnow().replace(microsecond=0)
    sim.recognize("Lobby", "Before", start)
    await async_refresh(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    # Logged while Home Assistant is down: the same second, a new camera, a later minute.
    sim.recognize("Lobby", "During1", start)
    sim.recognize("Entrance", "During2", start + timedelta(seconds=1))
    sim.recognize("Parking", "During3", start + timedelta(seconds=61))
    assert await hass.config_entries.async_setup(entry.entry_id)
    # Fired by the first refresh (in the background) only once the entities existed.
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sorted(fired.names()) == ["Before", "During1", "During2", "During3"]
    await async_refresh(hass, entry)
    await async_refresh(hass, entry)
    assert sorted(fired.names()) == ["Before", "During1", "During2", "During3"]
    assert coordinator_of(entry).cursor == (start + timedelta(seconds=61)).replace(second=0)
    # A push of a line the poll fired is a duplicate for the webhook too.
    response = await ha_client.post(
        HOOK,
        json={"Parking": [_line("During3", start + timedelta(seconds=61))]},
        headers={"x-api-key": KEY},
    )
    assert response.status == HTTPStatus.OK
    assert entry.runtime_data.push.stats.duplicates_dropped == 1
    assert len(fired.names()) == 4


async def test_real_time_keys_create_no_camera_and_stale_ones_go(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any, hass_storage: dict[str, Any]
) -> None:
    # What the old version left: junk cameras from real-time bodies, stored and registered.
    hass_storage[STORE_KEY] = {
        "version": 1,
        "key": STORE_KEY,
        "data": {"cursor": None, "seen": [], "cameras": ["Lobby", "junk-a", "junk-b"]},
    }
    entry = simulator_entry(hass, simulators.url, accept_push=True)
    registry = dr.async_get(hass)
    for junk in ("junk-a", "junk-b"):
        registry.async_get_or_create(
            config_entry_id=ENTRY_ID, identifiers={(DOMAIN, camera_device(junk))}
        )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    cameras = {camera_device(camera) for camera in ("Entrance", "Lobby", "Parking")}
    cameras.add(ACCOUNT_DEVICE)  # the cameras' parent, which stale cameras leave alone
    assert _devices(hass) == cameras
    body = {f"junk{n}": ["x"] for n in range(20)} | {"Lobby": ["Ann", "Bo"]}
    response = await ha_client.post(HOOK, json=body, headers={"x-api-key": KEY})
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert _devices(hass) == cameras
    assert hass.states.get("sensor.lobby_facespace_people_in_view").state == "2"
    assert set(coordinator_of(entry).data.in_view) <= {"Entrance", "Lobby", "Parking"}


async def test_pushed_lines_create_cameras_only_within_the_cap(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry, fired = await _push_entry(hass, simulators)
    now = dt_util.utcnow()
    with patch("custom_components.sitewatch.providers.facespace.coordinator.MAX_CAMERAS", 4):
        response = await ha_client.post(
            HOOK,
            json={"Gate": [_line("Gus", now)], "Yard": [_line("Yan", now)]},
            headers={"x-api-key": KEY},
        )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.names() == ["Gus"]
    assert hass.states.get("event.gate_facespace_recognition") is not None
    assert hass.states.get("event.yard_facespace_recognition") is None
    stats = entry.runtime_data.push.stats.as_dict()
    assert stats["items_dropped"] == {"too many cameras": 1}


async def test_long_names_are_cut_to_what_a_state_takes(
    hass: HomeAssistant, simulators: SimulatorStack
) -> None:
    entry = await async_setup_simulator(hass, simulators.url)
    simulators.facespace.add_raw_line("Lobby", _line("N" * 300, dt_util.utcnow()))
    await async_refresh(hass, entry)
    state = hass.states.get("sensor.lobby_facespace_last_person_seen")
    assert len(state.state) == 255
    assert hass.states.get("event.lobby_facespace_recognition").attributes["name"] == state.state


async def test_pushes_fire_while_the_poll_fails(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry, fired = await _push_entry(hass, simulators)
    simulators.facespace.fail_next(503, count=1000)
    backoff = patch("custom_components.sitewatch.providers.facespace.api.BACKOFF", 0)
    backoff.start()
    await async_refresh(hass, entry)
    assert hass.states.get("sensor.lobby_facespace_people_in_view").state == STATE_UNAVAILABLE
    assert hass.states.get("event.lobby_facespace_recognition").state != STATE_UNAVAILABLE
    response = await ha_client.post(
        HOOK, json={"Lobby": [_line("Outage", dt_util.utcnow())]}, headers={"x-api-key": KEY}
    )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.names() == ["Outage"]

    # Set up again while the service is still down: the known cameras take pushes.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    response = await ha_client.post(
        HOOK, json={"Lobby": [_line("Still", dt_util.utcnow())]}, headers={"x-api-key": KEY}
    )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.names() == ["Outage", "Still"]
    simulators.facespace.fail_next(503, count=0)
    backoff.stop()
    await async_refresh(hass, entry)
    assert fired.names() == ["Outage", "Still"]  # the poll reads both again: not fired twice


async def test_a_disabled_event_entity_does_not_hold_the_cursor(
    hass: HomeAssistant, simulators: SimulatorStack
) -> None:
    entry = await async_setup_simulator(hass, simulators.url)
    er.async_get(hass).async_update_entity(
        "event.lobby_facespace_recognition", disabled_by=er.RegistryEntryDisabler.USER
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    fired = Fired(hass)
    later = dt_util.utcnow().replace(microsecond=0) + timedelta(minutes=2)
    simulators.facespace.recognize("Lobby", "Hidden", later)
    simulators.facespace.recognize("Entrance", "Shown", later)
    await async_refresh(hass, entry)
    await async_refresh(hass, entry)
    assert fired.names() == ["Shown"]
    assert coordinator_of(entry).cursor == later.replace(second=0)


LOG_TIMES = st.integers(min_value=0, max_value=600) | st.integers(
    min_value=-3600, max_value=2 * 86400
)
NAMES = (
    st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True)
    | st.text(max_size=30)
    | st.text(min_size=256, max_size=300)
    | st.just("Unknown")
)
CAMERAS = st.sampled_from(["Lobby", "Entrance", "Gate", "", "x" * 150, "\ud800", "A\nB"])


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8), children, max_size=4
    )


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    _containers,
    max_leaves=30,
)


@given(
    body=st.one_of(
        st.dictionaries(
            CAMERAS,
            st.lists(
                # (name, seconds from now) twice: log lines are drawn more often than the rest
                st.tuples(NAMES, LOG_TIMES) | st.tuples(NAMES, LOG_TIMES) | NAMES | JSON_VALUES,
                max_size=5,
            ),
            max_size=3,
        ),
        st.dictionaries(CAMERAS | st.text(max_size=10), st.lists(NAMES, max_size=40), max_size=5),
        JSON_VALUES,
    )
)
async def test_any_body_is_answered_200_or_400_and_bounded(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any, body: Any
) -> None:
    if (entry := hass.config_entries.async_get_entry(ENTRY_ID)) is None:
        entry = await async_setup_simulator(hass, simulators.url, accept_push=True)
    now = dt_util.utcnow()
    if isinstance(body, dict):  # (name, seconds from now) pairs become log lines
        body = {
            camera: [
                _line(item[0], now + timedelta(seconds=item[1]))
                if isinstance(item, tuple)
                else item
                for item in items
            ]
            if isinstance(items, list)
            else items
            for camera, items in body.items()
        }
    data = orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS) if _encodable(body) else b"{}"
    with patch("custom_components.sitewatch.providers.facespace.coordinator.MAX_CAMERAS", 5):
        response = await ha_client.post(
            HOOK, data=data, headers={"x-api-key": KEY, "Content-Type": "application/json"}
        )
    assert response.status in {HTTPStatus.OK, HTTPStatus.BAD_REQUEST}, await response.text()
    await hass.async_block_till_done()
    coordinator = coordinator_of(entry)
    assert coordinator.cursor <= cursor_limit()
    assert len(coordinator.data.cameras) <= 5
    for state in hass.states.async_all():
        assert len(state.state) <= 255
        # Attribute names are StrEnums on newer Home Assistant versions.
        orjson.dumps(dict(state.attributes), default=str, option=orjson.OPT_NON_STR_KEYS)


def _encodable(body: Any) -> bool:
    try:
        orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return False
    return True


async def test_nothing_fires_while_home_assistant_stops(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry, fired = await _push_entry(hass, simulators)
    cursor = coordinator_of(entry).cursor
    later = dt_util.utcnow().replace(microsecond=0) + timedelta(minutes=2)
    simulators.facespace.recognize("Lobby", "Late", later)
    hass.set_state(CoreState.stopping)
    await async_refresh(hass, entry)
    response = await ha_client.post(
        HOOK, json={"Lobby": [_line("Late", later)]}, headers={"x-api-key": KEY}
    )
    assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert fired.names() == []
    assert coordinator_of(entry).cursor == cursor  # the next start reads the line again
    hass.set_state(CoreState.running)
    await async_refresh(hass, entry)
    assert fired.names() == ["Late"]
    assert coordinator_of(entry).cursor == later.replace(second=0)


async def test_a_camera_not_listed_and_silent_for_long_is_removed(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry = await async_setup_simulator(hass, simulators.url, accept_push=True)
    response = await ha_client.post(
        HOOK, json={"Gate": [_line("Gus", dt_util.utcnow())]}, headers={"x-api-key": KEY}
    )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    gate = camera_device("Gate")
    assert gate in _devices(hass)
    await async_refresh(hass, entry)  # not listed, but it logged a line just now: kept
    assert gate in _devices(hass)
    with patch(
        "custom_components.sitewatch.providers.facespace.coordinator.STALE_AFTER",
        timedelta(seconds=-1),
    ):
        await async_refresh(hass, entry)
    assert gate not in _devices(hass)
    assert hass.states.get("event.gate_facespace_recognition") is None
    assert "Gate" not in coordinator_of(entry).data.cameras
    assert camera_device("Lobby") in _devices(hass)  # listed: kept
