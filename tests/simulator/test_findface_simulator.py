"""HTTP-level tests for the simulated FindFace Multi REST API and its webhook sender."""

import asyncio
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
import pytest
from yarl import URL

from custom_components.sitewatch.providers.findface.api import basic_authorization
from simulator.__main__ import parse_args
from simulator.findface import (
    FINDFACE_SIMULATOR,
    JPEG,
    MAX_EMIT,
    PLUGIN,
    SECTIONS,
    FindFaceSettings,
    FindFaceSimulator,
    example_payloads,
)

from .conftest import FakeClock, SimApi, receiving, serve_api, start_late_and_restart

WALL = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
TOKEN = {"Authorization": "Token demo-token"}
FIXTURES = Path(__file__).parent.parent / "fixtures" / "findface"


class Api(SimApi[FindFaceSimulator]):
    """A test client of the simulator plus the webhook receiver."""

    provider = "findface"

    async def get(self, path: str, **params: str) -> ClientResponse:
        return await self.client.get(path, params=params, headers=TOKEN)

    async def json(self, path: str, **params: str) -> Any:
        response = await self.get(path, **params)
        assert response.status == 200, await response.text()
        return await response.json()

    async def login(self, username: str = "demo", password: str = "demo") -> ClientResponse:
        return await self.client.post(
            "/auth/login/",
            json={"uuid": "test-client"},
            headers={"Authorization": basic_authorization(username, password)},
        )

    async def create_hook(self, path: str = "/hook", **body: Any) -> dict[str, Any]:
        payload = {"name": path, "url": self.receiver.url(path)} | body
        response = await self.client.post("/hooks/", json=payload, headers=TOKEN)
        assert response.status == 201, await response.text()
        hook: dict[str, Any] = await response.json()
        return hook

    async def deliver(
        self, statuses: list[int], section: str, count: int = 1, **hook: Any
    ) -> list[dict[str, Any]]:
        """Answer with ``statuses`` first, create a hook, emit ``count`` items, wait for them."""
        self.receiver.statuses.extend(statuses)
        await self.create_hook(**hook)
        items = self.simulator.emit(section, count=count)
        await self.drain()
        return items

    async def emit(self, section: str, **body: Any) -> list[dict[str, Any]]:
        answer = await self.admin("POST", "emit", section=section, **body)
        assert answer["section"] == section
        items: list[dict[str, Any]] = answer["items"]
        return items


def serve(clock: FakeClock | None = None, **settings: Any) -> AbstractAsyncContextManager[Api]:
    """Serve a simulator (fast retries) and a webhook receiver, both on 127.0.0.1."""
    return serve_api(Api, PLUGIN, WALL, {"retry_base": 0.01} | settings, clock)


async def assert_error(response: ClientResponse, status: int, code: str) -> str:
    assert response.status == status
    body = await response.json()
    assert body["code"] == code
    assert isinstance(body["desc"], str)
    assert body["desc"]
    desc: str = body["desc"]
    return desc


# Authentication


async def test_login_issues_expiring_tokens() -> None:
    clock = FakeClock()
    async with serve(clock, token_lifetime=60) as api:
        response = await api.login()
        assert response.status == 200
        body = await response.json()
        assert body["user"] == {"id": 1, "name": "demo"}
        assert body["token_expiration_datetime"] == (WALL + timedelta(seconds=60)).isoformat()
        headers = {"Authorization": f"Token {body['token']}"}
        assert (await api.client.get("/cameras/", headers=headers)).status == 200
        second = await (await api.login()).json()
        assert second["token"] != body["token"]
        clock.advance(60)
        expired = await api.client.get("/cameras/", headers=headers)
        await assert_error(expired, 401, "UNAUTHORIZED")
        assert (await api.get("/cameras/")).status == 200  # the fixed token never expires


