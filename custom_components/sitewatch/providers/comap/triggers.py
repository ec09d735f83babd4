"""Device triggers of ComAp gensets, read from the genset's sensors as each refresh sets them.

- Engine started / stopped: the engine state sensor moving between the running states
  (``RUNNING``) and the stopped ones (``STOPPED``); the states in between (prestart, cranking,
  starting, pause, wait stop...) do not count, so a failed start fires nothing and a start seen
  by one poll as Ready then Loaded fires once.
- Mains failed / returned: the breaker state moving between states with mains present
  (``MAINS_PRESENT``: mains or parallel operation, mains return, synchronising) and without
  (``MAINS_ABSENT``: mains failure, island operation); breakers off and init do not count.
- Alarm raised: an alarm text in the alarm list that was not there before (or more alarms);
  the new texts are in the trigger's ``new_alarms``.
- Mode changed: the operating mode sensor showing another mode (optionally: this one).
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.typing import ConfigType

from ...schema import vol
from ...triggers import CONF_MODE, DeviceTrigger, Fields, ValueTrigger, entered, side_of
from .const import OPERATING_MODES, ValueGuid

RUNNING: Final = frozenset({"running", "loaded", "soft_load", "soft_unload", "cooling"})
STOPPED: Final = frozenset({"init", "ready", "not_ready", "stop", "shutdown"})
ENGINE_SIDES: Final = {
    **dict.fromkeys(RUNNING, "running"),
    **dict.fromkeys(STOPPED, "stopped"),
}
MAINS_PRESENT: Final = frozenset(
    {
        "mains_operation",
        "parallel_operation",
        "multiple_parallel_operation",
        "mains_return",
        "synchronising",
        "reverse_synchronising",
    }
)
MAINS_ABSENT: Final = frozenset(
    {"mains_failure", "valid_failure", "island_operation", "multiple_island_operation"}
)
MAINS_SIDES: Final = {
    **dict.fromkeys(MAINS_PRESENT, "present"),
    **dict.fromkeys(MAINS_ABSENT, "absent"),
}
MODES: Final = sorted(set(OPERATING_MODES.values()))
ALARMS_ATTRIBUTE: Final = "alarms"
"""The alarm sensor's attribute listing the alarm texts."""

type Alarms = tuple[float, frozenset[str]]
"""How many alarms, and their texts."""


def _alarms(state: State) -> Alarms | None:
    """The alarm count and texts of the alarm sensor's state (None: not a count)."""
    try:
        count = float(state.state)
    except ValueError:
        return None
    texts = state.attributes.get(ALARMS_ATTRIBUTE)
    return count, frozenset(texts if isinstance(texts, list) else ())


def _alarm_raised(old: Alarms, new: Alarms, config: ConfigType) -> bool:
    """A text that was not in the list before, or more alarms than before."""
    return bool(new[1] - old[1]) or new[0] > old[0]


def _new_alarms(old: Alarms, new: Alarms) -> dict[str, Any]:
    return {"new_alarms": sorted(new[1] - old[1])}


def _mode(state: State) -> str | None:
    return state.state if state.state in MODES else None


def _mode_changed(old: str, new: str, config: ConfigType) -> bool:
    return old != new and config.get(CONF_MODE) in (None, new)


async def _mode_field(hass: HomeAssistant, entry: ConfigEntry) -> Fields:
    """The optional mode, picked from the translated modes."""
    return {
        vol.Optional(CONF_MODE): SelectSelector(
            SelectSelectorConfig(
                options=MODES, translation_key=CONF_MODE, mode=SelectSelectorMode.DROPDOWN
            )
        )
    }


def _side_trigger(type_: str, key: str, sides: dict[str, str], side: str) -> ValueTrigger[str]:
    return ValueTrigger[str](type=type_, key=key, value=side_of(sides), fires=entered(side))


TRIGGERS: Final[tuple[DeviceTrigger, ...]] = (
    _side_trigger("engine_started", ValueGuid.ENGINE_STATE, ENGINE_SIDES, "running"),
    _side_trigger("engine_stopped", ValueGuid.ENGINE_STATE, ENGINE_SIDES, "stopped"),
    _side_trigger("mains_failed", ValueGuid.BREAKER_STATE, MAINS_SIDES, "absent"),
    _side_trigger("mains_returned", ValueGuid.BREAKER_STATE, MAINS_SIDES, "present"),
    ValueTrigger[Alarms](
        type="alarm_raised",
        key=ValueGuid.ALARM_LIST,
        value=_alarms,
        fires=_alarm_raised,
        details=_new_alarms,
    ),
    ValueTrigger[str](
        type="mode_changed",
        key=ValueGuid.MODE,
        value=_mode,
        fires=_mode_changed,
        fields={vol.Optional(CONF_MODE): vol.In(MODES)},
        capabilities=_mode_field,
    ),
)
"""The triggers of a ComAp genset."""
