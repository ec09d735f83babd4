"""HTTP-level tests for the simulated Moonsense Cloud: control plane, data planes and webhooks."""

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from functools import partial
import hashlib
import json
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
import pytest

from simulator.__main__ import parse_args
from simulator.moonsense import (
    CONTROL_PREFIX,
    EXAMPLE_READINGS,
    MAX_PER_PAGE,
    MOONSENSE_SIMULATOR,
    PLUGIN,
    MoonsenseSettings,
    MoonsenseSimulator,
    camelize,
    example_payloads,
    parse_rfc3339,
    prune_defaults,
    rfc3339,
    to_camel,
)

from .conftest import FakeClock, SimApi, WallClock, receiving, serve_api, start_late_and_restart

TOKEN = "demo-moonsense"
US = "us-central1.gcp"
EU = "europe-west1.gcp"
WALL = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent.parent / "fixtures" / "moonsense"
SESSION_KEYS = {
    "session_id",
    "app_id",
    "region_id",
    "journey_id",
    "client_session_group_id",
    "labels",
    "created_at",
    "counters",
    "metadata",
    "config",
}
PAYLOAD_KEYS = [
    "project_id",
    "app_id",
    "session_id",
    "event_type",
    "client_session_group_id",
    "session_labels",
    "journey_id",
]
SEALED_KEYS = {
    "bundle",
    "app_id",
    "credential_id",
    "session_id",
    "user_id",
    "server_time_millis",
    "install_id",
    "client_user_id",
}

type Params = Sequence[tuple[str, str | int]]


def data(region: str) -> str:
    return f"/moonsense/data/{region}/v2"


class Api(SimApi[MoonsenseSimulator]):
    """A test client of the simulator plus the webhook receiver and the clocks."""

    provider = "moonsense"

    async def get(
        self, path: str, params: Params = (), token: str | None = TOKEN
    ) -> ClientResponse:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return await self.client.get(path, params=list(params), headers=headers)

    async def json(self, path: str, params: Params = ()) -> Any:
        response = await self.get(path, params)
        assert response.status == 200, await response.text()
        return await response.json()

    async def sessions(self, *params: tuple[str, str | int], plane: str = CONTROL_PREFIX) -> Any:
        return await self.json(f"{plane}/sessions", params)

    async def ids(self, *params: tuple[str, str | int]) -> list[str]:
        answer = await self.sessions(*params)
        return [session["session_id"] for session in answer["sessions"]]


def serve(**settings: Any) -> AbstractAsyncContextManager[Api]:
    """Serve a simulator (no initial sessions unless asked, fast retries) and a receiver."""
    return serve_api(Api, PLUGIN, WALL, {"sessions": 0, "retry_base": 0.01} | settings)


def five_sessions(api: Api) -> list[str]:
    """Five sessions a minute apart (oldest first) with labels, journeys, platforms, regions."""
    plan: list[tuple[list[str], str | None, str, str]] = [
        (["commute"], "j-1", "ios", US),
        (["office", "commute"], None, "android", EU),
        ([], "j-2", "web", US),
        (["office"], "j-1", "ios", EU),
        (["night"], None, "android", US),
    ]
    ids = []
    for labels, journey, platform, region in plan:
        ids.append(api.simulator.create_session(labels, journey, platform, region))
        api.wall.advance(minutes=1)
    return ids


