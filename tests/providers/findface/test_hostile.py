"""Hostile and unlucky FindFace pushes and REST answers (issue 11).

Property tests (hypothesis) of the batch and item parsers and of the REST object parsers: any
JSON in, items of bounded types or short fixed drop reasons out, never another exception. Then the
whole webhook through ``hass_client`` with a set-up entry: generated batches mixing valid and
hostile items answer 200 or 400, every valid item fires exactly once, every state and attribute
stays JSON-serialisable, flat and bounded; concurrent copies and a copy after a reload fire once;
pushes keep firing while the REST API fails; a deleted card (404) does not block the batch.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from http import HTTPStatus
import itertools
import json
import math
from typing import Any

import aiohttp
from aioresponses import aioresponses
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import json_dumps
from hypothesis import given, settings, strategies as st
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.bounds import (
    MAX_ATTRIBUTE_ITEMS,
    MAX_ATTRIBUTE_TEXT,
    MAX_STATE_TEXT,
)
from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.findface.api import (
    SECTIONS,
    Camera,
    FindFaceApiError,
    FindFaceClient,
    NamedObject,
    client as api_client,
    optional_int,
)
from custom_components.sitewatch.providers.findface.api.payloads import (
    EPISODE_SECTIONS,
    RECOGNITION_SECTIONS,
    PayloadError,
    PushItem,
    parse_batch,
    parse_item,
)
from custom_components.sitewatch.providers.findface.push import target_unique_ids
from custom_components.sitewatch.webhook import MAX_JSON_DEPTH

from ...conftest import SimulatorStack, diagnostics_without
from .common import WEBHOOK_ID, config_entry, entry_data, post

# --- generated values --------------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.sampled_from([10**300, -(10**300), 2**63, 2**53 + 1, -1, 0, 1, 2, 3]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.integers(min_value=300, max_value=1500).map(lambda size: "é\u202e" * size),
    st.sampled_from(
        [
            "1968-01-01T00:00:00Z",
            "2068-01-01T00:00:00+00:00",
            "2026-11-23T12:00:00+03:00",
            "2026-11-23T12:00:00",
            "0000-00-00",
            "realtime",
            "overall",
            "best",
            "GREEN",
            "",
            " ",
            "\x00\x1f",
            "12",
            " 7 ",
            "-1",
            "9" * 30,
            "1e999",
            "nan",
        ]
    ),
)
"""Scalars a JSON body can carry (orjson reads integers beyond 64 bits as floats)."""
SCALARS = st.one_of(
    JSON_SCALARS,
    st.integers(),
    st.sampled_from([math.nan, math.inf, -math.inf, "\ud800"]),
)
"""Scalars any decoded value may hold, NaN, infinities and lone surrogates included."""


def nest(value: object, depth: int, kind: str) -> object:
    """``value`` wrapped ``depth`` times in lists, objects or ``{"id": ...}`` objects."""
    for _ in range(depth):
        if kind == "list":
            value = [value]
        elif kind == "id":
            value = {"id": value, "name": "x"}
        else:
            value = {"a": value}
    return value


def json_values(max_depth: int | None) -> st.SearchStrategy[object]:
    """Any JSON-like value; deep nestings up to ``max_depth`` (None: 300 and 1000 levels).

    With a ``max_depth`` the values are those a JSON body can carry (they are posted).
    """
    scalars = SCALARS if max_depth is None else JSON_SCALARS
    tree = st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=20,
    )
    depths = (
        st.sampled_from([300, 1000])
        if max_depth is None
        else st.integers(min_value=2, max_value=max_depth)
    )
    deep = st.builds(nest, scalars, depths, st.sampled_from(["list", "dict", "id"]))
    return st.one_of(tree, deep)


HOSTILE = json_values(None)
FIELDS = {
    "face_events": [
        "id",
        "camera",
        "created_date",
        "matched",
        "matched_card",
        "verbose_matched_card",
        "matched_lists",
        "verbose_matched_lists",
        "confidence",
        "bs_type",
        "thumbnail",
        "fullframe",
        "episode",
        "features",
        "quality",
        "looks_like_confidence",
        "camera_group",
    ],
    "human_episodes": [
        "id",
        "open",
        "events_count",
        "cameras",
        "last_face_event",
        "best_face_event",
        "best_body_event",
        "matched_card",
        "matched_lists",
        "created_date",
        "closed_date",
    ],
    "counters": [
        "id",
        "camera",
        "counter",
        "faces_count",
        "silhouettes_count",
        "cars_count",
        "proximity_min",
        "proximity_avg",
        "proximity_max",
        "created_date",
    ],
    "areas": ["id", "area", "active", "duration", "max_body_count", "created_date"],
}
FIELDS.update(dict.fromkeys(RECOGNITION_SECTIONS, FIELDS["face_events"]))
FIELDS["car_episodes"] = [*FIELDS["human_episodes"], "last_car_event", "best_car_event"]


def template(section: str, item_id: int, camera: int = 1) -> dict[str, Any]:
    """A valid item of ``section`` (default format)."""
    if section in RECOGNITION_SECTIONS:
        return {
            "id": str(item_id),
            "created_date": "2026-11-23T12:00:00+00:00",
            "bs_type": "realtime",
            "camera": camera,
            "matched": False,
            "matched_card": None,
            "matched_lists": [],
            "confidence": 0.5,
            "thumbnail": "http://ff/t.jpg",
        }
    if section in EPISODE_SECTIONS:
        return {"id": item_id, "open": True, "events_count": 1, "cameras": [camera]}
    if section == "counters":
        return {"id": item_id, "camera": camera, "faces_count": 2, "silhouettes_count": 1}
    return {"id": item_id, "area": 1, "active": True, "duration": 0}


@st.composite
def hostile_items(draw: st.DrawFn, section: str, values: st.SearchStrategy[object]) -> object:
    """A valid item with some fields replaced by hostile values, or any value at all."""
    if draw(st.integers(0, 4)) == 0:
        return draw(values)
    item: dict[str, Any] = template(section, draw(st.integers(0, 10**6)))
    for key in draw(st.lists(st.sampled_from(FIELDS[section]), max_size=4, unique=True)):
        item[key] = draw(values)
    return item


# --- what parsed values may be -----------------------------------------------------------------

EVENT_TYPES = {
    "matched",
    "unmatched",
    "episode_open",
    "episode_event",
    "episode_close",
    "record",
    "activated",
    "deactivated",
}
DROP_REASONS = {
    "item is not an object",
    "not a recognition event, episode, counter record or area activation",
    "missing or invalid 'id'",
    "missing or invalid 'camera'",
    "missing or invalid 'open'",
    "missing or invalid 'active'",
    "episode without a camera",
    "counter record without a camera",
    "area activation without an area",
}


def assert_bounded_value(value: object, text_limit: int = MAX_ATTRIBUTE_TEXT) -> None:
    """A bounded scalar, or a flat list of at most MAX_ATTRIBUTE_ITEMS bounded scalars."""
    if isinstance(value, list):
        assert len(value) <= MAX_ATTRIBUTE_ITEMS
        for entry in value:
            assert not isinstance(entry, (list, dict))
            assert_bounded_value(entry, text_limit)
        return
    assert value is None or isinstance(value, (str, int, float, bool)), type(value)
    if isinstance(value, str):
        assert len(value) <= text_limit
        value.encode("utf-8")  # no lone surrogates
    elif isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        assert 0 <= value < 2**63


def assert_item_bounded(item: PushItem) -> None:
    assert item.section in SECTIONS
    assert item.event_type in EVENT_TYPES
    assert len(item.key) <= 120
    for value in (item.camera_id, item.area_id, item.card_id):
        assert value is None or (type(value) is int and 0 <= value < 2**63)
    assert item.card_name is None or len(item.card_name) <= MAX_STATE_TEXT
    assert (item.camera_id is None) == (item.section == "areas")
    for value in item.data.values():
        assert_bounded_value(value)
    orjson.dumps(item.data)


# --- parsers -----------------------------------------------------------------------------------


@given(
    section=st.sampled_from(SECTIONS),
    hint=st.booleans(),
    data=st.data(),
)
def test_any_batch_parses_to_bounded_items_or_drop_reasons(
    section: str, hint: bool, data: st.DataObject
) -> None:
    """Whatever the batch holds, items are bounded and each bad item has a fixed reason."""
    batch = data.draw(st.lists(hostile_items(section, HOSTILE), max_size=6))
    try:
        items, reasons = parse_batch(batch, section if hint else None)
    except PayloadError:
        return
    assert len(items) + len(reasons) == len(batch)
    assert set(reasons) <= DROP_REASONS
    for item in items:
        assert_item_bounded(item)


@given(payload=HOSTILE, section=st.sampled_from([None, "bogus", *SECTIONS]))
def test_any_body_is_parsed_or_refused(payload: object, section: str | None) -> None:
    """A whole body of any value parses or raises PayloadError; nothing else."""
    try:
        items, reasons = parse_batch(payload, section)
    except PayloadError as err:
        message = str(err)
        assert len(message) <= 200
        return
    assert set(reasons) <= DROP_REASONS
    for item in items:
        assert_item_bounded(item)


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("depth", [300, 5000])
def test_deep_values_in_every_field_are_no_recursion(section: str, depth: int) -> None:
    """A 300- or 5,000-level value in any field is a None field or a dropped item."""
    deep = {kind: nest("2026-11-23T12:00:00Z", depth, kind) for kind in ("list", "dict", "id")}
    for key in FIELDS[section]:
        for value in deep.values():
            item = template(section, 1)
            item[key] = value
            reason: str | None = None
            try:
                parsed = parse_item(item, section)
            except ValueError as err:
                reason = str(err)
            if reason is None:
                assert_item_bounded(parsed)
            else:
                assert reason in DROP_REASONS


def test_a_nested_created_date_never_reaches_the_data() -> None:
    deep = nest("2026-11-23T12:00:00Z", 300, "dict")
    face = parse_item({**template("face_events", 1), "created_date": deep}, "face_events")
    area = parse_item({**template("areas", 2), "created_date": deep}, "areas")
    assert face.data["detected_at"] is None
    assert area.data["started_at"] is None


@pytest.mark.parametrize(
    ("value", "mode", "text"),
    [("realtime", "realtime", None), ("best-of", "unknown", "best-of"), (7, "unknown", None)],
)
def test_unknown_best_shot_mode_keeps_its_text(value: object, mode: str, text: str | None) -> None:
    item = parse_item({**template("face_events", 1), "bs_type": value}, "face_events")
    assert item.data["mode"] == mode
    assert item.data.get("mode_text") == text


def test_values_out_of_range_become_none() -> None:
    item = parse_item(
        {
            **template("face_events", 1),
            "confidence": 1.5,
            "created_date": "1968-01-01T00:00:00Z",
            "thumbnail": "x" * 5000,
            "matched": True,
            "matched_card": {"id": 3, "name": "n" * 1000},
            "matched_lists": list(range(100)),
        },
        "face_events",
    )
    assert item.data["confidence"] is None
    assert item.data["detected_at"] is None
    assert len(str(item.data["thumbnail_url"])) == MAX_ATTRIBUTE_TEXT
    assert item.card_name is not None
    assert len(item.card_name) == MAX_STATE_TEXT
    assert item.data["watch_lists"] == list(range(MAX_ATTRIBUTE_ITEMS))
    record = parse_item(
        {**template("counters", 2), "faces_count": 10**300, "proximity_min": float("nan")},
        "counters",
    )
    assert record.data["faces"] is None
    assert record.data["proximity_min"] is None


@given(
    item=st.dictionaries(
        st.sampled_from(
            ["id", "name", "group", "active", "url", "health_status", "latitude", "longitude"]
        ),
        HOSTILE,
        max_size=8,
    )
)
def test_any_rest_camera_is_bounded_or_an_api_error(item: dict[str, Any]) -> None:
    try:
        camera = Camera.from_api(item)
    except FindFaceApiError:
        return
    assert 0 <= camera.id < 2**63
    assert 0 < len(camera.name) <= MAX_STATE_TEXT
    assert camera.url is None or len(camera.url) <= MAX_ATTRIBUTE_TEXT
    assert camera.latitude is None or -90 <= camera.latitude <= 90
    assert camera.longitude is None or -180 <= camera.longitude <= 180
    assert isinstance(camera.active, bool)
    if camera.health is not None:
        assert camera.health.status is None or len(camera.health.status) <= 64
        assert camera.health.message is None or len(camera.health.message) <= MAX_ATTRIBUTE_TEXT
    try:
        named = NamedObject.from_api(item)
    except FindFaceApiError:
        return
    assert 0 < len(named.name) <= MAX_STATE_TEXT


def test_an_id_nested_100000_levels_is_no_id() -> None:
    assert optional_int(nest(7, 100_000, "id")) is None
    assert optional_int({"id": {"id": 7}}) == 7


# --- REST answers --------------------------------------------------------------------------------

BASE = "https://ff.test"


async def test_a_deeply_nested_rest_answer_is_an_api_error(mock: aioresponses) -> None:
    mock.get(f"{BASE}/cameras/?limit=100", body="[" * 100_000 + "]" * 100_000)
    async with aiohttp.ClientSession() as session:
        client = FindFaceClient(session, BASE, token="t")
        with pytest.raises(FindFaceApiError, match="Malformed JSON"):
            await client.cameras()


async def test_nested_rest_fields_do_not_reach_names(mock: aioresponses) -> None:
    deep_name = nest("Gate", 1000, "dict")
    mock.get(
        f"{BASE}/cameras/?limit=100",
        body=json.dumps(
            {"results": [{"id": 1, "name": deep_name, "health_status": {"status": deep_name}}]}
        ),
    )
    mock.get(f"{BASE}/cards/humans/4/", body=json.dumps({"id": 4, "name": deep_name}))
    async with aiohttp.ClientSession() as session:
        client = FindFaceClient(session, BASE, token="t")
        (camera,) = await client.cameras()
        assert camera.name == "Camera 1"
        assert camera.health is not None
        assert camera.health.status is None
        assert (await client.card("humans", 4)).name == "4"


async def test_endless_or_odd_next_pages_are_bounded(
    mock: aioresponses, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_client, "MAX_LIST_PAGES", 5)
    mock.get(
        f"{BASE}/areas/?limit=100",
        body=json.dumps({"results": [{"id": 1}], "next_page": {"page": "x"}}),
    )
    for page in range(6):
        mock.get(
            f"{BASE}/cameras/?page={page}" if page else f"{BASE}/cameras/?limit=100",
            body=json.dumps({"results": [{"id": page}], "next_page": f"/cameras/?page={page + 1}"}),
        )
    async with aiohttp.ClientSession() as session:
        client = FindFaceClient(session, BASE, token="t")
        assert [area.id for area in await client.areas()] == [1]
        with pytest.raises(FindFaceApiError, match="More than 5 pages"):
            await client.cameras()


# --- the whole webhook ---------------------------------------------------------------------------

IDS = itertools.count(10**15)


ID_ATTRIBUTES = ("event_id", "episode_id", "activation_id")


class Fired:
    """Events fired, counted by (entity id, event id).

    An event entity restored after a reload writes its last event again with the same time; a
    firing always has a new time, so a write is counted once per (entity, event id, time).
    """

    def __init__(self, hass: HomeAssistant) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self.notifications: Counter[tuple[str, str, Any, Any]] = Counter()
        """By (entity, id, event type, events count): what the webhook dedups by."""
        self.last: dict[str, dict[str, Any]] = {}
        seen: set[tuple[str, str, str]] = set()

        @callback
        def listen(event: Event[EventStateChangedData]) -> None:
            state = event.data["new_state"]
            if state is None or not state.entity_id.startswith("event."):
                return
            attributes = state.attributes
            event_id = next(
                (attributes[key] for key in ID_ATTRIBUTES if attributes.get(key) is not None),
                None,
            )
            if event_id is None:
                return
            if (write := (state.entity_id, str(event_id), state.state)) not in seen:
                seen.add(write)
                self.counts[(state.entity_id, str(event_id))] += 1
                notification = (
                    state.entity_id,
                    str(event_id),
                    attributes.get("event_type"),
                    attributes.get("events_count"),
                )
                self.notifications[notification] += 1
                self.last[state.entity_id] = dict(attributes)

        hass.bus.async_listen("state_changed", listen)


@pytest.fixture
def fired(hass: HomeAssistant) -> Fired:
    """Counts of the events fired (shared by the examples of a hypothesis test)."""
    return Fired(hass)


def event_entity(hass: HomeAssistant, entry: MockConfigEntry, section: str, target: int) -> str:
    """The entity id of the event entity of ``section`` for camera (or area) ``target``."""
    ((platform, unique_id),) = [
        (platform, unique_id)
        for platform, unique_id in target_unique_ids(entry, (section, target))
        if platform == "event"
    ]
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id is not None
    return entity_id


def assert_states_bounded(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Every state of the entry is JSON-serialisable, flat and bounded."""
    registry = er.async_get(hass)
    for registered in er.async_entries_for_config_entry(registry, entry.entry_id):
        state = hass.states.get(registered.entity_id)
        if state is None:
            continue
        json_dumps(state.as_dict())
        assert len(state.state) <= MAX_STATE_TEXT
        for value in state.attributes.values():
            assert_bounded_value(value)


