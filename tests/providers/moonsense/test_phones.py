"""Moonsense phones: one device each, readings never mixed, names, restarts, filters, options."""

from __future__ import annotations

import copy
from http import HTTPStatus
import math
from typing import Any
from unittest.mock import MagicMock

from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from hypothesis import given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.providers.moonsense.api import (
    ACTIVITY_LISTS,
    READING_RANGES,
    MoonsenseConnectionError,
    Readings,
)
from custom_components.sitewatch.providers.moonsense.coordinator import merge_readings

from .conftest import WEBHOOK_ID, async_setup_entry, load_fixture
from .strategies import VALUES

IPHONE = "iphone142"
"""Entity id prefix of ``install-a``, the iPhone14,2 of session ``s-two``."""
PIXEL = "pixel_7"
"""Entity id prefix of ``install-b``, the Pixel 7 of session ``s-one``."""


def _bundle(session_id: str, install_id: str | None, millis: int, **bundle: Any) -> dict[str, Any]:
    """A ``BUNDLE_RECEIVED`` body of ``session_id`` from ``install_id`` at ``millis``."""
    sealed: dict[str, Any] = {
        "bundle": {"client_time": {"wall_time_millis": str(millis)}, **bundle},
        "session_id": session_id,
    }
    if install_id is not None:
        sealed["install_id"] = install_id
    return {"event_type": "BUNDLE_RECEIVED", "session_id": session_id, "bundle": sealed}


T0 = 1_795_435_100_000
"""Some time on the morning of the frozen day (ms)."""


async def _post(client: Any, body: Any) -> None:
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    assert response.status == HTTPStatus.OK