def all_keys(value: Any) -> set[str]:
    """Every key of nested dicts and lists."""
    if isinstance(value, dict):
        return set(value).union(*(all_keys(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(all_keys(item) for item in value))
    return set()


def record(api: Api, session_id: str, count: int = 3) -> str:
    """Send count bundles a second apart, persist them; return the chunk id."""
    for index in range(count):
        api.wall.advance(seconds=1)
        api.simulator.send_bundle(
            session_id, battery=(90 - index, "DISCHARGING"), temperature=20.0 + index
        )
    return api.simulator.persist_chunk(session_id)


# Authentication, whoami and regions


async def test_bearer_token_is_required_everywhere_but_regions() -> None:
    async with serve() as api:
        session_id = api.simulator.create_session(region=US)
        chunk_id = record(api, session_id)
        paths = [
            f"{CONTROL_PREFIX}/tokens/self",
            f"{CONTROL_PREFIX}/sessions",
            f"{CONTROL_PREFIX}/sessions/{session_id}",
            f"{data(US)}/tokens/self",
            f"{data(US)}/sessions/{session_id}/chunks",
            f"{data(US)}/sessions/{session_id}/chunks/{chunk_id}",
        ]
        for path in paths:
            for token in (None, "", "wrong"):
                response = await api.get(path, token=token)
                assert response.status == 401, path
                assert set(await response.json()) == {"error"}
            basic = await api.client.get(path, headers={"Authorization": f"Basic {TOKEN}"})
            assert basic.status == 401
            lower = await api.client.get(path, headers={"Authorization": f"bearer {TOKEN}"})
            assert lower.status == 200, path
        regions = await api.get(f"{CONTROL_PREFIX}/regions", token=None)
        assert regions.status == 200
        stats = api.simulator.stats()
        assert stats["rejected_tokens"] == len(paths) * 4
        assert stats["by_path"]["/moonsense/v2/sessions/{session_id}"] == 5
        assert stats["by_path"]["/moonsense/data/{region}/v2/sessions/{session_id}/chunks"] == 5


async def test_token_comes_from_settings() -> None:
    async with serve(token="other") as api:
        assert (await api.get(f"{CONTROL_PREFIX}/tokens/self")).status == 401
        assert (await api.get(f"{CONTROL_PREFIX}/tokens/self", token="other")).status == 200
        assert api.client.app is not None
        assert api.client.app[MOONSENSE_SIMULATOR] is api.simulator


async def test_whoami_on_both_planes() -> None:
    async with serve(project_id="p-1", app_id="a-1") as api:
        whoami = await api.json(f"{CONTROL_PREFIX}/tokens/self")
        assert {"app_id", "project_id", "credential_id", "description", "created_at"} <= set(whoami)
        assert (whoami["app_id"], whoami["project_id"]) == ("a-1", "p-1")
        assert parse_rfc3339(whoami["created_at"]) < WALL
        assert await api.json(f"{data(EU)}/tokens/self") == whoami
        api.simulator.set_camel_case(True)
        camel = await api.json(f"{CONTROL_PREFIX}/tokens/self")
        assert (camel["appId"], camel["projectId"]) == ("a-1", "p-1")
        assert "credentialId" in camel


async def test_regions_name_their_data_planes() -> None:
    async with serve() as api:
        answer = await api.json(f"{CONTROL_PREFIX}/regions")
        regions = answer["regions"]
        assert [region["name"] for region in regions] == [US, EU]
        assert regions[0]["default_primary"] is True
        origin = str(api.client.make_url("/"))[:-1]
        assert regions[1]["url"] == f"{origin}/moonsense/data/{EU}"
        assert (await api.get(f"{data(EU)}/regions")).status == 404  # control plane only
        unknown = await api.get(f"{data('mars-1.gcp')}/tokens/self")
        assert unknown.status == 404
        assert "error" in await unknown.json()


# Sessions: paging, filters, key styles


async def test_paging_to_the_end() -> None:
    async with serve() as api:
        ids = five_sessions(api)
        newest_first = ids[::-1]
        seen: list[str] = []
        expected = [(1, 2, 2), (2, 3, 2), (3, 0, 1)]
        for page, next_page, count in expected:
            answer = await api.sessions(("per_page", 2), ("page", page))
            assert answer["pagination"] == {
                "current_page": page,
                "next_page": next_page,
                "last_page": 3,
                "total_pages": 3,
                "per_page": 2,
                "total_count": 5,
            }
            assert len(answer["sessions"]) == count
            seen += [session["session_id"] for session in answer["sessions"]]
        assert seen == newest_first
        past = await api.sessions(("per_page", 2), ("page", 4))
        assert past["sessions"] == []
        assert past["pagination"]["next_page"] == 0
        everything = await api.sessions()  # defaults: page 1, 50 per page
        assert everything["pagination"]["per_page"] == 50
        assert everything["pagination"]["next_page"] == 0
        assert [s["session_id"] for s in everything["sessions"]] == newest_first
        capped = await api.sessions(("per_page", 100_000))
        assert capped["pagination"]["per_page"] == MAX_PER_PAGE
        for params in ([("page", 0)], [("per_page", 0)], [("page", "x")], [("per_page", "")]):
            response = await api.get(f"{CONTROL_PREFIX}/sessions", params)
            if params == [("per_page", "")]:
                assert response.status == 200  # empty is absent
            else:
                assert response.status == 400, params
                assert "error" in await response.json()


async def test_no_sessions_is_one_empty_page() -> None:
    async with serve() as api:
        answer = await api.sessions()
        assert answer["sessions"] == []
        assert answer["pagination"]["next_page"] == 0
        assert answer["pagination"]["total_count"] == 0


async def test_each_filter() -> None:
    async with serve() as api:
        ids = five_sessions(api)  # created 12:00 .. 12:04
        assert await api.ids(("filter[min_created_at]", "2026-11-23T12:02:00Z")) == ids[:1:-1]
        assert await api.ids(("filter[max_created_at]", "2026-11-23T12:01:00+00:00")) == [
            ids[1],
            ids[0],
        ]
        both = await api.ids(
            ("filter[min_created_at]", "2026-11-23T13:01:00+01:00"),
            ("filter[max_created_at]", "2026-11-23T12:03:00.000Z"),
        )
        assert both == [ids[3], ids[2], ids[1]]
        assert await api.ids(("filter[labels][]", "commute")) == [ids[1], ids[0]]
        any_label = await api.ids(("filter[labels][]", "night"), ("filter[labels][]", "office"))
        assert any_label == [ids[4], ids[3], ids[1]]
        assert await api.ids(("filter[labels][]", "nobody")) == []
        assert await api.ids(("filter[journey_id]", "j-1")) == [ids[3], ids[0]]
        assert await api.ids(("filter[platforms][]", "ios")) == [ids[3], ids[0]]
        platforms = await api.ids(
            ("filter[platforms][]", "web"), ("filter[platforms][]", "ANDROID")
        )
        assert platforms == [ids[4], ids[2], ids[1]]
        combined = await api.ids(
            ("filter[labels][]", "office"),
            ("filter[platforms][]", "ios"),
            ("filter[journey_id]", "j-1"),
        )
        assert combined == [ids[3]]
        paged = await api.sessions(("filter[labels][]", "office"), ("per_page", 1))
        assert paged["pagination"]["total_count"] == 2
        assert paged["pagination"]["next_page"] == 2
        bad = await api.get(f"{CONTROL_PREFIX}/sessions", [("filter[min_created_at]", "noon")])
        assert bad.status == 400


async def test_unencoded_plus_in_a_time_filter_is_taken_back() -> None:
    async with serve() as api:
        ids = five_sessions(api)
        raw = "/moonsense/v2/sessions?filter[min_created_at]=2026-11-23T13:03:00+01:00"
        response = await api.client.get(raw, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status == 200
        answer = await response.json()
        assert [s["session_id"] for s in answer["sessions"]] == [ids[4], ids[3]]


async def test_sessions_on_a_data_plane_and_describe() -> None:
    async with serve() as api:
        ids = five_sessions(api)
        record(api, ids[1])
        listed = await api.sessions(plane=data(US))
        assert len(listed["sessions"]) == 5  # every region, as the package lists them
        minimal = await api.json(f"{CONTROL_PREFIX}/sessions/{ids[1]}")
        # No location reading yet, so no "circle".
        assert set(minimal) == SESSION_KEYS | {"oldest_event", "newest_event"}
        assert minimal == await api.json(
            f"{CONTROL_PREFIX}/sessions/{ids[1]}", [("view", "minimal")]
        )
        assert minimal == await api.json(f"{data(US)}/sessions/{ids[1]}")  # describe anywhere
        assert minimal["region_id"] == EU
        assert [label["name"] for label in minimal["labels"]] == ["office", "commute"]
        assert all(set(label) == {"label_id", "name", "created_at"} for label in minimal["labels"])
        assert minimal["journey_id"] == ""
        assert minimal["metadata"]["platform"] == "android"
        assert "buckets" not in minimal["counters"]["bundle"]
        full = await api.json(f"{CONTROL_PREFIX}/sessions/{ids[1]}", [("view", "full")])
        assert full["counters"]["bundle"]["buckets"] == [
            {
                "start_time": str(
                    int(datetime(2026, 11, 23, 12, 5, tzinfo=UTC).timestamp() * 1000)
                ),
                "value": "3",
            }
        ]
        missing = await api.get(f"{CONTROL_PREFIX}/sessions/nope")
        assert missing.status == 404
        assert "error" in await missing.json()
        bad_view = await api.get(f"{CONTROL_PREFIX}/sessions/{ids[1]}", [("view", "huge")])
        assert bad_view.status == 400
        listed_session = next(s for s in listed["sessions"] if s["session_id"] == ids[1])
        assert listed_session == minimal
        api.simulator.send_bundle(ids[1], location=(50.85, 4.35, 5.0))
        api.simulator.send_bundle(ids[1], location=(50.86, 4.35, 5.0))
        circle = (await api.json(f"{CONTROL_PREFIX}/sessions/{ids[1]}"))["circle"]
        assert circle["centroid"] == {"latitude": pytest.approx(50.855), "longitude": 4.35}
        assert circle["radius"] == pytest.approx(556, abs=1)
        assert set(listed["sessions"][0]) >= SESSION_KEYS


async def test_int64_fields_are_strings() -> None:
    async with serve() as api:
        session_id = api.simulator.create_session(["a"], region=EU)
        chunk_id = record(api, session_id)
        session = await api.json(f"{CONTROL_PREFIX}/sessions/{session_id}", [("view", "full")])
        assert session["config"]["bundle_generation_interval_millis"] == "1000"
        assert session["config"]["requested_duration_millis"].isdigit()
        assert session["counters"]["bundle"]["total"] == "3"
        assert session["counters"]["battery"] == {"total": "3"}
        assert session["counters"]["temperature"] == {"total": "3"}
        bucket = session["counters"]["bundle"]["buckets"][0]
        assert isinstance(bucket["start_time"], str)
        assert isinstance(bucket["value"], str)
        assert session["metadata"]["device_physical_width"].isdigit()
        assert session["oldest_event"] == "2026-11-23T12:00:01Z"
        assert session["newest_event"] == "2026-11-23T12:00:03Z"
        response = await api.get(f"{data(EU)}/sessions/{session_id}/chunks/{chunk_id}")
        sealed = json.loads((await response.text()).splitlines()[0])
        assert sealed["server_time_millis"] == str(int(WALL.timestamp() * 1000) + 1000)
        bundle = sealed["bundle"]
        assert bundle["client_time"]["wall_time_millis"] == sealed["server_time_millis"]
        assert bundle["client_time"]["timer_millis"] == "1000000"
        assert bundle["temperature_data"][0]["determined_at"] == sealed["server_time_millis"]
        assert bundle["battery"] == {"capacity": 90, "state": "DISCHARGING"}  # int32 stays a number
        assert bundle["index"] == 0


async def test_camel_case_keys_everywhere() -> None:
    async with serve(camel_case=True) as api:
        session_id = api.simulator.create_session(["x"], "j", "ios", US)
        chunk_id = record(api, session_id, 1)
        answer = await api.sessions(("per_page", 1))
        assert set(answer["pagination"]) == {
            "currentPage",
            "nextPage",
            "lastPage",
            "totalPages",
            "perPage",
            "totalCount",
        }
        session = answer["sessions"][0]
        assert {
            "sessionId",
            "appId",
            "regionId",
            "journeyId",
            "clientSessionGroupId",
            "createdAt",
            "oldestEvent",
            "newestEvent",
        } <= set(session)
        assert session["config"]["bundleGenerationIntervalMillis"] == "1000"
        assert session["metadata"]["systemVersion"]
        assert set(session["labels"][0]) == {"labelId", "name", "createdAt"}
        assert not [key for key in all_keys(answer) if "_" in key]
        chunks = await api.json(f"{data(US)}/sessions/{session_id}/chunks")
        assert chunks["sessionId"] == session_id
        assert set(chunks["chunks"][0]) == {"chunkId", "md5", "createdAt"}
        text = await (await api.get(f"{data(US)}/sessions/{session_id}/chunks/{chunk_id}")).text()
        sealed = json.loads(text)
        assert {"serverTimeMillis", "credentialId", "installId", "clientUserId"} <= set(sealed)
        assert sealed["bundle"]["clientTime"]["wallTimeMillis"].isdigit()
        assert sealed["bundle"]["temperatureData"][0]["determinedAt"].isdigit()
        # Switched back at run time through the admin route.
        assert (await api.admin("POST", "settings", camel_case=False))["camel_case"] is False
        snake = await api.sessions()
        assert "session_id" in snake["sessions"][0]
        assert "current_page" in snake["pagination"]


async def test_label_replacement() -> None:
    async with serve() as api:
        session_id = api.simulator.create_session(["old"], region=EU)
        for plane in (CONTROL_PREFIX, data(US)):
            response = await api.client.post(
                f"{plane}/sessions/{session_id}/labels",
                json={"labels": [{"name": "new"}, {"name": "other"}]},
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            assert response.status == 200
            assert await response.json() == {}
        session = await api.json(f"{CONTROL_PREFIX}/sessions/{session_id}")
        assert [label["name"] for label in session["labels"]] == ["new", "other"]
        assert await api.ids(("filter[labels][]", "old")) == []
        bad = await api.client.post(
            f"{CONTROL_PREFIX}/sessions/{session_id}/labels",
            json={"labels": "new"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert bad.status == 400
        unknown = await api.client.post(
            f"{CONTROL_PREFIX}/sessions/nope/labels",
            json={"labels": []},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert unknown.status == 404


# Data plane: chunks


async def test_region_must_match_the_sessions_region() -> None:
    async with serve() as api:
        session_id = api.simulator.create_session(region=EU)
        chunk_id = record(api, session_id)
        assert (await api.get(f"{data(EU)}/sessions/{session_id}/chunks")).status == 200
        for path in (
            f"{data(US)}/sessions/{session_id}/chunks",
            f"{data(US)}/sessions/{session_id}/chunks/{chunk_id}",
            f"{data('mars-1.gcp')}/sessions/{session_id}/chunks",
            f"{data(EU)}/sessions/nope/chunks",
            f"{data(EU)}/sessions/{session_id}/chunks/nope",
            f"{CONTROL_PREFIX}/sessions/{session_id}/chunks",  # data planes only
        ):
            response = await api.get(path)
            assert response.status == 404, path
            if "/data/" in path:
                assert "error" in await response.json()


async def test_chunks_list_and_read() -> None:
    async with serve(per_page=2) as api:
        session_id = api.simulator.create_session(region=US)
        empty = await api.json(f"{data(US)}/sessions/{session_id}/chunks")
        assert empty["chunks"] == []
        assert empty["pagination"]["total_count"] == 0
        chunk_ids = [record(api, session_id, count) for count in (3, 1, 2)]
        api.wall.advance(seconds=1)
        api.simulator.send_bundle(session_id, light=5)  # open chunk: not listed, not readable
        current = api.simulator.state()["sessions"][0]["current_chunk"]
        first = await api.json(f"{data(US)}/sessions/{session_id}/chunks")
        assert first["session_id"] == session_id
        assert [chunk["chunk_id"] for chunk in first["chunks"]] == chunk_ids[:2]
        assert first["pagination"]["next_page"] == 2
        second = await api.json(
            f"{data(US)}/sessions/{session_id}/chunks", [("page", 2), ("per_page", 2)]
        )
        assert [chunk["chunk_id"] for chunk in second["chunks"]] == chunk_ids[2:]
        assert second["pagination"]["next_page"] == 0
        assert (await api.get(f"{data(US)}/sessions/{session_id}/chunks/{current}")).status == 404

        chunk = first["chunks"][0]
        assert chunk["created_at"] == "2026-11-23T12:00:03Z"
        response = await api.get(f"{data(US)}/sessions/{session_id}/chunks/{chunk['chunk_id']}")
        assert response.status == 200
        assert response.content_type == "application/x-ndjson"
        body = await response.read()
        assert hashlib.md5(body, usedforsecurity=False).hexdigest() == chunk["md5"]
        lines = body.decode().splitlines()
        assert body.endswith(b"\n")
        assert len(lines) == 3
        sealed = [json.loads(line) for line in lines]
        assert all(set(item) == SEALED_KEYS for item in sealed)
        assert [item["bundle"]["index"] for item in sealed] == [0, 1, 2]
        assert {item["session_id"] for item in sealed} == {session_id}
        assert [item["bundle"]["battery"]["capacity"] for item in sealed] == [90, 89, 88]

        api.simulator.plant_bad_line(session_id, chunk_ids[0], '{"bundle": {"index": 1', index=1)
        await api.admin(
            "POST", f"sessions/{session_id}/chunks/{chunk_ids[0]}/bad-line", text="garbage"
        )
        text = await (
            await api.get(f"{data(US)}/sessions/{session_id}/chunks/{chunk_ids[0]}")
        ).text()
        planted = text.splitlines()
        assert planted[1] == '{"bundle": {"index": 1'
        assert planted[-1] == "garbage"
        assert len(planted) == 5
        assert [json.loads(planted[index]) for index in (0, 2, 3)] == sealed
        relisted = await api.json(f"{data(US)}/sessions/{session_id}/chunks")
        assert (
            relisted["chunks"][0]["md5"]
            == hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
        )
        with pytest.raises(ValueError, match="line break"):
            api.simulator.plant_bad_line(session_id, chunk_ids[0], "a\nb")
        with pytest.raises(ValueError, match="Unknown chunk"):
            api.simulator.plant_bad_line(session_id, "nope", "x")


# Webhooks


async def test_webhooks_for_the_four_event_types() -> None:
    async with serve() as api:
        webhook_id = api.simulator.add_webhook(api.receiver.url(), {"X-Secret": "s3cret"})
        session_id = api.simulator.create_session(["commute", "test"], "journey-7", "ios", EU)
        api.wall.advance(seconds=1)
        sealed = api.simulator.send_bundle(session_id, **EXAMPLE_READINGS)
        api.wall.advance(seconds=1)
        bare = api.simulator.send_bundle(session_id, battery=55)
        api.wall.advance(seconds=1)
        chunk_id = api.simulator.persist_chunk(session_id)
        api.simulator.end_session(session_id)
        await api.drain()
        bodies = api.receiver.bodies()
        assert [body["event_type"] for body in bodies] == [
            "SESSION_CREATED",
            "BUNDLE_RECEIVED",
            "BUNDLE_RECEIVED",
            "CHUNK_PERSISTED",
            "SESSION_INACTIVE",
        ]
        session = api.simulator.describe_session(session_id)
        for body in bodies:
            assert [key for key in body if key != "bundle"] == PAYLOAD_KEYS
            assert body["project_id"] == "proj-demo"
            assert body["app_id"] == "app-demo"
            assert body["session_id"] == session_id
            assert body["client_session_group_id"] == session["client_session_group_id"]
            assert body["session_labels"] == ["commute", "test"]
            assert body["journey_id"] == "journey-7"
            assert ("bundle" in body) == (body["event_type"] == "BUNDLE_RECEIVED")
        assert bodies[1]["bundle"] == sealed
        assert bodies[2]["bundle"] == bare
        bundle = sealed["bundle"]
        at = str(int((WALL + timedelta(seconds=1)).timestamp() * 1000))
        assert bundle["battery"] == {"capacity": 80, "state": "CHARGING"}
        assert bundle["activity_data"] == [
            {"determined_at": at, "type": "WALKING", "confidence": 90}
        ]
        (location,) = bundle["location_data"]
        assert (location["latitude"], location["longitude"]) == (50.8503, 4.3517)
        assert (location["horizontal_accuracy"], location["altitude"]) == (8.5, 56.0)
        assert (location["speed"], location["bearing"], location["determined_at"]) == (
            1.4,
            270.0,
            at,
        )
        assert location["provider"]
        assert bundle["temperature_data"] == [{"determined_at": at, "value": 21.5}]
        assert bundle["light_data"][0]["value"] == 300
        assert bundle["pressure_data"][0]["value"] == 1013.2
        assert bundle["humidity_data"][0]["value"] == 45
        assert bare["bundle"]["battery"] == {"capacity": 55, "state": "UNKNOWN"}
        assert set(bare["bundle"]) == {"client_time", "battery", "index"}  # the rest is absent
        for call in api.receiver.calls:
            assert call.headers["X-Secret"] == "s3cret"
            assert call.headers["Content-Type"] == "application/json"
        deliveries = await api.admin("GET", f"deliveries?webhook={webhook_id}")
        assert [d["payload"]["event_type"] for d in deliveries][-1] == "SESSION_INACTIVE"
        assert deliveries[0]["ok"] is True
        assert deliveries[0]["time"] == rfc3339(api.wall.now)
        assert api.simulator.chunk_ids(session_id) == [chunk_id]
        stats = api.simulator.stats()
        assert stats["events"] == {
            "BUNDLE_RECEIVED": 2,
            "CHUNK_PERSISTED": 1,
            "SESSION_CREATED": 1,
            "SESSION_INACTIVE": 1,
        }
        assert stats["webhooks"] == {"sent": 5, "failed_attempts": 0, "dropped": 0}


async def test_end_session_persists_the_open_chunk_first() -> None:
    async with serve() as api:
        session_id = api.simulator.create_session()
        api.simulator.send_bundle(session_id, light=12)
        api.simulator.end_session(session_id)
        types = [event["event_type"] for event in api.simulator.events]
        assert types == [
            "SESSION_CREATED",
            "BUNDLE_RECEIVED",
            "CHUNK_PERSISTED",
            "SESSION_INACTIVE",
        ]
        assert len(api.simulator.chunk_ids(session_id)) == 1
        assert api.simulator.state()["sessions"][0]["active"] is False
        with pytest.raises(ValueError, match="no bundle"):
            api.simulator.persist_chunk(session_id)
        api.simulator.send_bundle(session_id, light=13)  # records again
        assert api.simulator.state()["sessions"][0]["active"] is True


async def test_numeric_and_unknown_event_types() -> None:
    async with serve(numeric_event_types=True) as api:
        api.simulator.add_webhook(api.receiver.url())
        session_id = api.simulator.create_session(["a"])
        api.simulator.send_bundle(session_id, humidity=50)
        api.simulator.end_session(session_id)
        api.simulator.send_raw_event("UNKNOWN")
        api.simulator.send_raw_event(0, session_id)
        api.simulator.set_numeric_event_types(False)
        api.simulator.send_raw_event(9)
        api.simulator.send_raw_event("SESSION_EXPLODED")
        raw = await api.admin("POST", "events", event_type="UNKNOWN", session_id=session_id)
        assert raw["event_type"] == "UNKNOWN"
        await api.drain()
        bodies = api.receiver.bodies()
        assert [body["event_type"] for body in bodies] == [
            1,
            2,
            3,
            4,
            "UNKNOWN",
            0,
            9,
            "SESSION_EXPLODED",
            "UNKNOWN",
        ]
        assert bodies[1]["bundle"]["bundle"]["humidity_data"][0]["value"] == 50
        anonymous = bodies[4]
        assert anonymous["session_id"] == ""
        assert anonymous["session_labels"] == []
        assert anonymous["project_id"] == "proj-demo"
        assert bodies[5]["session_id"] == session_id
        assert bodies[5]["session_labels"] == ["a"]
        for body in ({"event_type": True}, {"event_type": 1.5}, {}):
            response = await api.client.post("/_sim/moonsense/events", json=body)
            assert response.status == 400
        with pytest.raises(ValueError):
            api.simulator.send_raw_event(1.5)  # type: ignore[arg-type]


async def test_camel_case_webhooks_and_default_fields_left_out() -> None:
    async with serve(camel_case=True) as api:
        api.simulator.add_webhook(api.receiver.url())
        session_id = api.simulator.create_session()
        api.simulator.send_bundle(session_id, battery=(0, "UNKNOWN"), pressure=1000)
        api.simulator.set_emit_defaults(False)
        api.simulator.send_bundle(session_id, battery=(0, "UNKNOWN"), pressure=1000)
        api.simulator.send_raw_event("UNKNOWN")
        await api.drain()
        first, second, third, unknown = api.receiver.bodies()
        assert first["eventType"] == "SESSION_CREATED"
        assert first["sessionLabels"] == []
        assert first["journeyId"] == ""
        assert second["bundle"]["bundle"]["battery"] == {"capacity": 0, "state": "UNKNOWN"}
        assert second["bundle"]["userId"] == ""
        assert second["bundle"]["bundle"]["pressureData"][0]["value"] == 1000
        assert "sessionLabels" not in third
        assert "journeyId" not in third
        assert third["bundle"]["bundle"]["battery"] == {}
        assert "userId" not in third["bundle"]
        assert third["bundle"]["bundle"]["index"] == 1
        assert "eventType" not in unknown  # protobuf leaves enum 0 out
        assert "sessionId" not in unknown
        # The API too: no next_page on the last page, no empty lists.
        answer = await api.sessions()
        assert "nextPage" not in answer["pagination"]
        assert "labels" not in answer["sessions"][0]
        assert "journeyId" not in answer["sessions"][0]


async def test_webhook_retries_with_growing_delay_then_drops() -> None:
    async with serve(send_attempts=3) as api:
        api.receiver.statuses.extend([500, 503])
        api.simulator.add_webhook(api.receiver.url())
        session_id = api.simulator.create_session()
        await api.drain()
        calls = api.retried_twice()
        assert all(call.body["session_id"] == session_id for call in calls)

        bundle = partial(api.simulator.send_bundle, session_id)
        await api.drop_first_of_two(
            partial(bundle, light=1), partial(bundle, light=2), (500, 404, 502)
        )
        assert api.receiver.calls[-1].body["bundle"]["bundle"]["light_data"][0]["value"] == 2
        assert api.simulator.stats()["webhooks"] == {
            "sent": 2,
            "failed_attempts": 5,
            "dropped": 1,
        }


async def test_a_2xx_other_than_200_is_success() -> None:
    async with serve() as api:
        api.receiver.statuses.extend([204, 202])
        api.simulator.add_webhook(api.receiver.url())
        api.simulator.create_session()
        api.simulator.send_raw_event("UNKNOWN")
        await api.drain()
        assert [d["ok"] for d in api.simulator.deliveries] == [True, True]
        assert len(api.receiver.calls) == 2


async def test_admin_routes_drive_a_session() -> None:
    async with serve() as api:
        added = await api.admin(
            "POST", "webhooks", url=api.receiver.url("/a?x=1"), headers={"X-Key": "k"}
        )
        other = await api.admin("POST", "webhooks", url=api.receiver.url("/b"))
        assert other["id"] == added["id"] + 1
        created = await api.admin(
            "POST", "sessions", labels=["l"], journey_id="j", platform="android", region=EU
        )
        session_id = created["session_id"]
        sealed = await api.admin(
            "POST",
            f"sessions/{session_id}/bundles",
            battery=[70, "FULL"],
            activity=["RUNNING", 75],
            location=[1.5, 2.5, 10],
            temperature=18,
            when="2026-11-23T11:59:00Z",
        )
        assert sealed["bundle"]["battery"] == {"capacity": 70, "state": "FULL"}
        assert sealed["bundle"]["client_time"]["wall_time_millis"] == str(
            int((WALL - timedelta(minutes=1)).timestamp() * 1000)
        )
        chunk = await api.admin("POST", f"sessions/{session_id}/persist")
        assert api.simulator.chunk_ids(session_id) == [chunk["chunk_id"]]
        await api.drain()
        await api.admin("DELETE", f"webhooks/{other['id']}")
        missing = await api.client.delete(f"/_sim/moonsense/webhooks/{other['id']}")
        assert missing.status == 404
        assert await api.admin("POST", f"sessions/{session_id}/end") == {"session_id": session_id}
        await api.drain()
        assert [body["event_type"] for body in api.receiver.bodies("/a")] == [
            "SESSION_CREATED",
            "BUNDLE_RECEIVED",
            "CHUNK_PERSISTED",
            "SESSION_INACTIVE",
        ]
        assert len(api.receiver.bodies("/b")) == 3
        assert api.receiver.calls[0].headers["X-Key"] == "k"
        webhooks = await api.admin("GET", "webhooks")
        assert [(w["id"], w["sent"]) for w in webhooks] == [(added["id"], 4)]
        events = await api.admin("GET", "events")
        assert len(events) == 4
        state = await api.admin("GET", "state")
        assert state["sessions"][0]["active"] is False
        assert await api.admin("DELETE", "deliveries") == []
        for path, body in (
            ("webhooks", {"url": "ftp://x"}),
            ("webhooks", {"url": "http://127.0.0.1/", "headers": {"X": 1}}),
            ("webhooks", {"headers": {}}),
            ("sessions", {"platform": "symbian"}),
            ("sessions", {"region": "mars-1.gcp"}),
            ("sessions", {"labels": "l"}),
            (f"sessions/{session_id}/bundles", {"battery": [101, "FULL"]}),
            (f"sessions/{session_id}/bundles", {"battery": [50, "EXPLODING"]}),
            (f"sessions/{session_id}/bundles", {"activity": ["WALKING"]}),
            (f"sessions/{session_id}/bundles", {"location": [91, 0, 1]}),
            (f"sessions/{session_id}/bundles", {"humidity": 101}),
            (f"sessions/{session_id}/bundles", {"light": "bright"}),
            (f"sessions/{session_id}/bundles", {"heart_beat": 60}),
            (f"sessions/{session_id}/bundles", {"when": "noon"}),
            ("sessions/nope/bundles", {}),
            ("sessions/nope/persist", {}),
            (f"sessions/{session_id}/chunks/nope/bad-line", {"text": "x"}),
            ("fail", {"status": 302}),
            ("settings", {"camel_case": "yes"}),
            ("settings", {"bundle_interval": -1}),
        ):
            response = await api.client.post(f"/_sim/moonsense/{path}", json=body)
            assert response.status == 400, (path, body)
            assert (await response.json())["error"]


async def test_fail_next_answers_errors_then_recovers() -> None:
    async with serve() as api:
        api.simulator.fail_next(429, 2)
        for path in (f"{CONTROL_PREFIX}/regions", f"{CONTROL_PREFIX}/sessions"):
            failed = await api.get(path)
            assert failed.status == 429
            assert failed.headers["Retry-After"] == "1"
            assert await failed.json() == {"error": "Injected failure 429"}
        assert (await api.get(f"{CONTROL_PREFIX}/sessions")).status == 200
        assert await api.admin("POST", "fail", status=500) == {"status": 500, "count": 1}
        failed = await api.get(f"{CONTROL_PREFIX}/sessions", token="wrong")  # failure first
        assert failed.status == 500
        assert "Retry-After" not in failed.headers

        stats = (await (await api.client.get("/_sim/stats")).json())["moonsense"]
        assert stats["total"] == 4
        assert stats["by_status"] == {"200": 1, "429": 2, "500": 1}
        assert stats["injected_failures"] == 3
        reset = await (await api.client.post("/_sim/stats/reset")).json()
        assert reset["moonsense"]["total"] == 0
        assert reset["facespace"]["total"] == 0


# Initial sessions and the generator


async def test_initial_sessions_have_readable_history() -> None:
    async with serve(sessions=3) as api:
        answer = await api.sessions()
        sessions = answer["sessions"]
        assert len(sessions) == 3
        assert {session["region_id"] for session in sessions} == {US, EU}
        assert {session["metadata"]["platform"] for session in sessions} == {
            "ios",
            "android",
            "web",
        }
        state = {item["session_id"]: item for item in api.simulator.state()["sessions"]}
        assert [state[s["session_id"]]["active"] for s in sessions] == [True, False, False]
        for session in sessions:
            assert parse_rfc3339(session["created_at"]) < WALL
            plane = data(session["region_id"])
            chunks = await api.json(f"{plane}/sessions/{session['session_id']}/chunks")
            assert len(chunks["chunks"]) == 2
            chunk_id = chunks["chunks"][0]["chunk_id"]
            response = await api.get(f"{plane}/sessions/{session['session_id']}/chunks/{chunk_id}")
            lines = (await response.text()).splitlines()
            assert len(lines) == 5
            assert all(json.loads(line)["session_id"] == session["session_id"] for line in lines)
        assert api.simulator.events == []  # history is quiet


def test_generator_steps_make_plausible_sessions() -> None:
    wall = WallClock(WALL)
    simulator = MoonsenseSimulator(MoonsenseSettings(sessions=0), wallclock=wall)
    for _ in range(200):
        wall.advance(seconds=1)
        simulator.generate_step()
    types = [event["event_type"] for event in simulator.events]
    assert types[0] == "SESSION_CREATED"
    assert {"SESSION_CREATED", "BUNDLE_RECEIVED", "CHUNK_PERSISTED", "SESSION_INACTIVE"} == set(
        types
    )
    assert sum(1 for session in simulator.state()["sessions"] if session["active"]) <= 2
    bundles = [event["bundle"]["bundle"] for event in simulator.events if "bundle" in event]
    keys = [set(bundle) for bundle in bundles]
    ambient = {"temperature_data", "light_data", "pressure_data", "humidity_data"}
    assert any(not key & ambient for key in keys)  # some bundles have no ambient reading
    for name in ambient:
        assert any(name in key for key in keys)
    assert any("battery" not in key for key in keys)
    assert all(
        bundle["battery"]["state"] in ("CHARGING", "DISCHARGING", "FULL")
        for bundle in bundles
        if "battery" in bundle
    )
    for event in simulator.events:
        if event["event_type"] == "SESSION_INACTIVE":
            assert simulator.chunk_ids(event["session_id"])
    # Same seed, same story.
    again = MoonsenseSimulator(MoonsenseSettings(sessions=0), clock=FakeClock(), wallclock=wall)
    for _ in range(20):
        again.generate_step()
    other = MoonsenseSimulator(MoonsenseSettings(sessions=0), clock=FakeClock(), wallclock=wall)
    for _ in range(20):
        other.generate_step()
    assert again.events == other.events


def test_numeric_enums_setting() -> None:
    simulator = MoonsenseSimulator(MoonsenseSettings(sessions=0, numeric_enums=True))
    for _ in range(30):
        simulator.generate_step()
    bundles = [event["bundle"]["bundle"] for event in simulator.events if "bundle" in event]
    states = {bundle["battery"]["state"] for bundle in bundles if "battery" in bundle}
    kinds = {item["type"] for bundle in bundles for item in bundle.get("activity_data", [])}
    assert states <= {1, 2, 3}
    assert kinds <= set(range(8))
    assert kinds
    session_id = simulator.create_session()
    sealed = simulator.send_bundle(session_id, battery=(5, 2), activity=(7, 60))
    assert sealed["bundle"]["battery"]["state"] == 2
    assert sealed["bundle"]["activity_data"][0]["type"] == 7


async def test_bundle_interval_generates_until_stopped() -> None:
    async with serve(bundle_interval=0.01) as api:
        api.simulator.add_webhook(api.receiver.url())
        await api.receiver.wait_for(4)
        assert {call.body["event_type"] for call in api.receiver.calls} >= {"BUNDLE_RECEIVED"}
        assert api.simulator.sessions
        await api.stop_generator("bundle_interval", lambda: len(api.simulator.events), 0.05)


async def test_sender_starts_late_and_keeps_the_queue_across_restarts() -> None:
    simulator = MoonsenseSimulator(MoonsenseSettings(sessions=0, retry_base=0.01))
    async with receiving() as receiver:
        simulator.add_webhook(receiver.url())
        session_id = simulator.create_session()
        await start_late_and_restart(simulator)
        assert [call.body["session_id"] for call in receiver.calls] == [session_id]


# Helpers, fixtures, settings and command line


def test_wire_helpers() -> None:
    assert to_camel("bundle_generation_interval_millis") == "bundleGenerationIntervalMillis"
    assert to_camel("index") == "index"
    assert camelize({"a_b": [{"c_d": 1}], "e": {"f_g": "h_i"}}) == {
        "aB": [{"cD": 1}],
        "e": {"fG": "h_i"},
    }
    assert prune_defaults(
        {"a": 0, "b": "", "c": [], "d": "0", "e": {}, "state": "UNKNOWN", "f": "UNKNOWN", "g": 1}
    ) == {"e": {}, "f": "UNKNOWN", "g": 1}
    assert rfc3339(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert rfc3339(datetime(2026, 1, 2, 3, 4, 5, 250000)) == "2026-01-02T03:04:05.250Z"
    assert rfc3339(datetime(2026, 1, 2, 3, 4, 5, 1)) == "2026-01-02T03:04:05.000001Z"
    assert parse_rfc3339("2026-01-02T04:04:05.123456789+01:00") == datetime(
        2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC
    )
    assert parse_rfc3339("2026-01-02T04:04:05 01:00") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_rfc3339("yesterday")


def test_fixtures_match_the_simulator() -> None:
    payloads = example_payloads()
    assert sorted(payloads) == [
        "chunk.jsonl",
        "sessions_page1.json",
        "webhook_bundle_received.json",
        "webhook_bundle_received_camel.json",
        "webhook_numeric_event_type.json",
        "webhook_session_created.json",
    ]
    for name, expected in payloads.items():
        text = (FIXTURES / name).read_text(encoding="utf-8")
        if name.endswith(".jsonl"):
            assert text == expected
        else:
            assert json.loads(text) == expected, name
    received = payloads["webhook_bundle_received.json"]
    assert received["event_type"] == "BUNDLE_RECEIVED"
    assert {
        "battery",
        "activity_data",
        "location_data",
        "temperature_data",
        "light_data",
        "pressure_data",
        "humidity_data",
        "client_time",
    } <= set(received["bundle"]["bundle"])
    assert payloads["webhook_bundle_received_camel.json"] == camelize(received)
    assert payloads["webhook_session_created.json"]["event_type"] == "SESSION_CREATED"
    assert "bundle" not in payloads["webhook_session_created.json"]
    assert payloads["webhook_numeric_event_type.json"]["event_type"] == 3
    page = payloads["sessions_page1.json"]
    assert len(page["sessions"]) == 2
    assert page["pagination"]["next_page"] == 2
    lines = payloads["chunk.jsonl"].splitlines()
    assert 2 <= len(lines) <= 3
    assert json.loads(lines[0]) == received["bundle"]
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert "0.13.1" in readme


def test_settings_are_validated() -> None:
    for bad in (
        {"token": ""},
        {"project_id": ""},
        {"regions": ()},
        {"regions": ("a", "a")},
        {"regions": ("a/b",)},
        {"sessions": -1},
        {"per_page": 0},
        {"per_page": MAX_PER_PAGE + 1},
        {"bundle_interval": -1},
        {"retry_base": 0},
        {"send_attempts": 0},
        {"send_timeout": 0},
    ):
        with pytest.raises(ValueError):
            MoonsenseSettings(**bad)
    assert MoonsenseSettings(regions=["x"]).regions == ("x",)  # type: ignore[arg-type]
    simulator = MoonsenseSimulator(MoonsenseSettings(sessions=0))
    session_id = simulator.create_session()
    for call in (
        lambda: simulator.set_bundle_interval(-1),
        lambda: simulator.fail_next(302),
        lambda: simulator.fail_next(500, -1),
        lambda: simulator.remove_webhook(1),
        lambda: simulator.add_webhook("ftp://x"),
        lambda: simulator.create_session(platform="symbian"),
        lambda: simulator.create_session(region="mars-1.gcp"),
        lambda: simulator.create_session(labels="abc"),
        lambda: simulator.create_session(labels=[""]),
        lambda: simulator.send_bundle("nope"),
        lambda: simulator.send_bundle(session_id, battery=(50, "FULL", 1)),
        lambda: simulator.send_bundle(session_id, battery=(50, 9)),
        lambda: simulator.send_bundle(session_id, activity=("WALKING", 101)),
        lambda: simulator.send_bundle(session_id, location=(0, 0)),
        lambda: simulator.send_bundle(session_id, location=(0, 200, 1)),
        lambda: simulator.send_bundle(session_id, pressure=0),
        lambda: simulator.send_bundle(session_id, temperature=float("nan")),
        lambda: simulator.persist_chunk(session_id),
        lambda: simulator.end_session("nope"),
    ):
        with pytest.raises(ValueError):
            call()


def test_cli_arguments_build_moonsense_settings() -> None:
    args = parse_args(
        ["--moonsense-token", "t", "--moonsense-interval", "2.5", "--moonsense-camel-case"]
    )
    assert args.moonsense == MoonsenseSettings(token="t", bundle_interval=2.5, camel_case=True)
    assert parse_args([]).moonsense == MoonsenseSettings()
    with pytest.raises(SystemExit):
        parse_args(["--moonsense-interval", "-1"])
    with pytest.raises(SystemExit):
        parse_args(["--moonsense-token", ""])