VALID = st.tuples(
    st.integers(1, 3),  # camera
    st.sampled_from([None, 1, 2, 999]),  # matched card (999: deleted, 404)
    st.booleans(),  # verbose
)
WEBHOOK_HOSTILE = json_values(MAX_JSON_DEPTH - 4)


def valid_item(section: str, target: int, card: int | None, verbose: bool) -> dict[str, Any]:
    """A valid item of ``section`` for camera (or area) ``target``, matching ``card``."""
    item = template(section, next(IDS), target)
    if section == "areas":
        item["area"] = {"id": target, "name": "Zone"} if verbose else target
    elif card is not None:
        item["matched"] = True
        item["matched_card"] = {"id": card, "name": f"Card {card}"} if verbose else card
    return item


def notification(section: str, item: dict[str, Any]) -> tuple[str, str, int | None]:
    """(id, event type, events count) that ``Fired.notifications`` counts for a valid item."""
    if section in RECOGNITION_SECTIONS:
        return (str(item["id"]), "matched" if item["matched"] else "unmatched", None)
    if section in EPISODE_SECTIONS:
        return (str(item["id"]), "episode_open", 1)
    return (str(item["id"]), "activated", None)


@pytest.mark.integration
@settings(max_examples=50)
@given(
    section=st.sampled_from([*RECOGNITION_SECTIONS, *EPISODE_SECTIONS, "areas"]),
    valid=st.lists(VALID, max_size=4),
    data=st.data(),
)
async def test_generated_batches_fire_every_valid_item_once(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
    fired: Fired,
    section: str,
    valid: list[tuple[int, int | None, bool]],
    data: st.DataObject,
) -> None:
    """Valid items among hostile ones fire once each; the body answers 200 (400 if none)."""
    hostile = data.draw(st.lists(hostile_items(section, WEBHOOK_HOSTILE), max_size=4))
    body: list[object] = []
    expected: list[tuple[str, str, Any, Any]] = []
    for target, card, verbose in valid:
        if section == "areas":
            target = 1 + target % 2  # the simulator has areas 1 and 2
        item = valid_item(section, target, card, verbose)
        body.append(item)
        entity_id = event_entity(hass, findface_entry, section, target)
        expected.append((entity_id, *notification(section, item)))
    body.extend(hostile)
    order = data.draw(st.permutations(range(len(body))))
    status = await post(hass_client, [body[index] for index in order], section)
    await hass.async_block_till_done()
    assert status in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
    if expected:
        assert status == HTTPStatus.OK
    for key in expected:
        assert fired.notifications[key] == 1, key
    assert all(count == 1 for count in fired.notifications.values())
    assert_states_bounded(hass, findface_entry)


