"""FindFace Multi end to end in-process: config flow, hooks on the server, pushes into entities."""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.findface.api import (
    SECTIONS,
    FindFaceApiError,
    FindFaceClient,
)
from custom_components.sitewatch.providers.findface.config_flow import server_account

from ...conftest import SimulatorStack, diagnostics_without, provider_form
from .common import WEBHOOK_ID, config_entry, entry_data, fixture, post

pytestmark = pytest.mark.integration

ENTRANCE = "event.entrance_findface"


async def _flow_to_webhook_step(hass: HomeAssistant, url: str, **fields: Any) -> dict[str, Any]:
    return await hass.config_entries.flow.async_configure(
        await provider_form(hass, "findface"), {"url": url, "verify_ssl": False, **fields}
    )


async def test_flow_registers_hooks_and_events_flow_in(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    result = await _flow_to_webhook_step(hass, simulators.url + "/", token="demo-token")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "findface_webhook"
    webhook_url = result["description_placeholders"]["webhook_url"]
    assert webhook_url.startswith(f"{ha_url}/api/webhook/")

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"register_hooks": True, "matched_only": False, "batch_size": 5, "send_attempts": 0},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == server_account(simulators.url)
    hooks = simulators.findface.hook_states()
    assert len(hooks) == 7
    assert {hook["url"] for hook in hooks} == {
        f"{webhook_url}?section={section}" for section in SECTIONS
    }
    assert sorted(entry.data["hook_ids"]) == sorted(hook["id"] for hook in hooks)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED

    items = simulators.findface.emit("face_events", count=3, matched=True, camera=1)
    async with asyncio.timeout(10):
        await simulators.findface.drain()
    await hass.async_block_till_done()
    state = hass.states.get(f"{ENTRANCE}_face")
    assert state.attributes["event_type"] == "matched"
    assert state.attributes["event_id"] == items[-1]["id"]
    assert state.attributes["card_name"]
    assert state.attributes["camera_name"] == "Entrance"

    # Removing the entry deletes its hooks from the server.
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert simulators.findface.hook_states() == []


async def test_flow_with_user_name_and_matched_only_hook(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    result = await _flow_to_webhook_step(hass, simulators.url, username="demo", password="demo")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "register_hooks": True,
            "sections": ["faces"],
            "matched_only": True,
            "batch_size": 1,
            "send_attempts": 10,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "token" not in result["data"]
    (hook,) = simulators.findface.hook_states()
    assert hook["filters"] == {"face_events": {"matched": True}}
    await hass.async_block_till_done()


async def test_flow_without_registering(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    result = await _flow_to_webhook_step(hass, simulators.url, token="demo-token")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"register_hooks": False, "matched_only": False, "batch_size": 1, "send_attempts": 10},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["hook_ids"] == []
    assert simulators.findface.hook_states() == []
    await hass.async_block_till_done()
    assert await hass.config_entries.async_remove(result["result"].entry_id)


async def test_flow_hook_registration_errors(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    result = await _flow_to_webhook_step(hass, simulators.url, token="demo-token")
    choice = {"register_hooks": True, "matched_only": False, "batch_size": 1, "send_attempts": 1}
    original = FindFaceClient.create_hook
    calls = 0

    async def fail_third(self: FindFaceClient, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise FindFaceApiError("HTTP 403")
        return await original(self, *args, **kwargs)

    with patch.object(FindFaceClient, "create_hook", fail_third):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], choice)
    assert result["errors"] == {"base": "cannot_register"}
    assert simulators.findface.hook_states() == []  # the two created were deleted again

    with patch(
        "custom_components.sitewatch.providers.findface.config_flow.webhook_urls",
        return_value={},
    ):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], choice)
    assert result["errors"] == {"base": "no_url"}


