"""Every FindFace entity against the simulator: entity id, unique id, state, device identifiers.

Taken before the package was reshaped (issue 10) and kept after it: between the two, only the
unique ids and device identifiers may change (the entry's account appears as ``<account>``).
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from ...conftest import every_entity

pytestmark = [
    pytest.mark.integration,
    pytest.mark.usefixtures("entity_registry_enabled_by_default"),
]


async def test_every_entity_and_device(
    hass: HomeAssistant,
    findface_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    shown = every_entity(hass, findface_entry.entry_id)
    assert len(shown) > 1
    assert shown == snapshot