@pytest.mark.parametrize(
    ("auth", "body", "status", "code"),
    [
        (basic_authorization("demo", "wrong"), {"uuid": "x"}, 401, "UNAUTHORIZED"),
        (basic_authorization("someone", "demo"), {"uuid": "x"}, 401, "UNAUTHORIZED"),
        (None, {"uuid": "x"}, 401, "UNAUTHORIZED"),
        (basic_authorization("demo", "demo"), {}, 400, "BAD_PARAM"),
        (basic_authorization("demo", "demo"), None, 400, "BAD_PARAM"),
    ],
)
async def test_login_rejects_bad_credentials_and_body(
    auth: str | None, body: dict[str, str] | None, status: int, code: str
) -> None:
    async with serve() as api:
        headers = {"Authorization": auth} if auth else {}
        response = await api.client.post("/auth/login/", json=body, headers=headers)
        desc = await assert_error(response, status, code)
        assert "demo" not in desc


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Token nonsense"},
        {"Authorization": "Token "},
        {"Authorization": "Bearer demo-token"},
        {"Authorization": "demo-token"},
    ],
)
async def test_api_calls_need_a_valid_token(headers: dict[str, str]) -> None:
    async with serve() as api:
        for path in ("/cameras/", "/hooks/", "/counters/", "/cameras/1/", "/events/faces/"):
            await assert_error(await api.client.get(path, headers=headers), 401, "UNAUTHORIZED")


async def test_logout_revokes_the_token_and_fixed_token_can_be_disabled() -> None:
    async with serve(api_token=None) as api:
        assert (await api.get("/cameras/")).status == 401
        token = (await (await api.login()).json())["token"]
        headers = {"Authorization": f"Token {token}"}
        assert (await api.client.post("/auth/logout/", headers=headers)).status == 200
        await assert_error(await api.client.get("/cameras/", headers=headers), 401, "UNAUTHORIZED")
        token = (await (await api.login()).json())["token"]
        assert (await api.client.post("/_sim/findface/expire-tokens")).status == 200
        headers = {"Authorization": f"Token {token}"}
        await assert_error(await api.client.get("/cameras/", headers=headers), 401, "UNAUTHORIZED")


async def test_fail_injection_and_stats() -> None:
    async with serve() as api:
        armed = await api.client.post("/_sim/findface/fail", json={"status": 503, "count": 2})
        assert armed.status == 200
        await assert_error(await api.get("/cameras/"), 503, "INJECTED_FAILURE")
        await assert_error(await api.login(), 503, "INJECTED_FAILURE")
        assert (await api.get("/cameras/")).status == 200
        bad = await api.client.post("/_sim/findface/fail", json={"status": 200})
        await assert_error(bad, 400, "BAD_PARAM")
        stats = (await (await api.client.get("/_sim/stats")).json())["findface"]
        assert stats == {"total": 3, "by_call": {"cameras": 2, "login": 1}}
        reset = await (await api.client.post("/_sim/stats/reset")).json()
        assert reset["findface"]["total"] == 0
        assert reset["comap"]["total"] == 0


# Catalogue


async def test_cameras_and_their_health() -> None:
    async with serve() as api:
        page = await api.json("/cameras/")
        assert page["next_page"] is None
        assert page["prev_page"] is None
        cameras = page["results"]
        assert [(c["id"], c["name"], c["group"]) for c in cameras] == [
            (1, "Entrance", 1),
            (2, "Parking", 1),
            (3, "Lobby", 1),
        ]
        entrance = cameras[0]
        assert entrance["health_status"] == {"enabled": True, "status": "GREEN", "msg": ""}
        assert entrance["active"] is True
        for key in ("comment", "url", "latitude", "longitude", "azimuth", "created_date"):
            assert key in entrance
        assert (entrance["face_count"], entrance["body_count"], entrance["car_count"]) == (0, 0, 0)
        base = str(api.client.make_url("")).rstrip("/")
        assert entrance["screenshot"] == f"{base}/cameras/1/screenshot/"

        api.simulator.set_camera_health(2, "red")
        parking = await api.json("/cameras/2/")
        assert parking["health_status"]["status"] == "RED"
        assert parking["health_status"]["msg"]
        health = await api.client.post(
            "/_sim/findface/cameras/3/health", json={"status": "YELLOW", "msg": "Drops"}
        )
        assert (await health.json())["health_status"] == {
            "enabled": True,
            "status": "YELLOW",
            "msg": "Drops",
        }
        bad = await api.client.post("/_sim/findface/cameras/3/health", json={"status": "BLUE"})
        await assert_error(bad, 400, "BAD_PARAM")
        await assert_error(await api.get("/cameras/99/"), 404, "NOT_FOUND")

        screenshot = await api.get("/cameras/1/screenshot/")
        assert screenshot.content_type == "image/jpeg"
        assert await screenshot.read() == JPEG
        assert (await api.client.get("/cameras/1/screenshot/")).status == 401


