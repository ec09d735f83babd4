"""Entity states (pinned by snapshots), buttons and the mode select."""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.sitewatch.providers import PROVIDERS
from custom_components.sitewatch.providers.comap.api import Value
from custom_components.sitewatch.providers.comap.const import (
    FOLLOW_INTERVAL,
    FOLLOW_STEADY_READS,
)
from custom_components.sitewatch.providers.comap.sensor import SENSORS

from ...conftest import SimulatorStack, async_tick, snapshot_entities

pytestmark = pytest.mark.integration

ALPHA = "genset_alpha"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.BUTTON, Platform.SELECT])
async def test_entities(
    hass: HomeAssistant,
    comap_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    only = replace(PROVIDERS["comap"], platforms=(platform,))
    with patch.dict(PROVIDERS, {"comap": only}):
        assert await hass.config_entries.async_setup(comap_entry.entry_id)
        await hass.async_block_till_done()
    snapshot_entities(hass, entity_registry, snapshot, comap_entry.entry_id)


async def test_well_known_sensor_states(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry
) -> None:
    assert hass.states.get(f"sensor.{ALPHA}_engine_state").state == "ready"
    assert hass.states.get(f"sensor.{ALPHA}_mode").state == "man"
    assert hass.states.get(f"sensor.{ALPHA}_breaker_state").state == "mains_operation"
    alarms = hass.states.get("sensor.genset_beta_alarms")
    assert alarms.state == "1"
    assert alarms.attributes["alarms"] == ["Wrn Battery Voltage"]
    assert hass.states.get(f"sensor.{ALPHA}_alarms").attributes["alarms"] == []
    energy = hass.states.get(f"sensor.{ALPHA}_imported_energy")
    assert energy.attributes["state_class"] == "total_increasing"
    assert energy.attributes["unit_of_measurement"] == "kWh"
    assert energy.attributes["device_class"] == "energy"


async def test_last_update_is_a_diagnostic_off_by_default(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """A new time every poll: not enabled by itself, so it does not fill the Logbook."""
    last_update = entity_registry.async_get(f"sensor.{ALPHA}_last_update")
    assert last_update is not None
    assert last_update.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert last_update.entity_category == "diagnostic"
    assert hass.states.get(f"sensor.{ALPHA}_last_update") is None
    alarms = entity_registry.async_get(f"sensor.{ALPHA}_alarms")
    assert alarms is not None
    assert alarms.unit_of_measurement == "active"  # "1 active", never "1 alarms"


async def test_unparseable_value_makes_only_that_sensor_unknown(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry
) -> None:
    coordinator = loaded_comap_entry.runtime_data.coordinator
    genset = next(iter(coordinator.data.values()))
    rpm = next(d for d in SENSORS if d.key == "engine_speed")
    genset.values[rpm.value_guid] = Value(name="RPM", value_guid=rpm.value_guid, value="####")
    coordinator.async_update_listeners()
    await hass.async_block_till_done()

    assert hass.states.get(f"sensor.{ALPHA}_engine_speed").state == STATE_UNKNOWN
    assert hass.states.get(f"sensor.{ALPHA}_generator_frequency").state == "0.0"

    del genset.values[rpm.value_guid]
    coordinator.async_update_listeners()
    await hass.async_block_till_done()
    assert hass.states.get(f"sensor.{ALPHA}_engine_speed").state == STATE_UNAVAILABLE


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_generic_sensors_when_enabled(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
) -> None:
    oil = hass.states.get(f"sensor.{ALPHA}_oil_pressure")
    assert oil.attributes["unit_of_measurement"] == "bar"
    assert oil.attributes["state_class"] == "measurement"
    assert hass.states.get(f"sensor.{ALPHA}_service_info").state != STATE_UNKNOWN

    simulators.simulator.reset_stats()
    await async_tick(hass, freezer, 60)
    # Enabled generic sensors keep being read, with one request per genset.
    assert simulators.simulator.stats()["by_call"]["values"] == 2
    assert hass.states.get(f"sensor.{ALPHA}_oil_pressure").state not in (
        STATE_UNKNOWN,
        STATE_UNAVAILABLE,
    )


async def test_start_and_stop_buttons(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
) -> None:
    starts = int(hass.states.get(f"sensor.{ALPHA}_number_of_starts").state)
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: f"button.{ALPHA}_start"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(f"sensor.{ALPHA}_engine_state").state == "starting"
    assert int(hass.states.get(f"sensor.{ALPHA}_number_of_starts").state) == starts + 1

    simulators.clock.advance(30)
    await async_tick(hass, freezer, 60)
    assert hass.states.get(f"sensor.{ALPHA}_engine_speed").state == "1500"
    assert hass.states.get(f"sensor.{ALPHA}_generator_frequency").state == "50.0"
    assert float(hass.states.get(f"sensor.{ALPHA}_power").state) > 0
    assert hass.states.get(f"sensor.{ALPHA}_engine_state").state == "loaded"

    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: f"button.{ALPHA}_stop"}, blocking=True
    )
    simulators.clock.advance(30)
    await async_tick(hass, freezer, 60)
    assert hass.states.get(f"sensor.{ALPHA}_engine_speed").state == "0"
    assert hass.states.get(f"sensor.{ALPHA}_power").state == "0.0"


