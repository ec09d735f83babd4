"""Per-person presence across every Sitewatch entry: where each known person was seen last.

Providers feed a registry kept once per Home Assistant (``presence_registry``) with what they
know, never the other way round (this module imports no provider):

- ``async_known``: the persons a provider can recognise (FindFace human cards, FaceSpace names).
  Only known persons get entities: a face nobody is enrolled as never creates one.
- ``async_seen``: each delivered recognition of a known person (``Sighting``).
- ``async_in_view``: who a provider's cameras see now (FaceSpace's real-time answer).

A person is one person whatever the entry or provider: "Alice" on a FindFace card and "alice"
in FaceSpace's logs share one ``sensor.people_alice_last_seen`` (names compared case-folded).
The entities are on one "People" device per Home Assistant and added through the sensor and
binary sensor platforms of an entry that knows the person; when that entry unloads, another
loaded entry that knows the person takes them over (same unique id, so the same entity id,
history and restored state).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
import hashlib
from typing import Any, Final

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.sensor import RestoreSensor
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util.hass_dict import HassKey

from .bounds import MAX_ATTRIBUTE_ITEMS, bounded_text, parse_time, state_text
from .coalesce import CoalescedWrites
from .const import DOMAIN, LOGGER
from .models import PlatformSetup, SitewatchConfigEntry, platform_setup

PEOPLE_DEVICE: Final = "people"
"""The identifier (second part) of the one People device the person entities are on."""
MAX_PERSONS: Final = 500
"""Most persons the registry holds; a person beyond it gets no entities (logged once)."""
MAX_PERSON_NAME: Final = 64
"""Longest person name used (the entity's name, and what keys the person); longer is cut."""
UNKNOWN_NAMES: Final = frozenset({"unknown", "unknown person"})
"""Names providers give a face they do not know; never a person."""
PRESENCE: Final[HassKey[PresenceRegistry]] = HassKey(f"{DOMAIN}_presence")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sighting:
    """One recognition of a known person, as a provider delivered it.

    Attributes:
        person: the person's name (card or log name).
        place: where: the camera's name (bounded to a state's 255 characters).
        provider: which service saw them (``FindFace``, ``FaceSpace``).
        seen_at: when (aware; the provider's time of the recognition).
    """

    person: str
    place: str
    provider: str
    seen_at: datetime


def person_name(value: object) -> str | None:
    """A person's name as presence uses it: bounded text, None for empty and unknown faces."""
    name = bounded_text(value, MAX_PERSON_NAME)
    if name is None or name.casefold() in UNKNOWN_NAMES:
        return None
    return name


def person_key(name: str) -> str:
    """What identifies a person across providers: the case-folded name, spaces collapsed."""
    return " ".join(name.casefold().split())


def person_unique_id(name: str, key: str) -> str:
    """``people_<digest of the person's key>_<key>``: stable across restarts, entries, casing."""
    digest = hashlib.sha256(person_key(name).encode()).hexdigest()[:16]
    return f"{PEOPLE_DEVICE}_{digest}_{key}"


PEOPLE_DEVICE_INFO: Final = DeviceInfo(
    identifiers={(DOMAIN, PEOPLE_DEVICE)},
    name="People",
    manufacturer="Sitewatch",
    model="Presence",
)


@dataclass(slots=True)
class _Person:
    name: str
    sources: dict[str, None] = field(default_factory=dict)
    """Entries that know the person, in the order they said so (a dict as an ordered set)."""
    in_view_sources: set[str] = field(default_factory=set)
    """Entries that report who is in view and know the person (a binary sensor exists)."""
    last: Sighting | None = None
    in_view: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per entry: the places that see the person now."""
    owners: dict[Platform, str] = field(default_factory=dict)
    """Per platform: the entry whose platform added the person's entity."""
    listeners: list[Callable[[], None]] = field(default_factory=list)

    @property
    def places_in_view(self) -> list[str]:
        places = {place for places in self.in_view.values() for place in places}
        return sorted(places, key=str.casefold)[:MAX_ATTRIBUTE_ITEMS]


class PresenceRegistry:
    """Known persons, where each was seen last and who is in view, across every entry."""

    def __init__(self) -> None:
        """An empty registry (one per Home Assistant: ``presence_registry``)."""
        self._persons: dict[str, _Person] = {}
        self._adders: dict[Platform, dict[str, AddConfigEntryEntitiesCallback]] = {
            Platform.SENSOR: {},
            Platform.BINARY_SENSOR: {},
        }
        self._warned = False

    @property
    def persons(self) -> list[str]:
        """The names of the known persons (display names, first spelling heard)."""
        return [person.name for person in self._persons.values()]

    def hosts(self, entry_id: str) -> bool:
        """Whether one of ``entry_id``'s platforms hosts a person's entity."""
        return any(entry_id in person.owners.values() for person in self._persons.values())

    def last_seen(self, name: str) -> Sighting | None:
        """Where and when ``name`` was seen last (None: not yet, or not a known person)."""
        person = self._persons.get(person_key(name))
        return person.last if person else None

    @callback
    def async_add_platform(
        self, entry: ConfigEntry, platform: Platform, add: AddConfigEntryEntitiesCallback
    ) -> CALLBACK_TYPE:
        """Let ``entry``'s ``platform`` host person entities; returns the undo (on unload).

        Persons the entry knows and no entry hosts yet are added at once. On undo, the persons
        it hosted move to another loaded entry that knows them, and its in-view reports end.
        """
        adders = self._adders.get(platform)
        if adders is None:
            return lambda: None
        adders[entry.entry_id] = add
        self._place(self._persons.values(), platform)

        @callback
        def remove() -> None:
            adders.pop(entry.entry_id, None)
            orphans: list[_Person] = []
            for person in self._persons.values():
                if person.in_view.pop(entry.entry_id, None) is not None:
                    self._notify(person)
                if person.owners.get(platform) == entry.entry_id:
                    del person.owners[platform]
                    orphans.append(person)
            self._place(orphans, platform)

        return remove

    @callback
    def async_known(self, entry_id: str, names: Iterable[object], *, in_view: bool = False) -> None:
        """``entry_id`` can recognise these persons (unknown faces and blanks are skipped).

        Args:
            entry_id: the config entry saying so.
            names: the persons' names, as the provider has them (bounded here).
            in_view: the entry also reports who is in view (``async_in_view``), so the
                persons get an "in view" binary sensor.
        """
        changed: list[_Person] = []
        for value in names:
            if (name := person_name(value)) is None:
                continue
            key = person_key(name)
            person = self._persons.get(key)
            if person is None:
                if len(self._persons) >= MAX_PERSONS:
                    if not self._warned:
                        self._warned = True
                        LOGGER.warning(
                            "More than %s known persons; the others get no entities", MAX_PERSONS
                        )
                    continue
                person = self._persons[key] = _Person(name)
            new_source = entry_id not in person.sources
            person.sources.setdefault(entry_id, None)
            if in_view and entry_id not in person.in_view_sources:
                person.in_view_sources.add(entry_id)
                new_source = True
            if new_source:
                changed.append(person)
        for platform in self._adders:
            self._place(changed, platform)

    @callback
    def async_seen(self, entry_id: str, sightings: Iterable[Sighting]) -> None:
        """Recognitions ``entry_id`` delivered; each of a known person moves their last seen.

        A sighting older than the person's last one is ignored (lines can arrive late).
        """
        for sighting in sightings:
            if (name := person_name(sighting.person)) is None:
                continue
            self.async_known(entry_id, [name])
            person = self._persons.get(person_key(name))
            if person is None or (
                person.last is not None and sighting.seen_at < person.last.seen_at
            ):
                continue
            place = state_text(sighting.place) or "?"
            person.last = Sighting(
                person=person.name,
                place=place,
                provider=sighting.provider,
                seen_at=sighting.seen_at,
            )
            self._notify(person)

    @callback
    def async_in_view(self, entry_id: str, places: Mapping[str, Iterable[str]]) -> None:
        """Who ``entry_id``'s cameras see now: place → names (replaces its previous report)."""
        now: dict[str, set[str]] = {}
        for place, names in places.items():
            for value in names:
                if (name := person_name(value)) is not None:
                    now.setdefault(person_key(name), set()).add(place)
        self.async_known(
            entry_id,
            [name for names in places.values() for name in names],
            in_view=True,
        )
        for key, person in self._persons.items():
            seen = frozenset(now.get(key, ()))
            if person.in_view.get(entry_id, frozenset()) != seen:
                if seen:
                    person.in_view[entry_id] = seen
                else:
                    person.in_view.pop(entry_id, None)
                self._notify(person)

    @callback
    def async_restore(self, name: str, sighting: Sighting) -> None:
        """A sighting restored after a restart (``RestoreSensor``), kept unless a newer one came."""
        person = self._persons.get(person_key(name))
        if person is not None and (person.last is None or person.last.seen_at < sighting.seen_at):
            person.last = sighting

    def _place(self, persons: Iterable[_Person], platform: Platform) -> None:
        """Add the ``platform`` entity of each of ``persons`` that no entry hosts yet.

        Each goes to the first entry that knows the person (and, for "in view", reports it)
        and whose platform is set up; one ``async_add_entities`` call per entry.
        """
        adders = self._adders[platform]
        batches: dict[str, list[Entity]] = {}
        for person in persons:
            if platform in person.owners:
                continue
            sources = (
                person.in_view_sources if platform is Platform.BINARY_SENSOR else person.sources
            )
            for entry_id in person.sources:
                if entry_id in sources and entry_id in adders:
                    person.owners[platform] = entry_id
                    batches.setdefault(entry_id, []).append(
                        PersonInView(self, person)
                        if platform is Platform.BINARY_SENSOR
                        else PersonLastSeen(self, person)
                    )
                    break
        for entry_id, entities in batches.items():
            adders[entry_id](entities)

    @staticmethod
    def _notify(person: _Person) -> None:
        for listener in list(person.listeners):
            listener()


def presence_registry(hass: HomeAssistant) -> PresenceRegistry:
    """The registry of Home Assistant's known persons (created on first use)."""
    if (registry := hass.data.get(PRESENCE)) is None:
        registry = hass.data[PRESENCE] = PresenceRegistry()
    return registry


def platform_with_presence(platform: Platform) -> PlatformSetup:
    """``models.platform_setup``, and ``platform`` hosts person entities until the entry unloads."""
    provider_setup = platform_setup(platform)

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: SitewatchConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        await provider_setup(hass, entry, async_add_entities)
        entry.async_on_unload(
            presence_registry(hass).async_add_platform(entry, platform, async_add_entities)
        )

    return async_setup_entry


class _PersonEntity(CoalescedWrites):
    """An entity of one person on the People device, updated by the registry.

    Its state is written at most once a second (``coalesce``): a burst of recognitions of one
    person is one history row a second, showing the newest.
    """

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_device_info = PEOPLE_DEVICE_INFO
    _coalesce = True

    def __init__(self, registry: PresenceRegistry, person: _Person, key: str) -> None:
        self._registry = registry
        self._person = person
        self._attr_unique_id = person_unique_id(person.name, key)
        self._attr_translation_placeholders = {"person": person.name}

    async def async_added_to_hass(self) -> None:
        """Follow the person's updates while added."""
        await super().async_added_to_hass()
        listener = self.async_write_soon if self._coalesce else self.async_write_ha_state
        self._person.listeners.append(listener)
        self.async_on_remove(lambda: self._person.listeners.remove(listener))


class PersonLastSeen(_PersonEntity, RestoreSensor):
    """Where a person was seen last (the camera's name), with when and by which provider.

    State: the place. Attributes: ``person``, ``seen_at`` (ISO 8601), ``provider``. Restored
    after a restart until the next recognition.
    """

    _attr_translation_key = "person_last_seen"

    def __init__(self, registry: PresenceRegistry, person: _Person) -> None:
        """The last-seen sensor of ``person``."""
        super().__init__(registry, person, "last_seen")

    async def async_added_to_hass(self) -> None:
        """Restore the last sighting, unless one arrived since the start."""
        await super().async_added_to_hass()
        data = await self.async_get_last_sensor_data()
        state = await self.async_get_last_state()
        if data is None or state is None or not isinstance(data.native_value, str):
            return
        seen_at = parse_time(state.attributes.get("seen_at"))
        provider = state_text(state.attributes.get("provider"))
        if seen_at is not None and provider is not None:
            self._registry.async_restore(
                self._person.name,
                Sighting(
                    person=self._person.name,
                    place=data.native_value,
                    provider=provider,
                    seen_at=seen_at,
                ),
            )

    @property
    def native_value(self) -> str | None:
        """The place the person was seen last."""
        last = self._person.last
        return last.place if last else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The person, when (ISO 8601) and by which provider."""
        last = self._person.last
        return {
            "person": self._person.name,
            "seen_at": last.seen_at.isoformat() if last else None,
            "provider": last.provider if last else None,
        }


class PersonInView(_PersonEntity, BinarySensorEntity):
    """On while a camera that reports who is in view lists the person (``places`` attribute)."""

    _attr_translation_key = "person_in_view"
    _coalesce = False  # changes at the poll's pace (or a pushed body's), never in bursts

    def __init__(self, registry: PresenceRegistry, person: _Person) -> None:
        """The in-view binary sensor of ``person``."""
        super().__init__(registry, person, "in_view")

    @property
    def is_on(self) -> bool:
        """Whether any camera sees the person now."""
        return bool(self._person.in_view)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The person, and the places that see them now (at most 32, sorted)."""
        return {"person": self._person.name, "places": self._person.places_in_view}
