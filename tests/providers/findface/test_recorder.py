"""Home Assistant's recorder keeps recording after hostile FindFace bodies (issue 11)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from http import HTTPStatus
import itertools

from homeassistant.components.recorder import Recorder, get_instance
from homeassistant.components.recorder.history import state_changes_during_period
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.webhook import MAX_JSON_DEPTH

from .common import post
from .test_hostile import event_entity, nest, template

pytestmark = pytest.mark.integration

IDS = itertools.count(10**16)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The recorder is set up before ``hass`` (it must be), then the integration is loadable."""


async def test_the_recorder_keeps_recording_after_hostile_bodies(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
) -> None:
    """Nested, long and out-of-range values end as bounded attributes the recorder stores."""
    deep = nest("2026-11-23T12:00:00Z", MAX_JSON_DEPTH - 3, "dict")
    hostile_face = {
        **template("face_events", next(IDS)),
        "created_date": deep,
        "thumbnail": "é" * 100_000,
        "bs_type": "x" * 10_000,
        "confidence": 10**300,
        "matched_lists": [deep, "y" * 5000, *range(500)],
    }
    hostile_area = {**template("areas", next(IDS)), "created_date": deep, "duration": 1e308}
    assert await post(hass_client, [hostile_face], "face_events") == HTTPStatus.OK
    assert await post(hass_client, [hostile_area], "areas") == HTTPStatus.OK
    await async_wait_recording_done(hass)
    later = template("face_events", next(IDS), camera=2)
    assert await post(hass_client, [later], "face_events") == HTTPStatus.OK
    await async_wait_recording_done(hass)
    recorder = get_instance(hass)
    assert recorder.is_alive()
    parking = event_entity(hass, findface_entry, "face_events", 2)
    entrance = event_entity(hass, findface_entry, "face_events", 1)
    area = event_entity(hass, findface_entry, "areas", 1)
    start = dt_util.utcnow() - timedelta(minutes=5)
    for entity_id, key, item in (
        (parking, "event_id", later),
        (entrance, "event_id", hostile_face),
        (area, "activation_id", hostile_area),
    ):
        history = await recorder.async_add_executor_job(
            partial(state_changes_during_period, hass, start, entity_id=entity_id)
        )
        recorded = [state.attributes.get(key) for state in history[entity_id]]
        assert str(item["id"]) in recorded
    stored = hass.states.get(entrance)
    assert stored.attributes["mode"] == "unknown"
    assert len(stored.attributes["mode_text"]) <= 64
