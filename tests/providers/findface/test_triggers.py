"""Device triggers of FindFace cameras, run by webhook pushes into a loaded entry."""

from __future__ import annotations

from http import HTTPStatus
from itertools import count
from typing import Any
from unittest.mock import patch

from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig as InvalidDeviceAutomation,
)
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.sitewatch import device_trigger
from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.findface.api import (
    FindFaceClient,
    FindFaceConnectionError,
)

from ...device_triggers import (
    async_automate,
    async_capabilities,
    async_offered,
    device_of,
    entity_of,
    recognitions,
)
from .common import post

pytestmark = pytest.mark.integration

CAMERA_TRIGGERS = [
    ("body_detected", None),
    ("car_detected", None),
    ("occupancy_above", "bodies"),
    ("occupancy_above", "cars"),
    ("occupancy_above", "faces"),
    ("occupancy_below", "bodies"),
    ("occupancy_below", "cars"),
    ("occupancy_below", "faces"),
    ("person_recognized", None),
    ("someone_entered", None),
    ("someone_exited", None),
    ("unknown_face", None),
]
IDS = count(9_000_001)


@pytest.fixture
def entrance(hass: HomeAssistant, findface_entry: MockConfigEntry) -> str:
    """The device id of the Entrance camera of the loaded entry."""
    return device_of(hass, findface_entry, "camera_1")


@pytest.fixture
def events(hass: HomeAssistant, findface_entry: MockConfigEntry) -> dict[str, str]:
    """The entity ids of the Entrance camera's face, body and car events."""
    return {
        kind: entity_of(hass, findface_entry, "event", "camera_1", f"{kind}_event")
        for kind in ("face", "body", "car")
    }


def _recognition(card: str | None = None, **fields: Any) -> dict[str, Any]:
    """A verbose recognition of camera 1 (Entrance), matched to ``card`` when given."""
    item: dict[str, Any] = {
        "id": str(next(IDS)),
        "camera": 1,
        "bs_type": "realtime",
        "matched": card is not None,
        **fields,
    }
    if card is not None:
        item["matched_card"] = {"id": 1, "name": card}
    return item


def _counter(faces: int, bodies: int = 0, cars: int = 0) -> dict[str, Any]:
    return {
        "id": next(IDS),
        "camera": 1,
        "faces_count": faces,
        "silhouettes_count": bodies,
        "cars_count": cars,
    }


async def test_cameras_offer_their_triggers_and_the_server_none(
    hass: HomeAssistant,
    findface_entry: MockConfigEntry,
    entrance: str,
    events: dict[str, str],
    entity_registry: er.EntityRegistry,
) -> None:
    assert await async_offered(hass, entrance) == CAMERA_TRIGGERS
    assert await async_offered(hass, device_of(hass, findface_entry, "server")) == []

    # A disabled entity's triggers are not offered.
    entity_registry.async_update_entity(events["face"], disabled_by=er.RegistryEntryDisabler.USER)
    offered = await async_offered(hass, entrance)
    assert ("person_recognized", None) not in offered
    assert ("unknown_face", None) not in offered
    assert ("body_detected", None) in offered


async def test_the_person_field_lists_the_server_cards(hass: HomeAssistant, entrance: str) -> None:
    fields = await async_capabilities(hass, entrance, "person_recognized")
    assert [field["name"] for field in fields] == ["person"]
    assert fields[0]["optional"]
    select = fields[0]["selector"]["select"]
    assert select["options"] == ["Alice Novak", "Bob Svoboda", "Carl Mrazek"]
    assert select["custom_value"]

    fields = await async_capabilities(hass, entrance, "occupancy_above", subtype="faces")
    assert fields == [{"name": "above", "required": True, "type": "float"}]
    assert await async_capabilities(hass, entrance, "unknown_face") == []


async def test_the_person_field_falls_back_to_names_seen(
    hass: HomeAssistant,
    entrance: str,
    hass_client: ClientSessionGenerator,
) -> None:
    assert await post(hass_client, [_recognition("Zoe Seen")], "face_events") == HTTPStatus.OK
    with patch.object(FindFaceClient, "cards", side_effect=FindFaceConnectionError("down")):
        fields = await async_capabilities(hass, entrance, "person_recognized")
    assert fields[0]["selector"]["select"]["options"] == ["Zoe Seen"]


async def test_recognition_triggers_run_once_per_matching_event(
    hass: HomeAssistant,
    entrance: str,
    events: dict[str, str],
    hass_client: ClientSessionGenerator,
) -> None:
    runs = await async_automate(
        hass,
        entrance,
        recognitions("alice  novak")
        | {
            "body": {"type": "body_detected"},
            "car": {"type": "car_detected"},
            "plate": {"type": "car_detected", "plate": "7XY 9876"},
        },
    )
    assert await post(hass_client, [_recognition("Bob Svoboda")], "face_events") == HTTPStatus.OK
    assert runs() == {"anyone": 1}
    # Two identical events in a row run twice.
    for _ in range(2):
        body = [_recognition("Alice Novak")]
        assert await post(hass_client, body, "face_events") == HTTPStatus.OK
    assert runs() == {"anyone": 3, "person": 2}
    assert await post(hass_client, [_recognition()], "face_events") == HTTPStatus.OK
    assert await post(hass_client, [_recognition()], "face_events") == HTTPStatus.OK
    assert runs() == {"anyone": 3, "person": 2, "unknown": 2}
    assert await post(hass_client, [_recognition()], "body_events") == HTTPStatus.OK
    assert runs()["body"] == 1
    # A car event without a plate in its features does not run the plate trigger.
    assert await post(hass_client, [_recognition("7XY 9876")], "car_events") == HTTPStatus.OK
    assert runs() == {"anyone": 3, "person": 2, "unknown": 2, "body": 1, "car": 1}
    plated = [_recognition(features={"license_plate": {"name": "7xy-9876"}})]
    assert await post(hass_client, plated, "car_events") == HTTPStatus.OK
    assert runs() == {"anyone": 3, "person": 2, "unknown": 2, "body": 1, "car": 2, "plate": 1}
    assert {run["entity_id"] for run in runs.triggers} == set(events.values())
    # Another camera's events run nothing here.
    other = [_recognition("Alice Novak") | {"camera": 2}]
    assert await post(hass_client, other, "face_events") == HTTPStatus.OK
    assert runs()["person"] == 2


