"""Set-up, unload, reload, availability and dynamic gensets."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN

from ...conftest import SimulatorStack
from .conftest import Tick, genset_device_id

pytestmark = pytest.mark.integration

RPM = "sensor.genset_alpha_engine_speed"


async def test_setup_and_unload(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    assert loaded_comap_entry.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(device_registry, loaded_comap_entry.entry_id)
    assert sorted(device.name for device in devices) == ["Genset Alpha", "Genset Beta"]
    assert hass.states.get(RPM).state == "0"

    assert await hass.config_entries.async_unload(loaded_comap_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_comap_entry.state is ConfigEntryState.NOT_LOADED


async def test_reload(hass: HomeAssistant, loaded_comap_entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_reload(loaded_comap_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_comap_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(RPM).state == "0"


async def test_refused_credentials_start_reauth(
    hass: HomeAssistant, comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    simulators.simulator.settings.secret = "rotated"
    await hass.config_entries.async_setup(comap_entry.entry_id)
    await hass.async_block_till_done()

    assert comap_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_unreachable_api_retries_setup(
    hass: HomeAssistant, comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    simulators.simulator.fail_next(503, count=10)
    await hass.config_entries.async_setup(comap_entry.entry_id)
    await hass.async_block_till_done()
    assert comap_entry.state is ConfigEntryState.SETUP_RETRY


async def test_failure_marks_unavailable_and_recovers(
    hass: HomeAssistant, tick: Tick, loaded_comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    simulators.simulator.fail_next(500, count=2)
    await tick(60)
    assert hass.states.get(RPM).state == STATE_UNAVAILABLE
    assert hass.states.get("button.genset_alpha_start").state == STATE_UNAVAILABLE

    await tick(60)
    assert hass.states.get(RPM).state == "0"
    assert hass.states.get("button.genset_alpha_start").state != STATE_UNAVAILABLE


async def test_one_genset_failing_leaves_the_other(
    hass: HomeAssistant, tick: Tick, loaded_comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    simulators.simulator.fail_next(500, count=1)
    await tick(60)
    states = {
        hass.states.get(RPM).state,
        hass.states.get("sensor.genset_beta_engine_speed").state,
    }
    assert states == {STATE_UNAVAILABLE, "0"}


async def test_rate_limit_backs_off(
    hass: HomeAssistant, tick: Tick, loaded_comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    simulators.simulator.settings.rate_limit = 1
    await tick(60)
    assert hass.states.get(RPM).state == STATE_UNAVAILABLE
    simulators.simulator.settings.rate_limit = 0
    await tick(60)
    assert hass.states.get(RPM).state == "0"


async def test_new_genset_appears_and_removed_one_leaves(
    hass: HomeAssistant,
    tick: Tick,
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    gamma = simulators.simulator.add_unit("Genset Gamma")
    simulators.simulator.remove_unit(simulators.beta)
    await tick(15 * 60)

    devices = dr.async_entries_for_config_entry(device_registry, loaded_comap_entry.entry_id)
    assert sorted(device.name for device in devices) == ["Genset Alpha", "Genset Gamma"]
    assert genset_device_id(device_registry, loaded_comap_entry, gamma)
    assert hass.states.get("sensor.genset_gamma_engine_speed").state == "0"
    assert entity_registry.async_get("sensor.genset_beta_engine_speed") is None