async def test_admin_adds_and_removes_cameras() -> None:
    async with serve(cameras=0) as api:
        assert (await api.json("/cameras/"))["results"] == []
        added = await api.client.post("/_sim/findface/cameras", json={"name": "Gate"})
        gate = (await added.json())["id"]
        assert api.simulator.add_camera("Yard") == gate + 1
        names = [camera["name"] for camera in (await api.json("/cameras/"))["results"]]
        assert names == ["Gate", "Yard"]
        assert (await api.client.delete(f"/_sim/findface/cameras/{gate}")).status == 200
        await assert_error(
            await api.client.delete(f"/_sim/findface/cameras/{gate}"), 404, "NOT_FOUND"
        )
        blank = await api.client.post("/_sim/findface/cameras", json={"name": " "})
        await assert_error(blank, 400, "BAD_PARAM")
        api.simulator.remove_camera(gate + 1)
        assert (await api.json("/cameras/"))["results"] == []
        no_camera = await api.client.post("/_sim/findface/emit", json={"section": "face_events"})
        await assert_error(no_camera, 400, "BAD_PARAM")


async def test_extra_cameras_from_settings_and_app_key() -> None:
    async with serve(cameras=5) as api:
        cameras = (await api.json("/cameras/"))["results"]
        assert [camera["name"] for camera in cameras][3:] == ["Corridor", "Warehouse"]
        assert api.client.app is not None
        assert api.client.app[FINDFACE_SIMULATOR] is api.simulator


async def test_catalogue_lists() -> None:
    async with serve() as api:
        groups = (await api.json("/camera-groups/"))["results"]
        assert [(group["id"], group["name"]) for group in groups] == [(1, "Main building")]
        lists = (await api.json("/watch-lists/"))["results"]
        assert [(entry["id"], entry["name"]) for entry in lists] == [
            (1, "Employees"),
            (2, "Wanted"),
        ]
        humans = (await api.json("/cards/humans/", id_in="1,3"))["results"]
        assert [(card["id"], card["watch_lists"]) for card in humans] == [(1, [1]), (3, [2])]
        assert (await api.json("/cards/humans/2/"))["name"] == "Bob Svoboda"
        car = await api.json("/cards/cars/1/")
        assert (car["name"], car["watch_lists"]) == ("1AB 2345", [1])
        await assert_error(await api.get("/cards/cars/9/"), 404, "NOT_FOUND")
        counters = (await api.json("/counters/"))["results"]
        assert set(counters[0]) >= {
            "id",
            "name",
            "camera_groups",
            "cameras",
            "now_faces",
            "now_bodies",
            "now_cars",
        }
        areas = (await api.json("/areas/"))["results"]
        assert [(area["id"], area["enabled"], area["cameras"]) for area in areas] == [
            (1, True, [1]),
            (2, True, [2]),
        ]
        assert (await api.json("/areas/2/"))["name"] == "Parking lot"


async def test_paging_follows_the_cursor_to_the_end() -> None:
    async with serve(cameras=7) as api:
        seen: list[int] = []
        pages = 0
        url: str | None = str(api.client.make_url("/cameras/").with_query(limit=3))
        previous: str | None = None
        while url is not None:
            pages += 1
            page = await api.json(URL(url).path_qs)
            seen += [camera["id"] for camera in page["results"]]
            assert (page["prev_page"] is None) == (pages == 1)
            previous, url = page["prev_page"], page["next_page"]
        assert pages == 3
        assert seen == [1, 2, 3, 4, 5, 6, 7]
        assert previous is not None
        back = await api.json(URL(previous).path_qs)
        assert [camera["id"] for camera in back["results"]] == [4, 5, 6]
        newest = await api.json("/cameras/", ordering="-id", limit="2")
        assert [camera["id"] for camera in newest["results"]] == [7, 6]
        await assert_error(await api.get("/cameras/", page="garbage!"), 400, "BAD_PARAM")
        await assert_error(await api.get("/cameras/", limit="0"), 400, "BAD_PARAM")
        await assert_error(await api.get("/cameras/", limit="many"), 400, "BAD_PARAM")