@pytest.mark.integration
async def test_nested_dates_and_names_through_the_webhook_keep_states_readable(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, findface_entry: MockConfigEntry
) -> None:
    deep = nest("2026-11-23T12:00:00Z", MAX_JSON_DEPTH - 3, "dict")
    face = {**template("face_events", next(IDS)), "created_date": deep, "thumbnail": deep}
    area = {**template("areas", next(IDS)), "created_date": deep, "area": {"id": 1, "name": deep}}
    assert await post(hass_client, [face], "face_events") == HTTPStatus.OK
    assert await post(hass_client, [area], "areas") == HTTPStatus.OK
    await hass.async_block_till_done()
    assert_states_bounded(hass, findface_entry)
    client = await hass_client()
    response = await client.get("/api/states")
    assert response.status == HTTPStatus.OK
    await response.json()
    state = hass.states.get(event_entity(hass, findface_entry, "face_events", 1))
    assert state.attributes["detected_at"] is None
    activations = [
        state
        for state in hass.states.async_all("event")
        if state.attributes.get("activation_id") == str(area["id"])
    ]
    assert len(activations) == 1
    assert activations[0].attributes["area_name"] == "Entrance zone"


@pytest.mark.integration
async def test_concurrent_copies_and_a_copy_after_reload_fire_once(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
    fired: Fired,
) -> None:
    matched = {**template("face_events", next(IDS)), "matched": True, "matched_card": 3}
    other = template("face_events", next(IDS), camera=2)
    body = [matched, other]
    statuses = await asyncio.gather(*(post(hass_client, body, "face_events") for _ in range(4)))
    await hass.async_block_till_done()
    assert statuses == [HTTPStatus.OK] * 4
    entrance = event_entity(hass, findface_entry, "face_events", 1)
    parking = event_entity(hass, findface_entry, "face_events", 2)
    assert fired.counts == {(entrance, matched["id"]): 1, (parking, other["id"]): 1}
    assert fired.last[entrance]["card_name"] == "Carl Mrazek"

    assert await hass.config_entries.async_reload(findface_entry.entry_id)
    await hass.async_block_till_done()
    assert await post(hass_client, body, "face_events") == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.counts == {(entrance, matched["id"]): 1, (parking, other["id"]): 1}


