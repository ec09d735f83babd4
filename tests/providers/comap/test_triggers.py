"""Device triggers of ComAp gensets, run by the values a coordinator refresh reads."""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import AsyncMock

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.translation import async_get_translations
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.identity import entity_unique_id
from custom_components.sitewatch.providers.comap.const import ValueGuid

from ...device_triggers import async_automate, async_capabilities, async_offered
from .conftest import NORTH

GENSET_TRIGGERS = [
    ("alarm_raised", None),
    ("engine_started", None),
    ("engine_stopped", None),
    ("mains_failed", None),
    ("mains_returned", None),
    ("mode_changed", None),
]


async def _refresh(
    hass: HomeAssistant, client: AsyncMock, entry: MockConfigEntry, **texts: str
) -> None:
    """Refresh with the values named by ``ValueGuid`` attribute (``ENGINE_STATE=...``) set."""
    changed = {getattr(ValueGuid, name): text for name, text in texts.items()}
    client.values.return_value = [
        replace(value, value=changed.get(value.value_guid.lower(), value.value))
        for value in client.values.return_value
    ]
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


async def test_a_genset_offers_its_triggers(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    genset: str,
    entity_registry: er.EntityRegistry,
) -> None:
    assert await async_offered(hass, genset) == GENSET_TRIGGERS
    # The editor's names, as the frontend loads them.
    names = await async_get_translations(hass, "en", "device_automation", [DOMAIN])
    prefix = f"component.{DOMAIN}.device_automation"
    assert [names[f"{prefix}.trigger_type.{type_}"] for type_, _ in GENSET_TRIGGERS] == [
        "Alarm raised",
        "Engine started",
        "Engine stopped",
        "Mains failed",
        "Mains returned",
        "Mode changed",
    ]
    assert names[f"{prefix}.extra_fields.mode"] == "Mode"
    fields = await async_capabilities(hass, genset, "mode_changed")
    assert [(field["name"], field["optional"]) for field in fields] == [("mode", True)]
    select = fields[0]["selector"]["select"]
    assert (select["options"], select["translation_key"]) == (["aut", "man", "off", "test"], "mode")
    engine_state = entity_registry.async_get_entity_id(
        "sensor", DOMAIN, entity_unique_id(mock_entry, NORTH, ValueGuid.ENGINE_STATE)
    )
    assert engine_state is not None
    entity_registry.async_update_entity(engine_state, disabled_by=er.RegistryEntryDisabler.USER)
    offered = await async_offered(hass, genset)
    assert offered == [
        trigger for trigger in GENSET_TRIGGERS if not trigger[0].startswith("engine")
    ]


async def test_genset_triggers_run_on_the_values_a_refresh_reads(
    hass: HomeAssistant, mock_client: AsyncMock, mock_entry: MockConfigEntry, genset: str
) -> None:
    runs = await async_automate(
        hass,
        genset,
        {
            "started": {"type": "engine_started"},
            "stopped": {"type": "engine_stopped"},
            "failed": {"type": "mains_failed"},
            "returned": {"type": "mains_returned"},
            "alarm": {"type": "alarm_raised"},
            "mode": {"type": "mode_changed"},
            "to_aut": {"type": "mode_changed", "mode": "aut"},
        },
    )

    async def refresh(**texts: str) -> dict[str, int]:
        await _refresh(hass, mock_client, mock_entry, **texts)
        return runs()

    # Loaded in island operation: cooling down, breakers off: nothing yet.
    assert await refresh(ENGINE_STATE="Cooling", BREAKER_STATE="BrksOff") == {}
    # Stopped, and back on mains (breakers off in between does not hide the return).
    assert await refresh(ENGINE_STATE="Stop", BREAKER_STATE="MainsOper") == {
        "stopped": 1,
        "returned": 1,
    }
    assert await refresh(ENGINE_STATE="Ready", MODE="MAN") == {
        "stopped": 1,
        "returned": 1,
        "mode": 1,
    }
    # A start seen half way (cranking), then running; mains lost; a new alarm.
    assert await refresh(ENGINE_STATE="Cranking") == {"stopped": 1, "returned": 1, "mode": 1}
    assert await refresh(
        ENGINE_STATE="Running",
        BREAKER_STATE="MainsFlt",
        ALARM_LIST="Wrn Battery Voltage|Wrn Fuel Level|Sd Oil Pressure",
    ) == {"stopped": 1, "returned": 1, "mode": 1, "started": 1, "failed": 1, "alarm": 1}
    assert runs.triggers[-1]["new_alarms"] == ["Sd Oil Pressure"]
    # Unknown texts between two values, an alarm cleared, island operation: nothing new.
    await refresh(ENGINE_STATE="####", BREAKER_STATE="####", ALARM_LIST="Sd Oil Pressure")
    assert await refresh(ENGINE_STATE="Loaded", BREAKER_STATE="IslOper") == {
        "stopped": 1,
        "returned": 1,
        "mode": 1,
        "started": 1,
        "failed": 1,
        "alarm": 1,
    }
    # The same alarm again after it cleared is raised again; back to AUT.
    assert await refresh(ALARM_LIST="Sd Oil Pressure|Wrn Fuel Level", MODE="AUT") == {
        "stopped": 1,
        "returned": 1,
        "mode": 2,
        "to_aut": 1,
        "started": 1,
        "failed": 1,
        "alarm": 2,
    }
