"""ComAp constants, value specifications, genset profiles and the API error."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import hmac
import re
from typing import Any
import uuid

from aiohttp import web

from ..genset import Genset, GensetProfile, Mode
from ..routing import ApiError

UNIT_URL = "https://www.websupervisor.net/wsv2/#/unit/{guid}"


TIMEZONE = "Europe/Prague"


MAX_HISTORY_ENTRIES = 500


HISTORY_DATE_FORMAT = "%m/%d/%Y"


CALLS = (
    "authenticate",
    "units",
    "values",
    "info",
    "comments",
    "history",
    "files",
    "download",
    "command",
)


MODES = {"off": Mode.OFF, "man": Mode.MAN, "aut": Mode.AUT, "auto": Mode.AUT, "test": Mode.TEST}


COMMANDS = ("start", "stop", "faultReset", "changeMcb", "changeGcb", "changeMode")


ALPHA_GUID = "0523cb31-fa7a-41de-8e69-f89d6d0af68e"


BETA_GUID = "857445c8-a0b9-4514-805d-395da5f7a664"


_UNIT_NAMESPACE = uuid.UUID("75ac168d-b507-4f6f-9811-62f29ce5f7f6")


_EXTRA_NAMES = ("Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa")


_PRAGUE = (50.0755, 14.4378)


class ComapApiError(ApiError):
    """An API error answer: status, JSON message, and optionally a raw body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        raw_body: str | None = None,
    ) -> None:
        """Describe the answer; raw_body replaces the JSON message body."""
        super().__init__(status, message, headers=headers)
        self.raw_body = raw_body

    def response(self) -> web.Response:
        """Render the error as an HTTP response."""
        if self.raw_body is not None:
            return web.Response(status=self.status, text=self.raw_body, headers=self.headers)
        return web.json_response(
            {"message": self.message}, status=self.status, headers=self.headers
        )


VALUE_GUIDS = {
    "genset_name": "7b2ae258-65a8-40dd-bb42-5455753679f9",
    "serial_number": "6253525D-CF01-4a15-A34B-6C232496E7B4",
    "last_update": "0C9117DA-495A-11DF-85EB-428556D89593",
    "comm_state": "F0219C1C-1860-4b4d-8E6E-3CEC96279D6F",
    "unit_state": "48EC10D1-7AF8-4ce9-B5B3-A5315993FEB3",
    "unit_changed": "52C8C105-49E6-477B-B43D-33FD46F54640",
    "controller": "B9FF3CE7-0A81-4D80-8029-99C24A0E764F",
    "alarm_list": "7EDE9575-FEB5-4540-9153-A3B9CF60DE9F",
    "alarm_list_ext": "5E36C1AA-A2B7-4264-96B5-BB975E48B547",
    "mode": "6a12aed6-3be0-44c4-9110-9ea33cfe3ccc",
    "nominal_power": "72D0295A-3E65-11DF-892C-D6A856D89593",
    "actual_power": "EE83E7E9-7453-4e64-A5CB-C8C093FB2A2F",
    "engine_state": "BB2D1ADE-740E-488d-853B-6BA970D52E27",
    "breaker_state": "B7E5B9B1-9F5E-45c1-82F4-3A336F1F97FA",
    "Gcb_mode": "b0f910f3-14e4-4bd1-8db1-739e26680b9c",
    "Mcb_mode": "5bbc94e2-2497-4d2b-a3e6-1c798d0b6430",
    "import_kWh": "4C214D52-3D75-11DF-8AA2-529056D89593",
    "U_L1": "4a2a2694-3049-4a8e-ba5f-cc6feeda9d59",
    "U_L2": "e0f2f0ff-0627-4d78-bc78-8973ae8b7cea",
    "U_L3": "201b5a65-e4b8-49e6-8f47-9144607eaf58",
    "modes_available": "49424e2b-1009-471c-b8e3-3e84e9c16159",
    "U_battery": "e707bcd1-2735-4ab7-8a8c-d75fd589052c",
    "RPM": "6629f84f-4b79-43c2-ab33-1f27f1f8c42b",
    "nominal_RPM": "DFBA9743-A4E9-4759-89A9-845E861AD9FF",
    "frequency_gen": "1a3767fd-72e9-429b-a088-95318804ce8e",
    "base_load": "D23D6768-AAD0-11DF-8C33-2A13DFD72085",
    "P_mains": "d61be5b5-56fa-4cd8-9fb7-00d2c01627ad",
    "Q_mains": "441ef9cc-fdec-4064-8939-825be28a97b0",
    "Object_P": "87a22d69-b0b7-48ba-bf5f-c3979b462b50",
    "fuel_level": "0dc2739f-0fc9-4a17-bc91-26e5dda19ed8",
    "service_time_Sd": "4ef4bd3d-d8dd-45ff-93a0-b82320fddef2",
    "service_time_1": "57d26063-6237-489c-9e59-091c0ed13c47",
    "service_time_3": "b5719e22-2620-414b-b36b-54975efe3dd0",
    "run_hours": "74200D25-93F2-4328-B1D6-1A08923AA499",
    "number_of_starts": "80042f38-a6d4-4767-a730-b573e7a0dae0",
    "service_info": "416E416A-CA43-4064-948E-479247B12411",
    # Not in the reference table: further values a controller reports.
    "oil_pressure": "d94d6ec3-c3c0-4ebe-b5a3-2933e1332cf1",
    "coolant_temperature": "996a06f1-f3d3-41b1-9504-a2031a332e2c",
    "mains_frequency": "909987b7-855f-4fcd-9d6f-f1e36e46e28f",
}


