"""HTTP-level tests for the simulated FaceSpace service: logs, real-time answers and the pusher."""

import asyncio
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from functools import partial
import json
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
import pytest
from yarl import URL

from simulator.__main__ import parse_args
from simulator.facespace import (
    FACESPACE_SIMULATOR,
    LOGS_PATH,
    PLUGIN,
    RECOGNITION_PATH,
    FaceSpaceSettings,
    FaceSpaceSimulator,
    example_payloads,
    format_line,
    parse_bound,
    parse_line,
)

from .conftest import SimApi, receiving, serve_api, start_late_and_restart

KEY = "demo-facespace"
WALL = datetime(2023, 10, 24, 12, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent.parent / "fixtures" / "facespace"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


class Api(SimApi[FaceSpaceSimulator]):
    """A test client of the simulator plus the push receiver and the clocks."""

    provider = "facespace"

    async def get(self, path: str, key: str | None = KEY, **params: str) -> ClientResponse:
        headers = {} if key is None else {"x-api-key": key}
        return await self.client.get(path, params=params, headers=headers)

    async def logs(self, **params: str) -> dict[str, list[str]]:
        response = await self.get(LOGS_PATH, **params)
        assert response.status == 200, await response.text()
        answer: dict[str, list[str]] = await response.json()
        return answer

    async def recognition(self) -> dict[str, Any]:
        response = await self.get(RECOGNITION_PATH)
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
        return answer


def serve(**settings: Any) -> AbstractAsyncContextManager[Api]:
    """Serve a simulator (fast retries, fake clocks) and a push receiver on 127.0.0.1."""
    return serve_api(Api, PLUGIN, WALL, {"retry_base": 0.01} | settings)


def plant_history(simulator: FaceSpaceSimulator) -> None:
    """Lines over three days on Entrance and Lobby; Parking stays empty."""
    for camera, name, moment in (
        ("Entrance", "Carol", utc(2023, 10, 23, 23, 59, 59)),
        ("Lobby", "Bob", utc(2023, 10, 22, 18, 0, 0)),
        ("Entrance", "Alice", utc(2023, 10, 23, 0, 5, 22)),
        ("Entrance", "Dave", utc(2023, 10, 24, 8, 0, 0)),
        ("Lobby", "Alice", utc(2023, 10, 23, 10, 4, 59)),
        ("Entrance", "Bob", utc(2023, 10, 23, 10, 5, 30)),
        ("Lobby", "Unknown", utc(2023, 10, 24, 9, 30, 15)),
        ("Lobby", "Carol", utc(2023, 10, 23, 10, 6, 0)),
    ):
        simulator.recognize(camera, name, moment)


ENTRANCE = [
    "Alice @ 00:05:22 23/10/23",
    "Bob @ 10:05:30 23/10/23",
    "Carol @ 23:59:59 23/10/23",
    "Dave @ 08:00:00 24/10/23",
]
LOBBY = [
    "Bob @ 18:00:00 22/10/23",
    "Alice @ 10:04:59 23/10/23",
    "Carol @ 10:06:00 23/10/23",
    "Unknown @ 09:30:15 24/10/23",
]


# Authentication


async def test_api_key_is_required_on_both_endpoints() -> None:
    async with serve() as api:
        for path in (LOGS_PATH, RECOGNITION_PATH):
            for key in (None, "", "wrong"):
                response = await api.get(path, key=key)
                assert response.status == 401
                assert await response.json() == {"error": "Invalid API key"}
            assert (await api.get(path)).status == 200
        assert (await api.get("/api/logs")).status == 404  # 0.1.2 layout only
        stats = api.simulator.stats()
        assert stats["rejected_keys"] == 6
        assert stats["by_status"] == {"200": 2, "401": 6}


async def test_api_key_comes_from_settings() -> None:
    async with serve(api_key="other") as api:
        assert (await api.get(LOGS_PATH)).status == 401
        assert (await api.get(LOGS_PATH, key="other")).status == 200
        assert api.client.app is not None
        assert api.client.app[FACESPACE_SIMULATOR] is api.simulator


# Logs


async def test_logs_without_bounds_answer_everything_in_time_order() -> None:
    async with serve() as api:
        assert await api.logs() == {}
        plant_history(api.simulator)
        answer = await api.logs()
        assert answer == {"Entrance": ENTRANCE, "Lobby": LOBBY}
        assert list(answer) == ["Entrance", "Lobby"]  # Parking has nothing: left out


async def test_date_only_start_is_the_start_of_that_day() -> None:
    async with serve() as api:
        plant_history(api.simulator)
        assert await api.logs(start_time="23/10/23") == {"Entrance": ENTRANCE, "Lobby": LOBBY[1:]}
        assert await api.logs(start_time="24/10/23") == {
            "Entrance": ENTRANCE[3:],
            "Lobby": LOBBY[3:],
        }
        assert await api.logs(start_time="25/10/23") == {}


async def test_date_only_end_is_the_whole_day() -> None:
    async with serve() as api:
        plant_history(api.simulator)
        day = await api.logs(start_time="23/10/23", end_time="23/10/23")
        assert day == {"Entrance": ENTRANCE[:3], "Lobby": LOBBY[1:3]}
        assert "Carol @ 23:59:59 23/10/23" in day["Entrance"]
        assert await api.logs(end_time="22/10/23") == {"Lobby": LOBBY[:1]}


async def test_minute_precision_bounds_are_inclusive_to_the_minute() -> None:
    async with serve() as api:
        plant_history(api.simulator)
        # Start 10:05 includes 10:05:30 but not 10:04:59; no end runs to the newest entry.
        assert await api.logs(start_time="10:05 23/10/23") == {
            "Entrance": ENTRANCE[1:],
            "Lobby": LOBBY[2:],
        }
        # End 10:05 still includes 10:05:30 (the whole minute), not 10:06:00.
        assert await api.logs(start_time="10:04 23/10/23", end_time="10:05 23/10/23") == {
            "Entrance": ["Bob @ 10:05:30 23/10/23"],
            "Lobby": ["Alice @ 10:04:59 23/10/23"],
        }
        assert await api.logs(start_time="10:06 23/10/23", end_time="10:06 23/10/23") == {
            "Lobby": ["Carol @ 10:06:00 23/10/23"]
        }
        # A day start with a minute end, and a start after the end.
        assert await api.logs(start_time="22/10/23", end_time="00:05 23/10/23") == {
            "Entrance": ENTRANCE[:1],
            "Lobby": LOBBY[:1],
        }
        assert await api.logs(start_time="24/10/23", end_time="23/10/23") == {}


async def test_query_times_encoded_with_plus_for_space() -> None:
    async with serve() as api:
        plant_history(api.simulator)
        url = URL(f"{LOGS_PATH}?start_time=10%3A05+23%2F10%2F23&camera_id=Entrance", encoded=True)
        response = await api.client.get(url, headers={"x-api-key": KEY})
        assert await response.json() == {"Entrance": ENTRANCE[1:]}


async def test_camera_filter_and_unknown_camera() -> None:
    async with serve() as api:
        plant_history(api.simulator)
        assert await api.logs(camera_id="Lobby") == {"Lobby": LOBBY}
        assert await api.logs(camera_id="Lobby", start_time="24/10/23") == {"Lobby": LOBBY[3:]}
        assert await api.logs(camera_id="Parking") == {}
        assert await api.logs(camera_id="Garage") == {}
        # Empty parameters count as absent.
        everything = await api.logs(start_time="", end_time="", camera_id="")
        assert everything == {"Entrance": ENTRANCE, "Lobby": LOBBY}


@pytest.mark.parametrize(
    "value",
    [
        "2023-10-23",
        "10:05:30 23/10/23",
        "23/10/2023",
        "32/10/23",
        "23/13/23",
        "25:00 23/10/23",
        "10:05",
        "1:05 23/10/23",
        "garbage",
    ],
)
async def test_bad_time_format_is_400(value: str) -> None:
    async with serve() as api:
        for name in ("start_time", "end_time"):
            response = await api.get(LOGS_PATH, **{name: value})
            assert response.status == 400
            assert await response.json() == {"error": f"Invalid date format: {value}"}
        assert api.simulator.stats()["bad_dates"] == 2


async def test_lines_are_kept_in_time_order_whatever_the_insertion_order() -> None:
    async with serve() as api:
        simulator = api.simulator
        now = simulator.recognize("Entrance", "Alice")
        assert now == "Alice @ 12:00:00 24/10/23"
        earlier = simulator.recognize("Entrance", "Bob", utc(2023, 10, 24, 11, 0, 0))
        same_second = simulator.recognize("Entrance", "Carol", utc(2023, 10, 24, 11, 0, 0, 900))
        naive = simulator.recognize("Entrance", "Dave", datetime(2023, 10, 24, 11, 30))
        offset = simulator.recognize(
            "Entrance", "Eve", datetime.fromisoformat("2023-10-24T13:45:10+02:00")
        )
        assert offset == "Eve @ 11:45:10 24/10/23"
        answer = await api.logs()
        assert answer == {"Entrance": [earlier, same_second, naive, offset, now]}
        parsed = [parse_line(line) for line in answer["Entrance"]]
        assert [item[1] for item in parsed if item] == sorted(item[1] for item in parsed if item)


async def test_malformed_planted_line_is_answered_verbatim() -> None:
    async with serve() as api:
        simulator = api.simulator
        simulator.recognize("Lobby", "Alice", utc(2023, 10, 24, 11, 0, 0))
        simulator.add_raw_line("Lobby", "garbage")  # filed at now, 12:00
        simulator.add_raw_line("Lobby", "Bob @ yesterday", utc(2023, 10, 24, 10, 0, 0))
        simulator.recognize("Lobby", "Carol", utc(2023, 10, 24, 11, 59, 58))
        assert await api.logs(camera_id="Lobby") == {
            "Lobby": [
                "Bob @ yesterday",
                "Alice @ 11:00:00 24/10/23",
                "Carol @ 11:59:58 24/10/23",
                "garbage",
            ]
        }
        assert await api.logs(start_time="11:30 24/10/23", end_time="12:00 24/10/23") == {
            "Lobby": ["Carol @ 11:59:58 24/10/23", "garbage"]
        }
        assert await api.recognition() == {"Entrance": [], "Lobby": ["Carol"], "Parking": []}
        await api.admin("POST", "raw-line", camera="Parking", text="")
        assert await api.logs(camera_id="Parking") == {"Parking": [""]}


# Real-time answers


async def test_people_stay_in_view_for_a_few_seconds_on_the_injected_clock() -> None:
    async with serve(presence=5.0) as api:
        simulator = api.simulator
        assert await api.recognition() == {"Entrance": [], "Lobby": [], "Parking": []}
        simulator.recognize("Entrance", "Alice")
        simulator.recognize("Entrance", "Bob")
        simulator.recognize("Lobby", "Unknown")
        assert await api.recognition() == {
            "Entrance": ["Alice", "Bob"],
            "Lobby": ["Unknown"],
            "Parking": [],
        }
        api.clock.advance(3)
        simulator.recognize("Entrance", "Alice")  # stays in view, keeps its place
        api.clock.advance(1.9)
        assert (await api.recognition())["Entrance"] == ["Alice", "Bob"]
        api.clock.advance(0.2)
        assert await api.recognition() == {"Entrance": ["Alice"], "Lobby": [], "Parking": []}
        api.clock.advance(3)
        assert (await api.recognition())["Entrance"] == []
        simulator.recognize("Entrance", "Bob")
        simulator.recognize("Entrance", "Alice")
        assert (await api.recognition())["Entrance"] == ["Bob", "Alice"]


async def test_only_recent_recognitions_bring_someone_into_view() -> None:
    async with serve(presence=5.0) as api:
        simulator = api.simulator
        simulator.recognize("Lobby", "Alice", WALL - timedelta(minutes=10))  # log line only
        simulator.recognize("Lobby", "Bob", WALL - timedelta(seconds=3))  # 2 s left
        assert (await api.recognition())["Lobby"] == ["Bob"]
        api.clock.advance(2.1)
        assert (await api.recognition())["Lobby"] == []
        assert len((await api.logs())["Lobby"]) == 2


async def test_no_camera_active_answers_the_stop_signal() -> None:
    async with serve() as api:
        api.simulator.recognize("Entrance", "Alice")
        assert await api.admin("POST", "active", active=False) == {"active": False}
        response = await api.get(RECOGNITION_PATH)
        assert response.status == 200
        assert await response.json() == {"stop": "No cameras active"}
        assert len((await api.logs())["Entrance"]) == 1  # the logs stay readable
        api.simulator.set_active(True)
        assert (await api.recognition())["Entrance"] == ["Alice"]
        bad = await api.client.post("/_sim/facespace/active", json={"active": "no"})
        assert bad.status == 400
    async with serve(cameras=()) as api:
        assert await api.recognition() == {"stop": "No cameras active"}


async def test_a_service_gone_answers_410_until_it_is_back() -> None:
    async with serve() as api:
        assert await api.admin("POST", "gone", gone=True) == {"gone": True}
        for path in (RECOGNITION_PATH, LOGS_PATH):
            response = await api.get(path)
            assert response.status == 410
            assert "error" in await response.json()
        assert (await api.admin("GET", "state"))["gone"] is True
        bad = await api.client.post("/_sim/facespace/gone", json={"gone": "yes"})
        assert bad.status == 400
        api.simulator.set_gone(False)
        assert (await api.get(RECOGNITION_PATH)).status == 200


# Failures and statistics


async def test_fail_next_answers_errors_then_recovers() -> None:
    async with serve() as api:
        api.simulator.fail_next(429, 2)
        for path in (LOGS_PATH, RECOGNITION_PATH):
            failed = await api.get(path)
            assert failed.status == 429
            assert failed.headers["Retry-After"] == "1"
            assert await failed.json() == {"error": "Injected failure 429"}
        assert (await api.get(LOGS_PATH)).status == 200
        assert await api.admin("POST", "fail", status=500) == {"status": 500, "count": 1}
        failed = await api.get(RECOGNITION_PATH, key="wrong")  # the failure comes first
        assert failed.status == 500
        assert "Retry-After" not in failed.headers
        assert (await api.get(RECOGNITION_PATH)).status == 200
        bad = await api.client.post("/_sim/facespace/fail", json={"status": 302})
        assert bad.status == 400

        stats = (await (await api.client.get("/_sim/stats")).json())["facespace"]
        assert stats["total"] == 5
        assert stats["by_path"] == {LOGS_PATH: 2, RECOGNITION_PATH: 3}
        assert stats["by_status"] == {"200": 2, "429": 2, "500": 1}
        assert stats["injected_failures"] == 3
        reset = await (await api.client.post("/_sim/stats/reset")).json()
        assert reset["facespace"]["total"] == 0
        assert reset["facespace"]["by_path"] == {}
        assert reset["camlytics"]["total"] == 0


# Pusher


async def test_push_targets_get_logs_and_realtime_bodies_with_the_key_and_extra_headers() -> None:
    async with serve() as api:
        logs_id = api.simulator.add_push_target(
            api.receiver.url("/logs"), {"X-Secret": "s3cret"}, kind="logs"
        )
        answer = await api.admin(
            "POST",
            "push-targets",
            url=api.receiver.url("/realtime?x=1"),
            headers={"Custom-Header": "Value"},
            kind="realtime",
        )
        realtime_id = answer["id"]
        assert realtime_id == logs_id + 1
        first = api.simulator.recognize("Entrance", "Alice")
        second = (await api.admin("POST", "recognize", camera="Lobby", name="Bob"))["line"]
        assert second == "Bob @ 12:00:00 24/10/23"
        await api.drain()
        assert api.receiver.bodies("/logs") == [{"Entrance": [first]}, {"Lobby": [second]}]
        assert api.receiver.bodies("/realtime") == [
            {"Entrance": ["Alice"], "Lobby": [], "Parking": []},
            {"Entrance": ["Alice"], "Lobby": ["Bob"], "Parking": []},
        ]
        for call in api.receiver.calls:
            assert call.headers["x-api-key"] == KEY
            assert call.headers["Content-Type"] == "application/json"
            if call.path == "/logs":
                assert call.headers["X-Secret"] == "s3cret"
                assert "Custom-Header" not in call.headers
            else:
                assert call.headers["Custom-Header"] == "Value"
        targets = await api.admin("GET", "push-targets")
        assert [(t["id"], t["kind"], t["sent"]) for t in targets] == [
            (logs_id, "logs", 2),
            (realtime_id, "realtime", 2),
        ]
        deliveries = await api.admin("GET", f"deliveries?target={logs_id}")
        assert [d["payload"] for d in deliveries] == [{"Entrance": [first]}, {"Lobby": [second]}]
        assert deliveries[0]["headers"] == {"x-api-key": KEY, "X-Secret": "s3cret"}
        assert deliveries[0]["ok"] is True
        assert deliveries[0]["time"] == "2023-10-24T12:00:00.000Z"

        await api.admin("DELETE", f"push-targets/{realtime_id}")
        missing = await api.client.delete(f"/_sim/facespace/push-targets/{realtime_id}")
        assert missing.status == 404
        api.simulator.recognize("Parking", "Carol")
        await api.drain()
        assert len(api.receiver.bodies("/realtime")) == 2
        assert len(api.receiver.bodies("/logs")) == 3
        assert await api.admin("DELETE", "deliveries") == []
        assert api.simulator.deliveries == []


async def test_extra_headers_may_replace_the_key_and_raw_lines_are_pushed() -> None:
    async with serve() as api:
        api.simulator.add_push_target(api.receiver.url(), {"x-api-key": "shared"}, kind="logs")
        api.simulator.add_raw_line("Lobby", "garbage")
        api.simulator.set_active(False)
        api.simulator.add_push_target(api.receiver.url("/rt"), kind="realtime")
        line = api.simulator.recognize("Lobby", "Alice")  # inactive: no realtime push
        await api.drain()
        assert api.receiver.bodies("/hook") == [{"Lobby": ["garbage"]}, {"Lobby": [line]}]
        assert api.receiver.bodies("/rt") == []
        assert {call.headers["x-api-key"] for call in api.receiver.calls} == {"shared"}


async def test_push_retries_with_growing_delay_then_drops() -> None:
    async with serve(send_attempts=3) as api:
        api.receiver.statuses.extend([500, 503])
        api.simulator.add_push_target(api.receiver.url(), kind="logs")
        line = api.simulator.recognize("Entrance", "Alice")
        await api.drain()
        calls = api.retried_twice()
        assert all(call.body == {"Entrance": [line]} for call in calls)

        recognize = api.simulator.recognize
        await api.drop_first_of_two(
            partial(recognize, "Entrance", "Bob"), partial(recognize, "Entrance", "Carol")
        )
        assert api.simulator.stats()["pushes"] == {"sent": 2, "failed_attempts": 5, "dropped": 1}


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "logs"},
        {"url": "ftp://127.0.0.1/", "kind": "logs"},
        {"url": "http://127.0.0.1/", "kind": "events"},
        {"url": "http://127.0.0.1/", "kind": 1},
        {"url": "http://127.0.0.1/", "headers": {"X": 1}},
        {"url": "http://127.0.0.1/", "headers": "X"},
    ],
)
async def test_push_target_registration_is_validated(body: dict[str, Any]) -> None:
    async with serve() as api:
        response = await api.client.post("/_sim/facespace/push-targets", json=body)
        assert response.status == 400
        assert (await response.json())["error"]


