"""FindFace hooks made by Sitewatch: each section's filters, and keeping them up to date."""

from __future__ import annotations

from typing import Any

import aiohttp
from aioresponses import aioresponses
import pytest
from yarl import URL

from custom_components.sitewatch.providers.findface.api import (
    SECTIONS,
    FindFaceApiError,
    FindFaceClient,
    Hook,
)
from custom_components.sitewatch.providers.findface.api.hooks import (
    HookSettings,
    async_sync_hooks,
    legacy_settings,
    section_url,
)

BASE = "https://ff.test:8443"
HOOKS = f"{BASE}/hooks/"
HA = "https://ha.test/api/webhook/abc"


@pytest.fixture
def client(session: aiohttp.ClientSession) -> FindFaceClient:
    """A client holding a token."""
    return FindFaceClient(session, BASE, token="tok1")


def _calls(mock: aioresponses, method: str, url: str) -> list[Any]:
    return mock.requests.get((method, URL(url)), [])


def _hook(hook_id: int, section: str, **fields: Any) -> dict[str, Any]:
    """A hook as ``GET /hooks/{id}/`` answers it, made by Sitewatch for ``section``."""
    return {
        "id": hook_id,
        "name": f"Home Assistant ({section})",
        "url": section_url(HA, section),
        "active": True,
        "batch_size": 1,
        "send_attempts": 10,
        "filters": {section: {}},
        **fields,
    }


# --- filters -----------------------------------------------------------------------------------


def test_default_settings_send_every_section_whole() -> None:
    assert HookSettings().filters() == {section: {} for section in SECTIONS}


def test_every_filter_goes_where_the_documentation_allows_it() -> None:
    settings = HookSettings(
        kinds=frozenset({"cars", "faces", "episodes", "counters", "areas"}),
        cameras=(3, 1),
        camera_groups=(2,),
        watch_lists=(5,),
        matched_only=True,
        min_confidence=0.8,
    )
    cameras = {"camera_in": [1, 3], "camera_group_in": [2]}
    recognition = {**cameras, "matched_lists_in": [5], "matched": True, "confidence_gte": 0.8}
    assert settings.filters() == {
        "face_events": recognition,
        "car_events": recognition,
        "human_episodes": {**cameras, "matched_lists_in": [5], "face_matched": True},
        "car_episodes": {**cameras, "matched_lists_in": [5], "car_matched": True},
        "counters": cameras,
        "areas": cameras,
    }
    assert list(settings.filters()) == [s for s in SECTIONS if s != "body_events"]


def test_unset_filters_are_left_out_never_sent_empty() -> None:
    """An empty list would match nothing on the server."""
    rules = HookSettings(kinds=frozenset({"bodies"}), min_confidence=None).filters()
    assert rules == {"body_events": {}}


def test_legacy_entries_keep_their_meaning() -> None:
    matched_faces = legacy_settings([7])
    assert matched_faces.filters() == {"face_events": {"matched": True}}
    assert legacy_settings([1, 2, 3, 4, 5, 6, 7]).filters() == HookSettings().filters()
    assert legacy_settings([]) == HookSettings()


# --- the hook model and client -------------------------------------------------------------------


def test_hook_from_api_bounds_fields_and_finds_its_section() -> None:
    hook = Hook.from_api(
        {
            "id": "9",
            "url": HA + "?section=areas",
            "active": "yes",
            "batch_size": 0,
            "send_attempts": 0,
            "filters": {"areas": {"area_in": [1]}, "bogus": {}, "counters": []},
        }
    )
    assert hook == Hook(
        id=9,
        name="",
        url=HA + "?section=areas",
        active=True,
        batch_size=1,
        send_attempts=0,
        filters={"areas": {"area_in": [1]}},
    )
    assert hook.section == "areas"
    by_filter = Hook.from_api({"id": 1, "url": HA, "filters": {"car_events": {}}})
    assert by_filter.section == "car_events"
    assert Hook.from_api({"id": 1, "url": HA, "filters": {}}).section is None
    assert Hook.from_api({"id": 1, "url": HA + "?section=nope"}).section is None
    with pytest.raises(FindFaceApiError, match="'id'"):
        Hook.from_api({"url": HA})


async def test_get_and_patch_hook(client: FindFaceClient, mock: aioresponses) -> None:
    mock.get(f"{HOOKS}4/", payload=_hook(4, "counters", batch_size=20))
    mock.patch(f"{HOOKS}4/", payload=_hook(4, "counters", batch_size=5))
    assert (await client.hook(4)).batch_size == 20
    patched = await client.update_hook(
        4, url=HA, batch_size=5, send_attempts=0, filters={"counters": {"camera_in": [1]}}
    )
    assert patched.batch_size == 5
    (call,) = _calls(mock, "PATCH", f"{HOOKS}4/")
    assert call.kwargs["json"] == {
        "url": HA,
        "active": True,
        "batch_size": 5,
        "send_attempts": 0,
        "filters": {"counters": {"camera_in": [1]}},
    }
    assert call.kwargs["headers"]["Authorization"] == "Token tok1"


