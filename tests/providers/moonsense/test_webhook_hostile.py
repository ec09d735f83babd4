"""The whole Moonsense webhook in-process under generated and hostile bodies, and during outages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
import json
import math
from typing import Any
from unittest.mock import patch

from homeassistant.components.event import EventEntity
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import json_dumps
from homeassistant.setup import async_setup_component
from hypothesis import event, given, strategies as st
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.bounds import MAX_ATTRIBUTE_ITEMS, MAX_ATTRIBUTE_TEXT
from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.moonsense.api import MoonsenseApiError, WebhookEvent
from custom_components.sitewatch.providers.moonsense.event import MoonsenseSessionEvent
from custom_components.sitewatch.webhook import json_depth_exceeds

from ...conftest import SimulatorStack
from .conftest import add_entry, async_setup_entry
from .strategies import EVENT, JSON, PLAUSIBLE_EVENT, deep

WEBHOOK_ID = "moonsense-hostile-webhook"
URL = f"/api/webhook/{WEBHOOK_ID}"
APP = "moonsense_app_demo"
pytestmark = pytest.mark.integration
T0 = 1_764_000_000_000
"""A time in milliseconds since the epoch (November 2025)."""


@dataclass
class Fired:
    """Events the session event entity fired, and the model of the keys delivered so far."""

    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    serial: int = 0


@pytest.fixture
def fired() -> Iterator[Fired]:
    """Count every event the session event entity fires."""
    record = Fired()
    trigger = EventEntity._trigger_event

    def counting(
        entity: EventEntity, event_type: str, event_attributes: dict[str, Any] | None = None
    ) -> None:
        record.events.append((event_type, dict(event_attributes or {})))
        trigger(entity, event_type, event_attributes)

    with patch.object(MoonsenseSessionEvent, "_trigger_event", autospec=True) as mocked:
        mocked.side_effect = counting
        yield record


@pytest.fixture
async def client(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulators: SimulatorStack
) -> Any:
    """A client of Home Assistant's HTTP server with a set-up Moonsense entry."""
    assert await async_setup_component(hass, "webhook", {})
    entry = add_entry(hass, root=f"{simulators.url}/moonsense", webhook_id=WEBHOOK_ID)
    await async_setup_entry(hass, entry)
    return await hass_client()


def _entry(hass: HomeAssistant) -> MockConfigEntry:
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    return entry  # type: ignore[return-value]


def _expected(body: bytes, fired: Fired) -> tuple[int, int]:
    """The status and the number of events the body should fire, updating the seen keys."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return HTTPStatus.BAD_REQUEST, 0
    if json_depth_exceeds(payload):
        return HTTPStatus.BAD_REQUEST, 0
    events: list[WebhookEvent] = []
    for item in payload if isinstance(payload, list) else [payload]:
        try:
            events.append(WebhookEvent.from_api(item))
        except MoonsenseApiError:
            if not isinstance(payload, list):
                return HTTPStatus.BAD_REQUEST, 0
    if isinstance(payload, list) and payload and not events:
        return HTTPStatus.BAD_REQUEST, 0
    count = 0
    for item in events:
        if item.key is None:
            count += 1
        elif item.key not in fired.seen:
            fired.seen.add(item.key)
            count += 1
    return HTTPStatus.OK, count


def _assert_bounded_value(value: Any) -> None:
    if isinstance(value, str):
        assert len(value) <= MAX_ATTRIBUTE_TEXT
    elif isinstance(value, float):
        assert math.isfinite(value)
    else:
        assert value is None or isinstance(value, bool | int), value


def assert_states_bounded(hass: HomeAssistant) -> None:
    """Every state of the entry's entities short, every attribute a bounded scalar or flat list."""
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, _entry(hass).entry_id)
    assert entries
    for registered in entries:
        if registered.disabled_by is not None:
            continue  # the noisy phone sensors: no state until enabled
        state = hass.states.get(registered.entity_id)
        assert isinstance(state, State)
        assert len(state.state) <= 255
        json_dumps(state.as_dict())  # what the API and the recorder serialise
        for value in state.attributes.values():
            if isinstance(value, list | tuple):
                assert len(value) <= MAX_ATTRIBUTE_ITEMS
                for item in value:
                    _assert_bounded_value(item)
            else:
                _assert_bounded_value(value)


def _valid(fired: Fired) -> dict[str, Any]:
    fired.serial += 1
    return {"event_type": "SESSION_CREATED", "session_id": f"fresh-{fired.serial}"}


