"""Simulated ComAp identity and WebSupervisor v1.1 API.

Wire behaviour follows docs/providers/comap.md: a Comap-Key plus client id
and secret buy a bearer token, and every ``/v1.1/{login_id}/...`` call needs
both the key and an unexpired token.

Two clocks drive the simulator. Tokens and the rate limit use the injected
monotonic ``clock`` directly; the gensets run on simulated time, which is the
clock's elapsed time multiplied by ``ComapSettings.speed``. Time stamps in
answers come from ``wallclock``.
"""

from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import hmac
import math
import re
import secrets
import time
from typing import Any
import uuid

from aiohttp import web

from .genset import CommandRefusedError, Genset, GensetProfile, Mode

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


@dataclass
class ComapSettings:
    """Credentials and behaviour of the simulated ComAp cloud."""

    key: str = "demo"
    client_id: str = "demo"
    secret: str = "demo"
    login_id: str = "demo"
    token_lifetime: int = 3599  # seconds
    rate_limit: float = 10.0  # requests per second per Comap-Key; 0 disables
    speed: float = 1.0  # simulated seconds per real second
    units: int = 2

    def __post_init__(self) -> None:
        """Reject settings the simulator cannot honour."""
        if self.token_lifetime <= 0:
            raise ValueError("token_lifetime must be positive")
        if self.rate_limit < 0:
            raise ValueError("rate_limit must not be negative")
        if self.speed <= 0:
            raise ValueError("speed must be positive")
        if self.units < 0:
            raise ValueError("units must not be negative")


class ComapApiError(Exception):
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
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
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
        }


