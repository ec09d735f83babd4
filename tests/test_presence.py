"""Per-person presence across entries, and deleting devices by hand (``presence.py``).

A FindFace entry (its human cards are the known persons) and a FaceSpace entry (names in its
logs and in view) against the simulators; both feed one ``sensor.people_<name>_last_seen``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from custom_components.sitewatch import async_remove_config_entry_device
from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.presence import (
    PEOPLE_DEVICE,
    PresenceRegistry,
    person_unique_id,
    presence_registry,
)
from custom_components.sitewatch.providers.findface.api import PushItem
from custom_components.sitewatch.providers.findface.runtime import FindFaceRuntime

from .conftest import SimulatorStack
from .providers.camlytics.conftest import add_entry as camlytics_entry, fast_limiter  # noqa: F401
from .providers.facespace.conftest import async_refresh, async_setup_simulator
from .providers.findface.common import config_entry as findface_config_entry

pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

ALICE = "sensor.people_alice_novak_last_seen"
ALICE_IN_VIEW = "binary_sensor.people_alice_novak_in_view"


@pytest.fixture(autouse=True)
def write_at_once() -> Iterator[None]:
    """Write every change at once (``coalesce``), as these tests check each one."""
    with patch("custom_components.sitewatch.coalesce.WRITE_INTERVAL", 0.0):
        yield


async def _findface(hass: HomeAssistant, url: str) -> MockConfigEntry:
    """The FindFace entry of the simulator, set up (its cards: Alice Novak, Bob, Carl)."""
    assert await async_setup_component(hass, "webhook", {})
    entry = findface_config_entry(url, title="FindFace 127.0.0.1")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def _recognise(
    hass: HomeAssistant, entry: MockConfigEntry, card: str | None, when: datetime
) -> None:
    """Deliver one face event of camera 1 (Entrance), matched to ``card`` (None: unmatched)."""
    runtime = entry.runtime_data
    assert isinstance(runtime, FindFaceRuntime)
    runtime.coordinator.push(
        [
            PushItem(
                section="face_events",
                key=f"face_events:{when.timestamp()}",
                event_type="matched" if card else "unmatched",
                camera_id=1,
                card_id=1 if card else None,
                card_name=card,
                data={
                    "matched": card is not None,
                    "card_name": card,
                    "detected_at": when.isoformat(),
                },
            )
        ]
    )


def _attributes(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return {"state": state.state, **state.attributes}


async def test_two_entries_feed_one_person(
    hass: HomeAssistant, simulators: SimulatorStack, entity_registry: er.EntityRegistry
) -> None:
    findface = await _findface(hass, simulators.url)
    assert hass.states.get(ALICE).state == "unknown"  # known from the cards, not seen yet
    assert hass.states.get(ALICE_IN_VIEW) is None  # FindFace does not say who is in view

    seen = dt_util.utcnow().replace(microsecond=0) - timedelta(seconds=30)
    _recognise(hass, findface, "Alice Novak", seen)
    await hass.async_block_till_done()
    shown = _attributes(hass, ALICE)
    assert shown["state"] == "Entrance"
    assert shown["provider"] == "FindFace"
    assert shown["seen_at"] == seen.isoformat()

    facespace = await async_setup_simulator(hass, simulators.url)
    simulators.facespace.recognize("Lobby", "alice novak")  # the same person, other casing
    await async_refresh(hass, facespace)
    shown = _attributes(hass, ALICE)
    assert shown["state"] == "Lobby"
    assert shown["provider"] == "FaceSpace"
    assert shown["person"] == "Alice Novak"
    assert _attributes(hass, ALICE_IN_VIEW) | {"friendly_name": None} == {
        "state": "on",
        "person": "Alice Novak",
        "places": ["Lobby"],
        "friendly_name": None,
    }
    people = [
        entity
        for entity in entity_registry.entities.values()
        if entity.unique_id.startswith(f"{PEOPLE_DEVICE}_") and "alice" in entity.entity_id
    ]
    assert len(people) == 2  # one last seen, one in view: not one per entry

    # An older recognition arriving late does not move Alice back.
    _recognise(hass, findface, "Alice Novak", seen - timedelta(minutes=5))
    await hass.async_block_till_done()
    assert hass.states.get(ALICE).state == "Lobby"

    # FindFace goes: FaceSpace, which knows Alice too, takes her sensor over (same entity).
    assert await hass.config_entries.async_unload(findface.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(ALICE).state == "Lobby"
    registered = entity_registry.async_get(ALICE)
    assert registered is not None
    assert registered.config_entry_id == facespace.entry_id
    # Bob Svoboda is known to FindFace only: his sensor waits (unavailable) for it to return.
    assert hass.states.get("sensor.people_bob_svoboda_last_seen").state == "unavailable"


async def test_an_unknown_face_creates_no_person(
    hass: HomeAssistant, simulators: SimulatorStack, entity_registry: er.EntityRegistry
) -> None:
    findface = await _findface(hass, simulators.url)
    facespace = await async_setup_simulator(hass, simulators.url)
    before = set(presence_registry(hass).persons)
    _recognise(hass, findface, None, dt_util.utcnow())
    simulators.facespace.recognize("Entrance", "Unknown")
    simulators.facespace.recognize("Entrance", "Unknown person")
    await async_refresh(hass, facespace)
    assert set(presence_registry(hass).persons) == before
    assert not [entity_id for entity_id in hass.states.async_entity_ids() if "unknown" in entity_id]


async def test_last_seen_is_restored_after_a_restart(
    hass: HomeAssistant, simulators: SimulatorStack
) -> None:
    seen = dt_util.utcnow().replace(microsecond=0) - timedelta(hours=2)
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(ALICE, "Gate", {"seen_at": seen.isoformat(), "provider": "FaceSpace"}),
                {"native_value": "Gate", "native_unit_of_measurement": None},
            )
        ],
    )
    findface = await _findface(hass, simulators.url)
    shown = _attributes(hass, ALICE)
    assert (shown["state"], shown["seen_at"], shown["provider"]) == (
        "Gate",
        seen.isoformat(),
        "FaceSpace",
    )
    _recognise(hass, findface, "Alice Novak", seen - timedelta(minutes=1))  # older: kept
    await hass.async_block_till_done()
    assert hass.states.get(ALICE).state == "Gate"
    _recognise(hass, findface, "Alice Novak", seen + timedelta(minutes=1))
    await hass.async_block_till_done()
    assert hass.states.get(ALICE).state == "Entrance"


async def test_a_stale_device_can_be_deleted_by_hand(
    hass: HomeAssistant, simulators: SimulatorStack, device_registry: dr.DeviceRegistry
) -> None:
    """A camera the server still lists cannot be deleted; the People device neither."""
    findface = await _findface(hass, simulators.url)
    devices = {
        device.name: device
        for device in dr.async_entries_for_config_entry(device_registry, findface.entry_id)
    }
    lobby = devices["Lobby (FindFace)"]
    assert not await async_remove_config_entry_device(hass, findface, lobby)
    assert not await async_remove_config_entry_device(hass, findface, devices["People"])
    assert not await async_remove_config_entry_device(hass, findface, devices["FindFace 127.0.0.1"])
    # The server drops Lobby between two reads: until the stale check removes it, a user may.
    runtime = findface.runtime_data
    assert isinstance(runtime, FindFaceRuntime)
    lobby_id = next(
        camera_id
        for camera_id, camera in runtime.coordinator.data.cameras.items()
        if camera.name == "Lobby"
    )
    del runtime.coordinator.data.cameras[lobby_id]
    assert await async_remove_config_entry_device(hass, findface, lobby)


@pytest.mark.usefixtures("fast_limiter")
async def test_a_provider_without_its_own_check_uses_its_entities(
    hass: HomeAssistant, simulators: SimulatorStack, device_registry: dr.DeviceRegistry
) -> None:
    """Camlytics, ComAp and Moonsense: a device is current while one of its entities is."""
    entry = camlytics_entry(hass, simulators.url)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    device = dr.async_entries_for_config_entry(device_registry, entry.entry_id)[-1]
    assert not await async_remove_config_entry_device(hass, entry, device)
    for entity in er.async_entries_for_device(er.async_get(hass), device.id):
        hass.states.async_set(entity.entity_id, "unavailable")
    assert await async_remove_config_entry_device(hass, entry, device)
    orphan = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "camlytics_gone_device")}
    )
    assert await async_remove_config_entry_device(hass, entry, orphan)


async def test_nobody_is_in_view_when_no_camera_runs(
    hass: HomeAssistant, simulators: SimulatorStack
) -> None:
    facespace = await async_setup_simulator(hass, simulators.url)
    simulators.facespace.recognize("Parking", "Carol")
    await async_refresh(hass, facespace)
    assert hass.states.get("binary_sensor.people_carol_in_view").state == "on"
    simulators.facespace.set_active(False)
    await async_refresh(hass, facespace)
    assert hass.states.get("binary_sensor.people_carol_in_view").state == "off"
    assert hass.states.get("sensor.people_carol_last_seen").state == "Parking"


def test_names_are_bounded_and_persons_capped(caplog: pytest.LogCaptureFixture) -> None:
    registry = PresenceRegistry()
    with patch("custom_components.sitewatch.presence.MAX_PERSONS", 2):
        registry.async_known("entry", ["A" * 300, " bob ", "Unknown", "UNKNOWN PERSON", "", None])
        registry.async_known("entry", ["Carol", "BOB"])
    assert registry.persons == ["A" * 63 + "…", "bob"]
    assert caplog.text.count("known persons") == 1  # said once, not per name
    # The unique id follows the person, not the spelling: stable across casing and restarts.
    assert person_unique_id("Alice  Novak", "last_seen") == person_unique_id(
        "alice novak", "last_seen"
    )
    assert person_unique_id("Alice", "last_seen") == "people_2bd806c97f0e00af_last_seen"