async def test_same_server_twice_aborts(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    result = await _flow_to_webhook_step(hass, simulators.url, token="demo-token")
    await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"register_hooks": False, "matched_only": False, "batch_size": 1, "send_attempts": 1},
    )
    await hass.async_block_till_done()
    result = await _flow_to_webhook_step(hass, simulators.url, token="demo-token")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_devices_and_entities(
    hass: HomeAssistant, findface_entry: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    devices = dr.async_entries_for_config_entry(device_registry, findface_entry.entry_id)
    assert sorted(device.name for device in devices) == [
        "Entrance (FindFace)",
        "FindFace 127.0.0.1",
        "Lobby (FindFace)",
        "Parking (FindFace)",
        "People",  # the persons of the server's cards (presence)
    ]
    server = next(device for device in devices if device.name == "FindFace 127.0.0.1")
    assert server.via_device_id is None
    cameras = [device for device in devices if device.name.endswith("(FindFace)")]
    assert all(device.via_device_id == server.id for device in cameras)
    assert hass.states.get("binary_sensor.entrance_findface_connectivity").state == "on"
    for name in ("face", "body", "car", "human_episode", "car_episode"):
        assert hass.states.get(f"{ENTRANCE}_{name}").state == STATE_UNKNOWN
    assert hass.states.get("sensor.entrance_findface_faces_counted").state == STATE_UNKNOWN


async def test_default_payloads_are_named_through_the_api(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
    simulators: SimulatorStack,
) -> None:
    body = [
        {**item, "camera": 1, "matched": True}
        for item in fixture("face_events_default")
        if item.get("matched_card")
    ][:1]
    assert body, "the fixture has a matched event"
    assert await post(hass_client, body, "face_events") == HTTPStatus.OK
    state = hass.states.get(f"{ENTRANCE}_face")
    assert state.attributes["event_type"] == "matched"
    assert isinstance(state.attributes["card_name"], str)
    assert all(isinstance(name, str) for name in state.attributes["watch_lists"])


@pytest.mark.parametrize(
    ("name", "entity", "attribute"),
    [
        ("face_events_verbose", "face", "card_name"),
        ("body_events_default", "body", "event_id"),
        ("car_events_verbose", "car", "event_id"),
        ("human_episodes_default", "human_episode", "episode_id"),
        ("car_episodes_verbose", "car_episode", "episode_id"),
    ],
)
async def test_each_section_reaches_its_entity(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
    name: str,
    entity: str,
    attribute: str,
) -> None:
    items = fixture(name)
    for item in items:
        for key in ("camera",):
            if key in item:
                item[key] = 1
        for key in ("last_face_event", "last_body_event", "last_car_event"):
            if isinstance(item.get(key), dict):
                item[key]["camera"] = 1
    section = name.rsplit("_", 1)[0]
    assert await post(hass_client, items, section) == HTTPStatus.OK
    state = hass.states.get(f"{ENTRANCE}_{entity}")
    assert state.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE)
    assert state.attributes[attribute] is not None


async def test_counter_records_and_area_activations(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
) -> None:
    record = {**fixture("counters_default")[0], "camera": 1, "faces_count": 4}
    record["silhouettes_count"] = 6
    assert await post(hass_client, [record], None) == HTTPStatus.OK
    assert hass.states.get("sensor.entrance_findface_faces_counted").state == "4"
    assert hass.states.get("sensor.entrance_findface_bodies_counted").state == "6"

    activation = fixture("areas_default")[0]
    area_entities = [
        state.entity_id
        for state in hass.states.async_all("event")
        if state.entity_id.endswith("_activation")
    ]
    assert area_entities
    assert await post(hass_client, [activation], "areas") == HTTPStatus.OK
    fired = [
        hass.states.get(entity_id)
        for entity_id in area_entities
        if hass.states.get(entity_id).state != STATE_UNKNOWN
    ]
    assert len(fired) == 1
    assert fired[0].attributes["event_type"] in ("activated", "deactivated")
    assert fired[0].attributes["area_name"]


async def test_card_lookup_failure_answers_503_then_succeeds(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
) -> None:
    body = [
        {**FACE, "id": "999", "camera": 1, "matched": True, "matched_card": 1}
        for FACE in fixture("face_events_default")[:1]
    ]
    with patch.object(FindFaceClient, "card", side_effect=FindFaceApiError("down", 503)):
        assert await post(hass_client, body, "face_events") == HTTPStatus.SERVICE_UNAVAILABLE
    assert hass.states.get(f"{ENTRANCE}_face").state == STATE_UNKNOWN
    assert await post(hass_client, body, "face_events") == HTTPStatus.OK
    assert hass.states.get(f"{ENTRANCE}_face").state != STATE_UNKNOWN