# Hooks


async def test_hooks_crud() -> None:
    async with serve() as api:
        hook = await api.create_hook(name="Sitewatch faces", filters={"face_events": {}})
        assert hook["id"] == 1
        assert hook["name"] == "Sitewatch faces"
        assert (hook["active"], hook["batch_size"], hook["send_attempts"]) == (True, 1, 10)
        assert hook["filters"] == {"face_events": {}}
        defaults = await api.create_hook()
        assert defaults["filters"] == {}
        listed = (await api.json("/hooks/"))["results"]
        assert [entry["id"] for entry in listed] == [1, 2]
        assert await api.json("/hooks/1/") == hook

        patched = await api.client.patch(
            "/hooks/1/", json={"active": False, "batch_size": 5}, headers=TOKEN
        )
        assert patched.status == 200
        body = await patched.json()
        assert (body["active"], body["batch_size"], body["url"]) == (False, 5, hook["url"])

        assert (await api.client.delete("/hooks/1/", headers=TOKEN)).status == 204
        await assert_error(await api.get("/hooks/1/"), 404, "NOT_FOUND")
        missing = await api.client.delete("/hooks/1/", headers=TOKEN)
        await assert_error(missing, 404, "NOT_FOUND")
        missing = await api.client.patch("/hooks/9/", json={"name": "x"}, headers=TOKEN)
        await assert_error(missing, 404, "NOT_FOUND")
        unauthorized = await api.client.post("/hooks/", json={"url": "http://127.0.0.1/"})
        await assert_error(unauthorized, 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"name": "no url"}, "url"),
        ({"url": "ftp://127.0.0.1/"}, "url"),
        ({"url": "http://127.0.0.1/", "batch_size": 0}, "batch_size"),
        ({"url": "http://127.0.0.1/", "send_attempts": -1}, "send_attempts"),
        ({"url": "http://127.0.0.1/", "active": "yes"}, "active"),
        ({"url": "http://127.0.0.1/", "filters": []}, "filters"),
        ({"url": "http://127.0.0.1/", "filters": {"faces": {}}}, "filters"),
        ({"url": "http://127.0.0.1/", "filters": {"face_events": []}}, "filters"),
        ({"url": "http://127.0.0.1/", "filters": {"face_events": {"camera_in": 1}}}, "filters"),
        ({"url": "http://127.0.0.1/", "filters": {"areas": {"area_in": ["1"]}}}, "filters"),
        ({"url": "http://127.0.0.1/", "filters": {"car_events": {"matched": 1}}}, "filters"),
        (
            {"url": "http://127.0.0.1/", "filters": {"face_events": {"confidence_gte": "0.5"}}},
            "filters",
        ),
        (
            {"url": "http://127.0.0.1/", "filters": {"human_episodes": {"allowed_types": ["x"]}}},
            "filters",
        ),
    ],
)
async def test_hook_validation(body: dict[str, Any], param: str) -> None:
    async with serve() as api:
        response = await api.client.post("/hooks/", json=body, headers=TOKEN)
        await assert_error(response, 400, "BAD_PARAM")
        assert (await response.json())["param"] == param


async def test_patched_filters_apply_to_new_items_and_the_queue_stays() -> None:
    async with serve() as api:
        api.receiver.statuses.extend([503] * 3)  # hold the first item in the queue
        hook = await api.create_hook("/hook", filters={"face_events": {}}, send_attempts=0)
        held = await api.emit("face_events", camera=1)
        await api.receiver.wait_for(1)
        body = {"filters": {"face_events": {"camera_in": [2], "confidence_gte": 0.0}}}
        patched = await api.client.patch(f"/hooks/{hook['id']}/", json=body, headers=TOKEN)
        assert (await patched.json())["filters"] == body["filters"]
        await api.emit("face_events", camera=1)  # filtered out now
        kept = await api.emit("face_events", camera=2)
        await api.drain()
        received = [item["id"] for item in api.receiver.items("/hook")]
        assert list(dict.fromkeys(received)) == [  # the held one was tried several times
            held[0]["id"],  # queued before the change: still sent
            kept[0]["id"],
        ]


# Delivery


