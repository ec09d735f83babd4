"""Every FaceSpace entity against the simulator: entity id, unique id, state, device (a snapshot).

The snapshot was taken before the package took its current shape; across that change only the
unique ids and device identifiers (the one id scheme, entry version 1.3) may differ in it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from ...conftest import SimulatorStack, every_entity
from .conftest import async_refresh, async_setup_simulator

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_every_entity(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    ha_client: Any,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    freezer.move_to(NOW)
    entry = await async_setup_simulator(hass, simulators.url)
    sim = simulators.facespace
    sim.recognize("Lobby", "Alice", NOW + timedelta(seconds=1))
    sim.recognize("Lobby", "Bob", NOW + timedelta(seconds=2))
    sim.recognize("Entrance", "Unknown", NOW + timedelta(seconds=3))
    freezer.tick(timedelta(seconds=5))
    await async_refresh(hass, entry)

    shown = every_entity(hass, entry.entry_id)
    assert len(shown) == 19  # three cameras, five entities each; Alice and Bob, two each
    assert shown == snapshot
