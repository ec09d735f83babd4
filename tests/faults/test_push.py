"""Pushed events during a REST outage: the webhook still fires them (push does not need the poll).

An API outage makes a provider's polled entities unavailable; its event entities are fed by the
webhook and must stay available and fire what is pushed meanwhile.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest

from simulator.faults import FaultHarness

from ..conftest import SimulatorStack
from .conftest import (
    CASES,
    PUSH_CASES,
    ProviderCase,
    event_entity_firings,
    next_refresh,
    setup_provider,
)


@pytest.mark.parametrize("case", [CASES[key] for key in PUSH_CASES], ids=PUSH_CASES)
async def test_push_during_an_outage_fires_its_event(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    faults: FaultHarness,
    ha_client: Any,
    case: ProviderCase,
) -> None:
    assert case.pushed is not None
    assert case.push is not None
    entry = await setup_provider(hass, simulators, case.key)
    faults.inject(case.key, "status", status=503)
    await next_refresh(hass, entry, faults)
    assert hass.states.get(case.polled).state == STATE_UNAVAILABLE
    assert hass.states.get(case.pushed).state != STATE_UNAVAILABLE

    fired = event_entity_firings(hass, case.pushed)
    assert await case.push(hass, simulators, ha_client) == HTTPStatus.OK
    await hass.async_block_till_done()
    assert len(fired) == 1
    assert hass.states.get(case.pushed).state != STATE_UNAVAILABLE
