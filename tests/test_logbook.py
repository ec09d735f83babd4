"""The Logbook platform reads ``sitewatch_event`` rows back from the database as untrusted."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.entity import EVENT_SITEWATCH

from .logbook import sitewatch_rows

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(with_recorder: None) -> None:
    """The recorder first (the Logbook reads it)."""


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            {"entity_id": "event.gate", "event_type": "matched", "message": "Alice at Gate"},
            "Gate face",
            "Alice at Gate",
        ),
        (
            {"entity_id": "event.gate", "event_type": "matched", "message": 5},
            "Gate face",
            "matched",
        ),
        ({"entity_id": "event.gone", "message": "x" * 1000}, "Sitewatch", "x" * 254 + "…"),
        ({"entity_id": ["event.gate"], "message": "\x00\u2028"}, "Sitewatch", "event"),
    ],
)
async def test_rows_of_odd_data_are_bounded_with_fallbacks(
    hass: HomeAssistant,
    logbook: None,
    hass_ws_client: WebSocketGenerator,
    data: dict[str, Any],
    name: str,
    message: str,
) -> None:
    """A sentence that is not text falls back to the event type; a gone entity to Sitewatch."""
    assert await async_setup_component(hass, DOMAIN, {})
    hass.states.async_set("event.gate", "unknown", {"friendly_name": "Gate face"})
    hass.bus.async_fire(EVENT_SITEWATCH, data)
    (row,) = await sitewatch_rows(hass, hass_ws_client)
    assert row["name"] == name
    assert row["message"] == message
