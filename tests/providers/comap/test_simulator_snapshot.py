"""Every ComAp entity against the simulator: entity id, unique id, state, attributes, device.

Pinned before the package was reshaped (issue 10): across the refactor only unique ids and
device identifiers may change in this snapshot.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from ...conftest import every_entity

pytestmark = pytest.mark.integration


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_every_entity(
    hass: HomeAssistant,
    loaded_comap_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The simulator's two gensets, every entity enabled (generic sensors included)."""
    shown = every_entity(hass, loaded_comap_entry.entry_id)
    assert len(shown) > 80
    assert shown == snapshot