async def test_emit_delivers_a_json_array_to_the_hook_url_with_its_query() -> None:
    async with serve() as api:
        hook = await api.create_hook("/hook", name="faces")
        query_url = api.receiver.url("/hook") + "?section=face_events&key=a%2Fb"
        patched = await api.client.patch(
            f"/hooks/{hook['id']}/", json={"url": query_url}, headers=TOKEN
        )
        assert patched.status == 200
        items = await api.emit("face_events", count=1, matched=True, camera=1)
        await api.drain()
        assert len(api.receiver.calls) == 1
        call = api.receiver.calls[0]
        assert call.path_qs == "/hook?section=face_events&key=a%2Fb"
        assert call.body == items
        item = items[0]
        assert isinstance(item["id"], str)
        assert int(item["id"]) > 10**18
        assert (item["camera"], item["camera_group"], item["matched"]) == (1, 1, True)
        assert item["matched_card"] in (1, 2, 3)
        assert item["created_date"] == WALL.isoformat()
        assert item["bs_type"] in ("realtime", "overall")
        assert set(item["features"]) >= {"age", "gender"}
        thumbnail = await api.client.get(URL(item["thumbnail"]).path)
        assert thumbnail.content_type == "image/jpeg"

        deliveries = await (await api.client.get("/_sim/findface/deliveries")).json()
        assert deliveries == api.simulator.deliveries
        assert len(deliveries) == 1
        entry = deliveries[0]
        assert (entry["hook"], entry["section"], entry["batch_size"]) == (1, "face_events", 1)
        assert (entry["status"], entry["error"], entry["attempt"], entry["ok"]) == (
            200,
            None,
            1,
            True,
        )
        assert entry["ids"] == [item["id"]]
        assert entry["time"] == WALL.isoformat()
        states = await (await api.client.get("/_sim/findface/hooks")).json()
        assert states[0]["queued"] == 0
        assert states[0]["stats"]["sent_items"] == 1
        assert states[0]["stats"]["last_status"] == 200
        cleared = await api.client.delete("/_sim/findface/deliveries")
        assert await cleared.json() == []
        assert api.simulator.deliveries == []


async def test_batches_respect_batch_size_and_hold_one_section() -> None:
    async with serve() as api:
        await api.create_hook(batch_size=2)
        faces = api.simulator.emit("face_events", count=5)
        bodies = api.simulator.emit("body_events", count=1)
        cars = api.simulator.emit("car_events", count=2)
        await api.drain()
        bodies_sent = [call.body for call in api.receiver.calls]
        assert [len(body) for body in bodies_sent] == [2, 2, 1, 1, 2]
        assert [item for body in bodies_sent for item in body] == faces + bodies + cars
        sections = [(entry["section"], entry["batch_size"]) for entry in api.simulator.deliveries]
        assert sections == [
            ("face_events", 2),
            ("face_events", 2),
            ("face_events", 1),
            ("body_events", 1),
            ("car_events", 2),
        ]


async def test_failed_batch_is_retried_with_growing_intervals_until_200() -> None:
    async with serve() as api:
        items = await api.deliver([503, 503], "face_events", count=3, batch_size=2)
        calls = api.receiver.calls
        assert [len(call.body) for call in calls] == [2, 2, 2, 1]
        assert calls[0].body == calls[1].body == calls[2].body == items[:2]
        assert calls[3].body == items[2:]
        first_gap, second_gap = calls[1].at - calls[0].at, calls[2].at - calls[1].at
        assert first_gap >= 0.009
        assert second_gap >= 0.018
        log = [(e["attempt"], e["status"], e["retry_in"]) for e in api.simulator.deliveries]
        assert log == [(1, 503, 0.01), (2, 503, 0.02), (3, 200, None), (1, 200, None)]
        stats = api.simulator.hook_states()[0]["stats"]
        assert (stats["sent_items"], stats["failed_attempts"], stats["dropped_items"]) == (3, 2, 0)


async def test_retry_interval_is_capped_and_zero_attempts_retries_forever() -> None:
    async with serve(retry_cap=0.015) as api:
        await api.deliver([500] * 12, "areas", send_attempts=0)
        retries = [entry["retry_in"] for entry in api.simulator.deliveries]
        assert retries == [0.01] + [0.015] * 11 + [None]
        assert api.simulator.deliveries[-1]["attempt"] == 13


