"""ComAp WebSupervisor provider: gensets as devices, their values, commands and modes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...identity import account_digest, async_replace_unique_id_prefix
from ...models import (
    Provider,
    ProviderRuntime,
    SitewatchConfigEntry,
    async_add_entities_as_they_appear,
)
from .api import DEFAULT_BASE_URL, ComapClient
from .button import genset_buttons
from .const import (
    CONF_ADVANCED,
    CONF_BASE_URL,
    CONF_CLIENT_ID,
    CONF_COMAP_KEY,
    CONF_LOGIN_ID,
    CONF_SECRET,
    PROVIDER_COMAP,
    ValueGuid,
)
from .coordinator import ComapCoordinator
from .select import genset_selects
from .sensor import SENSOR_VALUE_GUIDS, genset_sensors

ENTITY_FACTORIES: dict[Platform, Callable[[ComapCoordinator, str], list[Any]]] = {
    Platform.SENSOR: genset_sensors,
    Platform.BUTTON: genset_buttons,
    Platform.SELECT: genset_selects,
}
NEEDED_VALUE_GUIDS = SENSOR_VALUE_GUIDS | {ValueGuid.SERIAL_NUMBER, ValueGuid.MODES_AVAILABLE}
"""Values read on every refresh: those of the dedicated sensors, the select and device info."""


DEFAULT_TITLE = "ComAp WebSupervisor"
"""Title of a ComAp entry (numbered when another entry has it); never the login id."""


def neutral_title(taken: set[str]) -> str:
    """``ComAp WebSupervisor``, or ``ComAp WebSupervisor 2`` (3...) when ``taken`` has it."""
    title, number = DEFAULT_TITLE, 2
    while title in taken:
        title, number = f"{DEFAULT_TITLE} {number}", number + 1
    return title


@callback
def async_retitle_private_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Give an entry still titled with its login id (as entries were made) a neutral title.

    Only the title Sitewatch generated (``ComAp WebSupervisor <login id>``) is changed; a title
    the user chose stays.
    """
    if entry.title != f"{DEFAULT_TITLE} {entry.data[CONF_LOGIN_ID]}":
        return
    taken = {
        other.title
        for other in hass.config_entries.async_entries(entry.domain)
        if other.entry_id != entry.entry_id
    }
    hass.config_entries.async_update_entry(entry, title=neutral_title(taken))


async def async_migrate_comap_identity(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Minor version 2: the login id leaves the entry's and the entities' unique ids."""
    login_id: str = entry.data[CONF_LOGIN_ID]
    digest = account_digest(login_id)
    await async_replace_unique_id_prefix(
        hass, entry, f"{PROVIDER_COMAP}_{login_id.lower()}_", f"{PROVIDER_COMAP}_{digest}_"
    )
    hass.config_entries.async_update_entry(entry, unique_id=digest)


def client_from_data(hass: HomeAssistant, data: dict[str, Any]) -> ComapClient:
    """A client on Home Assistant's shared session from config entry (or flow) data."""
    return ComapClient(
        async_get_clientsession(hass),
        comap_key=data[CONF_COMAP_KEY],
        client_id=data[CONF_CLIENT_ID],
        secret=data[CONF_SECRET],
        login_id=data[CONF_LOGIN_ID],
        base_url=data.get(CONF_ADVANCED, {}).get(CONF_BASE_URL) or DEFAULT_BASE_URL,
    )


class ComapRuntime(ProviderRuntime):
    """Runtime data of a ComAp entry: its client and its one coordinator."""

    def __init__(self, entry: SitewatchConfigEntry, coordinator: ComapCoordinator) -> None:
        """Keep the coordinator (and through it the client)."""
        self.entry = entry
        self.coordinator = coordinator

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the platform's entities of every genset, and of gensets that appear later."""
        factory = ENTITY_FACTORIES[platform]
        async_add_entities_as_they_appear(
            self.entry,
            self.coordinator,
            lambda: {
                unit_guid: partial(factory, self.coordinator, unit_guid)
                for unit_guid, genset in self.coordinator.data.items()
                if genset.values
            },
            async_add_entities,
        )

    def diagnostics(self) -> dict[str, Any]:
        """Gensets with their info and values, and the client's request count."""
        return {
            "base_url": self.coordinator.client.base_url,
            "request_count": self.coordinator.client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "gensets": {
                unit_guid: {
                    "unit": genset.unit.to_dict(),
                    "info": genset.info.to_dict() if genset.info else None,
                    "online": genset.online,
                    "values": [value.to_dict() for value in genset.values.values()],
                }
                for unit_guid, genset in self.coordinator.data.items()
            },
        }


async def async_setup_comap_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> ComapRuntime:
    """Create the client and coordinator of a ComAp entry and do the first refresh.

    Raises:
        ConfigEntryAuthFailed: the credentials were refused (starts reauthentication).
        ConfigEntryNotReady: the API could not be reached (Home Assistant retries).
    """
    async_retitle_private_entry(hass, entry)
    coordinator = ComapCoordinator(
        hass, entry, client_from_data(hass, dict(entry.data)), NEEDED_VALUE_GUIDS
    )
    await coordinator.async_config_entry_first_refresh()
    return ComapRuntime(entry, coordinator)


# The config flow and actions import the runtime above, so they are imported last.
from .config_flow import ComapAccountFlow, ComapOptionsFlow  # noqa: E402
from .services import async_setup_services  # noqa: E402

PROVIDER = Provider(
    key=PROVIDER_COMAP,
    platforms=tuple(ENTITY_FACTORIES),
    async_setup_entry=async_setup_comap_entry,
    config_flow=ComapAccountFlow,
    options_flow=ComapOptionsFlow,
    to_redact=frozenset(
        {
            "comap_key",
            "client_id",
            "secret",
            "login_id",
            "ownerLoginId",
            "owner_login_id",
            "ipAddress",
            "airGateId",
            "latitude",
            "longitude",
        }
    ),
    migrations={2: async_migrate_comap_identity},
    async_setup_services=async_setup_services,
)
"""The provider as the registry (``providers/__init__.py``) lists it."""
