"""Deterministic model of a genset behind a ComAp controller.

The model is driven by simulated time in seconds, passed in by the caller.
Nothing runs in the background: every public method first advances the model
to the time it is given, integrating counters (run hours, fuel, energy,
service countdowns) piecewise over the engine phases passed in between.
"""

from dataclasses import dataclass
from enum import StrEnum
import math

NOMINAL_RPM = 1500
NOMINAL_FREQUENCY = 50.0  # Hz at nominal speed
PHASE_VOLTAGES = (231.0, 230.0, 229.0)  # V per line at nominal speed
START_RAMP_SECONDS = 5.0  # cranking to nominal speed
SYNC_DELAY_SECONDS = 2.0  # running unloaded before the GCB closes after a start
COOLING_SECONDS = 3.0
STOP_RAMP_SECONDS = 3.0  # nominal speed down to standstill
CHARGING_VOLTAGE = 2.8  # V the alternator adds to the battery while turning
IDLE_FUEL_RATE = 0.5  # % of the tank per hour while the engine turns
FULL_LOAD_FUEL_RATE = 4.0  # further % per hour at nominal power
POWER_NOISE = 0.02  # relative amplitude of the deterministic load wobble
REACTIVE_RATIO = 0.25  # kVAr drawn from mains per kW


class Mode(StrEnum):
    """Controller operating mode, as the mode value reports it."""

    OFF = "OFF"
    MAN = "MAN"
    AUT = "AUT"
    TEST = "TEST"


class EngineState(StrEnum):
    """Engine state, as the engine_state value reports it."""

    NOT_READY = "NotReady"
    READY = "Ready"
    STARTING = "Starting"
    RUNNING = "Running"
    LOADED = "Loaded"
    COOLING = "Cooling"
    STOP = "Stop"


class BreakerState(StrEnum):
    """Breaker state, as the breaker_state value reports it."""

    BRKS_OFF = "BrksOff"
    MAINS_OPER = "MainsOper"
    ISL_OPER = "IslOper"
    PARAL_OPER = "ParalOper"
    MAINS_FLT = "MainsFlt"


class CommandRefusedError(Exception):
    """The controller refuses a command in its current state."""


@dataclass(frozen=True, kw_only=True)
class GensetProfile:
    """Static description and initial state of one genset."""

    name: str
    serial_number: str
    controller: str
    air_gate_id: str
    latitude: float
    longitude: float
    nominal_power: float  # kW
    base_load: float  # kW the genset delivers in parallel with mains
    object_load: float  # kW the site consumes
    mains: bool  # whether mains voltage is present at the site
    mode: Mode
    battery_voltage: float  # V at rest
    alarms: tuple[str, ...] = ()
    fuel_level: float = 80.0  # %
    run_hours: float = 0.0
    number_of_starts: int = 0
    import_kwh: float = 0.0
    service_hours: tuple[float, float, float] = (250.0, 500.0, 1000.0)  # Sd, 1, 3