class ComapSimulator:
    """State of the simulated ComAp cloud: credentials, tokens, gensets and counters.

    Methods that serve API data raise ComapApiError with the HTTP status the
    API would answer; the routes render it.
    """

    def __init__(
        self,
        settings: ComapSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Create the default gensets; clock is monotonic seconds, wallclock aware UTC."""
        self.settings = settings or ComapSettings()
        self._clock = clock
        self._wallclock = wallclock
        self._epoch = clock()
        self._units: dict[str, _Unit] = {}
        self._created = 0
        self._tokens: dict[str, float] = {}
        self._recent: defaultdict[str, deque[float]] = defaultdict(deque)
        self._failure_status = 0
        self._failures_left = 0
        self._failure_body: str | None = None
        self._calls: Counter[str] = Counter()
        self._values_by_unit: Counter[str] = Counter()
        for index in range(self.settings.units):
            if index == 0:
                self._add(ALPHA_PROFILE, ALPHA_GUID)
            elif index == 1:
                self._add(BETA_PROFILE, BETA_GUID)
            else:
                name = _EXTRA_NAMES[index - 2] if index - 2 < len(_EXTRA_NAMES) else str(index + 1)
                self.add_unit(f"Genset {name}")

    # Test hooks

    def add_unit(self, name: str) -> str:
        """Add a genset in MAN mode on mains and return its unit GUID."""
        if not name.strip():
            raise ValueError("A unit needs a name")
        sequence = self._created + 1
        guid = str(uuid.uuid5(_UNIT_NAMESPACE, f"{sequence}:{name}"))
        self._add(_generic_profile(name, sequence), guid)
        return guid

    def remove_unit(self, unit_guid: str) -> None:
        """Remove a genset; raise ComapApiError (404) if it is unknown."""
        del self._units[self._unit(unit_guid).guid]

    def fail_next(self, status: int, count: int = 1, body: str | None = None) -> None:
        """Answer the next count identity or WSV calls with status (and raw body if given)."""
        if not 200 <= status <= 599:
            raise ValueError("status must be an HTTP status between 200 and 599")
        if count < 0:
            raise ValueError("count must not be negative")
        self._failure_status, self._failures_left, self._failure_body = status, count, body

    def expire_tokens(self) -> int:
        """Invalidate every issued token and return how many there were."""
        expired = len(self._tokens)
        self._tokens.clear()
        return expired

    def stats(self) -> dict[str, Any]:
        """Return request counters.

        by_call counts every identity and WSV request received, rejected ones
        included; values_by_unit counts values answers served per unit GUID.
        """
        return {
            "total": self._calls.total(),
            "by_call": {call: self._calls[call] for call in CALLS},
            "values_by_unit": dict(self._values_by_unit),
        }

    def reset_stats(self) -> None:
        """Zero the request counters."""
        self._calls.clear()
        self._values_by_unit.clear()

    # Request gate

    def admit(self, call: str, headers: Mapping[str, str], login_id: str | None = None) -> None:
        """Count a request and apply rate limit, injected failure and credentials.

        For WSV calls pass the login id from the path: the bearer token and
        the login are then checked too. Raise ComapApiError to reject.
        """
        self._calls[call] += 1
        key = headers.get("Comap-Key", "")
        self._check_rate(key)
        self._raise_injected_failure()
        if not _same(key, self.settings.key):
            raise ComapApiError(
                401, "Access denied due to invalid subscription key. Provide a valid Comap-Key."
            )
        if login_id is None:
            return
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        expiry = self._tokens.get(token.strip())
        if scheme.lower() != "bearer" or expiry is None or expiry <= self._clock():
            raise ComapApiError(401, "Unauthorized: invalid or expired access token")
        if login_id != self.settings.login_id:
            raise ComapApiError(403, "Forbidden: the token does not grant this login id")

    def _check_rate(self, key: str) -> None:
        limit = self.settings.rate_limit
        if not limit:
            return
        now = self._clock()
        window = self._recent[key]
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= limit:
            raise ComapApiError(
                429,
                "Rate limit is exceeded. Try again in 1 seconds.",
                headers={"Retry-After": "1"},
            )
        window.append(now)

    def _raise_injected_failure(self) -> None:
        if not self._failures_left:
            return
        self._failures_left -= 1
        status = self._failure_status
        raise ComapApiError(
            status,
            f"Injected failure {status}",
            headers={"Retry-After": "1"} if status == 429 else None,
            raw_body=self._failure_body,
        )

    # API operations

    def authenticate(self, client_id: str, secret: str) -> dict[str, Any]:
        """Issue a bearer token for valid application credentials."""
        if not (_same(client_id, self.settings.client_id) and _same(secret, self.settings.secret)):
            raise ComapApiError(401, "Invalid client id or secret")
        now = self._clock()
        self._tokens = {token: expiry for token, expiry in self._tokens.items() if expiry > now}
        token = secrets.token_urlsafe(48)
        lifetime = self.settings.token_lifetime
        self._tokens[token] = now + lifetime
        return {
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": token,
        }

    def units(self) -> list[dict[str, Any]]:
        """List the gensets."""
        return [
            {"name": unit.name, "unitGuid": unit.guid, "url": UNIT_URL.format(guid=unit.guid)}
            for unit in self._units.values()
        ]

    def values(
        self, unit_guid: str, value_guids: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """Return a genset's current values, all or those whose GUIDs are given."""
        unit = self._unit(unit_guid)
        self._values_by_unit[unit.guid] += 1
        return self._value_entries(unit, value_guids)

    def info(self, unit_guid: str) -> dict[str, Any]:
        """Return a genset's unit information."""
        unit = self._unit(unit_guid)
        profile = unit.genset.profile
        return {
            "name": unit.name,
            "unitGuid": unit.guid,
            "ownerLoginId": self.settings.login_id,
            "applicationType": profile.controller,
            "timezone": TIMEZONE,
            "connection": {
                "enabled": True,
                "airGateId": profile.air_gate_id,
                "ipAddress": "",
                "port": 0,
                "controllerAddress": 1,
            },
            "position": {
                "positionType": "Static",
                "latitude": profile.latitude,
                "longitude": profile.longitude,
            },
        }

    def comments(self, unit_guid: str) -> list[dict[str, Any]]:
        """Return the WebSupervisor comments of a genset."""
        self._unit(unit_guid)
        return [dict(comment) for comment in COMMENTS]

    def history(
        self,
        unit_guid: str,
        first_day: date | None = None,
        last_day: date | None = None,
        value_guids: Collection[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Return hourly history from first_day to last_day inclusive (UTC).

        Both days default to today. Each value gets at most
        MAX_HISTORY_ENTRIES entries. Measured values wobble deterministically
        around their current reading; the others keep it.
        """
        unit = self._unit(unit_guid)
        today = self._wallclock().astimezone(UTC).date()
        first_day, last_day = first_day or today, last_day or today
        if last_day < first_day:
            raise ComapApiError(400, "The from date must not be after the to date")
        start = datetime.combine(first_day, datetime.min.time(), UTC)
        hours = min(((last_day - first_day).days + 1) * 24, MAX_HISTORY_ENTRIES)
        slots = [start + timedelta(hours=hour) for hour in range(hours)]
        readings = self._readings(unit)
        return [
            {
                "name": spec.name,
                "valueGuid": spec.guid,
                "unit": spec.unit,
                "decimalPlaces": spec.decimals or 0,
                "history": [
                    {
                        "value": self._historic(spec, readings[spec.key], slot),
                        "validFrom": _iso(slot),
                        "validTo": _iso(slot + timedelta(hours=1)),
                    }
                    for slot in slots
                ],
            }
            for spec in self._specs(value_guids)
        ]

    def files(self, unit_guid: str) -> list[dict[str, Any]]:
        """List the files stored for a genset."""
        unit = self._unit(unit_guid)
        return [
            {"fileName": name, "fileType": kind, "generated": _iso(unit.created)}
            for name, kind in unit.files.items()
        ]

    def download(self, unit_guid: str, file_name: str) -> bytes:
        """Return the content of a genset's file."""
        unit = self._unit(unit_guid)
        kind = unit.files.get(file_name)
        if kind is None:
            raise ComapApiError(404, f"File {file_name} not found")
        if kind == "History":
            rows = [
                f"{entry['name']};{entry['value']};{entry['unit']}"
                for entry in self._value_entries(unit)
            ]
            return ("name;value;unit\n" + "\n".join(rows) + "\n").encode()
        return b"COMAP-ARCHIVE\x00" + unit.name.encode() + b"\x00" + bytes(range(256))

    def command(self, unit_guid: str, command: str, mode: str | None = None) -> None:
        """Run a controller command; mode is required for changeMode."""
        unit = self._unit(unit_guid)
        if command not in COMMANDS:
            raise ComapApiError(
                400, f"Unknown command {command!r}; expected one of {', '.join(COMMANDS)}"
            )
        genset, now = unit.genset, self._sim_now()
        try:
            match command:
                case "start":
                    genset.start(now)
                case "stop":
                    genset.stop(now)
                case "faultReset":
                    genset.fault_reset(now)
                case "changeMcb":
                    genset.toggle_mcb(now)
                case "changeGcb":
                    genset.toggle_gcb(now)
                case "changeMode":
                    genset.change_mode(self._mode(mode), now)
        except CommandRefusedError as err:
            raise ComapApiError(400, str(err)) from err

    # Helpers

    def _add(self, profile: GensetProfile, guid: str) -> None:
        self._created += 1
        self._units[guid] = _Unit(guid, Genset(profile, self._sim_now()), self._wallclock())

    def _sim_now(self) -> float:
        return (self._clock() - self._epoch) * self.settings.speed

    def _unit(self, unit_guid: str) -> _Unit:
        unit = self._units.get(unit_guid.lower())
        if unit is None:
            raise ComapApiError(404, f"Unit {unit_guid} not found")
        return unit

    def _value_entries(
        self, unit: _Unit, value_guids: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        readings = self._readings(unit)
        timestamp = _iso(self._wallclock())
        return [
            {
                "name": spec.name,
                "valueGuid": spec.guid,
                "value": spec.format(readings[spec.key]),
                "unit": spec.unit,
                "highLimit": spec.high,
                "lowLimit": spec.low,
                "decimalPlaces": spec.decimals or 0,
                "timeStamp": timestamp,
            }
            for spec in self._specs(value_guids)
        ]

    def _readings(self, unit: _Unit) -> dict[str, float | str]:
        return unit.genset.readings(self._sim_now()) | {
            "last_update": _iso(self._wallclock()),
            "unit_changed": _iso(unit.created),
            "comm_state": "Connected",
        }

    @staticmethod
    def _specs(value_guids: Collection[str] | None) -> list[_ValueSpec]:
        if value_guids is None:
            return list(VALUE_SPECS)
        wanted = {guid.lower() for guid in value_guids}
        return [spec for spec in VALUE_SPECS if spec.guid.lower() in wanted]

    @staticmethod
    def _historic(spec: _ValueSpec, reading: float | str, slot: datetime) -> str:
        if not spec.analog or isinstance(reading, str):
            return spec.format(reading)
        hour = slot.timestamp() / 3600
        return spec.format(reading * (1 + 0.02 * math.sin(hour)))

    @staticmethod
    def _mode(mode: str | None) -> Mode:
        if not isinstance(mode, str) or mode.lower() not in MODES:
            raise ComapApiError(400, f"Unknown mode {mode!r}; expected off, man, aut or test")
        return MODES[mode.lower()]


COMAP_SIMULATOR = web.AppKey("COMAP_SIMULATOR", ComapSimulator)

ROUTES = web.RouteTableDef()

type _Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
type _SimHandler = Callable[[web.Request, ComapSimulator], Awaitable[web.StreamResponse]]


def _endpoint(call: str) -> Callable[[_SimHandler], _Handler]:
    """Wrap a handler with counting, rate limit, failure injection and auth.

    Routes with a login id in their path are WSV calls and need a token.
    """

    def decorate(handler: _SimHandler) -> _Handler:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            simulator = request.app[COMAP_SIMULATOR]
            try:
                simulator.admit(call, request.headers, request.match_info.get("login_id"))
                return await handler(request, simulator)
            except ComapApiError as err:
                return err.response()

        return wrapper

    return decorate


def _admin(handler: _SimHandler) -> _Handler:
    """Wrap an admin handler: no counting, no rate limit, no auth."""

    async def wrapper(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request, request.app[COMAP_SIMULATOR])
        except ComapApiError as err:
            return err.response()

    return wrapper


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as err:
        raise ComapApiError(400, "The request body must be JSON") from err
    if not isinstance(body, dict):
        raise ComapApiError(400, "The request body must be a JSON object")
    return body


def _guid_filter(request: web.Request) -> list[str] | None:
    raw = request.query.get("valueGuids", "")
    guids = [guid.strip() for guid in raw.split(",") if guid.strip()]
    return guids or None


def _query_date(request: web.Request, name: str) -> date | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        return datetime.strptime(raw, HISTORY_DATE_FORMAT).date()
    except ValueError as err:
        raise ComapApiError(400, f"Parameter {name} must be a date in format MM/DD/YYYY") from err


@ROUTES.post("/identity/application/authenticate")
@_endpoint("authenticate")
async def _authenticate(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    client_id, secret = body.get("clientId"), body.get("secret")
    if not isinstance(client_id, str) or not isinstance(secret, str):
        raise ComapApiError(400, "clientId and secret are required strings")
    return web.json_response(simulator.authenticate(client_id, secret))


@ROUTES.get("/v1.1/{login_id}/units")
@_endpoint("units")
async def _units(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    return web.json_response({"units": simulator.units()})


@ROUTES.get("/v1.1/{login_id}/units/{unit_guid}/values")
@_endpoint("values")
async def _values(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    values = simulator.values(request.match_info["unit_guid"], _guid_filter(request))
    return web.json_response({"values": values})


@ROUTES.get("/v1.1/{login_id}/units/{unit_guid}/info")
@_endpoint("info")
async def _info(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    return web.json_response(simulator.info(request.match_info["unit_guid"]))


@ROUTES.get("/v1.1/{login_id}/units/{unit_guid}/comments")
@_endpoint("comments")
async def _comments(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    return web.json_response({"comments": simulator.comments(request.match_info["unit_guid"])})


@ROUTES.get("/v1.1/{login_id}/units/{unit_guid}/history")
@_endpoint("history")
async def _history(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    values = simulator.history(
        request.match_info["unit_guid"],
        _query_date(request, "from"),
        _query_date(request, "to"),
        _guid_filter(request),
    )
    return web.json_response({"values": values})


@ROUTES.get("/v1.1/{login_id}/units/{unit_guid}/files")
@_endpoint("files")
async def _files(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    return web.json_response({"files": simulator.files(request.match_info["unit_guid"])})


@ROUTES.get("/v1.1/{login_id}/unit/{unit_guid}/download/{file_name}")
@_endpoint("download")
async def _download(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    file_name = request.match_info["file_name"]
    content = simulator.download(request.match_info["unit_guid"], file_name)
    return web.Response(
        body=content,
        content_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


@ROUTES.post("/v1.1/{login_id}/units/{unit_guid}/command")
@_endpoint("command")
async def _command(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    command, mode = body.get("command"), body.get("mode")
    if not isinstance(command, str):
        raise ComapApiError(400, "command is a required string")
    simulator.command(request.match_info["unit_guid"], command, mode)
    return web.json_response({"command": command, "result": "OK"})


@ROUTES.post("/_sim/comap/units")
@_admin
async def _admin_add_unit(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    name = (await _json_object(request)).get("name")
    if not isinstance(name, str) or not name.strip():
        raise ComapApiError(400, "name is a required non-empty string")
    return web.json_response({"unitGuid": simulator.add_unit(name)})


@ROUTES.delete("/_sim/comap/units/{unit_guid}")
@_admin
async def _admin_remove_unit(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    unit_guid = request.match_info["unit_guid"]
    simulator.remove_unit(unit_guid)
    return web.json_response({"unitGuid": unit_guid})


@ROUTES.post("/_sim/comap/fail")
@_admin
async def _admin_fail(request: web.Request, simulator: ComapSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    status, count, raw_body = body.get("status", 500), body.get("count", 1), body.get("body")
    if not isinstance(status, int) or not isinstance(count, int):
        raise ComapApiError(400, "status and count must be integers")
    if raw_body is not None and not isinstance(raw_body, str):
        raise ComapApiError(400, "body must be a string")
    try:
        simulator.fail_next(status, count, raw_body)
    except ValueError as err:
        raise ComapApiError(400, str(err)) from err
    return web.json_response({"status": status, "count": count})


@ROUTES.post("/_sim/comap/expire-tokens")
@_admin
async def _admin_expire_tokens(
    request: web.Request, simulator: ComapSimulator
) -> web.StreamResponse:
    return web.json_response({"expired": simulator.expire_tokens()})
