"""Home Assistant's recorder keeps recording after hostile FindFace bodies (issue 11)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from http import HTTPStatus
import itertools
from unittest.mock import PropertyMock, patch

from homeassistant.components.recorder import Recorder, get_instance
from homeassistant.components.recorder.db_schema import States, StatesMeta
from homeassistant.components.recorder.history import (
    get_significant_states,
    state_changes_during_period,
)
from homeassistant.components.recorder.tasks import CommitTask
from homeassistant.components.recorder.util import session_scope
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch import recording
from custom_components.sitewatch.recording import BACKLOG_LIMIT, COMMIT_EVERY
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
    for entity_id, per_event_key in (
        (parking, "event_id"),
        (entrance, "event_id"),
        (area, "activation_id"),
    ):
        history = await recorder.async_add_executor_job(
            partial(state_changes_during_period, hass, start, entity_id=entity_id)
        )
        recorded = history[entity_id][-1]
        assert (
            recorded.attributes["event_type"] == hass.states.get(entity_id).attributes["event_type"]
        )
        # Fired with the event, not recorded: rows of a burst share their attributes.
        assert per_event_key in hass.states.get(entity_id).attributes
        assert per_event_key not in recorded.attributes
    stored = hass.states.get(entrance)
    assert stored.attributes["mode"] == "unknown"
    assert len(stored.attributes["mode_text"]) <= 64


async def test_a_burst_is_committed_as_it_arrives_and_shares_attribute_rows(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
) -> None:
    """A burst asks the recorder to commit every ``COMMIT_EVERY`` items; a trickle does not.

    Every event of the burst is recorded once; their per-event fields are not, so the rows of
    one camera's unmatched faces share a single attributes row.
    """
    recorder = get_instance(hass)
    commits: list[object] = []
    queue_task = recorder.queue_task

    def spy(task: object) -> None:
        if isinstance(task, CommitTask):
            commits.append(task)
        queue_task(task)

    entrance = event_entity(hass, findface_entry, "face_events", 1)
    start = dt_util.utcnow() - timedelta(minutes=5)
    with patch.object(recorder, "queue_task", spy):
        for _ in range(3):
            trickle = [template("face_events", next(IDS))]
            assert await post(hass_client, trickle, "face_events") == HTTPStatus.OK
        assert commits == []
        for _ in range(COMMIT_EVERY // 50 + 1):
            batch = [template("face_events", next(IDS)) for _ in range(50)]
            assert await post(hass_client, batch, "face_events") == HTTPStatus.OK
        assert len(commits) == 1
    await async_wait_recording_done(hass)

    history = await recorder.async_add_executor_job(
        partial(
            get_significant_states,
            hass,
            start,
            entity_ids=[entrance],
            significant_changes_only=False,
        )
    )
    fired = [state for state in history[entrance] if state.state != "unknown"]
    assert len(fired) == 3 + (COMMIT_EVERY // 50 + 1) * 50
    with session_scope(hass=hass, read_only=True) as session:
        attribute_rows = {
            row.attributes_id
            for row in session.query(States.attributes_id)
            .join(StatesMeta, States.metadata_id == StatesMeta.metadata_id)
            .filter(StatesMeta.entity_id == entrance, States.state != "unknown")
        }
    assert len(attribute_rows) == 1


@pytest.mark.parametrize(
    ("backlogs", "looks", "reason"),
    [
        ([BACKLOG_LIMIT * 10, BACKLOG_LIMIT + 1, BACKLOG_LIMIT], 3, "the queue got short"),
        ([BACKLOG_LIMIT * 10] * 100, 10, "waited MAX_WAIT"),
    ],
)
async def test_events_wait_while_the_recorder_is_behind(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    findface_entry: MockConfigEntry,
    backlogs: list[int],
    looks: int,
    reason: str,
) -> None:
    """A body's events fire once the recorder's queue is short again, or after ``MAX_WAIT``."""
    recorder = get_instance(hass)
    entrance = event_entity(hass, findface_entry, "face_events", 1)
    backlog = PropertyMock(side_effect=backlogs)
    with (
        patch.object(type(recorder), "backlog", backlog),
        patch.object(recording, "POLL", 0.001),
        patch.object(recording, "MAX_WAIT", 0.01),
    ):
        item = template("face_events", next(IDS))
        assert await post(hass_client, [item], "face_events") == HTTPStatus.OK
    assert backlog.call_count == looks, reason
    assert hass.states.get(entrance).attributes["event_id"] == item["id"]