async def test_send_attempts_exhausted_drops_the_batch_and_moves_on() -> None:
    async with serve() as api:
        items = await api.deliver([500, 500], "counters", count=2, send_attempts=2)
        assert [call.body for call in api.receiver.calls] == [items[:1], items[:1], items[1:]]
        assert api.outcomes() == [
            (1, 500, False),
            (2, 500, True),
            (1, 200, False),
        ]
        stats = api.simulator.hook_states()[0]["stats"]
        assert (stats["dropped_batches"], stats["dropped_items"], stats["sent_items"]) == (1, 1, 1)


async def test_inactive_hooks_get_nothing_and_deleted_hooks_drop_their_queue() -> None:
    async with serve() as api:
        await api.create_hook("/inactive", active=False)
        api.simulator.emit("face_events")
        await api.drain()
        assert api.receiver.calls == []
        assert api.simulator.hook_states()[0]["queued"] == 0
        api.receiver.statuses.extend([503] * 100)
        hook = await api.create_hook("/failing", send_attempts=0)
        api.simulator.emit("face_events", count=3)
        await api.receiver.wait_for(1)
        assert (await api.client.delete(f"/hooks/{hook['id']}/", headers=TOKEN)).status == 204
        await api.drain()
        assert [state["id"] for state in api.simulator.hook_states()] == [1]


async def test_filters_select_sections_and_items() -> None:
    async with serve() as api:
        await api.create_hook("/all", filters={})
        await api.create_hook("/matched", filters={"face_events": {"matched": True}})
        await api.create_hook(
            "/parking", filters={"face_events": {"camera_in": [2]}, "car_events": {}}
        )
        await api.create_hook("/bodies", filters={"body_events": {}})
        await api.create_hook("/nothing", filters={"face_events": {"camera_in": []}})
        await api.create_hook(
            "/closing", filters={"human_episodes": {"allowed_types": ["episode_close"]}}
        )
        await api.create_hook("/crowds", filters={"counters": {"faces_gte": 100}})
        await api.create_hook("/area2", filters={"areas": {"area_in": [2]}})
        matched = await api.emit("face_events", matched=True, camera=1)
        unmatched = await api.emit("face_events", matched=False, camera=2)
        car = await api.emit("car_events", camera=3)
        body = await api.emit("body_events", camera=1)
        episode = await api.emit("human_episodes", count=5, camera=1)
        await api.emit("counters")
        area = await api.emit("areas", camera=2)
        await api.drain()
        ids = {
            path: [item["id"] for item in api.receiver.items(path)]
            for path in ("/all", "/matched", "/parking", "/bodies", "/nothing", "/closing")
        }
        faces = [item["id"] for item in matched + unmatched]
        assert ids["/all"][:4] == [*faces, car[0]["id"], body[0]["id"]]
        assert len(api.receiver.items("/all")) == 4 + 5 + 1 + 1
        assert ids["/matched"] == [matched[0]["id"]]
        assert ids["/parking"] == [unmatched[0]["id"], car[0]["id"]]
        assert ids["/bodies"] == [body[0]["id"]]
        assert ids["/nothing"] == []
        closing = api.receiver.items("/closing")
        assert [item["open"] for item in closing] == [False]
        assert closing[0] == episode[3]
        assert api.receiver.items("/crowds") == []
        assert api.receiver.items("/area2") == area