@pytest.mark.integration
async def test_pushes_fire_while_the_rest_api_fails(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
    simulators: SimulatorStack,
    fired: Fired,
) -> None:
    coordinator = findface_entry.runtime_data.coordinator
    simulators.findface.fail_next(503, count=10**6)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert not coordinator.last_update_success
    entrance = event_entity(hass, findface_entry, "face_events", 1)
    assert hass.states.get(entrance).state == STATE_UNKNOWN
    assert (
        hass.states.get("binary_sensor.entrance_findface_connectivity").state == STATE_UNAVAILABLE
    )

    unmatched = template("face_events", next(IDS))
    verbose = {
        **template("face_events", next(IDS)),
        "matched": True,
        "matched_card": {"id": 1, "name": "Alice"},
    }
    assert await post(hass_client, [unmatched, verbose], "face_events") == HTTPStatus.OK
    record = template("counters", next(IDS))
    assert await post(hass_client, [record], "counters") == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.counts[(entrance, unmatched["id"])] == 1
    assert fired.counts[(entrance, verbose["id"])] == 1
    assert hass.states.get("sensor.entrance_findface_faces_counted").state == "2"

    # A card to name and a camera to look up cannot be answered now: the sender retries.
    default = {**template("face_events", next(IDS)), "matched": True, "matched_card": 2}
    ghost = template("face_events", next(IDS), camera=77)
    assert await post(hass_client, [default], "face_events") == HTTPStatus.SERVICE_UNAVAILABLE
    assert await post(hass_client, [ghost], "face_events") == HTTPStatus.SERVICE_UNAVAILABLE
    assert fired.counts[(entrance, default["id"])] == 0

    simulators.findface.fail_next(503, count=0)
    assert await post(hass_client, [default], "face_events") == HTTPStatus.OK
    assert await post(hass_client, [ghost], "face_events") == HTTPStatus.OK
    await hass.async_block_till_done()
    assert fired.counts[(entrance, default["id"])] == 1
    assert fired.last[entrance]["card_name"] == "Bob Svoboda"
    stats = findface_entry.runtime_data.push.stats
    assert stats.items_dropped == {"camera not listed by the server": 1}


