"""Every FindFace entity against the simulator: entity id, unique id, state, device identifiers.

Taken before the package was reshaped (issue 10) and kept after it: between the two, only the
unique ids and device identifiers may change (the entry's account appears as ``<account>``).
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

pytestmark = [
    pytest.mark.integration,
    pytest.mark.usefixtures("entity_registry_enabled_by_default"),
]


def _account_free(value: Any, entry: MockConfigEntry) -> Any:
    """``value`` with the entry's unique id (a digest of the server's address) as ``<account>``."""
    if isinstance(value, str):
        return value.replace(str(entry.unique_id), "<account>")
    if isinstance(value, (list, tuple)):
        return [_account_free(item, entry) for item in value]
    return value


async def test_every_entity_and_device(
    hass: HomeAssistant,
    findface_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    devices = {
        device.id: device
        for device in dr.async_entries_for_config_entry(device_registry, findface_entry.entry_id)
    }

    def identifiers(device_id: str | None) -> list[Any]:
        if device_id is None:
            return []
        return sorted(
            _account_free(list(identifier), findface_entry)
            for identifier in devices[device_id].identifiers
        )

    shown: dict[str, Any] = {
        "devices": sorted(
            (
                {
                    "name": device.name,
                    "identifiers": identifiers(device.id),
                    "via": identifiers(device.via_device_id),
                    "manufacturer": device.manufacturer,
                    "model": device.model,
                }
                for device in devices.values()
            ),
            key=lambda device: str(device["name"]),
        )
    }
    for entity in sorted(
        er.async_entries_for_config_entry(entity_registry, findface_entry.entry_id),
        key=lambda entity: entity.entity_id,
    ):
        state = hass.states.get(entity.entity_id)
        assert state is not None, entity.entity_id
        shown[entity.entity_id] = {
            "unique_id": _account_free(entity.unique_id, findface_entry),
            "device": identifiers(entity.device_id),
            "state": state.state,
            "attributes": dict(sorted(state.attributes.items())),
        }
    assert len(shown) > 1
    assert shown == snapshot
