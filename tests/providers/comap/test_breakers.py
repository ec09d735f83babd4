"""The breaker toggles: buttons (disabled by default) and actions, against the simulator."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN

from ...conftest import SimulatorStack, async_tick
from .conftest import genset_device_id

pytestmark = pytest.mark.integration

BREAKER = "sensor.genset_alpha_breaker_state"
ENGINE = "sensor.genset_alpha_engine_state"
MCB = "toggle_mains_breaker"
GCB = "toggle_generator_breaker"


async def _press(hass: HomeAssistant, key: str) -> None:
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: f"button.genset_alpha_{key}"}, blocking=True
    )


async def _toggle(hass: HomeAssistant, breaker: str, device_id: str | list[str]) -> None:
    await hass.services.async_call(
        DOMAIN, f"toggle_{breaker}", {"device_id": device_id}, blocking=True
    )


async def test_breaker_buttons_are_disabled_by_default(
    hass: HomeAssistant, alpha: str, entity_registry: er.EntityRegistry
) -> None:
    for key in (MCB, GCB):
        entry = entity_registry.async_get(f"button.genset_alpha_{key}")
        assert entry is not None
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert hass.states.get(f"button.genset_alpha_{key}") is None


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_buttons_toggle_the_breakers(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    alpha: str,
    simulators: SimulatorStack,
) -> None:
    """MCB opens and closes; GCB opens under the running engine and closes onto it again."""
    assert hass.states.get(BREAKER).state == "mains_operation"
    await _press(hass, MCB)  # followed: the state shows at once
    assert hass.states.get(BREAKER).state == "breakers_off"
    await _press(hass, MCB)
    assert hass.states.get(BREAKER).state == "mains_operation"

    await _press(hass, "start")
    simulators.clock.advance(30)
    await async_tick(hass, freezer, 60)
    assert hass.states.get(ENGINE).state == "loaded"  # the GCB closed by itself
    await _press(hass, GCB)
    assert hass.states.get(ENGINE).state == "running"
    await _press(hass, GCB)
    assert hass.states.get(ENGINE).state == "loaded"
    assert simulators.simulator.stats()["by_call"]["command"] == 5


async def test_actions_toggle_the_breakers_of_every_target(
    hass: HomeAssistant,
    alpha: str,
    simulators: SimulatorStack,
    loaded_comap_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    beta = genset_device_id(device_registry, loaded_comap_entry, simulators.beta)
    simulators.simulator.reset_stats()
    await _toggle(hass, "mcb", alpha)
    assert hass.states.get(BREAKER).state == "breakers_off"
    await _toggle(hass, "mcb", [alpha])
    assert hass.states.get(BREAKER).state == "mains_operation"
    assert simulators.simulator.stats()["by_call"]["command"] == 2

    # Beta has no mains: its MCB cannot close, so the controller refuses (not confirmed).
    with pytest.raises(HomeAssistantError) as err:
        await _toggle(hass, "mcb", beta)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "command_not_confirmed"
    assert err.value.translation_placeholders["command"] == "changeMcb"
    assert err.value.translation_placeholders["genset"] == "Genset Beta"


async def test_gcb_refused_while_the_engine_stands(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack
) -> None:
    simulators.simulator.reset_stats()
    with pytest.raises(HomeAssistantError) as err:
        await _toggle(hass, "gcb", alpha)
    assert err.value.translation_key == "command_not_confirmed"
    assert err.value.translation_placeholders["command"] == "changeGcb"
    assert simulators.simulator.stats()["by_call"]["values"] == 0  # no refresh after a failure


@pytest.mark.parametrize("breaker", ["mcb", "gcb"])
async def test_breaker_action_needs_a_genset(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, breaker: str
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _toggle(hass, breaker, "no-such-device")
    assert err.value.translation_key == "invalid_device"