async def test_verbose_mode_embeds_objects() -> None:
    async with serve() as api:
        await api.create_hook()
        default = (await api.emit("face_events", matched=True, camera=1))[0]
        assert default["camera"] == 1
        assert isinstance(default["matched_card"], int)
        assert all(isinstance(entry, int) for entry in default["matched_lists"])
        switched = await api.client.post("/_sim/findface/settings", json={"verbose": True})
        assert await switched.json() == {"verbose": True, "emit_interval": 0.0}
        face = (await api.emit("face_events", matched=True, camera=1))[0]
        assert (face["camera"]["id"], face["camera"]["name"]) == (1, "Entrance")
        assert face["camera_group"] == {**face["camera_group"], "id": 1, "name": "Main building"}
        card = face["matched_card"]
        assert card["name"] in ("Alice Novak", "Bob Svoboda", "Carl Mrazek")
        assert [entry["id"] for entry in face["matched_lists"]] == card["watch_lists"]
        assert all(isinstance(entry["name"], str) for entry in face["matched_lists"])
        unmatched = (await api.emit("face_events", matched=False))[0]
        assert (unmatched["matched_card"], unmatched["matched_lists"]) == (None, [])
        car = (await api.emit("car_events", matched=True))[0]
        assert car["matched_card"]["name"] == car["features"]["license_plate"]
        episode = (await api.emit("car_episodes", matched=True, camera=2))[0]
        assert episode["cameras"][0]["name"] == "Parking"
        assert episode["camera_groups"][0]["name"] == "Main building"
        assert episode["last_car_event"]["camera"]["name"] == "Parking"
        record = (await api.emit("counters", camera=2))[0]
        assert record["camera"]["name"] == "Parking"
        assert isinstance(record["counter"], int)
        await api.drain()
        assert [call.body[0] for call in api.receiver.calls] == [
            default,
            face,
            unmatched,
            car,
            episode,
            record,
        ]
        rest = (await api.json("/events/faces/"))["results"]
        assert all(isinstance(event["camera"], int) for event in rest)
        bad = await api.client.post("/_sim/findface/settings", json={"verbose": "yes"})
        await assert_error(bad, 400, "BAD_PARAM")


async def test_episode_lifecycle() -> None:
    async with serve(episode_length=3) as api:
        steps = await api.emit("human_episodes", count=5, matched=True, camera=1)
        assert [(s["id"], s["open"], s["events_count"]) for s in steps] == [
            (1, True, 1),
            (1, True, 2),
            (1, True, 3),
            (1, False, 3),
            (2, True, 1),
        ]
        assert [s["closed_date"] for s in steps] == [None, None, None, WALL.isoformat(), None]
        first = steps[0]
        assert (first["cameras"], first["camera_groups"]) == ([1], [1])
        assert first["matched_card"] is not None
        assert first["matched_lists"]
        last = steps[2]["last_face_event"]
        assert (last["episode"], last["camera"], last["matched"]) == (1, 1, True)
        assert steps[2]["matched_face_event"]["id"] == first["last_face_event"]["id"]
        assert "best_face_event" in steps[2]
        assert steps[3]["last_face_event"] == last

        other = await api.emit("human_episodes", matched=False, camera=2)
        assert (other[0]["id"], other[0]["matched_card"], other[0]["matched_face_event"]) == (
            3,
            None,
            None,
        )
        cars = await api.emit("car_episodes", count=2, camera=2)
        assert [c["id"] for c in cars] == [1, 1]
        assert "license_plate" in cars[1]["last_car_event"]["features"]
        episodes = await api.json("/episodes/humans/")
        assert episodes["count"] == 3
        assert [(e["id"], e["open"]) for e in episodes["results"]] == [
            (3, True),
            (2, True),
            (1, False),
        ]
        assert (await api.json("/episodes/humans/1/"))["closed_date"] == WALL.isoformat()


async def test_counter_records_and_area_activations() -> None:
    async with serve() as api:
        record = (await api.emit("counters", camera=3))[0]
        assert (record["counter"], record["camera"], record["camera_group"]) == (1, 3, 1)
        assert (record["error"], record["error_msg"], record["cars_count"]) == (False, "", 0)
        for key in ("fullframe", "thumbnail", "faces_count", "silhouettes_count", "proximity_avg"):
            assert key in record
        counter = await api.json("/counters/1/")
        assert (counter["now_faces"], counter["now_bodies"]) == (
            record["faces_count"],
            record["silhouettes_count"],
        )
        cars = (await api.emit("counters", camera=2))[0]
        assert cars["counter"] == 2
        assert cars["faces_count"] == cars["silhouettes_count"] == 0
        assert cars["proximity_min"] is None

        start, end = await api.emit("areas", count=2, camera=1)
        assert (start["id"], start["area"], start["active"], start["duration"]) == (1, 1, True, 0)
        assert (end["id"], end["area"], end["active"]) == (1, 1, False)
        assert end["duration"] >= 1
        assert end["max_body_count"] >= start["max_body_count"]
        assert set(start) == {"id", "created_date", "area", "active", "duration", "max_body_count"}
        records = await api.json("/counter-records/")
        assert records["count"] == 2
        assert (await api.json("/area-trigger-activations/"))["results"] == [end]
        uncovered = await api.client.post(
            "/_sim/findface/emit", json={"section": "areas", "camera": 3}
        )
        await assert_error(uncovered, 400, "BAD_PARAM")


