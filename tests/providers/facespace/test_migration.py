"""Entry version 1.3: FaceSpace's old ids arrive at the one scheme; entity ids stay."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest.mock import AsyncMock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.presence import PEOPLE_DEVICE
from custom_components.sitewatch.providers.facespace import (
    async_migrate_facespace_identity_1_3,
)
from custom_components.sitewatch.providers.facespace.event import RECOGNITION
from custom_components.sitewatch.providers.facespace.sensor import SENSORS

from .conftest import (
    ACCOUNT,
    ACCOUNT_DEVICE,
    ENTRY_ID,
    async_setup,
    camera_device,
    facespace_entry,
)

CAMERAS = ("Camera1", "Camera2")
KEYS = {
    "event": (RECOGNITION.key,),
    "sensor": tuple(description.key for description in SENSORS),
}
"""The key of every entity of a camera, by platform (from the descriptions themselves)."""
RENAMED = "sensor.front_door_who"
"""A user's own entity id for Camera1's last person seen: it must survive the migration."""


def _register_old_ids(
    hass: HomeAssistant, entry_id: str, entity_registry: er.EntityRegistry
) -> dict[str, str]:
    """Devices and entities as Sitewatch before 1.3 registered them; new unique id → entity id."""
    device_registry = dr.async_get(hass)
    expected: dict[str, str] = {}
    for camera in CAMERAS:
        device = device_registry.async_get_or_create(
            config_entry_id=entry_id,
            identifiers={(DOMAIN, f"facespace_{entry_id}_{camera}")},
            name=camera,
        )
        for domain, keys in KEYS.items():
            for key in keys:
                registered = entity_registry.async_get_or_create(
                    domain,
                    DOMAIN,
                    f"{entry_id}_{camera}_{key}",
                    config_entry=hass.config_entries.async_get_entry(entry_id),
                    device_id=device.id,
                    suggested_object_id=f"{camera.lower()}_old_{key}",
                )
                entity_id = registered.entity_id
                if (camera, key) == ("Camera1", "last_seen"):
                    entity_id = entity_registry.async_update_entity(
                        entity_id, new_entity_id=RENAMED
                    ).entity_id
                expected[f"facespace_{ACCOUNT}_camera_{camera}_{key}"] = entity_id
    return expected


@pytest.mark.parametrize("minor_version", [1, 2])
async def test_old_ids_arrive_at_the_new_ones(
    hass: HomeAssistant,
    mock_client: AsyncMock,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    minor_version: int,
) -> None:
    """Every entity keeps its entity id (and so its history); no entity or device is added."""
    freezer.move_to(datetime(2023, 10, 24, 9, 0, tzinfo=UTC))
    entry = facespace_entry(hass, minor_version=minor_version)
    expected = _register_old_ids(hass, ENTRY_ID, entity_registry)

    await async_setup(hass, entry)

    assert entry.minor_version == MINOR_VERSION
    assert entry.unique_id == ACCOUNT
    registered = [  # the persons' entities (presence) are new, and not the migration's
        entity
        for entity in er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
        if not entity.unique_id.startswith(f"{PEOPLE_DEVICE}_")
    ]
    assert {entity.unique_id: entity.entity_id for entity in registered} == expected
    assert all(hass.states.get(entity_id) is not None for entity_id in expected.values())
    assert hass.states.get(RENAMED).attributes["seen_at"] == "2023-10-24T09:00:20+00:00"
    devices = dr.async_entries_for_config_entry(device_registry, ENTRY_ID)
    assert sorted(identifier for device in devices for identifier in device.identifiers) == [
        (DOMAIN, ACCOUNT_DEVICE),  # new with the cameras' names (issue 12): their parent
        *((DOMAIN, camera_device(camera)) for camera in CAMERAS),
        (DOMAIN, PEOPLE_DEVICE),  # new with presence (issue 12): Alice and Dana in view
    ]


async def test_migration_is_idempotent(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, device_registry: dr.DeviceRegistry
) -> None:
    """Run again, it changes nothing; the entry's unique id (the first key's digest) stays."""
    entry = facespace_entry(hass, minor_version=2)
    hass.config_entries.async_update_entry(entry, data={**entry.data, "api_key": "a-new-key"})
    expected = _register_old_ids(hass, ENTRY_ID, entity_registry)

    for _ in range(2):
        await async_migrate_facespace_identity_1_3(hass, entry)
        assert entry.unique_id == ACCOUNT
        registered = er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
        assert {entity.unique_id: entity.entity_id for entity in registered} == expected
        devices = dr.async_entries_for_config_entry(device_registry, ENTRY_ID)
        assert {identifier for device in devices for _, identifier in device.identifiers} == {
            camera_device(camera) for camera in CAMERAS
        }


def test_camera_names_cannot_make_two_ids_equal() -> None:
    """A name is kept in the id: no key of a platform ends in ``_<another key>`` of it."""
    for keys in KEYS.values():
        assert not [(a, b) for a in keys for b in keys if a != b and a.endswith(f"_{b}")]
