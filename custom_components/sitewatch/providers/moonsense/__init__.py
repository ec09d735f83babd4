"""Moonsense provider: session webhooks as events, session and latest-reading sensors."""

from __future__ import annotations

from typing import Final

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from ...const import DOMAIN
from ...flow import neutral_title
from ...identity import account_digest, async_migrate_identity, scoped_id
from ...models import Provider, SitewatchConfigEntry
from ...webhook import PushWebhook
from .config_flow import MoonsenseAccountFlow, MoonsenseOptionsFlow
from .const import APP_DEVICE, CONF_WEBHOOK_ID, DEFAULT_TITLE, PROVIDER_MOONSENSE
from .coordinator import MoonsenseCoordinator, client_from_data
from .entity import app_device
from .push import MoonsenseReceiver
from .runtime import MoonsenseRuntime
from .services import async_setup_services


async def async_setup_moonsense_entry(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> MoonsenseRuntime:
    """Check the token (``whoami``, one request), prepare the webhook; sessions follow.

    Today's sessions (every page of them) are read by the first refresh, in the background;
    the session sensors are unknown until it answers. The phones of earlier runs come back from
    the device registry (their names stay); the readings once merged on the app device are
    removed (``async_remove_merged_readings``).

    Raises:
        ConfigEntryAuthFailed: the token was refused (starts reauthentication).
        ConfigEntryNotReady: the service could not be reached (Home Assistant retries).
    """
    coordinator = MoonsenseCoordinator(hass, entry, client_from_data(hass, entry.data))
    async_remove_merged_readings(hass, entry)
    # The app's device first: each phone's device names it as its parent (via_device).
    dr.async_get(hass).async_get_or_create(config_entry_id=entry.entry_id, **app_device(entry))
    coordinator.restore_phones(
        dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    )
    await coordinator.async_setup_listing(coordinator.client.whoami)
    push = PushWebhook(
        hass, entry, webhook_id=entry.data[CONF_WEBHOOK_ID], receiver=MoonsenseReceiver(coordinator)
    )
    return MoonsenseRuntime(entry=entry, coordinator=coordinator, push=push)


MERGED_READINGS: Final = (
    "battery_level",
    "battery_state",
    "activity",
    "activity_confidence",
    "temperature",
    "light",
    "pressure",
    "humidity",
    "location",
)
"""Keys of the readings that were on the app device before phones had their own devices."""


@callback
def async_remove_merged_readings(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Remove the app device's reading sensors and tracker, which merged every phone's readings.

    Each phone now has these on its own device (new entity ids, named after the phone's model):
    the merged ones cannot be given to one phone, so they go, with their entity ids. Runs at
    every setup; finds nothing once done.
    """
    registry = er.async_get(hass)
    for key in MERGED_READINGS:
        unique_id = scoped_id(entry, APP_DEVICE, key)
        for domain in (Platform.SENSOR, Platform.DEVICE_TRACKER):
            if entity_id := registry.async_get_entity_id(domain, DOMAIN, unique_id):
                registry.async_remove(entity_id)


async def async_migrate_moonsense_identity_1_3(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> None:
    """Minor version 3: the project and app ids leave the entry's ids and generated title.

    Before, the entry's unique id was ``<project_id>/<app_id>``, an entity's
    ``<project_id>/<app_id>_<key>`` and the device's ``moonsense_<project_id>/<app_id>``; now
    they are its ``account_digest``, ``scoped_id(entry, "app", key)`` and
    ``scoped_id(entry, "app")``. The entry's data does not hold the two ids, so they are read
    from the old unique id; an entry whose unique id is already a digest (no ``/``) is left as it
    is, so the step can run again harmlessly. A title Sitewatch generated (``Moonsense <app_id>``)
    becomes ``Moonsense`` (numbered when taken); a title the user chose stays.
    """
    old = entry.unique_id
    if old is None or "/" not in old:
        return
    if entry.title == f"{DEFAULT_TITLE} {old.rsplit('/', 1)[-1]}":
        taken = {
            other.title
            for other in hass.config_entries.async_entries(entry.domain)
            if other.entry_id != entry.entry_id
        }
        hass.config_entries.async_update_entry(entry, title=neutral_title(DEFAULT_TITLE, taken))
    # async_migrate_identity sets the new unique id first: scoped_id() below names the digest.
    await async_migrate_identity(
        hass,
        entry,
        account=account_digest(old),
        unique_id=lambda unique_id: (
            scoped_id(entry, APP_DEVICE, unique_id.removeprefix(f"{old}_"))
            if unique_id.startswith(f"{old}_")
            else None
        ),
        device=lambda device: (
            scoped_id(entry, APP_DEVICE) if device == f"{PROVIDER_MOONSENSE}_{old}" else None
        ),
    )


PROVIDER = Provider(
    key=PROVIDER_MOONSENSE,
    platforms=(Platform.DEVICE_TRACKER, Platform.EVENT, Platform.SENSOR),
    async_setup_services=async_setup_services,
    async_setup_entry=async_setup_moonsense_entry,
    config_flow=MoonsenseAccountFlow,
    options_flow=MoonsenseOptionsFlow,
    to_redact=frozenset({"token", "project_id", "app_id", "latitude", "longitude"}),
    migrations={3: async_migrate_moonsense_identity_1_3},
)
"""The provider as the registry (``providers/__init__.py``) lists it."""
