"""Moonsense in-process against the simulator: flow, webhooks into events and sensors, polling."""

from __future__ import annotations

import asyncio
from http import HTTPStatus
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.const import DOMAIN

from ...conftest import SimulatorStack, diagnostics_without, provider_form
from .conftest import SIM_ACCOUNT, SIM_BUNDLE, SIM_TOKEN, add_entry, async_setup_entry

pytestmark = pytest.mark.integration

WEBHOOK_ID = "moonsense-test-webhook"
FIXTURES = Path(__file__).parent.parent.parent / "fixtures" / "moonsense"
APP = "moonsense_app_demo"
PIXEL = "pixel_7"
"""The entity id prefix of the simulator's phone 2 (its only Pixel 7)."""


async def _setup(hass: HomeAssistant, url: str, **options: Any) -> MockConfigEntry:
    entry = add_entry(hass, root=f"{url}/moonsense", webhook_id=WEBHOOK_ID, **options)
    return await async_setup_entry(hass, entry)


@pytest.fixture
async def entry(hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any) -> MockConfigEntry:
    entry = await _setup(hass, simulators.url)
    simulators.moonsense.add_webhook(str(ha_client.make_url(f"/api/webhook/{WEBHOOK_ID}")))
    return entry


async def _drain(hass: HomeAssistant, server: SimulatorStack) -> None:
    async with asyncio.timeout(10):
        await server.moonsense.drain()
    await hass.async_block_till_done()


async def _flow(hass: HomeAssistant, url: str, **fields: Any) -> dict[str, Any]:
    return await hass.config_entries.flow.async_configure(
        await provider_form(hass, "moonsense"),
        {
            "token": SIM_TOKEN,
            "root_domain": f"{url}/moonsense/",
            "region": "us-central1.gcp",
            **fields,
        },
    )


async def test_flow(hass: HomeAssistant, simulators: SimulatorStack) -> None:
    result = await _flow(hass, simulators.url)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SIM_ACCOUNT
    assert result["title"] == "Moonsense"
    await hass.async_block_till_done()


async def test_session_lifecycle_into_events_and_sensors(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    sim = simulators.moonsense
    before = int(hass.states.get(f"sensor.{APP}_sessions_today").state)
    session_id = sim.create_session(labels=("commute",), journey_id="journey-1", phone=2)
    await _drain(hass, simulators)
    event = hass.states.get(f"event.{APP}_session")
    assert event.attributes["event_type"] == "session_created"
    assert event.attributes["session_id"] == session_id
    assert event.attributes["labels"] == ["commute"]
    assert event.attributes["journey_id"] == "journey-1"
    assert int(hass.states.get(f"sensor.{APP}_sessions_today").state) == before + 1
    assert int(hass.states.get(f"sensor.{APP}_active_sessions").state) >= 1
    assert hass.states.get(f"sensor.{APP}_newest_session").state != STATE_UNKNOWN

    sim.send_bundle(session_id, **SIM_BUNDLE)
    await _drain(hass, simulators)
    assert hass.states.get(f"event.{APP}_session").attributes["event_type"] == "bundle_received"
    # The readings are the phone's (phone 2 of the simulator, a Pixel 7), on its own device.
    assert hass.states.get(f"sensor.{PIXEL}_battery").state == "81"
    assert hass.states.get(f"sensor.{PIXEL}_battery_state").state == "charging"
    assert hass.states.get(f"sensor.{PIXEL}_activity").state == "walking"
    assert hass.states.get(f"sensor.{PIXEL}_activity_confidence").state == "92"
    assert float(hass.states.get(f"sensor.{PIXEL}_temperature").state) == 21.5
    assert float(hass.states.get(f"sensor.{PIXEL}_illuminance").state) == 300.0
    assert float(hass.states.get(f"sensor.{PIXEL}_atmospheric_pressure").state) == 1013.2
    assert float(hass.states.get(f"sensor.{PIXEL}_humidity").state) == 45.0
    assert hass.states.get(f"sensor.{PIXEL}_steps").state == "9"
    assert hass.states.get(f"sensor.{PIXEL}_heart_rate").state == "71"
    tracker = hass.states.get(f"device_tracker.{PIXEL}_location")
    assert tracker.attributes["latitude"] == 50.0755
    assert tracker.attributes["gps_accuracy"] == 12

    # A bundle without ambient readings keeps the last ones: no flipping to unknown.
    sim.send_bundle(session_id, battery=(80, "DISCHARGING"))
    await _drain(hass, simulators)
    assert hass.states.get(f"sensor.{PIXEL}_battery").state == "80"
    assert float(hass.states.get(f"sensor.{PIXEL}_temperature").state) == 21.5
    assert hass.states.get(f"sensor.{PIXEL}_activity").state == "walking"
    assert hass.states.get(f"device_tracker.{PIXEL}_location").attributes["latitude"] == 50.0755

    sim.persist_chunk(session_id)
    await _drain(hass, simulators)
    assert hass.states.get(f"event.{APP}_session").attributes["event_type"] == "chunk_persisted"
    active = int(hass.states.get(f"sensor.{APP}_active_sessions").state)
    sim.end_session(session_id)
    await _drain(hass, simulators)
    assert hass.states.get(f"event.{APP}_session").attributes["event_type"] == "session_inactive"
    assert int(hass.states.get(f"sensor.{APP}_active_sessions").state) == active - 1


@pytest.mark.parametrize(
    ("raw", "expected"), [(0, "unknown"), ("MYSTERY", "unknown"), (3, "chunk_persisted")]
)
async def test_unknown_and_numeric_event_types_are_kept(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack, raw: Any, expected: str
) -> None:
    simulators.moonsense.send_raw_event(raw)
    await _drain(hass, simulators)
    state = hass.states.get(f"event.{APP}_session")
    assert state.attributes["event_type"] == expected
    assert state.attributes["moonsense_event_type"] == str(raw)


@pytest.mark.parametrize(
    "name",
    [
        "webhook_session_created",
        "webhook_bundle_received",
        "webhook_bundle_received_camel",
        "webhook_numeric_event_type",
    ],
)
async def test_fixture_bodies(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, name: str
) -> None:
    body = json.loads((FIXTURES / f"{name}.json").read_text())
    await entry.runtime_data.coordinator.async_after_first_refresh()  # the phones are known
    response = await ha_client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    assert response.status == HTTPStatus.OK
    if "bundle_received" in name:
        # The simulator's phone 0, an iPhone14,2 (its seeded session made it known).
        assert hass.states.get("sensor.iphone142_battery").state not in (STATE_UNKNOWN, None)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"no": "type"}, "a webhook body must have an event_type"),
        ("text", "a webhook body must be an object with an event_type"),
        ({"event_type": 1, "session_labels": 5}, "session_labels is not a list"),
        ({"event_type": {"deep": [1]}}, "event_type is not a name or a number"),
        ([5, {"event_type": []}], "a webhook body must be an object with an event_type"),
    ],
)
async def test_unusable_bodies_answer_400_with_a_reason(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, body: Any, reason: str
) -> None:
    response = await ha_client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    assert response.status == HTTPStatus.BAD_REQUEST
    assert (await response.json())["message"] == reason
    assert hass.states.get(f"event.{APP}_session").state == STATE_UNKNOWN


