"""Moonsense entries with the client mocked: the config flow's ids and title, the 1.3 migration."""

from __future__ import annotations

from unittest.mock import MagicMock

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.flow import neutral_title
from custom_components.sitewatch.identity import account_digest
from custom_components.sitewatch.providers.moonsense import (
    MERGED_READINGS,
    async_migrate_moonsense_identity_1_3,
)

from ...conftest import device_by_identifier, provider_form
from .conftest import ACCOUNT, WEBHOOK_ID, add_entry, async_setup_entry

OLD = "proj-one/app-one"
"""The entry's unique id before 1.3: ``<project_id>/<app_id>`` of the fixtures' token."""
OLD_ENTITIES = {
    "sensor.moonsense_app_one_sessions_today": "sessions_today",
    "sensor.moonsense_app_one_battery": "battery_level",
    "sensor.moonsense_app_one_atmospheric_pressure": "pressure",
    "event.moonsense_app_one_session": "session_event",
    "device_tracker.moonsense_app_one_location": "location",
}
"""Entity ids of an entry made before 1.3, and their keys (unique id ``<OLD>_<key>``)."""


async def _add_flow(hass: HomeAssistant) -> dict[str, object]:
    return await hass.config_entries.flow.async_configure(
        await provider_form(hass, "moonsense"),
        {"token": "t", "root_domain": "moonsense.cloud", "region": "r1.gcp"},
    )


async def test_flow_names_the_app_by_a_digest_and_a_neutral_title(
    hass: HomeAssistant, mock_client: MagicMock
) -> None:
    result = await _add_flow(hass)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == ACCOUNT == account_digest(OLD)
    assert result["title"] == "Moonsense"
    assert "app-one" not in repr(result["result"].as_dict())
    await hass.async_block_till_done()
    assert (await _add_flow(hass))["reason"] == "already_configured"

    mock_client.whoami.return_value = {"project_id": "proj-one", "app_id": "app-two"}
    result = await _add_flow(hass)
    assert result["result"].unique_id == account_digest("proj-one/app-two")
    assert result["title"] == "Moonsense 2"


def test_neutral_title_numbers_taken_titles() -> None:
    assert neutral_title("Moonsense", set()) == "Moonsense"
    assert neutral_title("Moonsense", {"Moonsense", "Moonsense 2", "Moonsense 4"}) == "Moonsense 3"


def _old_entry(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    *,
    title: str = "Moonsense app-one",
    minor_version: int = 2,
) -> MockConfigEntry:
    """An entry as Sitewatch made it before 1.3, with its device and entities registered."""
    entry = add_entry(hass, root="moonsense.cloud", webhook_id=WEBHOOK_ID, unique_id=OLD)
    hass.config_entries.async_update_entry(entry, title=title, minor_version=minor_version)
    device = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, f"moonsense_{OLD}")}
    )
    for entity_id, key in OLD_ENTITIES.items():
        domain, object_id = entity_id.split(".")
        entity_registry.async_get_or_create(
            domain,
            DOMAIN,
            f"{OLD}_{key}",
            suggested_object_id=object_id,
            config_entry=entry,
            device_id=device.id,
        )
    return entry


@pytest.mark.usefixtures("mock_client")
@pytest.mark.parametrize("minor_version", [1, 2])
async def test_old_ids_arrive_at_the_new_ones_with_the_same_entity_ids(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    minor_version: int,
) -> None:
    entry = _old_entry(hass, entity_registry, device_registry, minor_version=minor_version)
    await async_setup_entry(hass, entry)

    assert entry.state is ConfigEntryState.LOADED
    assert (entry.unique_id, entry.minor_version) == (ACCOUNT, MINOR_VERSION)
    assert entry.title == "Moonsense"
    for entity_id, key in OLD_ENTITIES.items():
        registered = entity_registry.async_get(entity_id)
        if key in MERGED_READINGS:
            # Readings merged from every phone are gone: each phone has its own now.
            assert registered is None
            continue
        assert registered is not None
        assert registered.unique_id == f"moonsense_{ACCOUNT}_app_{key}"
        assert hass.states.get(entity_id) is not None
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    app = [
        entity for entity in entities if entity.unique_id.startswith(f"moonsense_{ACCOUNT}_app_")
    ]
    assert len(app) == 4  # 3 session sensors and the session event: no second copy of them
    assert all(
        entity.unique_id.startswith(f"moonsense_{ACCOUNT}_phone_")
        for entity in entities
        if entity not in app
    )
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    (device,) = (device for device in devices if device.via_device_id is None)
    assert device.identifiers == {(DOMAIN, f"moonsense_{ACCOUNT}_app")}
    assert device.name == "Moonsense"
    assert sorted(phone.name for phone in devices if phone.via_device_id == device.id) == [
        "Pixel 7",
        "iPhone14,2",
    ]


async def test_migration_keeps_a_chosen_title_and_runs_again_harmlessly(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, device_registry: dr.DeviceRegistry
) -> None:
    entry = _old_entry(hass, entity_registry, device_registry, title="Phones")
    await async_migrate_moonsense_identity_1_3(hass, entry)
    migrated = {entity.entity_id: entity.unique_id for entity in entity_registry.entities.values()}
    await async_migrate_moonsense_identity_1_3(hass, entry)

    assert entry.title == "Phones"
    assert entry.unique_id == ACCOUNT
    assert migrated == {
        entity_id: f"moonsense_{ACCOUNT}_app_{key}" for entity_id, key in OLD_ENTITIES.items()
    }
    assert {entity.entity_id: entity.unique_id for entity in entity_registry.entities.values()} == (
        migrated
    )
    assert device_by_identifier(device_registry, entry, (DOMAIN, f"moonsense_{ACCOUNT}_app"))


async def test_migration_numbers_the_title_when_another_entry_has_it(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, device_registry: dr.DeviceRegistry
) -> None:
    MockConfigEntry(domain=DOMAIN, title="Moonsense").add_to_hass(hass)
    entry = _old_entry(hass, entity_registry, device_registry)
    await async_migrate_moonsense_identity_1_3(hass, entry)
    assert entry.title == "Moonsense 2"
