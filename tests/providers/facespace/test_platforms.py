"""Every platform of a FaceSpace entry, with the client mocked (``snapshot_entities``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.sitewatch.presence import PEOPLE_DEVICE
from custom_components.sitewatch.providers import PROVIDERS

from ...conftest import snapshot_entities
from .conftest import ACCOUNT_DEVICE, STORE_KEY, async_setup, camera_device, facespace_entry

NOW = datetime(2023, 10, 24, 9, 0, tzinfo=UTC)
"""The fixtures' ``now``: ``logs.json`` has one line of the day before, the rest just after."""


@pytest.fixture
def only(request: pytest.FixtureRequest) -> Iterator[Platform]:
    """Load only the platform given as the test's parameter."""
    platform: Platform = request.param
    provider = PROVIDERS["facespace"]
    with patch.dict(PROVIDERS, {"facespace": replace(provider, platforms=(platform,))}):
        yield platform


@pytest.mark.parametrize("only", [Platform.EVENT], indirect=True)
async def test_event(
    hass: HomeAssistant,
    mock_client: AsyncMock,
    only: Platform,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The lines after the cursor fire, in order, on their camera's event entity."""
    freezer.move_to(NOW)
    entry = await async_setup(hass, facespace_entry(hass))
    snapshot_entities(hass, entity_registry, snapshot, entry.entry_id)
    assert hass.states.get("event.camera1_facespace_recognition").attributes["name"] == "Bob"
    assert (
        hass.states.get("event.camera2_facespace_recognition").attributes["event_type"] == "unknown"
    )


@pytest.mark.parametrize("only", [Platform.SENSOR], indirect=True)
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_sensor(
    hass: HomeAssistant,
    mock_client: AsyncMock,
    only: Platform,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Last seen and today's count (as stored from before), who is in view (``realtime.json``).

    Without event entities no line fires: the polled lines wait for them.
    """
    freezer.move_to(NOW)
    hass_storage[STORE_KEY] = {
        "version": 1,
        "key": STORE_KEY,
        "data": {
            "cursor": "2023-10-24T09:00:00+00:00",
            "seen": [],
            "cameras": {
                "Camera1": {
                    "seen_at": "2023-10-24T08:59:00+00:00",
                    "last": {"name": "Alice", "time": "2023-10-24T08:58:30+00:00"},
                },
            },
            "today": {"date": "2023-10-24", "counts": {"Camera1": 3}},
        },
    }
    entry = await async_setup(hass, facespace_entry(hass))
    snapshot_entities(hass, entity_registry, snapshot, entry.entry_id)
    assert hass.states.get("sensor.camera1_facespace_last_person_seen").state == "Alice"
    assert hass.states.get("sensor.camera2_facespace_people_in_view").state == "2"
    assert entry.runtime_data.coordinator.lines_held == 3
    assert {
        identifier
        for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id)
        for _, identifier in device.identifiers
    } == {ACCOUNT_DEVICE, camera_device("Camera1"), camera_device("Camera2"), PEOPLE_DEVICE}
    assert hass.states.get("sensor.people_bob_last_seen").state == "unknown"  # in view, not logged