@pytest.mark.parametrize(
    "body",
    [
        {"camera": "Garage", "name": "Alice"},
        {"camera": "Lobby", "name": ""},
        {"camera": "Lobby", "name": "A @ B"},
        {"camera": 1, "name": "Alice"},
        {"camera": "Lobby", "name": "Alice", "time": "yesterday"},
    ],
)
async def test_admin_recognize_is_validated(body: dict[str, Any]) -> None:
    async with serve() as api:
        response = await api.client.post("/_sim/facespace/recognize", json=body)
        assert response.status == 400


async def test_admin_recognize_at_a_given_time_and_bad_bodies() -> None:
    async with serve() as api:
        iso = await api.admin(
            "POST", "recognize", camera="Lobby", name="Dave", time="2023-10-23T10:05:30Z"
        )
        wire = await api.admin(
            "POST", "recognize", camera="Lobby", name="Eve", time="10:05:31 23/10/23"
        )
        assert (iso["line"], wire["line"]) == (
            "Dave @ 10:05:30 23/10/23",
            "Eve @ 10:05:31 23/10/23",
        )
        picked = await api.admin("POST", "recognize")  # camera and name picked at random
        parsed = parse_line(picked["line"])
        assert parsed is not None
        assert parsed[1] == WALL
        for raw in ("[]", "not json"):
            response = await api.client.post("/_sim/facespace/recognize", data=raw)
            assert response.status == 400
        state = await api.admin("GET", "state")
        assert state["lines"]["Lobby"] >= 2
        assert state["active"] is True