@dataclass(frozen=True)
class _ValueSpec:
    """One controller value: its reading key, wire name, GUID and formatting."""

    key: str
    name: str
    unit: str = ""
    decimals: int | None = None  # None marks a text value
    low: float | None = None
    high: float | None = None
    analog: bool = False  # a measurement, whose history wobbles

    @property
    def guid(self) -> str:
        return VALUE_GUIDS[self.key]

    def format(self, reading: float | str) -> str:
        """Format a reading as the API does: a string with fixed decimals."""
        if self.decimals is None:
            return str(reading)
        text = f"{reading:.{self.decimals}f}"
        return f"{0:.{self.decimals}f}" if float(text) == 0 else text


def _number(
    key: str,
    name: str,
    unit: str,
    decimals: int,
    *,
    low: float | None = None,
    high: float | None = None,
    analog: bool = False,
) -> _ValueSpec:
    return _ValueSpec(key, name, unit, decimals, low, high, analog)


VALUE_SPECS = (
    _ValueSpec("genset_name", "Gen-set name"),
    _ValueSpec("serial_number", "Serial number"),
    _ValueSpec("last_update", "Last update"),
    _ValueSpec("comm_state", "Communication state"),
    _ValueSpec("unit_state", "Unit state"),
    _ValueSpec("unit_changed", "Unit changed"),
    _ValueSpec("controller", "Controller"),
    _ValueSpec("alarm_list", "Alarm list"),
    _ValueSpec("alarm_list_ext", "Alarm list extended"),
    _ValueSpec("mode", "Controller mode"),
    _ValueSpec("modes_available", "Modes available"),
    _number("nominal_power", "Nominal power", "kW", 0),
    _number("actual_power", "Gen kW", "kW", 1, analog=True),
    _ValueSpec("engine_state", "Engine state"),
    _ValueSpec("breaker_state", "Breaker state"),
    _ValueSpec("Gcb_mode", "GCB state"),
    _ValueSpec("Mcb_mode", "MCB state"),
    _number("import_kWh", "Genset kWh", "kWh", 0),
    _number("U_L1", "Gen V L1-N", "V", 0, low=200, high=260, analog=True),
    _number("U_L2", "Gen V L2-N", "V", 0, low=200, high=260, analog=True),
    _number("U_L3", "Gen V L3-N", "V", 0, low=200, high=260, analog=True),
    _number("U_battery", "Ubat", "V", 1, low=23.5, high=30, analog=True),
    _number("RPM", "RPM", "RPM", 0, high=1650, analog=True),
    _number("nominal_RPM", "Nominal RPM", "RPM", 0),
    _number("frequency_gen", "Gen freq", "Hz", 1, low=47.5, high=52.5, analog=True),
    _number("base_load", "Base load", "kW", 0),
    _number("P_mains", "Mains kW", "kW", 1, analog=True),
    _number("Q_mains", "Mains kVAr", "kVAr", 1, analog=True),
    _number("Object_P", "Object P", "kW", 1, analog=True),
    _number("fuel_level", "Fuel level", "%", 0, low=10, analog=True),
    _number("service_time_Sd", "Service time Sd", "h", 0),
    _number("service_time_1", "Service time 1", "h", 0),
    _number("service_time_3", "Service time 3", "h", 0),
    _number("run_hours", "Run hours", "h", 1),
    _number("number_of_starts", "Num starts", "", 0),
    _ValueSpec("service_info", "Service info"),
    _number("oil_pressure", "Oil pressure", "bar", 1, low=1.5, analog=True),
    _number("coolant_temperature", "Coolant temperature", "°C", 0, high=95, analog=True),
    _number("mains_frequency", "Mains frequency", "Hz", 1, low=47.5, high=52.5, analog=True),
)


