"""HTTP-level tests for the simulated ComAp identity and WebSupervisor API."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
import pytest

from simulator.__main__ import parse_args
from simulator.app import create_app
from simulator.comap import (
    ALPHA_GUID,
    BETA_GUID,
    COMAP_SIMULATOR,
    VALUE_GUIDS,
    VALUE_SPECS,
    ComapSettings,
    ComapSimulator,
)

from ..providers.comap import VALUE_KEYS
from .conftest import FakeClock

WALL = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
KEY = {"Comap-Key": "demo"}
UNITS = "/v1.1/demo/units"


class Api:
    """A test client plus helpers that speak the ComAp API."""

    def __init__(self, client: TestClient[Any, Any], simulator: ComapSimulator) -> None:
        self.client = client
        self.simulator = simulator
        self.token = ""

    async def authenticate(self, **body: str) -> ClientResponse:
        payload = {"clientId": "demo", "secret": "demo"} | body
        return await self.client.post(
            "/identity/application/authenticate", json=payload, headers=KEY
        )

    async def login(self) -> None:
        response = await self.authenticate()
        assert response.status == 200
        self.token = (await response.json())["access_token"]

    @property
    def headers(self) -> dict[str, str]:
        return KEY | {"Authorization": f"Bearer {self.token}"}

    async def get(self, path: str, **params: str) -> ClientResponse:
        return await self.client.get(path, params=params, headers=self.headers)

    async def command(self, unit: str, command: str, mode: str | None = None) -> ClientResponse:
        body = {"command": command} | ({"mode": mode} if mode else {})
        return await self.client.post(f"{UNITS}/{unit}/command", json=body, headers=self.headers)

    async def read(self, unit: str, *keys: str) -> dict[str, str]:
        """Read values by reference name through the values call."""
        guids = ",".join(VALUE_GUIDS[key] for key in keys)
        response = await self.get(f"{UNITS}/{unit}/values", valueGuids=guids)
        assert response.status == 200
        by_guid = {
            value["valueGuid"]: value["value"] for value in (await response.json())["values"]
        }
        return {key: by_guid[VALUE_GUIDS[key]] for key in keys}


@asynccontextmanager
async def serve(
    clock: FakeClock | None = None, *, login: bool = True, **settings: Any
) -> AsyncIterator[Api]:
    """Serve a simulator on 127.0.0.1 with a fake clock; rate limit off unless given."""
    simulator = ComapSimulator(
        ComapSettings(**({"rate_limit": 0} | settings)),
        clock=clock or FakeClock(),
        wallclock=lambda: WALL,
    )
    async with TestClient(TestServer(create_app(simulator), host="127.0.0.1")) as client:
        api = Api(client, simulator)
        if login:
            await api.login()
        yield api


async def assert_error(response: ClientResponse, status: int) -> str:
    assert response.status == status
    message = (await response.json())["message"]
    assert isinstance(message, str)
    assert message
    return message


async def test_authenticate_issues_bearer_tokens() -> None:
    async with serve(login=False) as api:
        first = await api.authenticate()
        second = await api.authenticate()
        assert first.status == 200
        body = await first.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == body["ext_expires_in"] == 3599
        assert isinstance(body["access_token"], str)
        assert body["access_token"] != (await second.json())["access_token"]


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"Comap-Key": "wrong"}, {"clientId": "demo", "secret": "demo"}),
        ({}, {"clientId": "demo", "secret": "demo"}),
        (KEY, {"clientId": "wrong", "secret": "demo"}),
        (KEY, {"clientId": "demo", "secret": "wrong"}),
    ],
)
async def test_authenticate_rejects_bad_credentials(
    headers: dict[str, str], body: dict[str, str]
) -> None:
    async with serve(login=False) as api:
        response = await api.client.post(
            "/identity/application/authenticate", json=body, headers=headers
        )
        message = await assert_error(response, 401)
        assert "demo" not in message


@pytest.mark.parametrize("data", ["not json", "[]", '{"clientId": "demo"}', ""])
async def test_authenticate_rejects_malformed_body(data: str) -> None:
    async with serve(login=False) as api:
        response = await api.client.post(
            "/identity/application/authenticate", data=data, headers=KEY
        )
        await assert_error(response, 400)


async def test_token_expires_after_its_lifetime() -> None:
    clock = FakeClock()
    async with serve(clock, token_lifetime=60) as api:
        clock.advance(59)
        assert (await api.get(UNITS)).status == 200
        clock.advance(1)
        await assert_error(await api.get(UNITS), 401)
        await api.login()
        assert (await api.get(UNITS)).status == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Comap-Key": "demo"},
        {"Comap-Key": "demo", "Authorization": "Bearer nonsense"},
        {"Comap-Key": "wrong", "Authorization": "Bearer {token}"},
        {"Authorization": "Bearer {token}"},
        {"Comap-Key": "demo", "Authorization": "Basic {token}"},
    ],
)
async def test_wsv_calls_need_key_and_valid_token(headers: dict[str, str]) -> None:
    async with serve() as api:
        sent = {name: value.format(token=api.token) for name, value in headers.items()}
        await assert_error(await api.client.get(UNITS, headers=sent), 401)


async def test_wrong_login_is_forbidden_and_unknown_unit_not_found() -> None:
    async with serve() as api:
        await assert_error(await api.get("/v1.1/someone-else/units"), 403)
        for call in ("values", "info", "comments", "history", "files"):
            await assert_error(await api.get(f"{UNITS}/no-such-unit/{call}"), 404)
        await assert_error(await api.command("no-such-unit", "start"), 404)


async def test_rate_limit_answers_429_with_retry_after() -> None:
    clock = FakeClock()
    async with serve(clock, login=False, rate_limit=10) as api:
        await api.login()  # identity calls count against the limit too
        for _ in range(9):
            assert (await api.get(UNITS)).status == 200
        limited = await api.get(UNITS)
        await assert_error(limited, 429)
        assert limited.headers["Retry-After"] == "1"
        other_key = await api.client.get(UNITS, headers={"Comap-Key": "other"})
        assert other_key.status == 401  # counted in its own window
        clock.advance(1)
        assert (await api.get(UNITS)).status == 200


async def test_units_lists_the_default_gensets() -> None:
    async with serve() as api:
        units = (await (await api.get(UNITS)).json())["units"]
        assert [unit["name"] for unit in units] == ["Genset Alpha", "Genset Beta"]
        assert [unit["unitGuid"] for unit in units] == [ALPHA_GUID, BETA_GUID]
        assert units[0]["url"] == f"https://www.websupervisor.net/wsv2/#/unit/{ALPHA_GUID}"


async def test_values_without_filter_lists_every_value_as_strings() -> None:
    async with serve() as api:
        values = (await (await api.get(f"{UNITS}/{ALPHA_GUID}/values")).json())["values"]
        assert len(values) == len(VALUE_SPECS) == len(VALUE_GUIDS)
        assert {value["valueGuid"] for value in values} == set(VALUE_GUIDS.values())
        for value in values:
            assert set(value) == set(VALUE_KEYS)
            assert isinstance(value["value"], str)
            assert value["timeStamp"] == "2024-05-01T12:00:00Z"


async def test_values_filter_is_case_insensitive_and_skips_unknown_guids() -> None:
    async with serve() as api:
        guids = [VALUE_GUIDS["RPM"].upper(), VALUE_GUIDS["serial_number"].lower(), "unknown"]
        response = await api.get(f"{UNITS}/{ALPHA_GUID.upper()}/values", valueGuids=",".join(guids))
        values = (await response.json())["values"]
        assert {value["valueGuid"] for value in values} == {
            VALUE_GUIDS["RPM"],
            VALUE_GUIDS["serial_number"],
        }
        rpm = next(value for value in values if value["valueGuid"] == VALUE_GUIDS["RPM"])
        assert rpm == {
            "name": "RPM",
            "valueGuid": VALUE_GUIDS["RPM"],
            "value": "0",
            "unit": "RPM",
            "highLimit": 1650,
            "lowLimit": None,
            "decimalPlaces": 0,
            "timeStamp": "2024-05-01T12:00:00Z",
        }


async def test_initial_readings_of_both_gensets() -> None:
    keys = (
        "genset_name",
        "serial_number",
        "comm_state",
        "unit_state",
        "controller",
        "alarm_list",
        "mode",
        "modes_available",
        "nominal_power",
        "engine_state",
        "breaker_state",
        "Mcb_mode",
        "Gcb_mode",
        "U_battery",
        "RPM",
        "nominal_RPM",
        "frequency_gen",
        "actual_power",
        "last_update",
    )
    async with serve() as api:
        alpha = await api.read(ALPHA_GUID, *keys)
        beta = await api.read(BETA_GUID, *keys)
    assert alpha == {
        "genset_name": "Genset Alpha",
        "serial_number": "SN-ALPHA-0001",
        "comm_state": "Connected",
        "unit_state": "OK",
        "controller": "InteliGen 500",
        "alarm_list": "",
        "mode": "MAN",
        "modes_available": "OFF,MAN,AUT,TEST",
        "nominal_power": "500",
        "engine_state": "Ready",
        "breaker_state": "MainsOper",
        "Mcb_mode": "Closed",
        "Gcb_mode": "Open",
        "U_battery": "24.6",
        "RPM": "0",
        "nominal_RPM": "1500",
        "frequency_gen": "0.0",
        "actual_power": "0.0",
        "last_update": "2024-05-01T12:00:00Z",
    }
    assert beta["mode"] == "AUT"
    assert beta["breaker_state"] == "BrksOff"
    assert beta["alarm_list"] == "Wrn Battery Voltage"
    assert beta["unit_state"] == "Alarm"
    assert beta["nominal_power"] == "250"


async def test_start_ramps_up_and_loads_the_genset() -> None:
    clock = FakeClock()
    async with serve(clock) as api:
        response = await api.command(ALPHA_GUID, "start")
        assert response.status == 200
        assert await response.json() == {"command": "start", "result": "OK"}
        keys = ("engine_state", "RPM", "frequency_gen", "U_L1", "breaker_state", "Gcb_mode")
        assert await api.read(ALPHA_GUID, *keys, "number_of_starts") == {
            "engine_state": "Starting",
            "RPM": "0",
            "frequency_gen": "0.0",
            "U_L1": "0",
            "breaker_state": "MainsOper",
            "Gcb_mode": "Open",
            "number_of_starts": "322",
        }
        clock.advance(2.5)
        half = await api.read(ALPHA_GUID, "RPM", "frequency_gen", "U_L2")
        assert half == {"RPM": "750", "frequency_gen": "25.0", "U_L2": "115"}
        clock.advance(2.5)
        assert await api.read(ALPHA_GUID, *keys) == {
            "engine_state": "Running",
            "RPM": "1500",
            "frequency_gen": "50.0",
            "U_L1": "231",
            "breaker_state": "MainsOper",
            "Gcb_mode": "Open",
        }
        clock.advance(2)
        loaded = await api.read(ALPHA_GUID, *keys, "actual_power", "P_mains", "Object_P")
        assert loaded["engine_state"] == "Loaded"
        assert loaded["breaker_state"] == "ParalOper"
        assert loaded["Gcb_mode"] == "Closed"
        assert float(loaded["actual_power"]) == pytest.approx(350, rel=0.021)
        assert float(loaded["P_mains"]) == pytest.approx(420 - float(loaded["actual_power"]))
        assert loaded["Object_P"] == "420.0"


async def test_running_hour_advances_counters() -> None:
    clock = FakeClock()
    counters = ("run_hours", "import_kWh", "fuel_level", "service_time_1", "U_battery")
    async with serve(clock, token_lifetime=7200) as api:
        before = await api.read(ALPHA_GUID, *counters)
        await api.command(ALPHA_GUID, "start")
        clock.advance(7)  # cranking and synchronising: now loaded
        middle = await api.read(ALPHA_GUID, "run_hours", "import_kWh")
        clock.advance(3600)
        after = await api.read(ALPHA_GUID, *counters)
    assert before == {
        "run_hours": "1234.5",
        "import_kWh": "412345",
        "fuel_level": "78",
        "service_time_1": "420",
        "U_battery": "24.6",
    }
    assert middle == {"run_hours": "1234.5", "import_kWh": "412345"}
    assert after == {
        "run_hours": "1235.5",
        "import_kWh": "412695",
        "fuel_level": "75",
        "service_time_1": "419",
        "U_battery": "27.4",
    }


async def test_speed_scales_simulated_time() -> None:
    clock = FakeClock()
    async with serve(clock, speed=10) as api:
        await api.command(ALPHA_GUID, "start")
        clock.advance(0.7)
        assert await api.read(ALPHA_GUID, "engine_state", "RPM") == {
            "engine_state": "Loaded",
            "RPM": "1500",
        }


async def test_stop_cools_down_then_ramps_down() -> None:
    clock = FakeClock()
    keys = ("engine_state", "RPM", "frequency_gen", "actual_power", "Gcb_mode", "U_L3")
    async with serve(clock) as api:
        await api.command(ALPHA_GUID, "start")
        clock.advance(10)
        assert (await api.command(ALPHA_GUID, "stop")).status == 200
        assert await api.read(ALPHA_GUID, *keys, "breaker_state") == {
            "engine_state": "Cooling",
            "RPM": "1500",
            "frequency_gen": "50.0",
            "actual_power": "0.0",
            "Gcb_mode": "Open",
            "U_L3": "229",
            "breaker_state": "MainsOper",
        }
        clock.advance(3)
        assert (await api.read(ALPHA_GUID, "engine_state"))["engine_state"] == "Stop"
        clock.advance(1.5)
        assert await api.read(ALPHA_GUID, "RPM", "frequency_gen") == {
            "RPM": "750",
            "frequency_gen": "25.0",
        }
        clock.advance(1.5)
        assert await api.read(ALPHA_GUID, *keys) == {
            "engine_state": "Ready",
            "RPM": "0",
            "frequency_gen": "0.0",
            "actual_power": "0.0",
            "Gcb_mode": "Open",
            "U_L3": "0",
        }


async def test_island_genset_runs_in_island_operation() -> None:
    clock = FakeClock()
    async with serve(clock) as api:
        await api.command(BETA_GUID, "start")
        clock.advance(10)
        beta = await api.read(BETA_GUID, "engine_state", "breaker_state", "P_mains", "Mcb_mode")
        assert beta == {
            "engine_state": "Loaded",
            "breaker_state": "IslOper",
            "P_mains": "0.0",
            "Mcb_mode": "Open",
        }
        await assert_error(await api.command(BETA_GUID, "changeMcb"), 400)


async def test_breaker_commands_toggle() -> None:
    clock = FakeClock()
    async with serve(clock) as api:
        message = await assert_error(await api.command(ALPHA_GUID, "changeGcb"), 400)
        assert "GCB" in message
        assert (await api.command(ALPHA_GUID, "changeMcb")).status == 200
        assert await api.read(ALPHA_GUID, "Mcb_mode", "breaker_state") == {
            "Mcb_mode": "Open",
            "breaker_state": "BrksOff",
        }
        await api.command(ALPHA_GUID, "start")
        clock.advance(10)
        assert (await api.read(ALPHA_GUID, "breaker_state"))["breaker_state"] == "IslOper"
        assert (await api.command(ALPHA_GUID, "changeGcb")).status == 200
        assert await api.read(ALPHA_GUID, "engine_state", "Gcb_mode", "actual_power") == {
            "engine_state": "Running",
            "Gcb_mode": "Open",
            "actual_power": "0.0",
        }
        clock.advance(60)  # no automatic re-closing after a manual opening
        assert (await api.read(ALPHA_GUID, "engine_state"))["engine_state"] == "Running"
        await api.command(ALPHA_GUID, "changeGcb")
        await api.command(ALPHA_GUID, "changeMcb")
        assert await api.read(ALPHA_GUID, "engine_state", "breaker_state") == {
            "engine_state": "Loaded",
            "breaker_state": "ParalOper",
        }


async def test_mode_change_sticks_and_off_refuses_start() -> None:
    async with serve() as api:
        assert (await api.command(ALPHA_GUID, "changeMode", "off")).status == 200
        assert await api.read(ALPHA_GUID, "mode", "engine_state") == {
            "mode": "OFF",
            "engine_state": "NotReady",
        }
        message = await assert_error(await api.command(ALPHA_GUID, "start"), 400)
        assert message == "Start not allowed in OFF mode"
        assert (await api.read(ALPHA_GUID, "number_of_starts"))["number_of_starts"] == "321"
        assert (await api.command(ALPHA_GUID, "changeMode", "AUTO")).status == 200
        assert (await api.read(ALPHA_GUID, "mode"))["mode"] == "AUT"
        await api.command(ALPHA_GUID, "changeMode", "Test")
        assert await api.read(ALPHA_GUID, "mode", "engine_state") == {
            "mode": "TEST",
            "engine_state": "Ready",
        }
        assert (await api.read(BETA_GUID, "mode"))["mode"] == "AUT"


async def test_off_mode_stops_a_running_engine() -> None:
    clock = FakeClock()
    async with serve(clock) as api:
        await api.command(ALPHA_GUID, "start")
        clock.advance(10)
        await api.command(ALPHA_GUID, "changeMode", "off")
        assert await api.read(ALPHA_GUID, "engine_state", "Gcb_mode") == {
            "engine_state": "Stop",
            "Gcb_mode": "Open",
        }
        clock.advance(3)
        assert await api.read(ALPHA_GUID, "engine_state", "RPM") == {
            "engine_state": "NotReady",
            "RPM": "0",
        }


@pytest.mark.parametrize(
    "body",
    [
        {"command": "explode"},
        {"command": "changeMode"},
        {"command": "changeMode", "mode": "turbo"},
        {"mode": "man"},
        {"command": 1},
    ],
)
async def test_bad_commands_are_rejected(body: dict[str, Any]) -> None:
    async with serve() as api:
        response = await api.client.post(
            f"{UNITS}/{ALPHA_GUID}/command", json=body, headers=api.headers
        )
        await assert_error(response, 400)


async def test_fault_reset_clears_alarms() -> None:
    async with serve() as api:
        assert (await api.command(BETA_GUID, "faultReset")).status == 200
        assert await api.read(BETA_GUID, "alarm_list", "alarm_list_ext", "unit_state") == {
            "alarm_list": "",
            "alarm_list_ext": "",
            "unit_state": "OK",
        }


async def test_info_and_comments() -> None:
    async with serve() as api:
        info = await (await api.get(f"{UNITS}/{BETA_GUID}/info")).json()
        assert info["name"] == "Genset Beta"
        assert info["unitGuid"] == BETA_GUID
        assert info["ownerLoginId"] == "demo"
        assert info["applicationType"] == "InteliSys NT"
        assert info["timezone"] == "Europe/Prague"
        assert set(info["connection"]) == {
            "enabled",
            "airGateId",
            "ipAddress",
            "port",
            "controllerAddress",
        }
        assert isinstance(info["position"]["latitude"], float)
        assert isinstance(info["position"]["longitude"], float)
        comments = (await (await api.get(f"{UNITS}/{BETA_GUID}/comments")).json())["comments"]
        assert len(comments) >= 2
        for comment in comments:
            assert set(comment) == {"id", "author", "date", "text", "active"}


async def test_history_is_hourly_and_capped() -> None:
    async with serve() as api:
        path = f"{UNITS}/{ALPHA_GUID}/history"
        guids = f"{VALUE_GUIDS['U_battery']},{VALUE_GUIDS['mode'].upper()}"
        response = await api.get(
            path, **{"from": "05/01/2024", "to": "05/02/2024"}, valueGuids=guids
        )
        assert response.status == 200
        values = (await response.json())["values"]
        assert [value["valueGuid"] for value in values] == [
            VALUE_GUIDS["mode"],
            VALUE_GUIDS["U_battery"],
        ]
        mode, battery = values
        assert len(mode["history"]) == len(battery["history"]) == 48
        assert {entry["value"] for entry in mode["history"]} == {"MAN"}
        assert battery["unit"] == "V"
        assert battery["decimalPlaces"] == 1
        assert battery["history"][0]["validFrom"] == "2024-05-01T00:00:00Z"
        assert battery["history"][0]["validTo"] == "2024-05-01T01:00:00Z"
        assert battery["history"][-1]["validTo"] == "2024-05-03T00:00:00Z"
        assert all(23.5 < float(entry["value"]) < 25.5 for entry in battery["history"])
        again = await api.get(path, **{"from": "05/01/2024", "to": "05/02/2024"}, valueGuids=guids)
        assert (await again.json())["values"] == values

        long = await api.get(path, **{"from": "01/01/2024", "to": "12/31/2024"})
        long_values = (await long.json())["values"]
        assert len(long_values) == len(VALUE_SPECS)
        assert all(len(value["history"]) == 500 for value in long_values)

        await assert_error(await api.get(path, **{"from": "2024-05-01"}), 400)
        await assert_error(await api.get(path, **{"from": "05/02/2024", "to": "05/01/2024"}), 400)


async def test_files_and_download() -> None:
    async with serve() as api:
        files = (await (await api.get(f"{UNITS}/{ALPHA_GUID}/files")).json())["files"]
        assert files == [
            {
                "fileName": "Genset_Alpha.aig",
                "fileType": "Archive",
                "generated": "2024-05-01T12:00:00Z",
            },
            {
                "fileName": "Genset_Alpha_history.csv",
                "fileType": "History",
                "generated": "2024-05-01T12:00:00Z",
            },
        ]
        download = f"/v1.1/demo/unit/{ALPHA_GUID}/download"
        archive = await api.get(f"{download}/Genset_Alpha.aig")
        assert archive.status == 200
        assert archive.content_type == "application/octet-stream"
        assert (await archive.read()).startswith(b"COMAP-ARCHIVE\x00Genset Alpha\x00")
        history = await api.get(f"{download}/Genset_Alpha_history.csv")
        assert (
            (await history.read())
            .decode()
            .startswith("name;value;unit\nGen-set name;Genset Alpha;")
        )
        await assert_error(await api.get(f"{download}/missing.aig"), 404)
        await assert_error(await api.get("/v1.1/demo/unit/no-such-unit/download/x"), 404)


async def test_admin_adds_and_removes_units() -> None:
    async with serve() as api:
        added = await api.client.post("/_sim/comap/units", json={"name": "Genset Gamma"})
        assert added.status == 200
        gamma = (await added.json())["unitGuid"]
        names = [unit["name"] for unit in (await (await api.get(UNITS)).json())["units"]]
        assert names == ["Genset Alpha", "Genset Beta", "Genset Gamma"]
        assert await api.read(gamma, "genset_name", "mode", "serial_number") == {
            "genset_name": "Genset Gamma",
            "mode": "MAN",
            "serial_number": "SN-GENSET-GAMMA-0003",
        }
        delta = api.simulator.add_unit("Genset Delta")
        assert (await api.get(f"{UNITS}/{delta}/info")).status == 200

        assert (await api.client.delete(f"/_sim/comap/units/{gamma}")).status == 200
        await assert_error(await api.get(f"{UNITS}/{gamma}/values"), 404)
        await assert_error(await api.client.delete(f"/_sim/comap/units/{gamma}"), 404)
        await assert_error(await api.client.post("/_sim/comap/units", json={"name": " "}), 400)
        api.simulator.remove_unit(delta)
        assert len((await (await api.get(UNITS)).json())["units"]) == 2


async def test_units_setting_and_app_key() -> None:
    app = create_app(ComapSettings(units=4))
    names = [unit["name"] for unit in app[COMAP_SIMULATOR].units()]
    assert names == ["Genset Alpha", "Genset Beta", "Genset Gamma", "Genset Delta"]
    assert create_app(ComapSettings(units=0))[COMAP_SIMULATOR].units() == []


async def test_fail_injection() -> None:
    async with serve() as api:
        armed = await api.client.post("/_sim/comap/fail", json={"status": 503, "count": 2})
        assert armed.status == 200
        await assert_error(await api.get(UNITS), 503)
        await assert_error(await api.authenticate(), 503)
        assert (await api.get(UNITS)).status == 200

        await api.client.post("/_sim/comap/fail", json={"status": 200, "body": "not json"})
        raw = await api.get(UNITS)
        assert raw.status == 200
        assert await raw.text() == "not json"

        api.simulator.fail_next(429)
        throttled = await api.get(UNITS)
        await assert_error(throttled, 429)
        assert throttled.headers["Retry-After"] == "1"

        for bad in ({"status": 99}, {"status": "500"}, {"count": -1}, {"body": 5}):
            await assert_error(await api.client.post("/_sim/comap/fail", json=bad), 400)


async def test_expire_tokens_forces_reauthentication() -> None:
    async with serve() as api:
        expired = await api.client.post("/_sim/comap/expire-tokens")
        assert await expired.json() == {"expired": 1}
        await assert_error(await api.get(UNITS), 401)
        await api.login()
        assert (await api.get(UNITS)).status == 200


async def test_health_and_stats() -> None:
    async with serve() as api:
        assert await (await api.client.get("/_sim/health")).json() == {"status": "ok"}
        await api.get(UNITS)
        await api.get(f"{UNITS}/{ALPHA_GUID}/values")
        await api.get(f"{UNITS}/{ALPHA_GUID}/values")
        await api.get(f"{UNITS}/{BETA_GUID}/values")
        await api.get(f"{UNITS}/no-such-unit/values")
        await api.command(ALPHA_GUID, "faultReset")
        await api.client.get(UNITS)  # rejected, still counted
        stats = (await (await api.client.get("/_sim/stats")).json())["comap"]
        assert stats == {
            "total": 8,
            "by_call": {
                "authenticate": 1,
                "units": 2,
                "values": 4,
                "info": 0,
                "comments": 0,
                "history": 0,
                "files": 0,
                "download": 0,
                "command": 1,
            },
            "values_by_unit": {ALPHA_GUID: 2, BETA_GUID: 1},
        }
        reset = await (await api.client.post("/_sim/stats/reset")).json()
        assert reset["comap"]["total"] == 0
        assert reset["comap"]["values_by_unit"] == {}
        assert api.simulator.stats()["by_call"]["values"] == 0


def test_cli_arguments_build_settings() -> None:
    args = parse_args(
        [
            *("--port", "0", "--comap-key", "k", "--speed", "5", "--comap-units", "3"),
            *("--comap-rate-limit", "0", "--comap-token-lifetime", "120"),
        ]
    )
    assert (args.host, args.port) == ("127.0.0.1", 0)
    assert args.comap == ComapSettings(key="k", token_lifetime=120, rate_limit=0, speed=5, units=3)
    with pytest.raises(SystemExit):
        parse_args(["--speed", "0"])


async def test_admin_adds_comments_and_files() -> None:
    async with serve() as api:
        path = f"/_sim/comap/units/{ALPHA_GUID}"
        added = await api.client.post(f"{path}/comments", json={"text": "Fuel delivered."})
        assert (await added.json())["id"] == 3
        comments = (await (await api.get(f"{UNITS}/{ALPHA_GUID}/comments")).json())["comments"]
        assert comments[-1]["text"] == "Fuel delivered."
        assert comments[-1]["author"] == "site.operator"
        beta = (await (await api.get(f"{UNITS}/{BETA_GUID}/comments")).json())["comments"]
        assert len(beta) == 2  # each genset has its own comments

        name = "../odd name?.bin"
        added = await api.client.post(f"{path}/files", json={"name": name, "size": 600})
        assert added.status == 200
        files = (await (await api.get(f"{UNITS}/{ALPHA_GUID}/files")).json())["files"]
        assert files[-1]["fileName"] == name
        download = await api.get(f"/v1.1/demo/unit/{ALPHA_GUID}/download/..%2Fodd%20name%3F.bin")
        body = await download.read()
        assert len(body) == 600
        assert body[:3] == b"\x00\x01\x02"

        refused = await api.client.post(f"{path}/files", json={"name": "x", "size": -1})
        assert refused.status == 400
        missing = await api.client.post("/_sim/comap/units/nope/comments", json={"text": "x"})
        assert missing.status == 404


async def test_admin_fails_mains_and_raises_alarms() -> None:
    async with serve() as api:
        path = f"/_sim/comap/units/{ALPHA_GUID}"
        assert (await api.client.post(f"{path}/mains", json={"present": False})).status == 200
        keys = ("breaker_state", "Mcb_mode", "mains_frequency")
        assert await api.read(ALPHA_GUID, *keys) == {
            "breaker_state": "MainsFlt",
            "Mcb_mode": "Open",
            "mains_frequency": "0.0",
        }
        refused = await api.command(ALPHA_GUID, "changeMcb")  # no voltage to close onto
        assert refused.status != 200
        assert (await api.client.post(f"{path}/mains", json={"present": True})).status == 200
        assert (await api.read(ALPHA_GUID, "breaker_state"))["breaker_state"] == "BrksOff"

        raised = await api.client.post(f"{path}/alarms", json={"text": "Sd Oil Pressure"})
        assert raised.status == 200
        await api.client.post(f"{path}/alarms", json={"text": "Sd Oil Pressure"})  # once only
        assert await api.read(ALPHA_GUID, "alarm_list", "unit_state") == {
            "alarm_list": "Sd Oil Pressure",
            "unit_state": "Alarm",
        }
        for route, body in (("mains", {"present": "no"}), ("alarms", {"text": " "})):
            await assert_error(await api.client.post(f"{path}/{route}", json=body), 400)
        missing = await api.client.post("/_sim/comap/units/nope/alarms", json={"text": "x"})
        assert missing.status == 404
