"""Every value the ComAp API sends is typed and bounded before it reaches a state or attribute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.providers.comap.api import (
    COMMAND_MODES,
    ComapApiError,
    ComapClient,
    Unit,
    UnitInfo,
    Value,
)
from custom_components.sitewatch.providers.comap.api.models import (
    MAX_ITEMS,
    decode_list,
    parse_items,
)
from custom_components.sitewatch.providers.comap.clean import (
    MAX_NAME_TEXT,
    MAX_UNIT_TEXT,
    clean_info,
    clean_unit,
    clean_value,
)
from custom_components.sitewatch.providers.comap.const import ValueGuid
from custom_components.sitewatch.providers.comap.coordinator import Genset
from custom_components.sitewatch.providers.comap.sensor import SENSORS, _number, _text

from ...conftest import SimulatorStack, async_tick, nested_json
from . import VALUE_KEYS

HOSTILE_TEXTS = [
    "",
    "####",
    "NaN",
    "Infinity",
    "-inf",
    "1e400",
    "1" * 300,
    "9" * 17,
    "12,5",
    "x" * 300,
    "é" * 300,
    "\x00\x1b[31m\n\t",
    "1968-01-01T00:00:00",
    "2068-01-01T00:00:00Z",
    "AUT",
    "Running",
    "|" * 50,
    "\ud800",
]
LEAF = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**300), max_value=10**300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=400),
)
JSON = st.recursive(
    LEAF,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
VALUE_ITEM = (
    st.dictionaries(
        st.sampled_from(VALUE_KEYS),
        JSON | st.sampled_from(["6629f84f-4b79-43c2-ab33-1f27f1f8c42b", "G1", "a/../b"]),
    )
    | JSON
)


def _assert_state(state: Any) -> None:
    """A value Home Assistant can store as a state."""
    if state is None:
        return
    if isinstance(state, datetime):
        assert state.tzinfo is not None
        assert datetime(2000, 1, 1, tzinfo=UTC) <= state <= dt_util.utcnow() + timedelta(days=1)
        return
    if isinstance(state, str):
        assert 0 < len(state) <= 255
        assert not any((ord(char) < 0x20 and char != "\t") or ord(char) == 0x7F for char in state)
        return
    assert isinstance(state, (int, float))
    assert not isinstance(state, bool)
    assert math.isfinite(state)
    assert abs(state) <= 1e15


def _assert_attributes(attributes: dict[str, Any] | None) -> None:
    """Flat attributes: bounded texts, or lists of at most 32 bounded texts."""
    for attribute in (attributes or {}).values():
        if isinstance(attribute, list):
            assert len(attribute) <= 32
            for text in attribute:
                assert isinstance(text, str)
                assert 0 < len(text) <= 1024
        else:
            assert isinstance(attribute, str)
            assert 0 < len(attribute) <= 1024


def _assert_value_bounded(value: Value) -> None:
    assert value.name is None or 0 < len(value.name) <= MAX_NAME_TEXT
    assert value.unit is None or 0 < len(value.unit) <= MAX_UNIT_TEXT
    assert value.decimal_places is None or 0 <= value.decimal_places <= 15
    _assert_state(value.timestamp)
    for limit in (value.high_limit, value.low_limit):
        _assert_state(limit)
    for description in SENSORS:
        _assert_state(description.value_fn(value))
        if description.attrs_fn is not None:
            _assert_attributes(description.attrs_fn(value))
    _assert_state(_number(value))
    _assert_state(_text(value))
    genset = Genset(
        unit=Unit(unit_guid="g"),
        values={ValueGuid.MODES_AVAILABLE: value, ValueGuid.MODE: value},
    )
    assert set(genset.available_modes()) <= set(COMMAND_MODES)
    assert genset.current_mode() in (None, *COMMAND_MODES)


@given(items=st.lists(VALUE_ITEM, max_size=6))
def test_any_values_answer_gives_bounded_values_or_drops_them(items: list[Any]) -> None:
    values = parse_items(Value, items)
    assert len(values) <= len(items)
    for value in values:
        assert value.value_guid.replace("-", "").replace("_", "").isalnum()
        _assert_value_bounded(clean_value(value))


@given(value=JSON, places=JSON, unit=JSON, name=JSON, stamp=JSON)
def test_one_bad_field_leaves_the_value_and_its_guid(
    value: Any, places: Any, unit: Any, name: Any, stamp: Any
) -> None:
    item = {
        "valueGuid": ValueGuid.RPM,
        "value": value,
        "decimalPlaces": places,
        "unit": unit,
        "name": name,
        "timeStamp": stamp,
    }
    (parsed,) = parse_items(Value, [item])
    assert parsed.value_guid == ValueGuid.RPM
    _assert_value_bounded(clean_value(parsed))


@given(item=st.dictionaries(st.sampled_from(["name", "unitGuid", "url"]), JSON))
def test_any_unit_is_bounded_or_dropped(item: dict[str, Any]) -> None:
    for unit in parse_items(Unit, [item]):
        cleaned = clean_unit(unit)
        assert cleaned.name is None or 0 < len(cleaned.name) <= MAX_NAME_TEXT
        assert cleaned.url is None or cleaned.url.startswith(("http://", "https://"))
        assert "/" not in unit.unit_guid


@given(
    item=st.dictionaries(
        st.sampled_from(["name", "unitGuid", "applicationType", "connection", "position"]), JSON
    )
)
def test_any_unit_info_is_bounded(item: dict[str, Any]) -> None:
    info = clean_info(UnitInfo.parse(item))
    assert info.application_type is None or len(info.application_type) <= MAX_NAME_TEXT
    if info.position is not None:
        _assert_state(info.position.latitude)


def test_deep_nesting_never_recurses() -> None:
    deep = nested_json(300)
    items = [
        deep,
        {"valueGuid": "G1", "value": deep, "name": deep, "unit": deep, "timeStamp": deep},
    ]
    (value,) = parse_items(Value, items)
    assert value == Value(value_guid="G1")
    assert decode_list(Value, {"values": items}, "values") == [value]
    (unit,) = parse_items(Unit, [{"unitGuid": "G1", "name": deep, "url": deep}])
    assert unit == Unit(unit_guid="G1")
    info = UnitInfo.parse({"connection": deep, "position": deep})
    assert info.connection is None
    assert info.position is None
    with pytest.raises(ComapApiError):
        decode_list(Value, {"values": {"a": deep}}, "values")
    assert decode_list(Value, deep, "values") == []  # a bare list of nothing usable


def test_lists_are_capped() -> None:
    values = parse_items(Value, [{"valueGuid": f"g{i}"} for i in range(MAX_ITEMS + 10)])
    assert len(values) == MAX_ITEMS


@pytest.mark.parametrize(
    ("text", "places", "expected"),
    [
        ("1" * 300, None, None),
        ("1e300", None, None),
        ("1e15", 0, 10**15),
        ("-1e16", None, None),
        ("12,5", 1, 12.5),
        ("1500", 0, 1500),
        ("NaN", None, None),
        (" " * 100 + "1", None, None),
    ],
)
def test_number_bounds(text: str, places: int | None, expected: float | None) -> None:
    value = Value(value_guid="g", value=text, decimal_places=places)
    assert _number(value) == expected


@pytest.mark.integration
@pytest.mark.usefixtures("entity_registry_enabled_by_default")  # Last update is off by default
async def test_one_hostile_value_leaves_its_sensor_unknown_and_keeps_the_rest(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
) -> None:
    client: ComapClient = loaded_comap_entry.runtime_data.coordinator.client
    real_wsv = ComapClient._wsv
    hostile: dict[str, Any] = {
        ValueGuid.RPM: {"value": "1" * 300},
        ValueGuid.FUEL_LEVEL: {"value": float("nan")},
        ValueGuid.ACTUAL_POWER: {"value": 10**300},
        ValueGuid.UNIT_STATE: {"value": "é" * 400},
        ValueGuid.ENGINE_STATE: {"value": "Exploding " + "x" * 400},
        ValueGuid.ALARM_LIST: {
            "value": "|".join(f"Alarm {i} " + "y" * (2000 if i == 0 else 200) for i in range(40))
        },
        ValueGuid.LAST_UPDATE: {"value": "2068-01-01T00:00:00Z", "timeStamp": "1968-01-01"},
        ValueGuid.U_L1: {"value": nested_json(300), "unit": {"k": 1}, "name": ["x"]},
    }

    async def wsv(self: ComapClient, method: str, path: str, **kwargs: Any) -> Any:
        answer = await real_wsv(self, method, path, **kwargs)
        if path.endswith("/values") and simulators.alpha in path:
            for item in answer["values"]:
                item.update(hostile.get(item["valueGuid"].lower(), {}))
            answer["values"].append({"valueGuid": "../../escape", "value": "1"})
            answer["values"].append({"name": "no guid", "value": "1"})
        return answer

    with patch.object(ComapClient, "_wsv", wsv):
        await async_tick(hass, freezer, 60)
    assert client is loaded_comap_entry.runtime_data.coordinator.client

    alpha = "sensor.genset_alpha"
    for entity in ("engine_speed", "fuel_level", "power", "voltage_l1", "last_update"):
        assert hass.states.get(f"{alpha}_{entity}").state == STATE_UNKNOWN, entity
    unit_state = hass.states.get(f"{alpha}_unit_state").state
    assert len(unit_state) == 255
    assert unit_state.endswith("…")
    engine = hass.states.get(f"{alpha}_engine_state")
    assert engine.state == STATE_UNKNOWN
    assert len(engine.attributes["controller_text"]) == 255
    alarms = hass.states.get(f"{alpha}_alarms")
    assert alarms.state == "40"
    assert len(alarms.attributes["alarms"]) == 32
    assert len(alarms.attributes["alarms"][0]) == 1024
    assert all(len(alarm) <= 1024 for alarm in alarms.attributes["alarms"])
    # The rest of the genset is untouched, and so is the other genset.
    assert hass.states.get(f"{alpha}_mode").state == "man"
    assert hass.states.get(f"{alpha}_voltage_l2").state not in (STATE_UNKNOWN, "unavailable")
    assert hass.states.get("sensor.genset_beta_engine_speed").state == "0"