def protobuf_json(value: Any) -> str:
    """JSON as a protobuf sender writes it: non-finite floats as the strings "NaN", "Infinity"."""

    def plain(item: Any) -> Any:
        if isinstance(item, float) and not math.isfinite(item):
            return "NaN" if math.isnan(item) else ("Infinity" if item > 0 else "-Infinity")
        if isinstance(item, list):
            return [plain(child) for child in item]
        if isinstance(item, dict):
            return {key: plain(child) for key, child in item.items()}
        return item

    return json.dumps(plain(value))


HOSTILE = st.one_of(
    EVENT.map(json.dumps),
    st.lists(EVENT, max_size=4).map(json.dumps),
    JSON.map(json.dumps),
    st.integers(min_value=33, max_value=300).map(lambda depth: json.dumps(deep(depth))),
    st.integers(min_value=1, max_value=31).map(
        lambda depth: json.dumps({"event_type": 2, "session_id": "s", "bundle": deep(depth)})
    ),
)
PLAUSIBLE = st.one_of(
    PLAUSIBLE_EVENT.map(protobuf_json),
    st.lists(st.one_of(PLAUSIBLE_EVENT, PLAUSIBLE_EVENT, EVENT), max_size=6).map(protobuf_json),
)


@given(body=PLAUSIBLE)
async def test_plausible_bodies_answer_200_or_400_fire_once_and_stay_bounded(
    hass: HomeAssistant, client: Any, fired: Fired, body: str
) -> None:
    """Events of the right shape with odd values: mostly delivered, each fired once."""
    await _post_and_check(hass, client, fired, body)


@given(body=HOSTILE)
async def test_hostile_bodies_answer_200_or_400_and_stay_bounded(
    hass: HomeAssistant, client: Any, fired: Fired, body: str
) -> None:
    """Any JSON, wrong types, 300-level nesting: 200 or 400, never another answer."""
    await _post_and_check(hass, client, fired, body)


async def _post_and_check(hass: HomeAssistant, client: Any, fired: Fired, body: str) -> None:
    """Any body: 200 or 400, its usable events fired once, states bounded, a valid one after."""
    data = body.encode("utf-8", "surrogatepass")
    status, count = _expected(data, fired)
    event(f"answer {int(status)}, {min(count, 2)} or more fired")
    before = len(fired.events)
    response = await client.post(URL, data=data, headers={"Content-Type": "application/json"})
    assert response.status == status
    assert (await response.json())["message"]
    await hass.async_block_till_done()
    assert len(fired.events) - before == count
    assert_states_bounded(hass)

    # Whatever came before, a valid event is still taken and fired.
    valid = _valid(fired)
    response = await client.post(URL, json=valid)
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.events[-1] == (
        "session_created",
        {
            "session_id": valid["session_id"],
            "labels": [],
            "journey_id": None,
            "moonsense_event_type": "SESSION_CREATED",
        },
    )
    assert len(fired.events) - before == count + 1
    state = hass.states.get(f"event.{APP}_session")
    assert state is not None
    assert state.attributes["session_id"] == valid["session_id"]


async def test_redelivery_fires_once_but_indistinct_events_fire_each_time(
    hass: HomeAssistant, client: Any, fired: Fired
) -> None:
    created = {"event_type": "SESSION_CREATED", "session_id": "s-1"}
    bundle = {
        "event_type": "BUNDLE_RECEIVED",
        "session_id": "s-1",
        "bundle": {"bundle": {"battery": {"capacity": 40}}, "server_time_millis": str(T0)},
    }
    chunk = {"event_type": "CHUNK_PERSISTED", "session_id": "s-1"}
    for body in (created, bundle, chunk, created, bundle, chunk, [created, bundle]):
        response = await client.post(URL, json=body)
        assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    # Two chunks persisted carry nothing to tell them apart: both fire.
    assert [event_type for event_type, _ in fired.events] == [
        "session_created",
        "bundle_received",
        "chunk_persisted",
        "chunk_persisted",
    ]


