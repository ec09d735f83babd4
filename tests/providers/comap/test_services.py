"""Sitewatch actions targeting genset devices."""

from __future__ import annotations

from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.comap.api import ComapClient

from ...conftest import SimulatorStack, async_tick
from .conftest import async_get_history

pytestmark = pytest.mark.integration

ALPHA = "sensor.genset_alpha"


async def test_start_stop_and_fault_reset(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    alpha: str,
    beta: str,
    simulators: SimulatorStack,
) -> None:
    await hass.services.async_call(DOMAIN, "start", {"device_id": [alpha, beta]}, blocking=True)
    simulators.clock.advance(30)
    await async_tick(hass, freezer, 60)
    assert hass.states.get(f"{ALPHA}_engine_speed").state == "1500"
    assert hass.states.get("sensor.genset_beta_engine_speed").state == "1500"

    await hass.services.async_call(DOMAIN, "stop", {"device_id": alpha}, blocking=True)
    simulators.clock.advance(30)
    await async_tick(hass, freezer, 60)
    assert hass.states.get(f"{ALPHA}_engine_speed").state == "0"

    assert hass.states.get("sensor.genset_beta_alarms").state == "1"
    await hass.services.async_call(DOMAIN, "fault_reset", {"device_id": beta}, blocking=True)
    await async_tick(hass, freezer, 11)  # the requested refresh waits out the debouncer
    assert hass.states.get("sensor.genset_beta_alarms").state == "0"


async def test_command_refused_by_the_controller(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack
) -> None:
    await hass.services.async_call(
        DOMAIN, "change_mode", {"device_id": alpha, "mode": "off"}, blocking=True
    )
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(DOMAIN, "start", {"device_id": alpha}, blocking=True)
    assert err.value.translation_key == "command_not_confirmed"


@pytest.mark.parametrize(("mode", "expected"), [("AUTO", "aut"), ("test", "test")])
async def test_change_mode(hass: HomeAssistant, alpha: str, mode: str, expected: str) -> None:
    await hass.services.async_call(
        DOMAIN, "change_mode", {"device_id": alpha, "mode": mode}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(f"{ALPHA}_mode").state == expected


@pytest.mark.parametrize("mode", ["turbo", "x" * 300])
async def test_change_mode_rejects_unknown_mode(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack, mode: str
) -> None:
    """A mode the API does not document is refused before anything is sent."""
    simulators.simulator.reset_stats()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "change_mode", {"device_id": alpha, "mode": mode}, blocking=True
        )
    assert err.value.translation_key == "invalid_mode"
    assert simulators.simulator.stats()["by_call"]["command"] == 0


async def test_get_history(hass: HomeAssistant, alpha: str) -> None:
    response = await async_get_history(hass, alpha, "actual_power", "2026-11-20", "2026-11-21")
    (genset,) = response["gensets"]
    assert genset["device_id"] == alpha
    assert genset["name"] == "Genset Alpha"
    assert genset["value_guid"] == "ee83e7e9-7453-4e64-a5cb-c8c093fb2a2f"
    assert genset["unit"] == "kW"
    assert len(genset["history"]) == 48
    first = genset["history"][0]
    assert first["valid_from"] == "2026-11-20T00:00:00+00:00"
    assert float(first["value"]) >= 0


async def test_get_history_errors(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await async_get_history(hass, alpha, "rpm", "2026-11-21", "2026-11-20")
    assert err.value.translation_key == "invalid_date_range"

    simulators.simulator.fail_next(500)
    with pytest.raises(HomeAssistantError) as err:
        await async_get_history(hass, alpha, "rpm", "2026-11-20", "2026-11-21")
    assert err.value.translation_key == "history_failed"


async def test_unknown_device(hass: HomeAssistant, loaded_comap_entry: MockConfigEntry) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "start", {"device_id": "nope"}, blocking=True)
    assert err.value.translation_key == "invalid_device"


async def test_device_of_another_integration(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    device = device_registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "stop", {"device_id": device.id}, blocking=True)
    assert err.value.translation_key == "invalid_device"