async def test_a_plate_matches_the_plate_attribute_whatever_its_spelling(
    hass: HomeAssistant, entrance: str, events: dict[str, str]
) -> None:
    plate = {"type": "car_detected", "plate": "ab 123 cd"}
    runs = await async_automate(hass, entrance, {"plate": plate})
    # As a car event looks with its features parsed (``car_license_plate``).
    for plate, when in (("AB-123-CD", "1"), ("XY-999-ZZ", "2"), ("AB123CD", "3")):
        hass.states.async_set(
            events["car"],
            f"2026-11-23T12:00:0{when}.000+00:00",
            {"event_type": "matched", "car_license_plate": plate},
        )
    await hass.async_block_till_done()
    assert runs() == {"plate": 2}


async def test_occupancy_triggers_run_when_a_count_crosses_the_number(
    hass: HomeAssistant, entrance: str, hass_client: ClientSessionGenerator
) -> None:
    thresholds = {
        "faces_above_3": {"type": "occupancy_above", "subtype": "faces", "above": 3},
        "bodies_below_2": {"type": "occupancy_below", "subtype": "bodies", "below": 2},
    }
    runs = await async_automate(hass, entrance, thresholds)
    for faces, bodies in ((1, 5), (4, 5), (6, 3), (2, 1), (5, 1)):
        assert await post(hass_client, [_counter(faces, bodies)], "counters") == HTTPStatus.OK
    assert runs() == {"faces_above_3": 2, "bodies_below_2": 1}


async def test_an_event_shown_again_does_not_run(
    hass: HomeAssistant,
    entrance: str,
    events: dict[str, str],
    hass_client: ClientSessionGenerator,
    entity_registry: er.EntityRegistry,
) -> None:
    runs = await async_automate(hass, entrance, {"face": {"type": "unknown_face"}})
    assert await post(hass_client, [_recognition()], "face_events") == HTTPStatus.OK
    assert runs() == {"face": 1}
    shown = hass.states.get(events["face"])
    assert shown is not None
    # Unavailable and back with the same event; renamed (its friendly name changes).
    hass.states.async_set(shown.entity_id, STATE_UNAVAILABLE)
    hass.states.async_set(shown.entity_id, shown.state, shown.attributes)
    entity_registry.async_update_entity(shown.entity_id, name="Front door faces")
    await hass.async_block_till_done()
    renamed = hass.states.get(shown.entity_id)
    assert renamed is not None
    assert renamed.attributes["friendly_name"] == "Front door faces"
    assert runs() == {"face": 1}


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ({"type": "person_recognized", "person": "Alice"}, None),
        ({"type": "occupancy_above", "subtype": "faces", "above": "3"}, None),
        ({"type": "occupancy_above", "subtype": "faces"}, vol.Invalid),
        ({"type": "occupancy_above", "subtype": "people", "above": 3}, InvalidDeviceAutomation),
        ({"type": "unknown_face", "person": "Alice"}, vol.Invalid),
        ({"type": "engine_started"}, InvalidDeviceAutomation),
    ],
)
async def test_configurations_are_validated(
    hass: HomeAssistant,
    entrance: str,
    config: dict[str, Any],
    error: type[Exception] | None,
) -> None:
    full = {
        "platform": "device",
        "domain": DOMAIN,
        "device_id": entrance,
        **config,
    }
    if error is None:
        validated = await device_trigger.async_validate_trigger_config(hass, full)
        assert validated.get("above") in (None, 3.0)
    else:
        with pytest.raises(error):
            await device_trigger.async_validate_trigger_config(hass, full)
    with pytest.raises(InvalidDeviceAutomation):  # not a Sitewatch device
        await device_trigger.async_validate_trigger_config(hass, full | {"device_id": "nope"})


async def test_entered_and_exited_run_on_a_counter_s_changes(
    hass: HomeAssistant, entrance: str, hass_client: ClientSessionGenerator
) -> None:
    runs = await async_automate(
        hass, entrance, {"in": {"type": "someone_entered"}, "out": {"type": "someone_exited"}}
    )
    # Counter 1 (Lobby occupancy) counts on the Entrance camera; its first record is the
    # baseline, a record of no known counter is not its.
    for faces, bodies in ((1, 2), (2, 4), (2, 4), (1, 1), (3, 5)):
        record = _counter(faces, bodies) | {"counter": 1}
        assert await post(hass_client, [record], "counters") == HTTPStatus.OK
    assert await post(hass_client, [_counter(0, 0) | {"counter": 9}], "counters") == 200
    assert runs() == {"in": 2, "out": 1}
