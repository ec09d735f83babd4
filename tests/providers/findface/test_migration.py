"""Entry 1.3: the old FindFace ids arrive at the one id scheme with the same entity ids."""

from __future__ import annotations

from unittest.mock import AsyncMock

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.providers.findface import async_migrate_findface_identity_1_3
from custom_components.sitewatch.providers.findface.config_flow import server_id

from .common import ENTRY_ID, SERVER_URL, config_entry

ACCOUNT = "3419070960f9d1cc"
"""The digest of ``https://findface.example:8443`` (``server_account``)."""
OLD_ENTITIES = (
    # platform, old unique id, entity id, new unique id
    ("event", f"{ENTRY_ID}_camera_1_face_event", "event.gate_face", "camera_1_face_event"),
    ("sensor", f"{ENTRY_ID}_camera_2_faces_counted", "sensor.dock_faces", "camera_2_faces_counted"),
    (
        "binary_sensor",
        f"{ENTRY_ID}_camera_1_connectivity",
        "binary_sensor.gate",
        "camera_1_connectivity",
    ),
    ("event", f"{ENTRY_ID}_area_4", "event.bay", "server_area_4"),
)


@pytest.mark.parametrize("minor_version", [1, 2])
async def test_old_ids_arrive_at_the_new_ones(
    hass: HomeAssistant,
    mock_findface_client: AsyncMock,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    minor_version: int,
) -> None:
    entry = config_entry(SERVER_URL, unique_id=server_id(SERVER_URL), minor_version=minor_version)
    entry.add_to_hass(hass)
    devices = {
        old: device_registry.async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={(DOMAIN, old)}
        ).id
        for old in (f"findface_{ENTRY_ID}", f"findface_{ENTRY_ID}_camera_1")
    }
    for platform, old, entity_id, _ in OLD_ENTITIES:
        entity_registry.async_get_or_create(
            platform,
            DOMAIN,
            old,
            suggested_object_id=entity_id.split(".")[1],
            config_entry=entry,
        )

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert entry.minor_version == MINOR_VERSION
    assert entry.unique_id == ACCOUNT
    for platform, _, entity_id, new in OLD_ENTITIES:
        assert entity_registry.async_get_entity_id(
            platform, DOMAIN, f"findface_{ACCOUNT}_{new}"
        ) == (entity_id)
    registered = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert not [entity for entity in registered if entity.unique_id.startswith(ENTRY_ID)]
    # no entity created twice under a new id (and 4 of the one counter, new: Dock occupancy;
    # the cameras' Location trackers are new too)
    assert len(registered) == 2 * 14 + 1 + 4
    assert {
        device_id: device_registry.async_get(device_id).identifiers  # type: ignore[union-attr]
        for device_id in devices.values()
    } == {
        devices[f"findface_{ENTRY_ID}"]: {(DOMAIN, f"findface_{ACCOUNT}_server")},
        devices[f"findface_{ENTRY_ID}_camera_1"]: {(DOMAIN, f"findface_{ACCOUNT}_camera_1")},
    }

    assert len(dr.async_entries_for_config_entry(device_registry, entry.entry_id)) == 3

    before = {entity.entity_id: entity.unique_id for entity in registered}
    await async_migrate_findface_identity_1_3(hass, entry)  # again: nothing changes
    after = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert {entity.entity_id: entity.unique_id for entity in after} == before
    assert entry.unique_id == ACCOUNT
