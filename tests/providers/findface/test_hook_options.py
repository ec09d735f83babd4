"""FindFace hook filters chosen in the config and options flows, against the simulator.

Every step of both flows (errors and aborts), the hooks they create or change on the server,
the 1.4 entry migration, and end to end: a filtered-out camera's events are not sent.
"""

from __future__ import annotations

import asyncio
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers.data_entry_flow import FlowManagerResourceView
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import MINOR_VERSION
from custom_components.sitewatch.providers.findface.api import (
    SECTIONS,
    FindFaceApiError,
    FindFaceClient,
    FindFaceConnectionError,
)

from ...conftest import SimulatorStack, provider_form
from .common import config_entry, entry_data

pytestmark = pytest.mark.integration

FLOW = "custom_components.sitewatch.providers.findface.config_flow"
EVERYTHING = {"register_hooks": True, "batch_size": 1, "send_attempts": 10}


def _defaults(result: FlowResult) -> dict[str, Any]:
    """Each field of a form with the value it shows (its default).

    The form is also serialized as the frontend receives it (a field the frontend cannot show
    fails here).
    """
    view = FlowManagerResourceView(None)  # how Home Assistant sends a form to the frontend
    fields = view._prepare_result_json(result)["data_schema"]
    assert [field["name"] for field in fields] == [str(key) for key in result["data_schema"].schema]
    return {str(key): key.default() for key in result["data_schema"].schema}


def _labels(result: FlowResult, field: str) -> dict[str, str]:
    """A select field's choices: value to label."""
    for key, selector in result["data_schema"].schema.items():
        if str(key) == field:
            return {option["value"]: option["label"] for option in selector.config["options"]}
    raise KeyError(field)


def _filters(simulators: SimulatorStack) -> dict[int, dict[str, Any]]:
    """The hooks on the simulated server: id to filters."""
    return {hook["id"]: hook["filters"] for hook in simulators.findface.hook_states()}


async def _webhook_step(hass: HomeAssistant, simulators: SimulatorStack) -> FlowResult:
    return await hass.config_entries.flow.async_configure(
        await provider_form(hass, "findface"),
        {"url": simulators.url, "verify_ssl": False, "token": "demo-token"},
    )


async def _added(
    hass: HomeAssistant, simulators: SimulatorStack, choice: dict[str, Any]
) -> MockConfigEntry:
    result = await _webhook_step(hass, simulators)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], choice)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: MockConfigEntry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


async def _options(
    hass: HomeAssistant, entry: MockConfigEntry, choice: dict[str, Any]
) -> FlowResult:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "webhook"
    return await hass.config_entries.options.async_configure(result["flow_id"], choice)


async def _delivered(simulators: SimulatorStack, hass: HomeAssistant) -> None:
    async with asyncio.timeout(10):
        await simulators.findface.drain()
    await hass.async_block_till_done()


# --- config flow --------------------------------------------------------------------------------


async def test_webhook_step_lists_the_servers_names_and_creates_filtered_hooks(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    result = await _webhook_step(hass, simulators)
    assert result["step_id"] == "findface_webhook"
    assert _labels(result, "cameras") == {"1": "Entrance", "3": "Lobby", "2": "Parking"}
    assert _labels(result, "camera_groups") == {"1": "Main building"}
    assert _labels(result, "watch_lists") == {"1": "Employees", "2": "Wanted"}
    defaults = _defaults(result)
    assert defaults["sections"] == ["faces", "bodies", "cars", "episodes", "counters", "areas"]
    assert (defaults["cameras"], defaults["matched_only"], defaults["min_confidence"]) == (
        [],
        False,
        0.0,
    )

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            **EVERYTHING,
            "sections": ["faces", "episodes", "areas"],
            "cameras": ["2"],
            "camera_groups": ["1"],
            "watch_lists": ["2"],
            "matched_only": True,
            "min_confidence": 0.7,
            "batch_size": 4,
            "send_attempts": 0,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    cameras = {"camera_in": [2], "camera_group_in": [1]}
    assert sorted(_filters(simulators).values(), key=lambda rules: next(iter(rules))) == [
        {"areas": cameras},
        {"car_episodes": {**cameras, "matched_lists_in": [2], "car_matched": True}},
        {
            "face_events": {
                **cameras,
                "matched_lists_in": [2],
                "matched": True,
                "confidence_gte": 0.7,
            }
        },
        {"human_episodes": {**cameras, "matched_lists_in": [2], "face_matched": True}},
    ]
    hooks = simulators.findface.hook_states()
    assert {(hook["batch_size"], hook["send_attempts"]) for hook in hooks} == {(4, 0)}
    assert result["data"]["hook_ids"] == [hook["id"] for hook in hooks]
    assert result["options"] == {
        "register_hooks": True,
        "sections": ["faces", "episodes", "areas"],
        "cameras": [2],
        "camera_groups": [1],
        "watch_lists": [2],
        "matched_only": True,
        "min_confidence": 0.7,
        "batch_size": 4,
        "send_attempts": 0,
    }
    await hass.async_block_till_done()


async def test_webhook_step_needs_a_section_to_register(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    result = await _webhook_step(hass, simulators)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**EVERYTHING, "sections": []}
    )
    assert result["errors"] == {"sections": "no_sections"}
    assert simulators.findface.hook_states() == []
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**EVERYTHING, "register_hooks": False, "sections": []}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert (result["data"]["hook_ids"], result["options"]["register_hooks"]) == ([], False)
    await hass.async_block_till_done()


