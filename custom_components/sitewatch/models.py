"""Runtime data that every Sitewatch config entry carries, whatever its provider."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .webhook import PushWebhook


class ProviderRuntime(ABC):
    """What a provider keeps in ``entry.runtime_data``: its client, coordinators and entities.

    The thin platform modules (``sensor.py``, ``button.py``...) hand their ``async_add_entities``
    to ``async_setup_platform``; each provider decides which entities it adds.
    """

    platforms: tuple[Platform, ...] = ()
    """The platforms this provider has entities on (forwarded on setup)."""

    push: PushWebhook[Any] | None = None
    """The entry's webhook, started once the platforms are set up (None: it takes no pushes)."""

    @abstractmethod
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the provider's entities of ``platform`` (now and as new devices appear)."""

    @abstractmethod
    def diagnostics(self) -> dict[str, Any]:
        """Return the provider's state for diagnostics; secrets are redacted by the caller too."""


type SitewatchConfigEntry = ConfigEntry[ProviderRuntime]
type EntityFactories = Mapping[Hashable, Callable[[], Entity | list[Entity]]]
"""What should exist now: a key per device or thing, and how to create its entities."""


@callback
def async_add_entities_as_they_appear(
    entry: SitewatchConfigEntry,
    coordinator: DataUpdateCoordinator[Any],
    wanted: Callable[[], EntityFactories],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entities of every key ``wanted()`` lists, now and after each refresh.

    A key is created once while it stays listed; one that disappears and comes back is created
    again (its device was removed meanwhile).
    """
    added: set[Hashable] = set()

    @callback
    def add_new() -> None:
        factories = wanted()
        added.intersection_update(factories)
        entities: list[Entity] = []
        for key, factory in factories.items():
            if key not in added:
                created = factory()
                entities.extend(created if isinstance(created, list) else [created])
        added.update(factories)
        if entities:
            async_add_entities(entities)

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))
