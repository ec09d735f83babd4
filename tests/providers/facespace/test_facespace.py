"""FaceSpace in-process against the simulator: flow, events in order and once, push, service."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from http import HTTPStatus
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.const import DOMAIN

from ...conftest import SimulatorStack, diagnostics_without, provider_form
from .conftest import (
    ACCOUNT,
    HOOK,
    KEY,
    SECRET,
    WEBHOOK_ID,
    Fired,
    async_refresh,
    async_setup_simulator,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def entry(hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any) -> MockConfigEntry:
    simulators.facespace.recognize("Entrance", "Zed", dt_util.utcnow() - timedelta(hours=1))
    return await async_setup_simulator(hass, simulators.url)


async def _flow(hass: HomeAssistant, url: str, **fields: Any) -> dict[str, Any]:
    return await hass.config_entries.flow.async_configure(
        await provider_form(hass, "facespace"),
        {"api_key": KEY, "base_url": f"{url}/facespace/", **fields},
    )


async def test_flow(hass: HomeAssistant, simulators: SimulatorStack) -> None:
    result = await _flow(hass, simulators.url)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == ACCOUNT
    assert KEY not in result["result"].unique_id
    assert result["options"] == {"scan_interval": 5, "accept_push": False}
    await hass.async_block_till_done()


async def test_lines_become_events_in_order_and_once(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    fired = Fired(hass)
    now = dt_util.utcnow().replace(microsecond=0)
    sim = simulators.facespace
    sim.recognize("Lobby", "Bob", now + timedelta(seconds=2))
    sim.recognize("Lobby", "Alice", now + timedelta(seconds=1))
    sim.recognize("Entrance", "Unknown", now + timedelta(seconds=3))
    await async_refresh(hass, entry)

    assert fired.names("event.lobby_facespace_recognition") == ["Alice", "Bob"]
    entrance = hass.states.get("event.entrance_facespace_recognition")
    assert entrance.attributes["event_type"] == "unknown"
    assert entrance.attributes["camera"] == "Entrance"
    # The line from an hour before setup is history, not an event.
    assert "Zed" not in fired.names()

    count = len(fired.events)
    await async_refresh(hass, entry)  # the same minute is read again: nothing fires twice
    assert len(fired.events) == count

    assert hass.states.get("sensor.lobby_facespace_last_person_seen").state == "Bob"
    assert (
        hass.states.get("sensor.lobby_facespace_last_person_seen").attributes["seen_at"]
        == (now + timedelta(seconds=2)).isoformat()
    )
    assert hass.states.get("sensor.lobby_facespace_recognitions_today").state == "2"
    assert hass.states.get("sensor.lobby_facespace_people_in_view").state in ("1", "2")


async def test_restart_does_not_repeat_lines(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    now = dt_util.utcnow().replace(microsecond=0)
    simulators.facespace.recognize("Lobby", "Carol", now)
    await async_refresh(hass, entry)
    fired_at = hass.states.get("event.lobby_facespace_recognition").state
    # Unloading writes the cursor and the keys seen; the reloaded entry resumes from them.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await async_refresh(hass, entry)
    # The entity shows its restored last event; no new event fired for the same line.
    assert hass.states.get("event.lobby_facespace_recognition").state == fired_at
    assert hass.states.get("sensor.lobby_facespace_recognitions_today").state == "1"


async def test_malformed_line_does_not_lose_the_others(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulators: SimulatorStack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    simulators.facespace.add_raw_line("Lobby", "garbage")
    simulators.facespace.recognize("Lobby", "Dave")
    await async_refresh(hass, entry)
    assert hass.states.get("event.lobby_facespace_recognition").attributes["name"] == "Dave"
    assert "garbage" in caplog.text


async def test_no_camera_running_is_not_an_error(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    simulators.facespace.set_active(False)
    await async_refresh(hass, entry)
    state = hass.states.get("sensor.lobby_facespace_people_in_view")
    assert state.attributes["cameras_active"] is False
    assert state.state != "unavailable"


async def test_failure_and_refused_key(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    with patch("custom_components.sitewatch.providers.facespace.api.BACKOFF", 0):
        simulators.facespace.fail_next(503, count=3)
        await async_refresh(hass, entry)
    assert hass.states.get("sensor.lobby_facespace_people_in_view").state == "unavailable"
    await async_refresh(hass, entry)
    assert hass.states.get("sensor.lobby_facespace_people_in_view").state != "unavailable"
    simulators.facespace.settings.api_key = "rotated"
    await async_refresh(hass, entry)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"api_key": "rotated"}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.unique_id == ACCOUNT  # a new key of the same account
    await hass.async_block_till_done()


async def test_push_with_secret_or_key_and_dedup_with_polling(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry = await async_setup_simulator(hass, simulators.url, accept_push=True, push_secret=SECRET)
    fired = Fired(hass)
    url = str(ha_client.make_url(HOOK))
    sim = simulators.facespace
    sim.add_push_target(url, {"X-Sitewatch-Secret": SECRET, "x-api-key": "not-it"}, kind="logs")
    sim.add_push_target(url, kind="realtime")  # the client's own x-api-key is accepted
    line = sim.recognize("Parking", "Erin")
    async with asyncio.timeout(10):
        await sim.drain()
    await hass.async_block_till_done()
    assert fired.names("event.parking_facespace_recognition") == ["Erin"]
    assert line.startswith("Erin @ ")
    assert hass.states.get("sensor.parking_facespace_people_in_view").attributes["names"] == [
        "Erin"
    ]
    await async_refresh(hass, entry)  # the polled line is the pushed one: not fired again
    assert fired.names("event.parking_facespace_recognition") == ["Erin"]

    wrong = await ha_client.post(
        HOOK, json={"Parking": ["A"]}, headers={"X-Sitewatch-Secret": "no"}
    )
    assert wrong.status == HTTPStatus.UNAUTHORIZED
    for body in ({"Parking": "x"}, {"Parking": [1]}, {"Parking": ["junk @ nowhere"]}, ["a"]):
        response = await ha_client.post(HOOK, json=body, headers={"x-api-key": KEY})
        assert response.status == HTTPStatus.BAD_REQUEST, body


async def test_service_returns_logs_grouped_by_camera(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    day = dt_util.utcnow().date()
    simulators.facespace.recognize("Lobby", "Bob")
    response = await hass.services.async_call(
        DOMAIN,
        "get_recognition_logs",
        {"start": day.isoformat(), "camera": "Lobby"},
        blocking=True,
        return_response=True,
    )
    assert list(response["cameras"]) == ["Lobby"]
    assert response["cameras"]["Lobby"][-1]["name"] == "Bob"
    response = await hass.services.async_call(
        DOMAIN,
        "get_recognition_logs",
        {"config_entry_id": entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert "Entrance" in response["cameras"]  # no bounds: everything, Zed included
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "get_recognition_logs",
            {"start": "2026-11-23 10:00", "end": "2026-11-22"},
            blocking=True,
            return_response=True,
        )
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "get_recognition_logs",
            {"config_entry_id": "nope"},
            blocking=True,
            return_response=True,
        )
    simulators.facespace.fail_next(401)
    with pytest.raises(HomeAssistantError) as failed:
        await hass.services.async_call(
            DOMAIN, "get_recognition_logs", {}, blocking=True, return_response=True
        )
    assert not isinstance(failed.value, ServiceValidationError)  # FaceSpace failed, not the call
    assert failed.value.translation_key == "logs_failed"


async def test_options_and_reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "facespace_options"
    secret = result["description_placeholders"]["secret"]
    assert result["description_placeholders"]["webhook_url"].endswith(WEBHOOK_ID)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"scan_interval": 10, "accept_push": True}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {"scan_interval": 10, "accept_push": True, "push_secret": secret}
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.push is not None

    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "facespace_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "bad", "base_url": f"{simulators.url}/facespace"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": KEY, "base_url": f"{simulators.url}/facespace"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


async def test_diagnostics(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> None:
    diagnostics = await diagnostics_without(hass, hass_client, entry, KEY, WEBHOOK_ID)
    assert diagnostics["provider"]["accept_push"] is False
    assert STATE_UNKNOWN not in diagnostics["provider"]["cameras"]
