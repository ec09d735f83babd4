"""A FaceSpace service that answers 410 Gone: a repair issue, hourly retries, and recovery."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.facespace.coordinator import GONE_RETRY

from ...conftest import SimulatorStack
from .conftest import (
    ENTRY_ID,
    async_refresh,
    async_setup_simulator,
    coordinator_of,
    simulator_entry,
)

ISSUE = f"facespace_gone_{ENTRY_ID}"
IN_VIEW = "sensor.lobby_facespace_people_in_view"


async def test_gone_raises_a_repair_issue_until_the_service_is_back(
    hass: HomeAssistant, simulators: SimulatorStack, issue_registry: ir.IssueRegistry
) -> None:
    entry = await async_setup_simulator(hass, simulators.url)
    coordinator = coordinator_of(entry)
    assert hass.states.get(IN_VIEW).state != "unavailable"

    simulators.facespace.set_gone(True)
    await async_refresh(hass, entry)
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE)
    assert issue is not None
    assert issue.translation_key == "facespace_gone"
    assert issue.translation_placeholders == {"title": entry.title}
    assert issue.severity is ir.IssueSeverity.ERROR
    assert hass.states.get(IN_VIEW).state == "unavailable"
    assert coordinator.update_interval == GONE_RETRY  # not every 30 s for ever

    simulators.facespace.set_gone(False)
    await async_refresh(hass, entry)
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None
    assert hass.states.get(IN_VIEW).state != "unavailable"
    assert coordinator.update_interval == timedelta(seconds=5)


async def test_gone_at_setup_fails_for_good_with_the_issue(
    hass: HomeAssistant, simulators: SimulatorStack, issue_registry: ir.IssueRegistry
) -> None:
    simulators.facespace.set_gone(True)
    entry = simulator_entry(hass, simulators.url)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR  # not retried endlessly
    assert "410" in str(entry.reason)
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is not None

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None
