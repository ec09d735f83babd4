"""Entry version 1.3: an entry with the old ids arrives at the one id scheme, same entity ids."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.identity import account_digest
from custom_components.sitewatch.providers.comap import async_migrate_comap_identity_1_3
from custom_components.sitewatch.providers.comap.const import ValueGuid

from ...conftest import SimulatorStack

pytestmark = pytest.mark.integration

DIGEST = account_digest("demo")


@pytest.mark.parametrize(
    ("minor_version", "account"),
    [(1, "demo"), (2, DIGEST)],
    ids=["1.1 login id", "1.2 digest"],
)
async def test_old_ids_arrive_at_the_new_ones_with_the_same_entity_ids(
    hass: HomeAssistant,
    comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    minor_version: int,
    account: str,
) -> None:
    """Devices were the bare unit GUID; entity unique ids had the login id (1.1) or digest."""
    hass.config_entries.async_update_entry(
        comap_entry, unique_id=account, minor_version=minor_version
    )
    old_devices = {
        unit: device_registry.async_get_or_create(
            config_entry_id=comap_entry.entry_id, identifiers={(DOMAIN, unit)}, name=name
        )
        for unit, name in ((simulators.alpha, "Genset Alpha"), (simulators.beta, "Genset Beta"))
    }
    old_entities = {
        key: entity_registry.async_get_or_create(
            platform,
            DOMAIN,
            f"comap_{account}_{simulators.alpha}_{key}",
            config_entry=comap_entry,
            device_id=old_devices[simulators.alpha].id,
            suggested_object_id=f"my_{platform}",
        )
        for platform, key in (("sensor", ValueGuid.ACTUAL_POWER), ("button", "start"))
    }

    assert await hass.config_entries.async_setup(comap_entry.entry_id)
    await hass.async_block_till_done()

    assert (comap_entry.minor_version, comap_entry.unique_id) == (MINOR_VERSION, DIGEST)
    for unit, old in old_devices.items():
        device = device_registry.async_get(old.id)
        assert device is not None  # the same device: its history and automations stay
        assert device.identifiers == {(DOMAIN, f"comap_{DIGEST}_{unit}")}
    devices = dr.async_entries_for_config_entry(device_registry, comap_entry.entry_id)
    assert len(devices) == 2  # no new device beside the migrated ones
    for key, old in old_entities.items():
        entity = entity_registry.async_get(old.entity_id)
        assert entity is not None
        assert entity.unique_id == f"comap_{DIGEST}_{simulators.alpha}_{key}"
        assert entity.device_id == old.device_id
        assert hass.states.get(old.entity_id) is not None  # same entity id, now fed again
    assert hass.states.get("sensor.my_sensor").state == "0.0"


async def test_the_migration_is_idempotent(
    hass: HomeAssistant,
    loaded_comap_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Run again on an entry already at 1.3, the migration changes no id."""

    def ids() -> tuple[list[str], list[set[tuple[str, str]]]]:
        entry_id = loaded_comap_entry.entry_id
        return (
            sorted(
                e.unique_id for e in er.async_entries_for_config_entry(entity_registry, entry_id)
            ),
            [d.identifiers for d in dr.async_entries_for_config_entry(device_registry, entry_id)],
        )

    before = ids()
    await async_migrate_comap_identity_1_3(hass, loaded_comap_entry)
    assert ids() == before
    assert loaded_comap_entry.unique_id == DIGEST
