"""Every FindFace platform with the client mocked: entities, states after one push of each kind."""

from __future__ import annotations

from dataclasses import replace
from http import HTTPStatus
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.sitewatch.providers import PROVIDERS
from custom_components.sitewatch.providers.findface import PROVIDER
from custom_components.sitewatch.providers.findface.api import FindFaceApiError, NamedObject

from ...conftest import snapshot_entities
from .common import load_fixture, post

PUSHES: dict[Platform, tuple[tuple[str, str], ...]] = {
    Platform.BINARY_SENSOR: (),
    Platform.DEVICE_TRACKER: (),
    Platform.EVENT: (("face_events", "face_events.json"), ("areas", "areas_activation.json")),
    Platform.IMAGE: (("face_events", "face_events.json"),),
    Platform.SENSOR: (("counters", "counters.json"),),
}
"""The webhook bodies (section, fixture) that reach each platform's entities."""


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", PROVIDER.platforms)
async def test_platform(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    mock_findface_client: AsyncMock,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    freezer.move_to("2026-11-23T12:00:00+00:00")
    with patch.dict(PROVIDERS, {PROVIDER.key: replace(PROVIDER, platforms=(platform,))}):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        for section, body in PUSHES[platform]:
            assert await post(hass_client, load_fixture(body), section) == HTTPStatus.OK
        snapshot_entities(hass, entity_registry, snapshot, mock_config_entry.entry_id)


@pytest.mark.parametrize(
    ("groups", "area"),
    [
        ([NamedObject(1, "North yard")], "North yard"),
        ([NamedObject(1, "Default Camera Group")], None),  # says nothing about where
        (FindFaceApiError("HTTP 403 to GET /camera-groups/"), None),  # refused: no area
    ],
)
async def test_a_camera_is_in_the_area_of_its_group(
    hass: HomeAssistant,
    mock_findface_client: AsyncMock,
    mock_config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    groups: list[NamedObject] | Exception,
    area: str | None,
) -> None:
    """Its device, ``<camera> (FindFace)`` under the server, suggested for its group's area."""
    if isinstance(groups, Exception):
        mock_findface_client.camera_groups.side_effect = groups
    else:
        mock_findface_client.camera_groups.return_value = groups
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    devices = dr.async_entries_for_config_entry(device_registry, mock_config_entry.entry_id)
    gate = next(device for device in devices if device.name == "Gate (FindFace)")
    server = device_registry.async_get(gate.via_device_id or "")
    assert server is not None
    assert server.name == mock_config_entry.title
    found = ar.async_get(hass).async_get_area(gate.area_id) if gate.area_id else None
    assert (found.name if found else None) == area
