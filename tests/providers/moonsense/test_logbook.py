"""Moonsense session events read as sentences in Home Assistant's Logbook (issue 12).

Webhook bodies go to an entry whose client is mocked; the Logbook, with the recorder, is asked
as the frontend asks it. A bundle or a stored chunk (every few seconds per phone) gets no
sentence: only its event entity's own row.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.sitewatch.const import DOMAIN

from ...logbook import bus_events, sitewatch_rows
from .conftest import ACCOUNT, DEFAULT_ROOT, TOKEN, WEBHOOK_ID, add_entry, async_setup_entry

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("mock_client")]

SESSION = "nMEgqwMthVzFj6BuEmcqNM"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(with_recorder: None) -> None:
    """The recorder first (the Logbook reads it)."""


def _body(event_type: str, **fields: Any) -> dict[str, Any]:
    return {
        "project_id": "proj-one",
        "app_id": "app-one",
        "session_id": SESSION,
        "event_type": event_type,
        "session_labels": ["commute", "field-test"],
        "journey_id": "journey-delivery",
        **fields,
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_body("SESSION_CREATED"), f"Session {SESSION} started (labels: commute, field-test)"),
        (_body("SESSION_INACTIVE", session_labels=[]), f"Session {SESSION} ended"),
        (_body("CHUNK_PERSISTED"), None),
        (_body("FUTURE_THING"), f"Moonsense event FUTURE_THING in session {SESSION}"),
    ],
)
async def test_a_session_event_is_a_sentence_in_the_logbook(
    hass: HomeAssistant,
    logbook: None,
    ha_client: Any,
    hass_ws_client: WebSocketGenerator,
    entity_registry: er.EntityRegistry,
    body: dict[str, Any],
    message: str | None,
) -> None:
    """Its row is on the session event entity, as its sentence; no app or project id."""
    entry = add_entry(
        hass, root=DEFAULT_ROOT, webhook_id=WEBHOOK_ID, token=TOKEN, unique_id=ACCOUNT
    )
    await async_setup_entry(hass, entry)
    (entity_id,) = [
        registered.entity_id
        for registered in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if registered.domain == "event" and registered.translation_key == "session_event"
    ]
    fired = bus_events(hass)
    response = await ha_client.post(f"/api/webhook/{WEBHOOK_ID}", json=body)
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert hass.states.get(entity_id).attributes["session_id"] == SESSION
    rows = await sitewatch_rows(hass, hass_ws_client, entity_ids=[entity_id])
    if message is None:
        assert fired == []
        assert rows == []
        return
    (data,) = fired
    assert data["message"] == message
    assert data["entity_id"] == entity_id
    assert "app-one" not in str(data)
    assert "proj-one" not in str(data)
    assert [(row["message"], row["entity_id"], row["domain"]) for row in rows] == [
        (message, entity_id, DOMAIN)
    ]
