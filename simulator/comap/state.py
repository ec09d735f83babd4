"""The simulated ComAp cloud: credentials, tokens, gensets and counters."""

from collections import Counter
from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, timedelta
import math
import secrets
from typing import Any
import uuid

from ..genset import CommandRefusedError, Genset, GensetProfile, Mode
from ..plugin import Simulated
from ..routing import RateWindows
from .model import (
    _EXTRA_NAMES,
    _UNIT_NAMESPACE,
    ALPHA_GUID,
    ALPHA_PROFILE,
    BETA_GUID,
    BETA_PROFILE,
    CALLS,
    COMMANDS,
    MAX_HISTORY_ENTRIES,
    MODES,
    TIMEZONE,
    UNIT_URL,
    VALUE_SPECS,
    ComapApiError,
    _generic_profile,
    _iso,
    _same,
    _Unit,
    _ValueSpec,
)
from .settings import ComapSettings


class ComapSimulator(Simulated[ComapSettings], settings=ComapSettings):
    """State of the simulated ComAp cloud: credentials, tokens, gensets and counters.

    Methods that serve API data raise ComapApiError with the HTTP status the
    API would answer; the routes render it.
    """

    def _setup(self) -> None:
        """Create the default gensets."""
        self._epoch = self._clock()
        self._units: dict[str, _Unit] = {}
        self._created = 0
        self._tokens: dict[str, float] = {}
        self._recent = RateWindows()
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

    def add_comment(self, unit_guid: str, text: str, author: str = "site.operator") -> int:
        """Add an active comment dated now to a genset and return its id (404 if unknown)."""
        unit = self._unit(unit_guid)
        comment_id = max((comment["id"] for comment in unit.comments), default=0) + 1
        unit.comments.append(
            {
                "id": comment_id,
                "author": author,
                "date": _iso(self._wallclock()),
                "text": text,
                "active": True,
            }
        )
        return comment_id

    def add_file(self, unit_guid: str, name: str, content: bytes, kind: str = "Archive") -> None:
        """Store a file of any name and content for a genset (404 if the genset is unknown)."""
        if not name:
            raise ValueError("A file needs a name")
        self._unit(unit_guid).added_files[name] = (kind, content)

    def set_mains(self, unit_guid: str, present: bool) -> None:
        """Make mains fail at a genset's site, or return (404 if the genset is unknown)."""
        self._unit(unit_guid).genset.set_mains(present, self._sim_now())

    def raise_alarm(self, unit_guid: str, text: str) -> None:
        """Raise an alarm on a genset (404 if the genset is unknown)."""
        if not text.strip():
            raise ValueError("An alarm needs a text")
        self._unit(unit_guid).genset.raise_alarm(text, self._sim_now())

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
        if limit and not self._recent.admit(key, self._clock(), limit):
            raise ComapApiError(
                429,
                "Rate limit is exceeded. Try again in 1 seconds.",
                headers={"Retry-After": "1"},
            )

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
        return [dict(comment) for comment in self._unit(unit_guid).comments]

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
            raise ComapApiError(404, "File not found")
        if file_name in unit.added_files:
            return unit.added_files[file_name][1]
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
