"""Every Camlytics entity on the standard simulator fixture, pinned by a snapshot.

Entity id, unique id, state, attributes and the device (identifiers, name, model, parent) of
each entity; times that depend on when the test runs are replaced by a marker.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from ...conftest import every_entity

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("fast_limiter")]


def _timeless(value: Any) -> Any:
    """``value`` with ISO times replaced by ``<time>`` (they depend on when the test runs)."""
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return value
        return "<time>"
    if isinstance(value, dict):
        return {key: _timeless(item) for key, item in value.items()}
    return value


async def test_every_entity(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    shown = {
        entity_id: {
            **entity,
            "state": _timeless(entity["state"]),
            "attributes": _timeless(entity["attributes"]),
        }
        for entity_id, entity in every_entity(hass, entry.entry_id).items()
    }
    assert len(shown) > 20
    assert shown == snapshot