class Genset:
    """Engine, breakers, alarms and counters of one genset."""

    def __init__(self, profile: GensetProfile, now: float) -> None:
        """Create the genset stopped, in its profile's mode, at simulated time now."""
        self.profile = profile
        self._mode = profile.mode
        self._alarms = list(profile.alarms)
        self._mains = profile.mains
        self._mains_failed = False  # mains was lost (set_mains); a site without mains is not
        self._mcb_closed = profile.mains
        self._gcb_closed = False
        self._fuel_level = profile.fuel_level
        self._run_hours = profile.run_hours
        self._number_of_starts = profile.number_of_starts
        self._import_kwh = profile.import_kwh
        self._service_hours = list(profile.service_hours)
        self._phase = EngineState.READY
        self._phase_since = now
        self._gcb_auto_close = False
        self._run_down_rpm = 0.0
        self._updated = now

    def readings(self, now: float) -> dict[str, float | str]:
        """Return every reading at simulated time now, keyed by value name."""
        self._advance(now)
        speed_ratio = self._rpm(now) / NOMINAL_RPM
        power = self._power(now)
        if self._mcb_closed:
            object_power, mains_power = self.profile.object_load, self.profile.object_load - power
        else:
            object_power, mains_power = power, 0.0
        alarm_text = "|".join(self._alarms)
        voltage_l1, voltage_l2, voltage_l3 = (v * speed_ratio for v in PHASE_VOLTAGES)
        service_sd, service_1, service_3 = self._service_hours
        return {
            "genset_name": self.profile.name,
            "serial_number": self.profile.serial_number,
            "controller": self.profile.controller,
            "unit_state": "Alarm" if self._alarms else "OK",
            "alarm_list": alarm_text,
            "alarm_list_ext": alarm_text,
            "mode": self._mode,
            "modes_available": ",".join(Mode),
            "nominal_power": self.profile.nominal_power,
            "actual_power": power,
            "engine_state": self._engine_state(),
            "breaker_state": self._breaker_state(),
            "Gcb_mode": "Closed" if self._gcb_closed else "Open",
            "Mcb_mode": "Closed" if self._mcb_closed else "Open",
            "import_kWh": self._import_kwh,
            "U_L1": voltage_l1,
            "U_L2": voltage_l2,
            "U_L3": voltage_l3,
            "U_battery": self.profile.battery_voltage
            + (CHARGING_VOLTAGE if self._turning else 0.0),
            "RPM": NOMINAL_RPM * speed_ratio,
            "nominal_RPM": NOMINAL_RPM,
            "frequency_gen": NOMINAL_FREQUENCY * speed_ratio,
            "base_load": self.profile.base_load,
            "P_mains": mains_power,
            "Q_mains": mains_power * REACTIVE_RATIO,
            "Object_P": object_power,
            "fuel_level": self._fuel_level,
            "service_time_Sd": service_sd,
            "service_time_1": service_1,
            "service_time_3": service_3,
            "run_hours": self._run_hours,
            "number_of_starts": self._number_of_starts,
            "service_info": self._service_info(),
            "oil_pressure": 4.2 * speed_ratio,
            "coolant_temperature": 40.0 + 45.0 * speed_ratio,
            "mains_frequency": NOMINAL_FREQUENCY if self._mains else 0.0,
        }

    def start(self, now: float) -> None:
        """Crank the engine; the GCB closes on its own once it runs."""
        self._advance(now)
        if self._mode is Mode.OFF:
            raise CommandRefusedError("Start not allowed in OFF mode")
        if self._phase is EngineState.READY:
            self._number_of_starts += 1
            self._gcb_auto_close = True
            self._enter(EngineState.STARTING, now)

    def stop(self, now: float) -> None:
        """Unload and cool down a running engine, or abort a start."""
        self._advance(now)
        if self._phase in (EngineState.RUNNING, EngineState.LOADED):
            self._gcb_closed = False
            self._enter(EngineState.COOLING, now)
        elif self._phase is EngineState.STARTING:
            self._run_down(now)

    def change_mode(self, mode: Mode, now: float) -> None:
        """Switch the controller mode; OFF stops the engine without cooling."""
        self._advance(now)
        self._mode = mode
        if mode is Mode.OFF and self._phase not in (EngineState.READY, EngineState.STOP):
            self._gcb_closed = False
            self._run_down(now)

    def fault_reset(self, now: float) -> None:
        """Acknowledge and clear every alarm."""
        self._advance(now)
        self._alarms.clear()

    def set_mains(self, present: bool, now: float) -> None:
        """Mains fails (the mains breaker trips open) or returns (the breaker stays open)."""
        self._advance(now)
        self._mains = present
        self._mains_failed = not present
        if not present:
            self._mcb_closed = False

    def raise_alarm(self, text: str, now: float) -> None:
        """Add an active alarm (as the controller lists it, e.g. ``Sd Oil Pressure``)."""
        self._advance(now)
        if text not in self._alarms:
            self._alarms.append(text)

    def toggle_gcb(self, now: float) -> None:
        """Open the generator breaker, or close it onto a running engine."""
        self._advance(now)
        if self._gcb_closed:
            self._gcb_closed = False
            self._gcb_auto_close = False
            self._enter(EngineState.RUNNING, now)
        elif self._phase is EngineState.RUNNING:
            self._gcb_closed = True
            self._enter(EngineState.LOADED, now)
        else:
            raise CommandRefusedError("GCB can only close while the engine is running")

    def toggle_mcb(self, now: float) -> None:
        """Open the mains breaker, or close it when mains voltage is present."""
        self._advance(now)
        if self._mcb_closed:
            self._mcb_closed = False
        elif self._mains:
            self._mcb_closed = True
        else:
            raise CommandRefusedError("MCB cannot close without mains voltage")

    @property
    def _turning(self) -> bool:
        return self._phase is not EngineState.READY

    def _enter(self, phase: EngineState, now: float) -> None:
        self._phase = phase
        self._phase_since = now

    def _run_down(self, now: float) -> None:
        self._run_down_rpm = self._rpm(now)
        self._enter(EngineState.STOP, now)

    def _phase_end(self) -> float | None:
        """Return when the current phase ends on its own, or None if it lasts."""
        match self._phase:
            case EngineState.STARTING:
                duration = START_RAMP_SECONDS
            case EngineState.RUNNING if self._gcb_auto_close:
                duration = SYNC_DELAY_SECONDS
            case EngineState.COOLING:
                duration = COOLING_SECONDS
            case EngineState.STOP:
                duration = STOP_RAMP_SECONDS
            case _:
                return None
        return self._phase_since + duration

    def _finish_phase(self, at: float) -> None:
        """Move on from a timed phase that ended at simulated time at."""
        match self._phase:
            case EngineState.STARTING:
                self._enter(EngineState.RUNNING, at)
            case EngineState.RUNNING:
                self._gcb_closed = True
                self._gcb_auto_close = False
                self._enter(EngineState.LOADED, at)
            case EngineState.COOLING:
                self._run_down(at)
            case EngineState.STOP:
                self._enter(EngineState.READY, at)

    def _advance(self, now: float) -> None:
        while (end := self._phase_end()) is not None and end <= now:
            self._integrate(end)
            self._finish_phase(end)
        self._integrate(now)

    def _integrate(self, until: float) -> None:
        """Accumulate counters from the last update to until, within one phase."""
        hours = (until - self._updated) / 3600
        self._updated = until
        if hours <= 0 or not self._turning:
            return
        load_power = self._load_power() if self._phase is EngineState.LOADED else 0.0
        fuel_rate = IDLE_FUEL_RATE + FULL_LOAD_FUEL_RATE * load_power / self.profile.nominal_power
        self._run_hours += hours
        self._service_hours = [left - hours for left in self._service_hours]
        self._fuel_level = max(0.0, self._fuel_level - fuel_rate * hours)
        self._import_kwh += load_power * hours

    def _rpm(self, now: float) -> float:
        elapsed = now - self._phase_since
        match self._phase:
            case EngineState.STARTING:
                return NOMINAL_RPM * min(1.0, elapsed / START_RAMP_SECONDS)
            case EngineState.RUNNING | EngineState.LOADED | EngineState.COOLING:
                return NOMINAL_RPM
            case EngineState.STOP:
                return self._run_down_rpm * max(0.0, 1.0 - elapsed / STOP_RAMP_SECONDS)
            case _:
                return 0.0

    def _load_power(self) -> float:
        """Return the steady power the loaded genset delivers, in kW."""
        demand = self.profile.base_load if self._mcb_closed else self.profile.object_load
        return min(demand, self.profile.nominal_power)

    def _power(self, now: float) -> float:
        """Return the actual power, wobbling deterministically around the load."""
        if self._phase is not EngineState.LOADED:
            return 0.0
        wobble = 1.0 + POWER_NOISE * math.sin(now / 7.0)
        return min(self._load_power() * wobble, self.profile.nominal_power)

    def _engine_state(self) -> EngineState:
        if self._phase is EngineState.READY and self._mode is Mode.OFF:
            return EngineState.NOT_READY
        return self._phase

    def _breaker_state(self) -> BreakerState:
        if self._gcb_closed:
            return BreakerState.PARAL_OPER if self._mcb_closed else BreakerState.ISL_OPER
        if self._mains_failed:
            return BreakerState.MAINS_FLT
        return BreakerState.MAINS_OPER if self._mcb_closed else BreakerState.BRKS_OFF

    def _service_info(self) -> str:
        hours_left = min(self._service_hours)
        if hours_left <= 0:
            return "Service due"
        return f"Next service in {hours_left:.0f} h"
