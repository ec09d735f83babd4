"""WebSupervisor comments: the latest comment sensor (read only while enabled) and the action."""

from __future__ import annotations

from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.comap.api import ComapApiError, ComapClient, Comment
from custom_components.sitewatch.providers.comap.clean import MAX_COMMENTS

from ...conftest import SimulatorStack
from .conftest import NORTH, Tick, genset_device_id

SENSOR = "sensor.genset_alpha_latest_comment"
COOLANT = "Check the coolant level at the next visit."


async def _get_comments(hass: HomeAssistant, device_id: str | list[str]) -> Any:
    return await hass.services.async_call(
        DOMAIN, "get_comments", {"device_id": device_id}, blocking=True, return_response=True
    )


@pytest.mark.integration
async def test_sensor_is_disabled_by_default(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    entry = entity_registry.async_get(SENSOR)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION


@pytest.mark.integration
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_sensor_shows_the_newest_comment_read_hourly(
    hass: HomeAssistant,
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
    tick: Tick,
) -> None:
    assert hass.states.get(SENSOR).state == STATE_UNAVAILABLE  # never read in the setup
    simulators.simulator.reset_stats()
    await tick(60)
    assert simulators.simulator.stats()["by_call"]["comments"] == 2  # Alpha and Beta
    state = hass.states.get(SENSOR)
    assert state.state == COOLANT
    assert state.attributes["author"] == "site.operator"
    assert state.attributes["date"] == "2024-06-02T14:40:00+00:00"
    assert state.attributes["active"] is True
    assert [comment["id"] for comment in state.attributes["comments"]] == [2, 1]

    simulators.simulator.add_comment(simulators.alpha, "Fuel delivered.", author="DEMO")
    await tick(60)
    assert hass.states.get(SENSOR).state == COOLANT  # not due before an hour
    assert simulators.simulator.stats()["by_call"]["comments"] == 2
    await tick(3600)
    state = hass.states.get(SENSOR)
    assert state.state == "Fuel delivered."
    assert state.attributes["author"] is None  # the account's own login id is never shown
    assert simulators.simulator.stats()["by_call"]["comments"] == 4


@pytest.mark.integration
async def test_get_comments(
    hass: HomeAssistant,
    loaded_comap_entry: MockConfigEntry,
    simulators: SimulatorStack,
    device_registry: dr.DeviceRegistry,
) -> None:
    alpha = genset_device_id(device_registry, loaded_comap_entry, simulators.alpha)
    beta = genset_device_id(device_registry, loaded_comap_entry, simulators.beta)
    simulators.simulator.add_comment(simulators.beta, "Beta serviced.")
    simulators.simulator.reset_stats()

    response = await _get_comments(hass, [alpha, beta])

    assert simulators.simulator.stats()["by_call"]["comments"] == 2
    first, second = response["gensets"]
    assert (first["device_id"], first["name"]) == (alpha, "Genset Alpha")
    assert first["comments"][0] == {
        "id": 2,
        "author": "site.operator",
        "date": "2024-06-02T14:40:00+00:00",
        "text": COOLANT,
        "active": True,
    }
    assert second["comments"][0]["text"] == "Beta serviced."
    assert len(second["comments"]) == 3

    simulators.simulator.fail_next(500)
    with pytest.raises(HomeAssistantError) as err:
        await _get_comments(hass, alpha)
    assert err.value.translation_key == "comments_failed"
    assert err.value.translation_placeholders["genset"] == "Genset Alpha"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_comments_are_bounded(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    mock_client: AsyncMock,
    device_registry: dr.DeviceRegistry,
) -> None:
    """At most five, newest first (undated last), texts within 1,024 (the state 255)."""
    raw: list[dict[str, Any]] = [
        {"id": index, "date": f"2026-11-{index + 1:02d}T00:00:00Z", "text": f"note {index}"}
        for index in range(10)
    ]
    raw += [
        {"id": 99, "text": "t" * 5000, "date": "2026-11-28T00:00:00Z", "auhtor": "a" * 300},
        {"id": 100, "text": "undated"},
        {"id": 101, "text": "from 1968", "date": "1968-01-01T00:00:00Z"},
    ]
    mock_client.comments.return_value = [Comment.parse(item) for item in raw]
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    device_id = genset_device_id(device_registry, mock_entry, NORTH)

    response = await _get_comments(hass, device_id)

    (genset,) = response["gensets"]
    comments = genset["comments"]
    assert len(comments) == MAX_COMMENTS
    assert [comment["id"] for comment in comments] == [99, 9, 8, 7, 6]
    assert len(comments[0]["text"]) == 1024
    assert len(comments[0]["author"]) == 100
    state = hass.states.get("sensor.genset_north_latest_comment")
    assert len(state.state) == 255  # shown at once by the action
    assert len(state.attributes["comments"]) == MAX_COMMENTS


@pytest.mark.integration
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_failed_read_is_tried_again_after_a_while(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, tick: Tick
) -> None:
    """The sensor stays unavailable, the genset's other entities are not affected."""
    with patch.object(ComapClient, "comments", side_effect=ComapApiError("down", 500)) as read:
        await tick(60)
        assert read.await_count == 2
        await tick(60)
        assert read.await_count == 2  # not again before 15 minutes
    assert hass.states.get(SENSOR).state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.genset_alpha_power").state != STATE_UNAVAILABLE
    await tick(15 * 60)
    assert hass.states.get(SENSOR).state == COOLANT