async def test_schema_failure_answers_400(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, findface_entry: MockConfigEntry
) -> None:
    assert await post(hass_client, [{"what": "ever"}], None) == HTTPStatus.BAD_REQUEST
    assert await post(hass_client, [{"id": 1}], "nonsense") == HTTPStatus.BAD_REQUEST


async def test_event_for_a_new_camera_refreshes_cameras(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
    simulators: SimulatorStack,
    device_registry: dr.DeviceRegistry,
) -> None:
    camera_id = simulators.findface.add_camera("Warehouse")
    body = [{**fixture("face_events_verbose")[0], "camera": camera_id}]
    # The camera's entities are created first; the sender is asked to retry meanwhile.
    assert await post(hass_client, body, "face_events") == HTTPStatus.SERVICE_UNAVAILABLE
    await hass.async_block_till_done()
    assert await post(hass_client, body, "face_events") == HTTPStatus.OK
    assert hass.states.get("event.warehouse_findface_face").attributes["event_id"] == body[0]["id"]
    # An event of a camera the server does not have is dropped, not retried forever.
    ghost = [{**body[0], "id": "123456789", "camera": 999}]
    assert await post(hass_client, ghost, "face_events") == HTTPStatus.OK
    stats = findface_entry.runtime_data.push.stats
    assert stats.items_dropped == {"camera not listed by the server": 1}
    names = {
        device.name
        for device in dr.async_entries_for_config_entry(device_registry, findface_entry.entry_id)
    }
    assert "Warehouse (FindFace)" in names


