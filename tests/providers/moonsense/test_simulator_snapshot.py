"""Every Moonsense entity against the simulator, pinned by a snapshot (ids, states, devices)."""

from __future__ import annotations

import asyncio
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from ...conftest import SIM_START, SimulatorStack, every_entity
from .conftest import SIM_BUNDLE, add_entry, async_setup_entry

pytestmark = pytest.mark.integration

WEBHOOK_ID = "moonsense-snapshot-webhook"


@pytest.fixture
def frozen(freezer: FrozenDateTimeFactory) -> None:
    """Wall-clock time fixed before the simulator seeds its sessions."""
    freezer.move_to(SIM_START)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_every_entity(
    hass: HomeAssistant,
    frozen: None,
    simulators: SimulatorStack,
    ha_client: Any,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Entity ids, unique ids, states, attributes and device identifiers after a session.

    The poll makes the phones of the seeded sessions known (an iPhone14,2, a Pixel 7, a Chrome
    browser); the new session is recorded on the second iPhone14,2, named ``iPhone14,2 2``.
    """
    entry = await async_setup_entry(
        hass, add_entry(hass, root=f"{simulators.url}/moonsense", webhook_id=WEBHOOK_ID)
    )
    await entry.runtime_data.coordinator.async_after_first_refresh()
    sim = simulators.moonsense
    sim.add_webhook(str(ha_client.make_url(f"/api/webhook/{WEBHOOK_ID}")))
    session_id = sim.create_session(labels=("commute",), journey_id="journey-1")
    sim.send_bundle(session_id, **SIM_BUNDLE)
    async with asyncio.timeout(10):
        await sim.drain()
    await hass.async_block_till_done()

    shown = every_entity(hass, entry.entry_id)
    assert shown == snapshot
