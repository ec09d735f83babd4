"""Every Camlytics entity on the standard simulator fixture, pinned by a snapshot.

Entity id, unique id, state, attributes and the device (identifiers, name, model, parent) of
each entity; times that depend on when the test runs are replaced by a marker.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from ...conftest import _plain

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("fast_limiter")]


def _device(
    device_registry: dr.DeviceRegistry, device_id: str | None, entry_id: str
) -> dict[str, Any] | None:
    """The device's identifiers (the random entry id as ``<entry_id>``), name, model, parent."""
    device = device_registry.async_get(device_id) if device_id else None
    if device is None:
        return None
    return {
        "identifiers": [
            [domain, identifier.replace(entry_id, "<entry_id>")]
            for domain, identifier in sorted(device.identifiers)
        ],
        "name": device.name,
        "manufacturer": device.manufacturer,
        "model": device.model,
        "via_device": _device(device_registry, device.via_device_id, entry_id),
    }


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
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert len(entities) > 20
    shown: dict[str, Any] = {}
    for entity in sorted(entities, key=lambda entity: entity.entity_id):
        state = hass.states.get(entity.entity_id)
        assert state is not None
        shown[entity.entity_id] = {
            "unique_id": entity.unique_id,
            "translation_key": entity.translation_key,
            "capabilities": _plain(entity.capabilities),
            "state": _timeless(state.state),
            "attributes": _timeless(_plain(state.attributes)),
            "device": _device(device_registry, entity.device_id, entry.entry_id),
        }
    assert shown == snapshot
