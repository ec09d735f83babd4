"""Every provider through every kind of outage: unavailable at once, one line each way, recovery.

For each provider and fault: the first refresh after the fault starts makes the polled entities
unavailable and logs one error line; refreshes while the fault lasts (every 30 s at most) add
no line; the first refresh after it clears brings the entities back with one "recovered" line and
the provider's own polling interval again.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest

from custom_components.sitewatch.coordinator import RETRY_INTERVAL
from simulator.faults import FaultHarness

from ..conftest import SimulatorStack
from .conftest import (
    CASES,
    LOGGER_PREFIX,
    OUTAGES,
    ProviderCase,
    fire_after,
    next_refresh,
    poll_interval,
    setup_provider,
    sitewatch_records,
)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES)
async def test_outage_makes_polled_entities_unavailable_and_recovers(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    simulators: SimulatorStack,
    faults: FaultHarness,
    ha_client: Any,
    case: ProviderCase,
) -> None:
    """Each outage in turn on one entry (setting an entry up costs more than an outage)."""
    caplog.set_level(logging.INFO, logger=LOGGER_PREFIX)
    entry = await setup_provider(hass, simulators, case.key)
    polling = poll_interval(entry)
    assert hass.states.get(case.polled).state != STATE_UNAVAILABLE

    for outage, fault in OUTAGES.items():
        caplog.clear()
        faults.inject(case.key, **fault)
        await next_refresh(hass, entry, faults)
        assert hass.states.get(case.polled).state == STATE_UNAVAILABLE, outage
        assert poll_interval(entry) == min(polling, RETRY_INTERVAL), outage
        hit = faults.injected[case.key]
        assert hit >= 1, outage

        await next_refresh(hass, entry, faults)  # retried while the fault lasts
        assert faults.injected[case.key] > hit, outage
        assert hass.states.get(case.polled).state == STATE_UNAVAILABLE, outage

        faults.clear(case.key)
        await next_refresh(hass, entry, faults)
        assert hass.states.get(case.polled).state != STATE_UNAVAILABLE, outage
        assert poll_interval(entry) == polling, outage

        down = [record.getMessage() for record in sitewatch_records(caplog, logging.WARNING)]
        assert len(down) == 1, (outage, down)
        assert down[0].startswith("Error fetching"), (outage, down)
        up = [record for record in caplog.records if "recovered" in record.getMessage()]
        assert len(up) == 1, outage
        assert up[0].name.startswith(LOGGER_PREFIX), outage


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize("case", CASES.values(), ids=CASES)
async def test_refused_credentials_start_reauth(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    faults: FaultHarness,
    ha_client: Any,
    case: ProviderCase,
    status: int,
) -> None:
    entry = await setup_provider(hass, simulators, case.key)
    assert not list(entry.async_get_active_flows(hass, {"reauth"}))

    faults.inject(case.key, "status", status=status)
    await next_refresh(hass, entry, faults)
    await hass.async_block_till_done()
    assert hass.states.get(case.polled).state == STATE_UNAVAILABLE
    flows = list(entry.async_get_active_flows(hass, {"reauth"}))
    assert len(flows) == 1

    # Still refused on the next try: still one reauthentication, not one more per refresh.
    await fire_after(hass, RETRY_INTERVAL, faults)
    assert len(list(entry.async_get_active_flows(hass, {"reauth"}))) == 1