async def test_a_bad_body_in_a_list_is_dropped_and_the_rest_delivered(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any
) -> None:
    body = [
        {"event_type": "SESSION_CREATED", "session_id": "s-a", "session_labels": ["x"]},
        {"event_type": 1, "session_labels": 5},
        7,
        {"event_type": "SESSION_INACTIVE", "session_id": "s-a"},
    ]
    response = await ha_client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    assert response.status == HTTPStatus.OK
    assert hass.states.get(f"event.{APP}_session").attributes["event_type"] == "session_inactive"
    stats = entry.runtime_data.push.stats.as_dict()
    assert stats["items_delivered"] == 2
    assert stats["items_dropped"] == {
        "session_labels is not a list": 1,
        "a webhook body must be an object with an event_type": 1,
    }


async def test_labels_filter(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry = await _setup(hass, simulators.url, labels=["keep"])
    simulators.moonsense.add_webhook(str(ha_client.make_url(f"/api/webhook/{WEBHOOK_ID}")))
    simulators.moonsense.create_session(labels=("other",))
    await _drain(hass, simulators)
    assert hass.states.get(f"event.{APP}_session").state == STATE_UNKNOWN
    simulators.moonsense.create_session(labels=("keep",))
    await _drain(hass, simulators)
    assert hass.states.get(f"event.{APP}_session").attributes["labels"] == ["keep"]
    assert entry.runtime_data.coordinator.labels == ["keep"]


async def test_polling_counts_todays_sessions(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    simulators.moonsense.create_session()
    simulators.moonsense.create_session()
    entry = await _setup(hass, simulators.url)
    await entry.runtime_data.coordinator.async_after_first_refresh()  # in the background
    await hass.async_block_till_done()
    assert int(hass.states.get(f"sensor.{APP}_sessions_today").state) >= 2
    simulators.moonsense.fail_next(500, count=1)
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(f"sensor.{APP}_sessions_today").state == "unavailable"
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(f"sensor.{APP}_sessions_today").state != "unavailable"


async def test_reauth_reconfigure_options(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    simulators.moonsense.settings.token = "rotated"
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"token": "bad"})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"token": "rotated"})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()

    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "moonsense_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "token": "rotated",
            "root_domain": entry.data["root_domain"],
            "region": "europe-west1.gcp",
        },
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data["region"] == "europe-west1.gcp"

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "moonsense_options"
    assert result["description_placeholders"]["webhook_url"].endswith(WEBHOOK_ID)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"scan_interval": 60, "labels": [" a ", ""]}
    )
    assert entry.options == {"scan_interval": 60, "labels": ["a"]}
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_options_reload_once_and_only_when_changed(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The options flow reloads the entry itself; no update listener does it a second time."""
    assert entry.update_listeners == []
    reload = hass.config_entries.async_reload
    with patch.object(hass.config_entries, "async_reload", side_effect=reload) as reloads:
        for options in (
            {"scan_interval": 120, "labels": []},  # unchanged: no reload
            {"scan_interval": 300, "labels": ["night"]},
        ):
            result = await hass.config_entries.options.async_init(entry.entry_id)
            result = await hass.config_entries.options.async_configure(result["flow_id"], options)
            assert result["type"] is FlowResultType.CREATE_ENTRY
            await hass.async_block_till_done()
    assert reloads.call_count == 1
    assert entry.options == {"scan_interval": 300, "labels": ["night"]}
    assert entry.state is ConfigEntryState.LOADED
    assert entry.update_listeners == []


async def test_diagnostics(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> None:
    diagnostics = await diagnostics_without(hass, hass_client, entry, SIM_TOKEN, WEBHOOK_ID)
    assert diagnostics["provider"]["control_url"].endswith("/moonsense")
