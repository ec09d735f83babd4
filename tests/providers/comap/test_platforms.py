"""Every ComAp platform with the client mocked at its boundary (answers from ``fixtures/``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from unittest.mock import AsyncMock, patch

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion
import yaml

import custom_components.sitewatch
from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers import PROVIDERS
from custom_components.sitewatch.providers.comap.entity import MANUFACTURER

from ...conftest import snapshot_entities
from .conftest import NORTH, async_get_history, genset_device_id

pytestmark = pytest.mark.usefixtures("mock_client")


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", PROVIDERS["comap"].platforms)
async def test_platform(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    """The entities of the fixture genset, one platform at a time."""
    with patch.dict(PROVIDERS, {"comap": replace(PROVIDERS["comap"], platforms=(platform,))}):
        await _setup(hass, mock_entry)
    snapshot_entities(hass, entity_registry, snapshot, mock_entry.entry_id)


async def test_device(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The genset device: ``comap_<account>_<unit GUID>``, model and serial from the API."""
    await _setup(hass, mock_entry)
    device = device_registry.async_get(genset_device_id(device_registry, mock_entry, NORTH))
    assert device is not None
    shown = {
        field: getattr(device, field)
        for field in (
            "identifiers",
            "manufacturer",
            "model",
            "name",
            "serial_number",
            "sw_version",
            "hw_version",
            "entry_type",
        )
    }
    assert shown == snapshot


async def test_generic_values_are_read_only_while_enabled(
    hass: HomeAssistant, mock_entry: MockConfigEntry, mock_client: AsyncMock
) -> None:
    """The first read asks for every value; later reads for those the entities need."""
    await _setup(hass, mock_entry)
    assert mock_client.values.await_args_list[0].args == (NORTH, None)
    await mock_entry.runtime_data.coordinator.async_refresh()
    asked = mock_client.values.await_args.args[1]
    assert "a1b2c3d4-0000-4000-8000-000000000001" not in asked  # oil pressure: disabled
    assert "ee83e7e9-7453-4e64-a5cb-c8c093fb2a2f" in asked  # actual power


async def test_button_select_and_action_send_commands(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    mock_client: AsyncMock,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Commands go to the genset's unit GUID; modes are sent as the API documents them."""
    await _setup(hass, mock_entry)
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.genset_north_fault_reset"},
        blocking=True,
    )
    mock_client.command.assert_awaited_with(NORTH, "faultReset", None)
    select = hass.states.get("select.genset_north_operating_mode")
    assert (select.state, select.attributes["options"]) == ("aut", ["off", "man", "aut"])
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: "select.genset_north_operating_mode", ATTR_OPTION: "man"},
        blocking=True,
    )
    mock_client.command.assert_awaited_with(NORTH, "changeMode", "man")
    device_id = genset_device_id(device_registry, mock_entry, NORTH)
    await hass.services.async_call(
        DOMAIN, "change_mode", {"device_id": device_id, "mode": "OFF"}, blocking=True
    )
    mock_client.command.assert_awaited_with(NORTH, "changeMode", "off")


async def test_get_history(
    hass: HomeAssistant, mock_entry: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    """The history of ``fixtures/history.json``, as the action returns it."""
    await _setup(hass, mock_entry)
    device_id = genset_device_id(device_registry, mock_entry, NORTH)
    response = await async_get_history(hass, device_id, "actual_power", "2026-11-20", "2026-11-20")
    assert response == {
        "gensets": [
            {
                "device_id": device_id,
                "name": "Genset North",
                "value_guid": "ee83e7e9-7453-4e64-a5cb-c8c093fb2a2f",
                "value_name": "Actual power",
                "unit": "kW",
                "history": [
                    {
                        "value": "0",
                        "valid_from": "2026-11-20T00:00:00+00:00",
                        "valid_to": "2026-11-20T06:00:00+00:00",
                    },
                    {
                        "value": "412.5",
                        "valid_from": "2026-11-20T06:00:00+00:00",
                        "valid_to": "2026-11-20T18:00:00+00:00",
                    },
                ],
            }
        ]
    }


def test_genset_actions_offer_only_comap_devices() -> None:
    """The device picker of every genset action lists the devices ComAp made, no camera."""
    services = yaml.safe_load(
        (Path(custom_components.sitewatch.__file__).parent / "services.yaml").read_text()
    )
    for action in (
        "start",
        "stop",
        "fault_reset",
        "change_mode",
        "get_history",
        "toggle_mcb",
        "toggle_gcb",
        "get_comments",
        "list_files",
        "download_file",
    ):
        device_filter = services[action]["target"]["device"]
        assert device_filter == {"integration": DOMAIN, "manufacturer": MANUFACTURER}, action