@pytest.mark.integration
async def test_a_deleted_card_does_not_block_the_batch(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
    fired: Fired,
) -> None:
    deleted = {**template("face_events", next(IDS)), "matched": True, "matched_card": 999}
    named = {**template("face_events", next(IDS), 2), "matched": True, "matched_card": 1}
    unmatched = template("face_events", next(IDS), 3)
    assert await post(hass_client, [deleted, named, unmatched], "face_events") == HTTPStatus.OK
    await hass.async_block_till_done()
    entrance = event_entity(hass, findface_entry, "face_events", 1)
    parking = event_entity(hass, findface_entry, "face_events", 2)
    lobby = event_entity(hass, findface_entry, "face_events", 3)
    assert fired.counts == {
        (entrance, deleted["id"]): 1,
        (parking, named["id"]): 1,
        (lobby, unmatched["id"]): 1,
    }
    assert fired.last[entrance]["card_id"] == 999
    assert fired.last[entrance]["card_name"] is None
    assert fired.last[entrance]["event_type"] == "matched"
    assert fired.last[parking]["card_name"] == "Alice Novak"


@pytest.mark.integration
async def test_a_disabled_entity_drops_its_items(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, findface_entry: MockConfigEntry
) -> None:
    registry = er.async_get(hass)
    for platform, unique_id in target_unique_ids(findface_entry, ("car_events", 1)):
        entity_id = registry.async_get_entity_id(platform, DOMAIN, unique_id)
        assert entity_id is not None  # the Car event and the camera's picture
        registry.async_update_entity(entity_id, disabled_by=er.RegistryEntryDisabler.USER)
    assert await hass.config_entries.async_reload(findface_entry.entry_id)
    await hass.async_block_till_done()
    item = template("car_events", next(IDS))
    assert await post(hass_client, [item], "car_events") == HTTPStatus.OK
    assert findface_entry.runtime_data.push.stats.items_dropped == {"entity disabled": 1}


