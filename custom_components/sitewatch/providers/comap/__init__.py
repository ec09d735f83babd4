"""ComAp WebSupervisor provider: gensets as devices, their values, commands and modes."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback

from ...flow import neutral_title
from ...identity import account_digest, async_migrate_identity, async_replace_unique_id_prefix
from ...models import Provider, SitewatchConfigEntry
from .config_flow import DEFAULT_TITLE, ComapAccountFlow, ComapOptionsFlow
from .const import CONF_LOGIN_ID, PROVIDER_COMAP
from .coordinator import ComapCoordinator, client_from_data
from .runtime import ENTITY_FACTORIES, NEEDED_VALUE_GUIDS, ComapRuntime
from .services import async_setup_services
from .triggers import TRIGGERS


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
    hass.config_entries.async_update_entry(entry, title=neutral_title(DEFAULT_TITLE, taken))


async def async_migrate_comap_identity(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Minor version 2: the login id leaves the entry's and the entities' unique ids."""
    login_id: str = entry.data[CONF_LOGIN_ID]
    digest = account_digest(login_id)
    await async_replace_unique_id_prefix(
        hass, entry, f"{PROVIDER_COMAP}_{login_id.lower()}_", f"{PROVIDER_COMAP}_{digest}_"
    )
    hass.config_entries.async_update_entry(entry, unique_id=digest)


async def async_migrate_comap_identity_1_3(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> None:
    """Minor version 3: genset devices become ``comap_<account digest>_<unit GUID>``.

    They were the bare unit GUID. Entity unique ids already follow the scheme
    (``comap_<digest>_<unit GUID>_<key>``); one still made with the login id (1.1) is
    rewritten too. Computed from the entry's login id, so running it again changes nothing.
    """
    account = account_digest(entry.data[CONF_LOGIN_ID])
    prefix = f"{PROVIDER_COMAP}_{account}_"
    login_prefix = f"{PROVIDER_COMAP}_{entry.data[CONF_LOGIN_ID].lower()}_"

    def unique_id(old: str) -> str | None:
        if old.startswith(login_prefix):
            return prefix + old.removeprefix(login_prefix)
        return None

    def device(old: str) -> str | None:
        # A bare unit GUID; an identifier already in the scheme starts with the provider.
        return None if old.startswith(f"{PROVIDER_COMAP}_") else prefix + old.lower()

    await async_migrate_identity(hass, entry, account=account, unique_id=unique_id, device=device)


async def async_setup_comap_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> ComapRuntime:
    """Create the client and coordinator of a ComAp entry and do the first refresh.

    The first refresh lists the units and reads what fits in a few requests (``SETUP_READS``);
    a larger site's other gensets are read at once in the background, so that setup takes a
    fraction of a second whatever the site's size.

    Raises:
        ConfigEntryAuthFailed: the credentials were refused (starts reauthentication).
        ConfigEntryNotReady: the API could not be reached (Home Assistant retries).
    """
    async_retitle_private_entry(hass, entry)
    coordinator = ComapCoordinator(
        hass, entry, client_from_data(hass, dict(entry.data)), NEEDED_VALUE_GUIDS
    )
    await coordinator.async_config_entry_first_refresh()
    coordinator.async_read_rest_in_background()
    return ComapRuntime(entry, coordinator)


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
    migrations={2: async_migrate_comap_identity, 3: async_migrate_comap_identity_1_3},
    async_setup_services=async_setup_services,
    triggers=TRIGGERS,
)
"""The provider as the registry (``providers/__init__.py``) lists it."""
