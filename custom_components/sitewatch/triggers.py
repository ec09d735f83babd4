"""Device triggers a provider declares, and how each kind listens to its entity.

A provider lists its triggers in its own package (``providers/<key>/triggers.py``) and in its
``Provider.triggers``; ``device_trigger.py`` (the platform Home Assistant loads) offers a device
the triggers whose entity the device has, enabled. Three kinds:

- ``EventTrigger``: each event of an event entity (a new time it fired, or new event attributes)
  whose ``event_type`` and attributes match: fires once per event, two identical ones included.
- ``ValueTrigger``: a change of what an entity shows (an engine's running or not, a mode, the
  alarm list), compared with the last known value so an unknown or unavailable state between
  two values neither fires nor hides a change.
- ``ThresholdTrigger``: a numeric sensor crossing a number (Home Assistant's ``numeric_state``).

The first two are ``StateTrigger``-s: they follow the entity's state changes
(``async_track_state_change_event``), not a state trigger on an attribute, which would fire
only when the attribute changes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from homeassistant.components.homeassistant.triggers import numeric_state
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    CONF_ABOVE,
    CONF_BELOW,
    CONF_ENTITY_ID,
    CONF_PLATFORM,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Context,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .schema import vol

type Fields = Mapping[vol.Marker, Any]
"""Extra fields of a trigger: voluptuous markers to validators (or selectors)."""
type Fire = Callable[[dict[str, Any], Context | None], None]
"""Runs the automation with these trigger variables (``from_state``, ``to_state``...)."""
type Capabilities = Callable[[HomeAssistant, ConfigEntry], Any]
"""Coroutine function giving the fields the automation editor shows (with selectors)."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """One automation's use of a device trigger.

    Attributes:
        entity_id: the trigger's entity on the device.
        config: the trigger's validated configuration.
        action: the automation's action (for a trigger built on a Home Assistant trigger).
        trigger_info: the automation's trigger information (idem).
        fire: runs the action with Sitewatch's trigger variables.
    """

    entity_id: str
    config: ConfigType
    action: TriggerActionType
    trigger_info: TriggerInfo
    fire: Fire


CONF_PERSON: Final = "person"
CONF_PLATE: Final = "plate"
CONF_MODE: Final = "mode"
UNKNOWN_STATES: Final = frozenset({STATE_UNKNOWN, STATE_UNAVAILABLE})


@dataclass(frozen=True, kw_only=True)
class DeviceTrigger(ABC):
    """A trigger of the devices that have its entity (``domain`` and ``key``).

    Attributes:
        type: the trigger type (``device_automation.trigger_type.<type>`` in the strings).
        subtype: what it is about when one type has several (``trigger_subtype.<subtype>``).
        domain: the platform of its entity (``event``, ``sensor``).
        key: the end of its entity's unique id (``..._<key>``, the description's key).
        fields: extra fields of its configuration, as validated.
        capabilities: the extra fields the automation editor shows, when they differ from
            ``fields`` (a list of known persons, say); given Home Assistant and the entry.
    """

    type: str
    subtype: str | None = None
    domain: str
    key: str
    fields: Fields = field(default_factory=dict)
    capabilities: Capabilities | None = None

    @property
    def id(self) -> tuple[str, str | None]:
        """What a configuration names it by: its type and subtype."""
        return self.type, self.subtype

    async def async_extra_fields(self, hass: HomeAssistant, entry: ConfigEntry) -> Fields:
        """The extra fields the automation editor shows (``capabilities``, else ``fields``)."""
        if self.capabilities is None:
            return self.fields
        fields: Fields = await self.capabilities(hass, entry)
        return fields

    @abstractmethod
    async def async_attach(self, hass: HomeAssistant, to: Attachment) -> CALLBACK_TYPE:
        """Listen to ``to.entity_id``; fire (``to.fire`` or ``to.action``) each time it triggers.

        Returns:
            The callback that stops listening.
        """


@dataclass(frozen=True, kw_only=True)
class StateTrigger(DeviceTrigger):
    """A trigger on the new states of its entity, which ``_watcher`` tells apart."""

    async def async_attach(self, hass: HomeAssistant, to: Attachment) -> CALLBACK_TYPE:
        """Pass each new state to the watcher; fire with the variables it gives.

        The variables are added to ``from_state`` and ``to_state``.
        """
        pick = self._watcher(hass.states.get(to.entity_id), to.config)

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            new_state = event.data["new_state"]
            if new_state is not None and (variables := pick(new_state)) is not None:
                to.fire(
                    {"from_state": event.data["old_state"], "to_state": new_state, **variables},
                    event.context,
                )

        return async_track_state_change_event(hass, to.entity_id, changed)

    @abstractmethod
    def _watcher(
        self, current: State | None, config: ConfigType
    ) -> Callable[[State], dict[str, Any] | None]:
        """Given the entity's state now, what tells each new state's trigger variables.

        The function returned is called with every new state, in order; it returns None for a
        state that does not fire.
        """


def _known(state: State | None) -> bool:
    return state is not None and state.state not in UNKNOWN_STATES


NOT_EVENT_ATTRIBUTES: Final = frozenset(
    [
        "friendly_name",
        "icon",
        "entity_picture",
        "device_class",
        "event_types",
        "restored",
        "assumed_state",
        "attribution",
        "supported_features",
    ]
)
"""State attributes of an event entity that are not its last event's (renaming it changes
``friendly_name``: not an event)."""


def _event_of(state: State | None) -> tuple[str, dict[str, Any]] | None:
    """The event an event entity's state shows: its time and attributes (None: none).

    The time alone does not tell two events apart: it is cut to the millisecond, so events
    fired in the same millisecond (a batch) differ only by their attributes.
    """
    if state is None or not _known(state):
        return None
    attributes = {
        key: value for key, value in state.attributes.items() if key not in NOT_EVENT_ATTRIBUTES
    }
    return state.state, attributes


@dataclass(frozen=True, kw_only=True)
class EventTrigger(StateTrigger):
    """Each event of an event entity whose type is one of ``event_types`` and that ``matches``.

    An event is a state whose time or event attributes differ from the last event's
    (``_event_of``): an entity becoming available again, restored when added or renamed shows
    its last event again and does not fire.
    """

    domain: str = "event"
    event_types: frozenset[str]
    matches: Callable[[Mapping[str, Any], ConfigType], bool] = lambda attributes, config: True
    """Whether an event (its attributes, ``event_type`` among them) fires this configuration."""

    def _watcher(
        self, current: State | None, config: ConfigType
    ) -> Callable[[State], dict[str, Any] | None]:
        """Fires on each new event whose type and attributes match."""
        last = _event_of(current)

        def pick(state: State) -> dict[str, Any] | None:
            nonlocal last
            if (shown := _event_of(state)) is None or shown == last:
                return None
            last = shown
            attributes = state.attributes
            if attributes.get("event_type") not in self.event_types:
                return None
            return {} if self.matches(attributes, config) else None

        return pick


@dataclass(frozen=True, kw_only=True)
class ValueTrigger[T](StateTrigger):
    """A change of what an entity shows, as ``value`` reads it from its state.

    ``value`` gives None for a state that says nothing (unknown, unavailable, a text outside
    the known ones); such states are skipped, and the next value is compared with the last one
    read. The value when the automation starts is the first one; it does not fire.
    """

    domain: str = "sensor"
    value: Callable[[State], T | None]
    fires: Callable[[T, T, ConfigType], bool]
    """Given the last value and the new one, whether this configuration fires."""
    details: Callable[[T, T], dict[str, Any]] = lambda old, new: {}
    """Trigger variables added to ``from_state`` and ``to_state`` (the new alarms, say)."""

    def _read(self, state: State | None) -> T | None:
        return self.value(state) if state is not None and _known(state) else None

    def _watcher(
        self, current: State | None, config: ConfigType
    ) -> Callable[[State], dict[str, Any] | None]:
        """Fires when the value read differs from the last one as ``fires`` says."""
        last = self._read(current)

        def pick(state: State) -> dict[str, Any] | None:
            nonlocal last
            if (new := self._read(state)) is None:
                return None
            old, last = last, new
            if old is None or not self.fires(old, new, config):
                return None
            return self.details(old, new)

        return pick


@dataclass(frozen=True, kw_only=True)
class ThresholdTrigger(DeviceTrigger):
    """A sensor's value rising above (``bound="above"``) or falling below a number.

    Home Assistant's ``numeric_state`` trigger does the work: it fires when the value crosses
    the number, not again while it stays beyond it.
    """

    domain: str = "sensor"
    bound: Literal["above", "below"]
    fields: Fields = field(default_factory=dict)

    def __post_init__(self) -> None:
        """The number is the one field (``above`` or ``below``)."""
        if not self.fields:
            object.__setattr__(self, "fields", {vol.Required(self.bound): vol.Coerce(float)})

    async def async_attach(self, hass: HomeAssistant, to: Attachment) -> CALLBACK_TYPE:
        """Attach a ``numeric_state`` trigger on the entity, with the configured number."""
        bound = CONF_ABOVE if self.bound == "above" else CONF_BELOW
        numeric_config = await numeric_state.async_validate_trigger_config(
            hass,
            {CONF_PLATFORM: "numeric_state", CONF_ENTITY_ID: to.entity_id, bound: to.config[bound]},
        )
        return await numeric_state.async_attach_trigger(
            hass, numeric_config, to.action, to.trigger_info, platform_type="device"
        )


def normalized(text: object) -> str | None:
    """A name or plate as compared: case and spacing ignored (``" Alice  B "`` → ``alice b``)."""
    if not isinstance(text, str):
        return None
    return " ".join(text.split()).casefold() or None


def plate_text(text: object) -> str | None:
    """A licence plate as compared: letters and digits, upper case (``AB-123 cd``: ``AB123CD``)."""
    if not isinstance(text, str):
        return None
    return "".join(character for character in text if character.isalnum()).upper() or None


def attribute_is(
    attributes: Collection[str], option: str, normalize: Callable[[object], str | None]
) -> Callable[[Mapping[str, Any], ConfigType], bool]:
    """A ``matches`` that compares the option ``option`` with one of ``attributes``.

    Without the option every event matches; with it, an event matches when one of the named
    attributes equals it (both ``normalize``-d). Attributes are read by name, so an attribute
    added to the events later (a plate, say) is one more name here.
    """

    def matches(event: Mapping[str, Any], config: ConfigType) -> bool:
        if (wanted := normalize(config.get(option))) is None:
            return True
        return any(normalize(event.get(name)) == wanted for name in attributes)

    return matches


def side_of(sides: Mapping[str, str]) -> Callable[[State], str | None]:
    """A ``value`` that reads which side a state is on (``running``/``stopped``), else None."""
    return lambda state: sides.get(state.state)


def entered(side: str) -> Callable[[str, str, ConfigType], bool]:
    """A ``fires`` for a move from another side to ``side``."""
    return lambda old, new, config: old != new and new == side


MAX_PERSONS: Final = 500
"""Most names offered in a trigger's person list (any other name can still be typed)."""


