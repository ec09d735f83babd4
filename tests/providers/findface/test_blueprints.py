"""The recognition blueprints on a FindFace camera, run by webhook pushes into a loaded entry."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from itertools import count
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from ...blueprints import async_automate_from
from ...device_triggers import device_of
from .common import post

pytestmark = pytest.mark.integration

IDS = count(9_100_001)
THUMBNAIL = "https://findface.example/uploads/thumb-1.jpg"


def _face(card: str | None, camera: int = 1) -> dict[str, Any]:
    """A face event of ``camera`` (1: Entrance), matched to ``card`` when given."""
    item: dict[str, Any] = {
        "id": str(next(IDS)),
        "camera": camera,
        "matched": card is not None,
        "confidence": 0.93,
        "thumbnail": THUMBNAIL,
        "fullframe": "https://findface.example/uploads/full-1.jpg",
    }
    if card is not None:
        item["matched_card"] = {"id": 1, "name": card}
    return item


async def test_a_known_person_is_notified_with_the_picture(
    hass: HomeAssistant,
    findface_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    entrance = device_of(hass, findface_entry, "camera_1")
    calls = await async_automate_from(
        hass,
        tmp_path,
        {
            "anyone": ("person_recognised", {"camera": entrance}),
            "alice": ("person_recognised", {"camera": entrance, "person": "alice novak"}),
        },
    )
    assert await post(hass_client, [_face("Bob Svoboda")], "face_events") == HTTPStatus.OK
    await hass.async_block_till_done()
    assert len(calls) == 1
    assert calls[0].data["title"] == "Bob Svoboda at Entrance (FindFace)"
    assert calls[0].data["message"] == "Bob Svoboda was recognised at Entrance (FindFace) (93 %)."
    assert calls[0].data["data"] == {"image": THUMBNAIL, "attachment": {"url": THUMBNAIL}}

    assert await post(hass_client, [_face("Alice Novak")], "face_events") == HTTPStatus.OK
    await hass.async_block_till_done()
    assert [call.data["title"] for call in calls[1:]] == ["Alice Novak at Entrance (FindFace)"] * 2

    # An unknown face, or a known person at another camera: nothing.
    body = [_face(None), _face("Alice Novak", camera=2)]
    assert await post(hass_client, body, "face_events") == HTTPStatus.OK
    await hass.async_block_till_done()
    assert len(calls) == 3


@pytest.mark.parametrize(
    ("local_time", "notified"),
    [("23:30", True), ("03:00", True), ("12:00", False), ("21:59", False)],
)
async def test_an_unknown_face_is_notified_at_night_only(
    hass: HomeAssistant,
    findface_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    local_time: str,
    notified: bool,
) -> None:
    freezer.move_to(
        datetime.fromisoformat(f"2026-11-20T{local_time}:00").replace(
            tzinfo=dt_util.get_default_time_zone()
        )
    )
    entrance = device_of(hass, findface_entry, "camera_1")
    calls = await async_automate_from(
        hass, tmp_path, {"night": ("unknown_face_at_night", {"camera": entrance})}
    )
    # A known person at night does not count.
    assert await post(hass_client, [_face("Alice Novak"), _face(None)], "face_events") == (
        HTTPStatus.OK
    )
    await hass.async_block_till_done()
    if not notified:
        assert calls == []
        return
    assert len(calls) == 1
    assert calls[0].data["title"] == "Unknown face at Entrance (FindFace)"
    assert calls[0].data["message"] == (
        f"An unknown face was seen at Entrance (FindFace) at {local_time}."
    )
    assert calls[0].data["data"]["image"] == THUMBNAIL
