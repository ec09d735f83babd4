"""FaceSpace provider: recognition logs per camera as events, last person seen, log queries."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady

from ...const import DOMAIN, LOGGER
from ...devices import is_one_of
from ...identity import account_digest, async_migrate_identity, scoped_id
from ...models import Provider, SitewatchConfigEntry
from ...webhook import PushWebhook
from .api import FaceSpaceGoneError
from .config_flow import FaceSpaceAccountFlow, FaceSpaceOptionsFlow
from .const import (
    ACCOUNT_DEVICE,
    CONF_ACCEPT_PUSH,
    CONF_API_KEY,
    CONF_PUSH_SECRET,
    CONF_WEBHOOK_ID,
    PROVIDER_FACESPACE,
)
from .coordinator import (
    FaceSpaceCoordinator,
    async_report_gone,
    camera_device,
    client_from_data,
)
from .push import FaceSpaceReceiver
from .runtime import FaceSpaceRuntime
from .services import async_setup_services
from .triggers import TRIGGERS


async def async_setup_facespace_entry(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> FaceSpaceRuntime:
    """Restore the cursor, list the cameras, and prepare the webhook when pushes are accepted.

    Setup reads only who each camera sees (``GET /recognition``, one request: the key works and
    the cameras are listed); the logs since the cursor (a long answer after a downtime) are read
    by the first refresh, in the background, and their lines fire once their event entities
    exist. When pushes are accepted and the cameras are known from before, a service that
    cannot be reached does not stop the setup (pushed lines still fire; the poll retries every
    30 s).

    Raises:
        ConfigEntryAuthFailed: the API key was refused (starts reauthentication).
        ConfigEntryNotReady: the service could not be reached (Home Assistant retries).
    """
    coordinator = FaceSpaceCoordinator(hass, entry, client_from_data(hass, entry.data))
    push = None
    if entry.options.get(CONF_ACCEPT_PUSH):
        push = PushWebhook(
            hass,
            entry,
            webhook_id=entry.data[CONF_WEBHOOK_ID],
            receiver=FaceSpaceReceiver(
                coordinator, entry.data[CONF_API_KEY], entry.options[CONF_PUSH_SECRET]
            ),
        )
        await push.seen.async_load()
        coordinator.push_seen = push.seen
    await coordinator.async_load()
    try:
        await coordinator.async_setup_listing(coordinator.async_list_cameras)
    except ConfigEntryNotReady as err:
        if isinstance(err.__cause__, FaceSpaceGoneError):
            async_report_gone(hass, entry, gone=True)
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="facespace_gone",
                translation_placeholders={"error": str(err.__cause__)},
            ) from err
        if push is None or not coordinator.data.cameras:
            raise
        LOGGER.warning("FaceSpace cannot be reached; taking pushes while the poll retries")
        coordinator.async_start_first_refresh()
    async_report_gone(hass, entry, gone=False)
    entry.async_on_unload(coordinator.async_save_now)
    return FaceSpaceRuntime(entry, coordinator, push)


def facespace_device_current(entry: SitewatchConfigEntry, identifiers: set[str]) -> bool:
    """The account's device, and the device of each camera the entry still has.

    A camera stays while FaceSpace lists it or it logged a line within the last week
    (``coordinator.STALE_AFTER``); after that its device is removed by itself.
    """
    runtime = entry.runtime_data
    return not isinstance(runtime, FaceSpaceRuntime) or is_one_of(
        entry, identifiers, [ACCOUNT_DEVICE, *map(camera_device, runtime.coordinator.data.cameras)]
    )


async def async_remove_facespace_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Clear the entry's "service gone" repair issue (nothing to delete on FaceSpace's side)."""
    async_report_gone(hass, entry, gone=False)


async def async_migrate_facespace_identity_1_3(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> None:
    """Entry version 1.3: the camera ids move to the one scheme; entity ids and history stay.

    Entity unique ids ``{entry_id}_{camera}_{key}`` become
    ``facespace_{account}_camera_{camera}_{key}`` and device identifiers
    ``facespace_{entry_id}_{camera}`` become ``facespace_{account}_camera_{camera}``. The
    account (the entry's unique id) stays the digest of the key the entry was added with (a key
    changed in reauth names the same account), so it is kept; only an entry without one gets
    the digest of its key. Ids already in the new scheme are left alone.
    """
    old_entity = f"{entry.entry_id}_"
    old_device = f"facespace_{entry.entry_id}_"

    def moved(identifier: str, old_prefix: str) -> str | None:
        if not identifier.startswith(old_prefix):
            return None
        return scoped_id(entry, camera_device(identifier.removeprefix(old_prefix)))

    await async_migrate_identity(
        hass,
        entry,
        account=entry.unique_id or account_digest(entry.data[CONF_API_KEY]),
        unique_id=lambda unique_id: moved(unique_id, old_entity),
        device=lambda identifier: moved(identifier, old_device),
    )


PROVIDER = Provider(
    key=PROVIDER_FACESPACE,
    platforms=(Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR),
    async_setup_entry=async_setup_facespace_entry,
    config_flow=FaceSpaceAccountFlow,
    options_flow=FaceSpaceOptionsFlow,
    to_redact=frozenset({CONF_API_KEY, CONF_PUSH_SECRET}),
    migrations={3: async_migrate_facespace_identity_1_3},
    async_setup_services=async_setup_services,
    triggers=TRIGGERS,
    device_current=facespace_device_current,
    async_remove_entry=async_remove_facespace_entry,
)
"""The provider as the registry (``providers/__init__.py``) lists it."""