async def test_unknown_activity_and_nan_reading_do_not_block_later_bodies(
    hass: HomeAssistant, client: Any, fired: Fired
) -> None:
    body = {
        "event_type": 2,
        "session_id": "s-2",
        "bundle": {
            "bundle": {
                "activity_data": [{"type": "LEVITATING", "confidence": 70}],
                "battery": {"capacity": "NaN", "state": "OVERHEATED"},
                "temperature_data": [{"value": "NaN"}],
                "humidity_data": [{"value": "Infinity"}],
                "light_data": [{"value": 120}],
                "location_data": [{"latitude": 95, "longitude": 14}],
            },
            "server_time_millis": str(T0),
            "install_id": "install-hostile",
        },
    }
    response = await client.post(URL, json=body)
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    activity = hass.states.get("sensor.phone_activity")
    assert activity.state == "unknown"
    assert activity.attributes["moonsense_activity_type"] == "LEVITATING"
    battery_state = hass.states.get("sensor.phone_battery_state")
    assert battery_state.state == "unknown"
    assert battery_state.attributes["moonsense_battery_state"] == "OVERHEATED"
    assert hass.states.get("sensor.phone_activity_confidence").state == "70"
    assert float(hass.states.get("sensor.phone_illuminance").state) == 120.0
    for sensor in ("battery", "temperature", "humidity"):
        assert hass.states.get(f"sensor.phone_{sensor}").state == STATE_UNKNOWN
    tracker = hass.states.get("device_tracker.phone_location")
    assert "latitude" not in tracker.attributes
    assert_states_bounded(hass)

    for later in (
        {"event_type": "SESSION_CREATED", "session_id": "s-3"},
        {
            "event_type": "BUNDLE_RECEIVED",
            "session_id": "s-3",
            "bundle": {
                "bundle": {"activity_data": [{"type": "WALKING"}]},
                "install_id": "install-hostile",
            },
        },
    ):
        response = await client.post(URL, json=later)
        assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert hass.states.get("sensor.phone_activity").state == "walking"
    assert [event_type for event_type, _ in fired.events] == [
        "bundle_received",
        "session_created",
        "bundle_received",
    ]


async def test_push_during_a_rest_outage_fires(
    hass: HomeAssistant, client: Any, fired: Fired, simulators: SimulatorStack
) -> None:
    """The poll failing makes the session counts unavailable, never the pushed entities."""
    coordinator = _entry(hass).runtime_data.coordinator  # type: ignore[attr-defined]
    simulators.moonsense.fail_next(503, count=1000)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert not coordinator.last_update_success
    assert hass.states.get(f"sensor.{APP}_sessions_today").state == STATE_UNAVAILABLE
    assert hass.states.get(f"event.{APP}_session").state != STATE_UNAVAILABLE

    for body in (
        {"event_type": "SESSION_CREATED", "session_id": "outage-1", "session_labels": ["a"]},
        {
            "event_type": "BUNDLE_RECEIVED",
            "session_id": "outage-1",
            "bundle": {
                "bundle": {
                    "battery": {"capacity": 55, "state": "FULL"},
                    "location_data": [{"latitude": 50.1, "longitude": 14.4}],
                },
                "server_time_millis": str(T0),
                "install_id": "install-outage",
            },
        },
    ):
        response = await client.post(URL, json=body)
        assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()

    assert [event_type for event_type, _ in fired.events] == ["session_created", "bundle_received"]
    event = hass.states.get(f"event.{APP}_session")
    assert event.attributes["event_type"] == "bundle_received"
    assert event.attributes["session_id"] == "outage-1"
    assert hass.states.get("sensor.phone_battery").state == "55"
    assert hass.states.get("sensor.phone_battery_state").state == "full"
    tracker = hass.states.get("device_tracker.phone_location")
    assert tracker.attributes["latitude"] == 50.1
    # Polled session counts stay unavailable until the poll recovers.
    assert hass.states.get(f"sensor.{APP}_sessions_today").state == STATE_UNAVAILABLE
    simulators.moonsense.fail_next(503, count=0)


async def test_ended_sessions_remembered_are_bounded(
    hass: HomeAssistant, client: Any, fired: Fired
) -> None:
    coordinator = _entry(hass).runtime_data.coordinator  # type: ignore[attr-defined]
    with patch("custom_components.sitewatch.providers.moonsense.coordinator.MAX_ENDED_SESSIONS", 3):
        body = [{"event_type": "SESSION_INACTIVE", "session_id": f"gone-{n}"} for n in range(10)]
        response = await client.post(URL, json=body)
    assert response.status == HTTPStatus.OK
    assert list(coordinator._inactive) == ["gone-7", "gone-8", "gone-9"]
    assert len(fired.events) == 10