# Generator


async def test_recognition_interval_generates_until_stopped() -> None:
    async with serve(recognition_interval=0.02) as api:
        api.simulator.add_push_target(api.receiver.url(), kind="logs")
        await api.receiver.wait_for(3)
        for call in api.receiver.calls:
            ((camera, lines),) = call.body.items()
            assert camera in ("Entrance", "Lobby", "Parking")
            parsed = parse_line(lines[0])
            assert parsed is not None
            assert parsed[0] in ("Alice", "Bob", "Carol", "Dave", "Unknown")
        stopped, settled = await api.stop_generator(
            "recognition_interval", lambda: len(api.receiver.calls), 0.06
        )
        assert stopped == {"recognition_interval": 0}
        assert api.simulator.stats()["recognitions"] == settled


async def test_generator_pauses_while_no_camera_is_active() -> None:
    async with serve(recognition_interval=0.01, active=False) as api:
        await asyncio.sleep(0.06)
        assert api.simulator.stats()["recognitions"] == 0
        api.simulator.set_active(True)
        api.simulator.add_push_target(api.receiver.url(), kind="logs")
        await api.receiver.wait_for(1)


def test_unknown_ratio_and_seed() -> None:
    never = FaceSpaceSimulator(FaceSpaceSettings(unknown_ratio=0), wallclock=lambda: WALL)
    always = FaceSpaceSimulator(FaceSpaceSettings(unknown_ratio=1), wallclock=lambda: WALL)
    names_never = {parse_line(never.recognize())[0] for _ in range(50)}  # type: ignore[index]
    names_always = {parse_line(always.recognize())[0] for _ in range(20)}  # type: ignore[index]
    assert names_never == {"Alice", "Bob", "Carol", "Dave"}
    assert names_always == {"Unknown"}
    first = FaceSpaceSimulator(wallclock=lambda: WALL)
    second = FaceSpaceSimulator(wallclock=lambda: WALL)
    assert [first.recognize() for _ in range(10)] == [second.recognize() for _ in range(10)]