@pytest.fixture
async def client(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    mock_client: MagicMock,
    mock_entry: MockConfigEntry,
) -> Any:
    """The webhook's client, once the entry is set up and today's sessions are read."""
    assert await async_setup_component(hass, "webhook", {})
    await async_setup_entry(hass, mock_entry)
    await mock_entry.runtime_data.coordinator.async_after_first_refresh()
    await hass.async_block_till_done()
    return await hass_client_no_auth()


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def test_each_phone_has_its_own_device_under_the_app(
    hass: HomeAssistant,
    client: Any,
    mock_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The polled sessions' phones appear, named after their models; no install id anywhere."""
    devices = dr.async_entries_for_config_entry(device_registry, mock_entry.entry_id)
    (app,) = (device for device in devices if device.via_device_id is None)
    phones = {device.name: device for device in devices if device.via_device_id == app.id}
    assert set(phones) == {"iPhone14,2", "Pixel 7"}
    assert (phones["Pixel 7"].manufacturer, phones["Pixel 7"].model) == ("Google", "Pixel 7")
    for device in devices:
        assert not any("install" in identifier for _, identifier in device.identifiers)
    for entity in er.async_entries_for_config_entry(entity_registry, mock_entry.entry_id):
        assert "install" not in entity.unique_id
    # Until a bundle arrives a phone's readings are unknown.
    assert _state(hass, f"sensor.{PIXEL}_battery") == STATE_UNKNOWN
    # The noisy readings are diagnostic and disabled by default.
    noisy = entity_registry.async_get(f"sensor.{PIXEL}_acceleration")
    assert noisy is not None
    assert noisy.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert noisy.entity_category == "diagnostic"
    steps = entity_registry.async_get(f"sensor.{PIXEL}_steps")
    assert steps is not None
    assert steps.disabled_by is None


async def test_two_phones_never_mix(
    hass: HomeAssistant, client: Any, mock_entry: MockConfigEntry
) -> None:
    """Interleaved bundles of two phones each land on their own phone's entities only."""
    located = {"latitude": 48.85, "longitude": 2.29, "horizontal_accuracy": 5}
    await _post(
        client,
        [
            _bundle("s-two", "install-a", T0, battery={"capacity": 64}, location_data=[located]),
            _bundle("s-one", "install-b", T0 + 1, battery={"capacity": 20}),
            _bundle("s-two", "install-a", T0 + 2, temperature_data=[{"value": 18.5}]),
        ],
    )
    await hass.async_block_till_done()
    assert _state(hass, f"sensor.{IPHONE}_battery") == "64"
    assert _state(hass, f"sensor.{PIXEL}_battery") == "20"
    assert float(_state(hass, f"sensor.{IPHONE}_temperature")) == 18.5
    assert _state(hass, f"sensor.{PIXEL}_temperature") == STATE_UNKNOWN
    iphone = hass.states.get(f"device_tracker.{IPHONE}_location")
    pixel = hass.states.get(f"device_tracker.{PIXEL}_location")
    assert iphone is not None
    assert pixel is not None
    assert iphone.attributes["latitude"] == 48.85
    assert "latitude" not in pixel.attributes

    # A bundle without an install id goes to its session's phone (known from the poll).
    await _post(client, _bundle("s-one", None, T0 + 3, battery={"capacity": 19}))
    # A bundle of an unknown session without an install id goes nowhere, and is counted.
    await _post(client, _bundle("s-nowhere", None, T0 + 4, battery={"capacity": 1}))
    await hass.async_block_till_done()
    assert _state(hass, f"sensor.{PIXEL}_battery") == "19"
    assert _state(hass, f"sensor.{IPHONE}_battery") == "64"
    diagnostics = mock_entry.runtime_data.diagnostics()
    assert diagnostics["unattributed_bundles"] == 1
    assert {phone["name"]: phone["bundles"] for phone in diagnostics["phones"]} == {
        "iPhone14,2": 2,
        "Pixel 7": 2,
    }
    assert "install" not in str(diagnostics)


async def test_hostile_readings_are_dropped_counted_and_keep_the_last_good_value(
    hass: HomeAssistant, client: Any, mock_entry: MockConfigEntry
) -> None:
    await _post(
        client, _bundle("s-two", "install-a", T0, heart_rate_data=[{"rate": 80, "to": "1"}])
    )
    await _post(
        client,
        _bundle(
            "s-two",
            "install-a",
            T0 + 1,
            heart_rate_data=[{"rate": "NaN", "to": "2"}],
            steps_data={"count": 5},
            accelerometer_data=[{"x": {"deep": [1]}}],
            orientation_data=[{"azimuth": 1e300}],
        ),
    )
    await hass.async_block_till_done()
    assert _state(hass, f"sensor.{IPHONE}_heart_rate") == "80"
    assert _state(hass, f"sensor.{IPHONE}_steps") == STATE_UNKNOWN
    phones = {phone["name"]: phone for phone in mock_entry.runtime_data.diagnostics()["phones"]}
    assert phones["iPhone14,2"]["dropped_readings"] == 4
    assert phones["Pixel 7"]["dropped_readings"] == 0


async def test_a_new_phone_is_looked_up_once_and_named_after_its_model(
    hass: HomeAssistant, client: Any, mock_client: MagicMock, mock_entry: MockConfigEntry
) -> None:
    """A phone first seen by webhook: its session is read once for its model; numbered names."""
    sessions = mock_client.session.side_effect

    async def answer(session_id: str, view: str = "minimal") -> Any:
        session = await sessions("s-one")  # another Pixel 7
        return copy.replace(session, session_id=session_id, install_id=f"install-{session_id}")

    mock_client.session.side_effect = answer
    await _post(client, _bundle("s-new", "install-s-new", T0, battery={"capacity": 50}))
    await _post(client, _bundle("s-new", "install-s-new", T0 + 1, battery={"capacity": 49}))
    await hass.async_block_till_done()
    assert mock_client.session.await_count == 1
    assert _state(hass, "sensor.pixel_7_2_battery") == "49"
    assert _state(hass, f"sensor.{PIXEL}_battery") == STATE_UNKNOWN

    # The lookup failing: the phone is named "Phone" and still gets its readings.
    mock_client.session.side_effect = MoonsenseConnectionError("down")
    await _post(client, _bundle("s-other", "install-other", T0, battery={"capacity": 33}))
    await hass.async_block_till_done()
    assert _state(hass, "sensor.phone_battery") == "33"


async def test_phones_come_back_after_a_restart_with_their_names(
    hass: HomeAssistant,
    client: Any,
    mock_client: MagicMock,
    mock_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Reloaded with no session today: the phones' devices and entities are there at once."""
    before = {
        d.id: d.name
        for d in dr.async_entries_for_config_entry(device_registry, mock_entry.entry_id)
    }
    mock_client.sessions.return_value = []
    assert await hass.config_entries.async_reload(mock_entry.entry_id)
    await hass.async_block_till_done()
    after = {
        d.id: d.name
        for d in dr.async_entries_for_config_entry(device_registry, mock_entry.entry_id)
    }
    assert after == before
    assert _state(hass, f"sensor.{PIXEL}_battery") == STATE_UNKNOWN
    await _post(client, _bundle("s-one", "install-b", T0, battery={"capacity": 77}))
    await hass.async_block_till_done()
    assert _state(hass, f"sensor.{PIXEL}_battery") == "77"


async def test_options_filter_journey_and_platforms(
    hass: HomeAssistant,
    client: Any,
    mock_client: MagicMock,
    mock_entry: MockConfigEntry,
) -> None:
    """Journey and platforms: stored by the options flow, sent to the API, applied to pushes."""
    result = await hass.config_entries.options.async_init(mock_entry.entry_id)
    assert result["step_id"] == "moonsense_options"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "scan_interval": 120,
            "labels": [],
            "journey_id": " journey-delivery ",
            "platforms": ["web", "ios"],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_entry.options == {
        "scan_interval": 120,
        "labels": [],
        "journey_id": "journey-delivery",
        "platforms": ["ios", "web"],
    }
    await hass.async_block_till_done(wait_background_tasks=True)
    kwargs = mock_client.sessions.await_args.kwargs
    assert (kwargs["journey_id"], kwargs["platforms"]) == ("journey-delivery", ["ios", "web"])

    coordinator = mock_entry.runtime_data.coordinator
    await coordinator.async_after_first_refresh()
    await hass.async_block_till_done()
    ios = _bundle("s-two", "install-a", T0, battery={"capacity": 11})
    android = _bundle("s-one", "install-b", T0, battery={"capacity": 12})
    other_journey = _bundle("s-two", "install-a", T0 + 1, battery={"capacity": 13})
    for body, journey in ((ios, "journey-delivery"), (android, "journey-delivery")):
        body["journey_id"] = journey
    other_journey["journey_id"] = "journey-onboarding"
    await _post(client, [ios, android, other_journey])
    await hass.async_block_till_done()
    assert _state(hass, f"sensor.{IPHONE}_battery") == "11"  # ios, the journey: kept
    assert _state(hass, f"sensor.{PIXEL}_battery") == STATE_UNKNOWN  # android: left out

    # Cleared again: the journey and platforms leave the options.
    result = await hass.config_entries.options.async_init(mock_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"scan_interval": 120, "labels": [], "journey_id": "", "platforms": []}
    )
    assert mock_entry.options == {"scan_interval": 120, "labels": []}


def test_merge_keeps_what_a_bundle_lacks_and_counts_activity_per_bundle() -> None:
    first = Readings(battery_level=50, temperature=20.0, latitude=1.0, longitude=2.0, markers=3)
    second = Readings(battery_level=49, pointer_events=2, dropped=1)
    merged = merge_readings(merge_readings(None, first), second)
    assert (merged.battery_level, merged.temperature) == (49, 20.0)
    assert (merged.latitude, merged.longitude) == (1.0, 2.0)
    assert (merged.pointer_events, merged.markers, merged.dropped) == (2, 0, 1)


NEW_LISTS = (
    "steps_data",
    "heart_rate_data",
    "accelerometer_data",
    "linear_accelerometer_data",
    "gyroscope_data",
    "magnetometer_data",
    "orientation_data",
    *ACTIVITY_LISTS.values(),
)
SAMPLE_FIELDS = ("x", "y", "z", "azimuth", "pitch", "roll", "count", "rate", "to", "value")


@settings(max_examples=300)
@given(
    bundle=st.dictionaries(
        st.sampled_from(NEW_LISTS),
        st.one_of(
            VALUES,
            st.lists(
                st.dictionaries(st.sampled_from(SAMPLE_FIELDS), VALUES, max_size=6), max_size=4
            ),
        ),
        max_size=8,
    )
)
def test_hostile_sensor_lists_are_dropped_and_counted_never_raised(bundle: dict[str, Any]) -> None:
    """NaN, huge, nested or wrong-typed samples: each reading in range or None, drops counted."""
    readings = Readings.from_sealed_bundle({"bundle": bundle})
    assert readings.dropped >= 0
    for name, (minimum, maximum) in READING_RANGES.items():
        value = getattr(readings, name)
        assert value is None or (math.isfinite(value) and minimum <= value <= maximum), name
    for name in ACTIVITY_LISTS:
        value = getattr(readings, name)
        assert value is None or value >= 0


@pytest.mark.parametrize("bad", ["NaN", "Infinity", 1e300, {"nested": [1]}, [1, 2], "x", True])
@pytest.mark.parametrize(
    ("field", "sample", "reading"),
    [
        ("heart_rate_data", "rate", "heart_rate"),
        ("steps_data", "count", "steps"),
        ("accelerometer_data", "x", "acceleration"),
        ("gyroscope_data", "z", "rotation_rate"),
        ("magnetometer_data", "y", "magnetic_field"),
        ("orientation_data", "pitch", "pitch"),
    ],
)
def test_a_bad_value_drops_its_reading_alone_and_is_counted(
    bad: Any, field: str, sample: str, reading: str
) -> None:
    readings = Readings.from_sealed_bundle(
        {"bundle": {field: [{sample: bad}], "light_data": [{"value": 5}]}}
    )
    assert getattr(readings, reading) is None
    assert readings.light == 5.0
    assert readings.dropped == 1


def test_every_sensor_type_is_read() -> None:
    readings = Readings.from_sealed_bundle(load_fixture("webhook_bundle_received.json")["bundle"])
    assert (readings.steps, readings.heart_rate) == (7, 74)
    assert readings.acceleration == pytest.approx(9.80665)
    assert readings.linear_acceleration == pytest.approx(0.5 * 9.80665)
    assert (readings.rotation_rate, readings.magnetic_field) == (0.2, 50.0)
    assert (readings.azimuth, readings.pitch, readings.roll) == (90.0, -30.0, 0.0)
    assert (readings.altitude, readings.speed) == (35.5, 1.25)
    counts = {name: getattr(readings, name) for name in ACTIVITY_LISTS}
    assert counts == {
        "pointer_events": 2,
        "key_presses": 1,
        "focus_changes": 1,
        "text_changes": 0,
        "markers": 3,
    }
    assert readings.dropped == 0
    assert "install_id" not in readings.as_dict()
