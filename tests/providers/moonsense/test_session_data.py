"""The ``get_moonsense_session_data`` action: a session's chunks read, summarised and bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

import aiohttp
from aioresponses import aioresponses
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.moonsense.api import MoonsenseClient
from custom_components.sitewatch.providers.moonsense.services import (
    SERVICE_GET_SESSION_DATA,
    read_session_data,
)

from ...conftest import SimulatorStack
from .conftest import add_entry, async_setup_entry

pytestmark = pytest.mark.integration

WEBHOOK_ID = "moonsense-session-data"
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def _call(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, SERVICE_GET_SESSION_DATA, data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


@pytest.fixture
async def entry(hass: HomeAssistant, simulators: SimulatorStack) -> MockConfigEntry:
    return await async_setup_entry(
        hass, add_entry(hass, root=f"{simulators.url}/moonsense", webhook_id=WEBHOOK_ID)
    )


@pytest.fixture
def recorded(simulators: SimulatorStack) -> str:
    """A session of the Pixel with six bundles a minute apart, in two chunks of three."""
    sim = simulators.moonsense
    session_id = sim.create_session(labels=("commute",), phone=2, region="europe-west1.gcp")
    for minute in range(6):
        sim.send_bundle(
            session_id,
            when=START + timedelta(minutes=minute),
            battery=(90 - minute, "DISCHARGING"),
            heart_rate=70 + minute,
            steps=10,
            pointer=1,
        )
        if minute in (2, 5):
            sim.persist_chunk(session_id)
    sim.plant_bad_line(session_id, sim.chunk_ids(session_id)[0], "{not json")
    return session_id


async def test_summary_and_bundles_of_a_session(
    hass: HomeAssistant, entry: MockConfigEntry, recorded: str
) -> None:
    response = await _call(hass, session_id=recorded)
    assert response["session"] == {
        "session_id": recorded,
        "platform": "android",
        "model": "Pixel 7",
        "labels": ["commute"],
        "journey_id": None,
        "created_at": response["session"]["created_at"],
        "region": "europe-west1.gcp",
    }
    summary = response["summary"]
    assert summary["bundles"] == 6
    assert summary["battery_level"] == {"min": 85, "max": 90, "mean": 87.5}
    assert summary["heart_rate"]["max"] == 75
    assert (summary["steps_total"], summary["pointer_events_total"]) == (60, 6)
    assert summary["first"] == START.isoformat()
    assert response["chunks_read"] == 2
    assert response["malformed_lines"] == 1
    assert response["truncated"] is False
    assert [bundle["battery_level"] for bundle in response["bundles"]] == [90, 89, 88, 87, 86, 85]
    # No account or install id in the answer.
    text = str(response)
    assert "app-demo" not in text
    assert "install" not in text
    assert "proj-demo" not in text


async def test_a_period_and_the_bounds(
    hass: HomeAssistant, entry: MockConfigEntry, recorded: str
) -> None:
    response = await _call(
        hass,
        session_id=recorded,
        start=START + timedelta(minutes=1),
        end=START + timedelta(minutes=3),
        max_bundles=2,
    )
    assert response["summary"]["bundles"] == 3
    assert [bundle["heart_rate"] for bundle in response["bundles"]] == [71, 72]
    assert response["truncated"] is True

    with patch("custom_components.sitewatch.providers.moonsense.services.MAX_CHUNKS", 1):
        response = await _call(hass, session_id=recorded)
    assert (response["chunks_read"], response["truncated"]) == (1, True)
    assert response["summary"]["bundles"] == 3

    with pytest.raises(vol_error()):
        await _call(hass, session_id=recorded, max_bundles=501)


def vol_error() -> type[Exception]:
    """The error an action's schema raises for a value out of bounds."""
    import voluptuous as vol

    return vol.Invalid


@pytest.mark.parametrize(
    ("data", "error", "key"),
    [
        ({"session_id": "nope"}, ServiceValidationError, "moonsense_session_not_found"),
        (
            {"session_id": "x", "start": "2026-11-23 12:00", "end": "2026-11-23 11:00"},
            ServiceValidationError,
            "invalid_date_range",
        ),
        (
            {"session_id": "x", "config_entry_id": "other"},
            ServiceValidationError,
            "moonsense_entry_required",
        ),
    ],
)
async def test_wrong_calls_are_translated(
    hass: HomeAssistant, entry: MockConfigEntry, data: dict[str, Any], error: type, key: str
) -> None:
    with pytest.raises(error) as raised:
        await _call(hass, **data)
    assert raised.value.translation_key == key


async def test_service_failures_are_translated(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack, recorded: str
) -> None:
    simulators.moonsense.fail_next(503, count=1)
    with pytest.raises(HomeAssistantError) as raised:
        await _call(hass, session_id=recorded)
    assert raised.value.translation_key == "moonsense_session_data_failed"
    simulators.moonsense.fail_next(401, count=1)
    with pytest.raises(HomeAssistantError) as raised:
        await _call(hass, session_id=recorded)
    assert raised.value.translation_key == "moonsense_auth_failed"
    # And it works again afterwards.
    assert (await _call(hass, session_id=recorded))["summary"]["bundles"] == 6


@pytest.mark.parametrize(
    ("session_region", "plane"),
    [(None, "europe-west1.gcp"), ("us-central1.gcp", "us-central1.gcp")],
)
async def test_the_region_option_is_the_data_plane_of_sessions_naming_none(
    session_region: str | None, plane: str
) -> None:
    """Chunks are read on the session's region, else on the entry's region (the client's)."""
    base = "http://sim.test/moonsense"
    session = {"session_id": "s1", "metadata": {"platform": "ios"}}
    if session_region:
        session["region_id"] = session_region
    async with aiohttp.ClientSession() as http:
        client = MoonsenseClient(http, "t", root=base, default_region="europe-west1.gcp")
        with aioresponses() as mock:
            mock.get(f"{base}/v2/sessions/s1?view=minimal", payload=session)
            mock.get(
                f"{base}/data/{plane}/v2/sessions/s1/chunks?page=1&per_page=50",
                payload={"chunks": [{"chunk_id": "c1"}]},
            )
            mock.get(
                f"{base}/data/{plane}/v2/sessions/s1/chunks/c1",
                body=b'{"bundle": {"steps_data": [{"count": 5}]}}\n',
            )
            response = await read_session_data(client, "s1", None, None, 10)
    assert response["session"]["region"] == plane
    assert response["summary"]["steps_total"] == 5


async def test_the_entry_region_reaches_the_client(
    hass: HomeAssistant, simulators: SimulatorStack
) -> None:
    entry = add_entry(hass, root=f"{simulators.url}/moonsense", webhook_id=WEBHOOK_ID)
    hass.config_entries.async_update_entry(entry, data={**entry.data, "region": "europe-west1.gcp"})
    await async_setup_entry(hass, entry)
    client = entry.runtime_data.coordinator.client
    assert client.data_url() == f"{simulators.url}/moonsense/data/europe-west1.gcp"