async def test_pusher_starts_late_and_keeps_the_queue_across_restarts() -> None:
    simulator = FaceSpaceSimulator(FaceSpaceSettings(retry_base=0.01), wallclock=lambda: WALL)
    async with receiving() as receiver:
        simulator.add_push_target(receiver.url(), kind="logs")
        lines = [simulator.recognize("Lobby", "Alice"), simulator.recognize("Lobby", "Bob")]
        await start_late_and_restart(simulator)
        assert [call.body for call in receiver.calls] == [{"Lobby": [line]} for line in lines]


# Helpers, fixtures, settings and command line


def test_line_format_and_bounds() -> None:
    assert format_line("Alice", utc(2023, 10, 23, 0, 5, 22, 999999)) == "Alice @ 00:05:22 23/10/23"
    assert parse_line("Al @ ice @ 00:05:22 23/10/23") == ("Al @ ice", utc(2023, 10, 23, 0, 5, 22))
    assert parse_line("garbage") is None
    assert parse_line("Alice @ 99:05:22 23/10/23") is None
    assert parse_bound("23/10/23", end=False) == utc(2023, 10, 23)
    assert parse_bound("23/10/23", end=True) == utc(2023, 10, 24)
    assert parse_bound("10:05 23/10/23", end=False) == utc(2023, 10, 23, 10, 5)
    assert parse_bound("23:59 31/12/23", end=True) == utc(2024, 1, 1)