async def test_a_disabled_event_entity_still_feeds_the_picture(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, findface_entry: MockConfigEntry
) -> None:
    registry = er.async_get(hass)
    car = event_entity(hass, findface_entry, "car_events", 1)
    registry.async_update_entity(car, disabled_by=er.RegistryEntryDisabler.USER)
    assert await hass.config_entries.async_reload(findface_entry.entry_id)
    await hass.async_block_till_done()
    item = template("car_events", next(IDS))
    assert await post(hass_client, [item], "car_events") == HTTPStatus.OK
    assert findface_entry.runtime_data.push.stats.items_dropped == {}
    picture = hass.states.get("image.entrance_findface_last_recognition")
    assert picture is not None
    assert picture.attributes["kind"] == "car"


@pytest.mark.integration
async def test_diagnostics_redact_the_user_name_and_the_cloudhook(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulators: SimulatorStack,
    ha_url: str,
) -> None:
    cloudhook = "https://hooks.nabu.casa/very-secret-hook"
    entry = config_entry(
        simulators.url,
        data=entry_data(
            simulators.url, username="operator-jane", password="pw", cloudhook_url=cloudhook
        ),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    secrets = ("operator-jane", "very-secret-hook", "hooks.nabu.casa", WEBHOOK_ID)
    diagnostics = await diagnostics_without(hass, hass_client, entry, *secrets)
    assert diagnostics["provider"]["webhook_urls"]["cloud"] == "**REDACTED**"
    assert diagnostics["entry"]["data"]["username"] == "**REDACTED**"