@pytest.mark.parametrize(
    "body",
    [
        {"section": "faces"},
        {"count": 1},
        {"section": "face_events", "count": -1},
        {"section": "face_events", "count": "2"},
        {"section": "face_events", "matched": "yes"},
        {"section": "face_events", "camera": 99},
        {"section": "face_events", "camera": "1"},
    ],
)
async def test_emit_rejects_bad_requests(body: dict[str, Any]) -> None:
    async with serve() as api:
        response = await api.client.post("/_sim/findface/emit", json=body)
        await assert_error(response, 400, "BAD_PARAM")


async def test_emit_interval_sends_a_random_mix() -> None:
    async with serve(emit_interval=0.02) as api:
        await api.create_hook()
        await api.receiver.wait_for(3)
        sections = {entry["section"] for entry in api.simulator.deliveries}
        assert sections <= set(SECTIONS)
        stopped = await api.client.post("/_sim/findface/settings", json={"emit_interval": 0})
        assert (await stopped.json())["emit_interval"] == 0
        await api.drain()
        settled = len(api.receiver.calls)
        await asyncio.sleep(0.06)
        assert len(api.receiver.calls) == settled


async def test_sender_starts_late_and_keeps_the_queue_across_restarts() -> None:
    simulator = FindFaceSimulator(FindFaceSettings(retry_base=0.01), wallclock=lambda: WALL)
    async with receiving() as receiver:
        simulator.create_hook({"url": receiver.url()})
        items = simulator.emit("face_events", count=2)
        await start_late_and_restart(simulator)
        assert [call.body[0] for call in receiver.calls] == items


def test_fixtures_match_the_simulator() -> None:
    for section in SECTIONS:
        for mode in ("default", "verbose"):
            path = FIXTURES / f"{section}_{mode}.json"
            expected = example_payloads(section, verbose=mode == "verbose")
            assert json.loads(path.read_text(encoding="utf-8")) == expected, path.name
            assert 2 <= len(expected) <= 3
    assert "ASSUMED" in (FIXTURES / "README.md").read_text(encoding="utf-8")


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        FindFaceSettings(token_lifetime=0)
    with pytest.raises(ValueError):
        FindFaceSettings(emit_interval=-1)
    with pytest.raises(ValueError):
        FindFaceSettings(retry_base=0)
    with pytest.raises(ValueError):
        FindFaceSettings(episode_length=0)
    simulator = FindFaceSimulator()
    with pytest.raises(ValueError):
        simulator.emit("face_events", count=MAX_EMIT + 1)
    with pytest.raises(ValueError):
        simulator.set_emit_interval(-1)


def test_cli_arguments_build_findface_settings() -> None:
    args = parse_args(
        [
            *("--findface-username", "admin", "--findface-password", "secret"),
            *("--findface-token", "tok", "--findface-verbose"),
            *("--findface-emit-interval", "2.5"),
        ]
    )
    assert args.findface == FindFaceSettings(
        username="admin", password="secret", api_token="tok", verbose=True, emit_interval=2.5
    )
    defaults = parse_args([]).findface
    assert defaults == FindFaceSettings()
    assert defaults.emit_interval == 0
    assert parse_args(["--findface-token", ""]).findface.api_token is None
    with pytest.raises(SystemExit):
        parse_args(["--findface-emit-interval", "-1"])


def test_two_counters_count_on_the_lobby_camera() -> None:
    simulator = FindFaceSimulator(FindFaceSettings(seed=3))
    on_lobby = [counter["name"] for counter in simulator.counters() if 3 in counter["cameras"]]
    assert on_lobby == ["Lobby occupancy", "Lobby queue"]
    records = simulator.emit("counters", count=4, camera=3, counter=3)
    assert {(record["counter"], record["camera"]) for record in records} == {(3, 3)}
    # Random records of the Lobby camera come from either counter.
    assert {r["counter"] for r in simulator.emit("counters", count=40, camera=3)} == {1, 3}
    with pytest.raises(ValueError, match="not on camera"):
        simulator.emit("counters", camera=2, counter=3)