async def test_hook_calls_refuse_a_non_object(client: FindFaceClient, mock: aioresponses) -> None:
    mock.get(f"{HOOKS}4/", payload=[1])
    mock.patch(f"{HOOKS}4/", payload=[1])
    with pytest.raises(FindFaceApiError, match="hook object"):
        await client.hook(4)
    with pytest.raises(FindFaceApiError, match="hook object"):
        await client.update_hook(4, url=HA, batch_size=1, send_attempts=1, filters={})


# --- keeping the hooks up to date ----------------------------------------------------------------


async def test_sync_patches_kept_sections_creates_new_and_deletes_the_rest(
    client: FindFaceClient, mock: aioresponses
) -> None:
    mock.get(f"{HOOKS}1/", payload=_hook(1, "face_events"))
    mock.get(f"{HOOKS}2/", payload=_hook(2, "counters"))
    mock.get(f"{HOOKS}3/", status=404)  # deleted by hand: forgotten
    mock.patch(f"{HOOKS}1/", payload=_hook(1, "face_events"))
    mock.post(HOOKS, status=201, payload={"id": 8})
    mock.delete(f"{HOOKS}2/", status=204)
    settings = HookSettings(
        kinds=frozenset({"faces", "cars"}), cameras=(2,), batch_size=7, send_attempts=0
    )

    assert await async_sync_hooks(client, HA, [1, 2, 3], settings) == [1, 8]

    patch_body = _calls(mock, "PATCH", f"{HOOKS}1/")[0].kwargs["json"]
    assert patch_body == {
        "url": f"{HA}?section=face_events",
        "active": True,
        "batch_size": 7,
        "send_attempts": 0,
        "filters": {"face_events": {"camera_in": [2]}},
    }
    post_body = _calls(mock, "POST", HOOKS)[0].kwargs["json"]
    assert post_body["filters"] == {"car_events": {"camera_in": [2]}}
    assert post_body["url"] == f"{HA}?section=car_events"
    assert post_body["name"] == "Home Assistant (car_events)"
    assert len(_calls(mock, "DELETE", f"{HOOKS}2/")) == 1
    assert _calls(mock, "DELETE", f"{HOOKS}3/") == []


@pytest.mark.parametrize("status", [404, 405])
async def test_sync_recreates_a_hook_it_cannot_patch_before_deleting_it(
    client: FindFaceClient, mock: aioresponses, status: int
) -> None:
    mock.get(f"{HOOKS}1/", payload=_hook(1, "areas"))
    mock.patch(f"{HOOKS}1/", status=status)
    mock.post(HOOKS, status=201, payload={"id": 2})
    mock.delete(f"{HOOKS}1/", status=204 if status == 405 else 404)
    settings = HookSettings(kinds=frozenset({"areas"}))

    assert await async_sync_hooks(client, HA, [1], settings) == [2]

    order = [method for method, _ in mock.requests]
    assert order == ["GET", "PATCH", "POST", "DELETE"]  # the new one exists before the old goes


async def test_sync_without_settings_deletes_every_hook_and_keeps_undeletable_ones(
    client: FindFaceClient, mock: aioresponses, caplog: pytest.LogCaptureFixture
) -> None:
    mock.get(f"{HOOKS}1/", payload=_hook(1, "face_events"))
    mock.get(f"{HOOKS}2/", payload=_hook(2, "face_events"))  # a duplicate section
    mock.delete(f"{HOOKS}1/", status=204)
    mock.delete(f"{HOOKS}2/", status=500)

    assert await async_sync_hooks(client, HA, [1, 2], None) == [2]
    assert "Could not delete webhook 2" in caplog.text


async def test_sync_failure_puts_the_server_back(
    client: FindFaceClient, mock: aioresponses
) -> None:
    old = _hook(1, "face_events", batch_size=3, filters={"face_events": {"matched": True}})
    mock.get(f"{HOOKS}1/", payload=old)
    mock.get(f"{HOOKS}2/", payload=_hook(2, "counters"))
    mock.patch(f"{HOOKS}1/", payload=old, repeat=True)
    mock.post(HOOKS, status=201, payload={"id": 5})
    mock.post(HOOKS, status=400)
    mock.delete(f"{HOOKS}5/", status=204)
    settings = HookSettings(kinds=frozenset({"faces", "bodies", "cars", "counters"}))

    with pytest.raises(FindFaceApiError):
        await async_sync_hooks(client, HA, [1, 2], settings)

    patches = [call.kwargs["json"] for call in _calls(mock, "PATCH", f"{HOOKS}1/")]
    assert patches[-1] == {
        "url": old["url"],
        "active": True,
        "batch_size": 3,
        "send_attempts": 10,
        "filters": {"face_events": {"matched": True}},
    }
    assert len(_calls(mock, "DELETE", f"{HOOKS}5/")) == 1  # the one created is gone again
    assert _calls(mock, "DELETE", f"{HOOKS}2/") == []  # nothing deleted before the failure


async def test_sync_stops_when_a_hook_cannot_be_read(
    client: FindFaceClient, mock: aioresponses
) -> None:
    mock.get(f"{HOOKS}1/", status=500)
    with pytest.raises(FindFaceApiError, match="500"):
        await async_sync_hooks(client, HA, [1], HookSettings())
    assert [method for method, _ in mock.requests] == ["GET"]