async def test_device_of_another_sitewatch_provider(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    """A camera is no genset: ``invalid_device`` naming it, not ``entry_not_loaded``."""
    findface = MockConfigEntry(domain=DOMAIN, unique_id="f" * 16, data={"provider": "findface"})
    findface.add_to_hass(hass)
    camera = device_registry.async_get_or_create(
        config_entry_id=findface.entry_id,
        identifiers={(DOMAIN, f"findface_{'f' * 16}_camera_1")},
        name="Entrance",
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "start", {"device_id": camera.id}, blocking=True)
    assert err.value.translation_key == "invalid_device"
    assert err.value.translation_placeholders == {"device_id": "Entrance"}


async def test_entry_not_loaded(
    hass: HomeAssistant, alpha: str, loaded_comap_entry: MockConfigEntry
) -> None:
    await hass.config_entries.async_unload(loaded_comap_entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "start", {"device_id": alpha}, blocking=True)
    assert err.value.translation_key == "entry_not_loaded"


async def test_get_history_bounds_what_the_api_sends(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack
) -> None:
    hostile = {
        "values": [
            {
                "valueGuid": "ee83e7e9-7453-4e64-a5cb-c8c093fb2a2f",
                "name": "n" * 500,
                "unit": {"nested": "unit"},
                "history": [
                    {"value": "v" * 400, "validFrom": "1968-01-01T00:00:00Z", "validTo": 5},
                    {"value": float("nan"), "validFrom": "2026-11-20T00:00:00Z"},
                    "not an entry",
                    {"value": 10**300, "validTo": "2068-01-01T00:00:00Z"},
                ],
            },
            {"valueGuid": {"not": "an id"}},
        ]
    }

    async def wsv(self: ComapClient, method: str, path: str, **kwargs: object) -> object:
        return hostile

    with patch.object(ComapClient, "_wsv", wsv):
        response = await async_get_history(hass, alpha, "actual_power", "2026-11-20", "2026-11-21")
    (genset,) = response["gensets"]
    assert len(genset["value_name"]) == 100
    assert genset["unit"] is None
    assert genset["history"] == [
        {"value": "v" * 254 + "…", "valid_from": None, "valid_to": None},
        {"value": None, "valid_from": "2026-11-20T00:00:00+00:00", "valid_to": None},
        {"value": None, "valid_from": None, "valid_to": None},
    ]


async def test_get_history_of_several_values_in_one_request(
    hass: HomeAssistant,
    alpha: str,
    simulators: SimulatorStack,
    loaded_comap_entry: MockConfigEntry,
) -> None:
    """Well-known names, the genset's own value names (any case) and GUIDs, in one request.

    The value names stay known after later reads, which ask only for the needed values.
    """
    await loaded_comap_entry.runtime_data.coordinator.async_refresh()
    simulators.simulator.reset_stats()
    response = await hass.services.async_call(
        DOMAIN,
        "get_history",
        {
            "device_id": alpha,
            "value": ["fuel_level", "oil PRESSURE", "E707BCD1-2735-4AB7-8A8C-D75FD589052C", "rpm"],
            "from": "2026-11-20",
            "to": "2026-11-20",
        },
        blocking=True,
        return_response=True,
    )
    assert simulators.simulator.stats()["by_call"]["history"] == 1
    assert [(item["value_name"], item["unit"]) for item in response["gensets"]] == [
        ("Fuel level", "%"),
        ("Oil pressure", "bar"),
        ("Ubat", "V"),
        ("RPM", "RPM"),
    ]
    assert all(len(item["history"]) == 24 for item in response["gensets"])
    assert {item["device_id"] for item in response["gensets"]} == {alpha}


@pytest.mark.parametrize("value", ["oil temperature", "not-a-guid", "12345678"])
async def test_get_history_refuses_an_unknown_value(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack, value: str
) -> None:
    simulators.simulator.reset_stats()
    with pytest.raises(ServiceValidationError) as err:
        await async_get_history(hass, alpha, ["rpm", value], "2026-11-20", "2026-11-20")
    assert err.value.translation_key == "unknown_value"
    assert err.value.translation_placeholders == {"value": value, "genset": "Genset Alpha"}
    assert simulators.simulator.stats()["by_call"]["history"] == 0


@pytest.mark.parametrize("count", [0, 21])
async def test_get_history_bounds_the_values_asked(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack, count: int
) -> None:
    simulators.simulator.reset_stats()
    with pytest.raises(ServiceValidationError) as err:
        await async_get_history(hass, alpha, ["rpm"] * count, "2026-11-20", "2026-11-20")
    assert err.value.translation_key == "too_many_values"
    assert simulators.simulator.stats()["by_call"]["history"] == 0


async def test_get_history_asks_for_a_value_named_twice_once(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack
) -> None:
    response = await async_get_history(
        hass,
        alpha,
        ["actual_power", "EE83E7E9-7453-4e64-A5CB-C8C093FB2A2F"],
        "2026-11-20",
        "2026-11-20",
    )
    assert [item["value_guid"] for item in response["gensets"]] == [
        "ee83e7e9-7453-4e64-a5cb-c8c093fb2a2f"
    ]