async def test_webhook_step_aborts_when_the_lists_cannot_be_read(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    with patch.object(FindFaceClient, "watch_lists", side_effect=FindFaceConnectionError("x")):
        result = await _webhook_step(hass, simulators)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


async def test_webhook_step_without_camera_groups_still_offers_the_rest(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    with patch.object(FindFaceClient, "camera_groups", side_effect=FindFaceApiError("403")):
        result = await _webhook_step(hass, simulators)
    assert _labels(result, "camera_groups") == {}
    assert _labels(result, "cameras")["1"] == "Entrance"


# --- options flow -------------------------------------------------------------------------------


async def test_options_patch_hooks_in_place_and_filter_end_to_end(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    entry = await _added(hass, simulators, {**EVERYTHING, "sections": ["faces", "cars"]})
    face_hook, car_hook = entry.data["hook_ids"]
    webhook_id = entry.data["webhook_id"]

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "webhook"
    assert _defaults(result)["sections"] == ["faces", "cars"]
    assert _labels(result, "cameras")["1"] == "Entrance"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {**EVERYTHING, "sections": ["faces", "counters"], "cameras": ["1"], "batch_size": 3},
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    hooks = {hook["id"]: hook for hook in simulators.findface.hook_states()}
    assert face_hook in hooks  # patched: same hook, same webhook id
    assert car_hook not in hooks  # no longer wanted: deleted
    assert hooks[face_hook]["filters"] == {"face_events": {"camera_in": [1]}}
    assert hooks[face_hook]["batch_size"] == 3
    assert webhook_id in hooks[face_hook]["url"]
    (counter_hook,) = set(hooks) - {face_hook}
    assert hooks[counter_hook]["filters"] == {"counters": {"camera_in": [1]}}
    assert entry.data["hook_ids"] == [face_hook, counter_hook]
    assert entry.data["webhook_id"] == webhook_id
    assert entry.options["cameras"] == [1]
    assert entry.state is ConfigEntryState.LOADED

    # End to end: Parking (camera 2) is filtered out on the server, Entrance (1) is kept.
    sent = len(simulators.findface.deliveries)
    simulators.findface.emit("face_events", matched=True, camera=2)
    await _delivered(simulators, hass)
    assert hass.states.get("event.parking_findface_face").state == "unknown"
    assert len(simulators.findface.deliveries) == sent  # not even sent
    kept = simulators.findface.emit("face_events", matched=True, camera=1)
    simulators.findface.emit("car_events", camera=1)  # no car hook any more
    await _delivered(simulators, hass)
    assert hass.states.get("event.entrance_findface_face").attributes["event_id"] == kept[0]["id"]
    assert hass.states.get("event.entrance_findface_car").state == "unknown"


async def test_options_untick_deletes_the_hooks_and_tick_creates_them_again(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    entry = await _added(hass, simulators, EVERYTHING)
    assert len(entry.data["hook_ids"]) == 7

    result = await _options(hass, entry, {**EVERYTHING, "register_hooks": False})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert simulators.findface.hook_states() == []
    assert entry.data["hook_ids"] == []
    assert entry.options["register_hooks"] is False

    result = await _options(hass, entry, {**EVERYTHING, "sections": ["areas"]})
    (hook,) = simulators.findface.hook_states()
    assert hook["filters"] == {"areas": {}}
    assert entry.data["hook_ids"] == [hook["id"]]


async def test_options_errors_leave_server_and_entry_as_they_were(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    entry = await _added(hass, simulators, {**EVERYTHING, "sections": ["faces"]})
    before = simulators.findface.hook_states()
    options = dict(entry.options)

    result = await hass.config_entries.options.async_init(entry.entry_id)
    flow_id = result["flow_id"]
    result = await hass.config_entries.options.async_configure(
        flow_id, {**EVERYTHING, "sections": []}
    )
    assert result["errors"] == {"sections": "no_sections"}

    with patch(f"{FLOW}.webhook_urls", return_value={}):
        result = await hass.config_entries.options.async_configure(
            flow_id, {**EVERYTHING, "sections": ["cars"]}
        )
    assert result["errors"] == {"base": "no_url"}

    simulators.findface.fail_next(500)  # reading the face hook
    result = await hass.config_entries.options.async_configure(
        flow_id, {**EVERYTHING, "sections": ["cars"]}
    )
    assert result["errors"] == {"base": "cannot_register"}
    assert result["step_id"] == "webhook"
    assert simulators.findface.hook_states() == before
    assert dict(entry.options) == options

    result = await hass.config_entries.options.async_configure(
        flow_id, {**EVERYTHING, "sections": ["cars"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert list(_filters(simulators).values()) == [{"car_events": {}}]


async def test_options_abort_when_the_server_cannot_be_read(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    entry = await _added(hass, simulators, EVERYTHING)
    simulators.findface.fail_next(500, count=3)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


async def test_options_without_managed_hooks_change_nothing_on_the_server(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    entry = await _added(hass, simulators, {**EVERYTHING, "register_hooks": False})
    result = await _options(
        hass, entry, {**EVERYTHING, "register_hooks": False, "matched_only": True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert simulators.findface.hook_states() == []
    assert entry.options["matched_only"] is True


# --- migration ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sections", "register", "matched_only", "kinds"),
    [
        (["face_events"], True, True, ["faces"]),
        (
            list(SECTIONS),
            True,
            False,
            ["faces", "bodies", "cars", "episodes", "counters", "areas"],
        ),
        ([], False, False, ["faces", "bodies", "cars", "episodes", "counters", "areas"]),
    ],
)
async def test_entry_1_3_keeps_what_its_hooks_meant(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    ha_url: str,
    sections: list[str],
    register: bool,
    matched_only: bool,
    kinds: list[str],
) -> None:
    hook_ids = [
        simulators.findface.create_hook(
            {
                "url": f"{ha_url}/api/webhook/findface-test-webhook?section={section}",
                "batch_size": 9,
                "send_attempts": 0,
                "filters": {section: {"matched": True} if matched_only else {}},
            }
        )["id"]
        for section in sections
    ]
    entry = config_entry(
        simulators.url, minor_version=3, data=entry_data(simulators.url, hook_ids=hook_ids)
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.minor_version == MINOR_VERSION
    assert entry.options == {
        "register_hooks": register,
        "sections": kinds,
        "cameras": [],
        "camera_groups": [],
        "watch_lists": [],
        "matched_only": matched_only,
        "min_confidence": 0.0,
    }
    result = await hass.config_entries.options.async_init(entry.entry_id)
    defaults = _defaults(result)
    assert (defaults["sections"], defaults["matched_only"]) == (kinds, matched_only)
    # Not stored before 1.4: read from the server's hook (the usual values without one).
    assert (defaults["batch_size"], defaults["send_attempts"]) == ((9, 0) if sections else (1, 10))

    # Submitted unchanged, the hooks stay as they are (same ids, same filters).
    before = simulators.findface.hook_states()
    result = await hass.config_entries.options.async_configure(result["flow_id"], defaults)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert [
        {key: hook[key] for key in ("id", "url", "filters", "batch_size", "send_attempts")}
        for hook in simulators.findface.hook_states()
    ] == [
        {key: hook[key] for key in ("id", "url", "filters", "batch_size", "send_attempts")}
        for hook in before
    ]
    assert entry.data["hook_ids"] == hook_ids
