"""Camlytics provider: people and vehicle counting, occupancy, queues and analytic events."""

from __future__ import annotations

from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ...identity import account_digest, async_migrate_identity, async_replace_unique_id_prefix
from ...models import Provider, SitewatchConfigEntry
from .config_flow import CamlyticsAccountFlow, CamlyticsOptionsFlow
from .const import CONF_PUBLIC_KEY, CONF_WEBHOOK_ID, PROVIDER_CAMLYTICS
from .coordinator import (
    CURSOR_STORE_VERSION,
    CamlyticsCoordinator,
    async_nonce_source,
    client_from_data,
    cursor_store_key,
)
from .push import CamlyticsReceiver, CamlyticsWebhook
from .runtime import CamlyticsRuntime
from .services import async_setup_services
from .triggers import TRIGGERS


async def async_migrate_camlytics_identity(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> None:
    """Minor version 2: the public key leaves the entry's and the entities' unique ids."""
    digest = account_digest(entry.data[CONF_PUBLIC_KEY])
    if entry.unique_id:
        await async_replace_unique_id_prefix(hass, entry, f"{entry.unique_id}_", f"{digest}_")
    hass.config_entries.async_update_entry(entry, unique_id=digest)


async def async_migrate_camlytics_identity_1_3(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> None:
    """Minor version 3: the one id scheme (``identity.scoped_id``); entity ids stay.

    Entity unique ids ``<digest>_<subject>_<key>`` become ``camlytics_<digest>_<subject>_<key>``
    and device identifiers ``camlytics_<entry id>_<device>`` become ``camlytics_<digest>_<device>``
    (``location_3``, ``channel_<id>``). Computed from the entry's data, so running it again
    changes nothing.
    """
    digest = account_digest(entry.data[CONF_PUBLIC_KEY])
    old_entity, new = f"{digest}_", f"{PROVIDER_CAMLYTICS}_{digest}_"
    old_device = f"{PROVIDER_CAMLYTICS}_{entry.entry_id}_"

    def rewrite(old: str, prefix: str) -> str | None:
        return new + old.removeprefix(prefix) if old.startswith(prefix) else None

    await async_migrate_identity(
        hass,
        entry,
        account=digest,
        unique_id=lambda unique_id: rewrite(unique_id, old_entity),
        device=lambda identifier: rewrite(identifier, old_device),
    )


async def async_setup_camlytics_entry(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> CamlyticsRuntime:
    """Create the client (with persisted nonces), webhook and coordinator; list the locations.

    Setup reads only the locations (one request, ``async_list_locations``); the channels,
    triggers and today's totals (paced at one request per second) follow in the background, and
    their entities appear as they arrive. Pushes answer 503 until the channels are read.

    The webhook's window of delivered keys is shared with the coordinator, so an event is
    fired once whether a push or a poll brings it first. Events are polled once the webhook
    starts (after the platforms are set up) and the first refresh is over, from the cursor
    saved before.

    Raises:
        ConfigEntryAuthFailed: the keys were refused (starts reauthentication).
        ConfigEntryNotReady: the service could not be reached (Home Assistant retries).
    """
    nonces = await async_nonce_source(hass, entry.data[CONF_PUBLIC_KEY])
    receiver = CamlyticsReceiver()
    push = CamlyticsWebhook(hass, entry, webhook_id=entry.data[CONF_WEBHOOK_ID], receiver=receiver)
    coordinator = CamlyticsCoordinator(
        hass, entry, client_from_data(hass, dict(entry.data), nonces), push.seen
    )
    await coordinator.async_load_cursor()
    await coordinator.async_setup_listing(coordinator.async_list_locations)
    receiver.coordinator = coordinator
    entry.async_on_unload(coordinator.async_save_cursor)
    return CamlyticsRuntime(entry, coordinator, push)


async def async_remove_camlytics_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Delete the entry's saved events cursor (the entry is removed)."""
    await Store[dict[str, Any]](
        hass, CURSOR_STORE_VERSION, cursor_store_key(entry.entry_id)
    ).async_remove()


PROVIDER = Provider(
    key=PROVIDER_CAMLYTICS,
    platforms=(Platform.EVENT, Platform.SENSOR),
    async_setup_entry=async_setup_camlytics_entry,
    config_flow=CamlyticsAccountFlow,
    options_flow=CamlyticsOptionsFlow,
    to_redact=frozenset({"public_key", "secret_key", "report_feeds"}),
    async_remove_entry=async_remove_camlytics_entry,
    migrations={2: async_migrate_camlytics_identity, 3: async_migrate_camlytics_identity_1_3},
    async_setup_services=async_setup_services,
    triggers=TRIGGERS,
)
"""The provider as the registry (``providers/__init__.py``) lists it."""
