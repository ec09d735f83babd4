"""Runtime data that every Sitewatch config entry carries, whatever its provider."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry, OptionsFlow
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .flow import AccountFlow
from .triggers import DeviceTrigger
from .webhook import PushWebhook


class ProviderRuntime(ABC):
    """What a provider keeps in ``entry.runtime_data``: its client, coordinators and entities.

    The thin platform modules (``sensor.py``, ``button.py``...) hand their ``async_add_entities``
    to ``async_setup_platform``; each provider decides which entities it adds.
    """

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
type PlatformSetup = Callable[
    [HomeAssistant, SitewatchConfigEntry, AddConfigEntryEntitiesCallback],
    Coroutine[Any, Any, None],
]


def platform_setup(platform: Platform) -> PlatformSetup:
    """The ``async_setup_entry`` of a platform module: the entry's provider adds its entities."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: SitewatchConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        entry.runtime_data.async_setup_platform(platform, async_add_entities)

    return async_setup_entry


type DeviceCheck = Callable[[SitewatchConfigEntry, set[str]], bool]
"""Whether a device of a loaded entry, given its identifiers (second parts), is still current."""
type ProviderSetup = Callable[[HomeAssistant, SitewatchConfigEntry], Awaitable[ProviderRuntime]]
type ProviderCleanup = Callable[[HomeAssistant, SitewatchConfigEntry], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class Provider:
    """Everything the shared layer knows of one provider; each package exports one (``PROVIDER``).

    ``providers/__init__.py`` lists them; ``__init__.py``, ``config_flow.py``,
    ``diagnostics.py``, ``device_trigger.py`` and the action registration dispatch through that
    list, so the shared modules never import a provider.
    """

    key: str
    """Stored in the entry's data (``provider``); also the id of its step in the user menu."""
    platforms: tuple[Platform, ...]
    """The platforms this provider has entities on (forwarded on setup, unloaded on unload)."""
    async_setup_entry: ProviderSetup
    """Create the client and coordinators of an entry and return its runtime data.

    Raises ``ConfigEntryAuthFailed`` or ``ConfigEntryNotReady`` as Home Assistant expects."""
    config_flow: type[AccountFlow]
    """The provider's steps of the config flow (``<key>``, ``<key>_reauth``,
    ``<key>_reconfigure``...), run by Sitewatch's one config flow."""
    options_flow: type[OptionsFlow]
    """The options flow of the provider's entries."""
    to_redact: frozenset[str] = frozenset()
    """Keys of the entry data and the provider's diagnostics that diagnostics redacts."""
    async_remove_entry: ProviderCleanup | None = None
    """Clean-up on the provider's side when an entry is deleted (its webhooks, say)."""
    migrations: Mapping[int, ProviderCleanup] = field(default_factory=dict)
    """Entry migrations by the minor version they bring an entry to (1.2, 1.3...)."""
    async_setup_services: Callable[[HomeAssistant], None] | None = None
    """Register the provider's actions (once, when the integration loads)."""
    triggers: tuple[DeviceTrigger, ...] = ()
    """The device triggers of the provider's devices (``providers/<key>/triggers.py``); a
    device is offered those whose entity it has (``device_trigger.py``)."""
    device_current: DeviceCheck | None = None
    """Whether a device is still one the service has (a user may delete it by hand when not,
    ``async_remove_config_entry_device``). None: while one of the entry's entities on it is
    available (``devices.device_has_available_entity``)."""


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
