"""ComAp genset commands during a fault: a translated error, never a false success."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from simulator.faults import FaultHarness

from ..conftest import SimulatorStack
from .conftest import OUTAGES, fire_after, setup_provider

_NO_DELAY = timedelta(0)
START = "button.genset_alpha_start"
MODE = "select.genset_alpha_operating_mode"

SERVICES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "start": ("button", "press", {"entity_id": START}),
    "mode": ("select", "select_option", {"entity_id": MODE, "option": "man"}),
}
FAULTS = {name: OUTAGES[name] for name in ("500", "502", "503", "429", "hang", "disconnect")}
"""Faults a command already fails on (each in turn on one entry)."""


async def _press_during(
    hass: HomeAssistant, faults: FaultHarness, service: tuple[str, str, dict[str, Any]]
) -> HomeAssistantError:
    """Call ``service`` while the fault holds; a hung command is timed out like a refresh."""
    domain, name, data = service
    call = hass.async_create_task(
        hass.services.async_call(domain, name, data, blocking=True), eager_start=False
    )
    await fire_after(hass, _NO_DELAY, faults)
    with pytest.raises(HomeAssistantError) as caught:
        await call
    return caught.value


async def _assert_fails(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    faults: FaultHarness,
    fault: dict[str, Any],
    service: str,
) -> None:
    """Only the command is faulted (the values are still read); it fails, translated."""
    faults.inject("comap", path=f"/v1.1/demo/units/{simulators.alpha}/command", **fault)
    error = await _press_during(hass, faults, SERVICES[service])
    faults.clear("comap")
    assert error.translation_domain == "sitewatch", (fault, service)
    assert error.translation_key == "command_not_confirmed", (fault, service)
    assert "Genset Alpha" in str(error), (fault, service)  # translated, with the genset's name
    # The fault answered in front of the simulator: nothing reached the genset.
    assert simulators.simulator.stats()["by_call"].get("command", 0) == 0


async def test_command_fails_with_a_translated_error(
    hass: HomeAssistant, simulators: SimulatorStack, faults: FaultHarness
) -> None:
    await setup_provider(hass, simulators, "comap")
    simulators.simulator.reset_stats()
    for service in SERVICES:
        for fault in FAULTS.values():
            await _assert_fails(hass, simulators, faults, fault, service)
    assert faults.injected["comap"] >= len(SERVICES) * len(FAULTS)


@pytest.mark.parametrize(
    "fault", [{"kind": kind} for kind in ("html", "empty", "garbage")], ids=str
)
async def test_command_answered_200_without_the_success_answer_fails(
    hass: HomeAssistant, simulators: SimulatorStack, faults: FaultHarness, fault: dict[str, Any]
) -> None:
    await setup_provider(hass, simulators, "comap")
    simulators.simulator.reset_stats()
    await _assert_fails(hass, simulators, faults, fault, "start")