async def test_after_start_the_genset_is_read_until_it_settles(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
) -> None:
    """After Start, the genset is read every ``FOLLOW_INTERVAL`` s, not at the next poll.

    "Starting" turns to "Loaded" at the first read after the engine ran up, and the reads stop
    ``FOLLOW_STEADY_READS`` reads after the state stopped changing.
    """
    client = loaded_comap_entry.runtime_data.coordinator.client
    with patch.object(client, "values", wraps=client.values) as values:
        await hass.services.async_call(
            BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: f"button.{ALPHA}_start"}, blocking=True
        )
        assert hass.states.get(f"sensor.{ALPHA}_engine_state").state == "starting"
        assert values.call_count == 1

        simulators.clock.advance(30)
        await async_tick(hass, freezer, FOLLOW_INTERVAL)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert hass.states.get(f"sensor.{ALPHA}_engine_state").state == "loaded"
        assert values.call_count == 2

        for _ in range(FOLLOW_STEADY_READS + 3):
            await async_tick(hass, freezer, FOLLOW_INTERVAL)
            await hass.async_block_till_done(wait_background_tasks=True)
        assert values.call_count == 2 + FOLLOW_STEADY_READS


@pytest.mark.parametrize(
    ("status", "domain", "service", "data"),
    [
        (500, BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: f"button.{ALPHA}_fault_reset"}),
        (
            503,
            SELECT_DOMAIN,
            SERVICE_SELECT_OPTION,
            {ATTR_ENTITY_ID: f"select.{ALPHA}_operating_mode", ATTR_OPTION: "test"},
        ),
    ],
    ids=["button", "select"],
)
async def test_command_failure_raises(
    hass: HomeAssistant,
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
    status: int,
    domain: str,
    service: str,
    data: dict[str, str],
) -> None:
    """A command the unit does not confirm raises a translated error naming no account."""
    simulators.simulator.fail_next(status)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(domain, service, data, blocking=True)
    assert err.value.translation_key == "command_not_confirmed"
    assert "demo" not in str(err.value)
    assert hass.states.get(f"select.{ALPHA}_operating_mode").state == "man"


async def test_refused_command_starts_reauth(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    simulators.simulator.settings.secret = "rotated"
    simulators.simulator.expire_tokens()
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: f"button.{ALPHA}_start"}, blocking=True
        )
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler("sitewatch")
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_mode_select(hass: HomeAssistant, loaded_comap_entry: MockConfigEntry) -> None:
    select = hass.states.get(f"select.{ALPHA}_operating_mode")
    assert select.state == "man"
    assert select.attributes["options"] == ["off", "man", "aut", "test"]

    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: f"select.{ALPHA}_operating_mode", ATTR_OPTION: "aut"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert hass.states.get(f"select.{ALPHA}_operating_mode").state == "aut"
    assert hass.states.get(f"sensor.{ALPHA}_mode").state == "aut"