def person_field(names: Iterable[str]) -> Fields:
    """The optional ``person`` field as the editor shows it: the known names, or any typed."""
    options = sorted({name for name in names if name}, key=str.casefold)[:MAX_PERSONS]
    return {
        vol.Optional(CONF_PERSON): SelectSelector(
            SelectSelectorConfig(
                options=options, custom_value=True, mode=SelectSelectorMode.DROPDOWN
            )
        )
    }


def recognition_triggers(
    *,
    key: str,
    recognized: str,
    unknown: str,
    person_attributes: Collection[str],
    persons: Capabilities,
) -> tuple[EventTrigger, EventTrigger]:
    """The "person recognised" (optionally who) and "unknown face" triggers of an event entity.

    Args:
        key: the event entity's key.
        recognized: the event type of a recognised person.
        unknown: the event type of an unknown face.
        person_attributes: the event attributes naming the person (any of them matches).
        persons: the person field with the names the provider knows (``person_field``).
    """
    return (
        EventTrigger(
            type="person_recognized",
            key=key,
            event_types=frozenset({recognized}),
            fields={vol.Optional(CONF_PERSON): cv.string},
            capabilities=persons,
            matches=attribute_is(person_attributes, CONF_PERSON, normalized),
        ),
        EventTrigger(type="unknown_face", key=key, event_types=frozenset({unknown})),
    )