COMMENTS = (
    {
        "id": 1,
        "author": "service.technician",
        "date": "2024-03-12T08:15:00Z",
        "text": "Oil, oil filter and air filter replaced.",
        "active": False,
    },
    {
        "id": 2,
        "author": "site.operator",
        "date": "2024-06-02T14:40:00Z",
        "text": "Check the coolant level at the next visit.",
        "active": True,
    },
)


ALPHA_PROFILE = GensetProfile(
    name="Genset Alpha",
    serial_number="SN-ALPHA-0001",
    controller="InteliGen 500",
    air_gate_id="ALPHA01AG",
    latitude=50.0755,
    longitude=14.4378,
    nominal_power=500,
    base_load=350,
    object_load=420,
    mains=True,
    mode=Mode.MAN,
    battery_voltage=24.6,
    fuel_level=78.0,
    run_hours=1234.5,
    number_of_starts=321,
    import_kwh=412345.0,
    service_hours=(180.0, 420.0, 960.0),
)


BETA_PROFILE = GensetProfile(
    name="Genset Beta",
    serial_number="SN-BETA-0002",
    controller="InteliSys NT",
    air_gate_id="BETA02AG",
    latitude=49.1951,
    longitude=16.6068,
    nominal_power=250,
    base_load=180,
    object_load=180,
    mains=False,
    mode=Mode.AUT,
    battery_voltage=23.1,
    alarms=("Wrn Battery Voltage",),
    fuel_level=64.0,
    run_hours=4321.0,
    number_of_starts=1024,
    import_kwh=98765.0,
    service_hours=(75.0, 300.0, 800.0),
)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _same(given: str, expected: str) -> bool:
    """Compare a credential in constant time."""
    return hmac.compare_digest(given.encode(), expected.encode())


def _generic_profile(name: str, sequence: int) -> GensetProfile:
    """Describe a further genset: a mid-size unit in MAN mode on mains."""
    slug = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-") or "UNIT"
    return GensetProfile(
        name=name,
        serial_number=f"SN-{slug}-{sequence:04d}",
        controller="InteliGen 500",
        air_gate_id=f"UNIT{sequence:02d}AG",
        latitude=_PRAGUE[0] + 0.01 * sequence,
        longitude=_PRAGUE[1] + 0.01 * sequence,
        nominal_power=400,
        base_load=300,
        object_load=350,
        mains=True,
        mode=Mode.MAN,
        battery_voltage=24.8,
        run_hours=100.0 * sequence,
        number_of_starts=10 * sequence,
    )


@dataclass
class _Unit:
    guid: str
    genset: Genset
    created: datetime
    comments: list[dict[str, Any]] = field(
        default_factory=lambda: [dict(comment) for comment in COMMENTS]
    )
    added_files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    """Files added by a test hook: name to (file type, content)."""

    @property
    def name(self) -> str:
        return self.genset.profile.name

    @property
    def file_stem(self) -> str:
        return re.sub(r"\W+", "_", self.name).strip("_") or "unit"

    @property
    def files(self) -> dict[str, str]:
        """Return the controller's file names mapped to their file types."""
        archive = "ais" if self.genset.profile.controller.startswith("InteliSys") else "aig"
        return {
            f"{self.file_stem}.{archive}": "Archive",
            f"{self.file_stem}_history.csv": "History",
        } | {name: kind for name, (kind, _) in self.added_files.items()}