def test_fixtures_match_the_simulator() -> None:
    payloads = example_payloads()
    assert sorted(payloads) == ["error.json", "logs.json", "realtime.json", "realtime_stop.json"]
    for name, expected in payloads.items():
        path = FIXTURES / name
        assert json.loads(path.read_text(encoding="utf-8")) == expected, name
    logs = payloads["logs.json"]
    assert list(logs) == ["Camera1", "Camera2"]
    days = {line[-8:] for lines in logs.values() for line in lines}
    assert days == {"23/10/23", "24/10/23"}
    assert "Alice @ 00:05:22 23/10/23" in logs["Camera1"]
    assert payloads["realtime.json"] == {
        "Camera1": ["Alice", "Bob"],
        "Camera2": ["Charlie", "Dana"],
    }
    assert payloads["realtime_stop.json"]["stop"].startswith("No cameras active")
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert "0.1.x" in readme


def test_settings_are_validated() -> None:
    for bad in (
        {"api_key": ""},
        {"cameras": ("A", "A")},
        {"cameras": ("",)},
        {"people": ("X @ Y",)},
        {"recognition_interval": -1},
        {"unknown_ratio": 1.5},
        {"presence": -1},
        {"retry_base": 0},
        {"send_attempts": 0},
        {"send_timeout": 0},
    ):
        with pytest.raises(ValueError):
            FaceSpaceSettings(**bad)
    assert FaceSpaceSettings(cameras=["A", "B"]).cameras == ("A", "B")  # type: ignore[arg-type]
    simulator = FaceSpaceSimulator()
    with pytest.raises(ValueError):
        simulator.set_recognition_interval(-1)
    with pytest.raises(ValueError):
        simulator.fail_next(302)
    with pytest.raises(ValueError):
        simulator.fail_next(500, -1)
    with pytest.raises(ValueError):
        simulator.remove_push_target(1)
    with pytest.raises(ValueError, match="Unknown camera"):
        simulator.recognize("Garage", "Alice")
    with pytest.raises(ValueError, match="Unknown camera"):
        simulator.add_raw_line("Garage", "garbage")
    with pytest.raises(ValueError, match="No camera"):
        FaceSpaceSimulator(FaceSpaceSettings(cameras=())).recognize()


def test_cli_arguments_build_facespace_settings() -> None:
    args = parse_args(["--facespace-api-key", "k", "--facespace-interval", "2.5"])
    assert args.facespace == FaceSpaceSettings(api_key="k", recognition_interval=2.5)
    assert parse_args([]).facespace == FaceSpaceSettings()
    with pytest.raises(SystemExit):
        parse_args(["--facespace-interval", "-1"])
    with pytest.raises(SystemExit):
        parse_args(["--facespace-api-key", ""])