async def test_webhook_answers_503_while_unloaded_and_is_unregistered_when_removed(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, findface_entry: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_unload(findface_entry.entry_id)
    await hass.async_block_till_done()
    # Reloading or not ready: the sender keeps the events and retries.
    assert await post(hass_client, [{"what": "ever"}], None) == HTTPStatus.SERVICE_UNAVAILABLE
    assert await hass.config_entries.async_remove(findface_entry.entry_id)
    await hass.async_block_till_done()
    # Home Assistant answers 200 to unknown webhook ids; nothing reaches the entities.
    assert await post(hass_client, [{"what": "ever"}], None) == HTTPStatus.OK


async def test_camera_health_and_unavailability(
    hass: HomeAssistant,
    findface_entry: MockConfigEntry,
    simulators: SimulatorStack,
) -> None:
    coordinator = findface_entry.runtime_data.coordinator
    simulators.findface.set_camera_health(1, "RED", "no signal")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    state = hass.states.get("binary_sensor.entrance_findface_connectivity")
    assert state.state == "off"
    assert state.attributes == {
        **state.attributes,
        "status": "RED",
        "message": "no signal",
    }

    simulators.findface.fail_next(500, count=5)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert (
        hass.states.get("binary_sensor.entrance_findface_connectivity").state == STATE_UNAVAILABLE
    )
    # Pushed entities do not depend on the poll: they stay available to fire their events.
    assert hass.states.get(f"{ENTRANCE}_face").state == STATE_UNKNOWN
    assert hass.states.get("sensor.entrance_findface_faces_counted").state == STATE_UNKNOWN

    simulators.findface.fail_next(500, count=0)
    simulators.findface.remove_camera(1)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    # A camera the server no longer lists: its entities are unavailable (then removed).
    assert hass.states.get(f"{ENTRANCE}_face") is None or (
        hass.states.get(f"{ENTRANCE}_face").state == STATE_UNAVAILABLE
    )


async def test_refused_token_starts_reauth_and_reauth_works(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    ha_url: str,
) -> None:
    entry = config_entry(simulators.url, data=entry_data(simulators.url, token="expired"))
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"token": "bad"})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"username": "demo", "password": "demo"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert "token" not in entry.data
    assert entry.data["username"] == "demo"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_and_options(
    hass: HomeAssistant, findface_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    hass.config_entries.async_update_entry(
        findface_entry, unique_id=server_account("http://192.0.2.1:8000")
    )
    result = await findface_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "findface_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"url": "http://127.0.0.1:9", "verify_ssl": True, "token": "x"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"url": simulators.url, "verify_ssl": True, "token": "demo-token"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_server"  # the entry was made for another server

    result = await hass.config_entries.options.async_init(findface_entry.entry_id)
    assert result["step_id"] == "webhook"
    assert result["description_placeholders"]["webhook_url"].endswith(WEBHOOK_ID)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_diagnostics_redact_the_webhook_id(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
) -> None:
    diagnostics = await diagnostics_without(
        hass, hass_client, findface_entry, WEBHOOK_ID, "demo-token"
    )
    assert diagnostics["provider"]["webhook_urls"]["local"].endswith("/api/webhook/**REDACTED**")
    assert len(diagnostics["provider"]["cameras"]) == 3


async def test_reconfigure_the_same_server(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    entry = config_entry(simulators.url)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "url": simulators.url + "/",
            "verify_ssl": False,
            "username": "demo",
            "password": "demo",
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["verify_ssl"] is False
    assert entry.data["username"] == "demo"
    assert "token" not in entry.data
    assert entry.data["webhook_id"] == WEBHOOK_ID
    await hass.async_block_till_done()


async def test_a_bad_item_does_not_lose_the_batch(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, findface_entry: MockConfigEntry
) -> None:
    good = {**fixture("face_events_verbose")[0], "camera": 1}
    assert await post(hass_client, [{"junk": True}, good], "face_events") == HTTPStatus.OK
    assert hass.states.get(f"{ENTRANCE}_face").attributes["event_id"] == good["id"]


async def test_removal_keeps_going_when_the_server_fails(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    ha_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = config_entry(simulators.url, data=entry_data(simulators.url, hook_ids=[41, 42]))
    entry.add_to_hass(hass)
    simulators.findface.fail_next(500, count=5)
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert caplog.text.count("Could not delete webhook") == 2


async def test_removed_camera_leaves_the_device_registry(
    hass: HomeAssistant,
    findface_entry: MockConfigEntry,
    simulators: SimulatorStack,
    device_registry: dr.DeviceRegistry,
) -> None:
    simulators.findface.remove_camera(3)
    await findface_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    names = {
        device.name
        for device in dr.async_entries_for_config_entry(device_registry, findface_entry.entry_id)
    }
    assert names == {"Entrance (FindFace)", "Parking (FindFace)", "FindFace 127.0.0.1", "People"}


async def test_cloudhook_when_cloud_is_signed_in(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    hass.config.components.add("cloud")
    cloudhook = "https://hooks.nabu.casa/abc"
    with (
        patch("homeassistant.components.cloud.async_active_subscription", return_value=True),
        patch(
            "homeassistant.components.cloud.async_create_cloudhook", return_value=cloudhook
        ) as create,
        patch("homeassistant.components.cloud.async_delete_cloudhook") as delete,
    ):
        result = await _flow_to_webhook_step(hass, simulators.url, token="demo-token")
        assert result["description_placeholders"]["cloudhook_url"] == cloudhook
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"register_hooks": False, "matched_only": False, "batch_size": 1, "send_attempts": 1},
        )
        entry = result["result"]
        assert entry.data["cloudhook_url"] == cloudhook
        create.assert_called_once_with(hass, entry.data["webhook_id"])
        await hass.async_block_till_done()

        options = await hass.config_entries.options.async_init(entry.entry_id)
        assert options["description_placeholders"]["cloudhook_url"] == cloudhook

        assert await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()
        delete.assert_called_once_with(hass, entry.data["webhook_id"])


async def test_no_cloudhook_when_cloud_is_not_available(
    hass: HomeAssistant, simulators: SimulatorStack, ha_url: str
) -> None:
    from homeassistant.components.cloud import CloudNotAvailable

    hass.config.components.add("cloud")
    with (
        patch("homeassistant.components.cloud.async_active_subscription", return_value=True),
        patch(
            "homeassistant.components.cloud.async_create_cloudhook",
            side_effect=CloudNotAvailable,
        ),
    ):
        result = await _flow_to_webhook_step(hass, simulators.url, token="demo-token")
    assert result["description_placeholders"]["cloudhook_url"] == "-"
