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

from ...conftest import _plain

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
    entities = er.async_entries_for_config_entry(entity_registry, loaded_comap_entry.entry_id)
    shown: dict[str, object] = {}
    for entity in sorted(entities, key=lambda entity: entity.entity_id):
        state = hass.states.get(entity.entity_id)
        assert state is not None, entity.entity_id
        assert entity.device_id is not None
        device = device_registry.async_get(entity.device_id)
        assert device is not None
        shown[entity.entity_id] = {
            "unique_id": entity.unique_id,
            "device_identifiers": sorted(device.identifiers),
            "device_name": device.name,
            "state": state.state,
            "attributes": _plain(dict(state.attributes)),
        }
    assert len(shown) > 80
    assert shown == snapshot
