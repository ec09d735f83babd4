"""FindFace Multi provider: cameras as devices, recognitions and more pushed by webhook."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from ...devices import is_one_of
from ...identity import async_migrate_identity, scoped_id
from ...models import Provider, SitewatchConfigEntry
from ...webhook import PushWebhook
from .api.hooks import async_delete_hooks
from .config_flow import (
    FindFaceAccountFlow,
    FindFaceOptionsFlow,
    server_account,
    stored_hook_options,
)
from .const import (
    CONF_HOOK_IDS,
    CONF_URL,
    CONF_WEBHOOK_ID,
    PROVIDER_FINDFACE,
    SERVER,
    camera_device,
)
from .coordinator import FindFaceCoordinator, client_from_data
from .entity import server_device
from .push import FindFaceReceiver
from .runtime import CAMERA_ENTITIES, FindFaceRuntime
from .triggers import TRIGGERS


async def async_setup_findface_entry(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> FindFaceRuntime:
    """Create the client and coordinator, read the cameras and prepare the webhook.

    Raises:
        ConfigEntryAuthFailed: the token or credentials were refused (starts reauthentication).
        ConfigEntryNotReady: the server could not be reached (Home Assistant retries).
    """
    coordinator = FindFaceCoordinator(hass, entry, client_from_data(hass, entry.data))
    await coordinator.async_config_entry_first_refresh()
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **server_device(coordinator)
    )
    push = PushWebhook(
        hass,
        entry,
        webhook_id=entry.data[CONF_WEBHOOK_ID],
        receiver=FindFaceReceiver(hass, coordinator),
        sender_in_cloud=False,
    )
    return FindFaceRuntime(entry, coordinator, push)


def findface_device_current(entry: SitewatchConfigEntry, identifiers: set[str]) -> bool:
    """The server's device, and the device of each camera the server listed at the last read."""
    runtime = entry.runtime_data
    return not isinstance(runtime, FindFaceRuntime) or is_one_of(
        entry, identifiers, [SERVER, *map(camera_device, runtime.coordinator.data.cameras)]
    )


async def async_remove_findface_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Delete the webhooks Sitewatch created on the server (best effort)."""
    hook_ids: list[int] = entry.data.get(CONF_HOOK_IDS, [])
    if not hook_ids:
        return
    await async_delete_hooks(client_from_data(hass, entry.data), hook_ids)


async def async_migrate_findface_identity_1_3(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> None:
    """Entry 1.3: the one id scheme (``identity.scoped_id``); entity ids and history stay.

    The entry's unique id becomes ``server_account`` of its URL (was the URL's scheme, host and
    port); ``{entry_id}_camera_<id>_<key>`` becomes ``findface_<account>_camera_<id>_<key>``,
    ``{entry_id}_area_<id>`` becomes ``findface_<account>_server_area_<id>``, and the devices
    ``findface_{entry_id}`` and ``findface_{entry_id}_camera_<id>`` become ``..._server`` and
    ``..._camera_<id>``. Computed from the entry's data, so running it again changes nothing.
    """
    old_entity = f"{entry.entry_id}_"
    old_server = f"{PROVIDER_FINDFACE}_{entry.entry_id}"

    def unique_id(old: str) -> str | None:
        if not old.startswith(old_entity):
            return None
        rest = old.removeprefix(old_entity)
        return (
            scoped_id(entry, SERVER, rest) if rest.startswith("area_") else scoped_id(entry, rest)
        )

    def device(old: str) -> str | None:
        if old == old_server:
            return scoped_id(entry, SERVER)
        if old.startswith(f"{old_server}_camera_"):
            return scoped_id(entry, old.removeprefix(f"{old_server}_"))
        return None

    await async_migrate_identity(
        hass,
        entry,
        account=server_account(entry.data[CONF_URL]),
        unique_id=unique_id,
        device=device,
    )


async def async_migrate_findface_options_1_4(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> None:
    """Entry 1.4: the hooks' filters become options (``config_flow.stored_hook_options``).

    Entries before 1.4 stored only their hook ids: one hook meant "matched faces only" (kept as
    sections ``faces`` with ``matched_only``), otherwise every section; ``register_hooks`` is
    whether Sitewatch made any. Batch size and send attempts were not stored and stay absent
    (the options form reads them from the server). Running it again changes nothing.
    """
    hass.config_entries.async_update_entry(entry, options=stored_hook_options(entry))


PROVIDER = Provider(
    key=PROVIDER_FINDFACE,
    platforms=tuple(CAMERA_ENTITIES),
    async_setup_entry=async_setup_findface_entry,
    config_flow=FindFaceAccountFlow,
    options_flow=FindFaceOptionsFlow,
    to_redact=frozenset({"access_token", "token", "password", "username"}),
    async_remove_entry=async_remove_findface_entry,
    migrations={
        3: async_migrate_findface_identity_1_3,
        4: async_migrate_findface_options_1_4,
    },
    triggers=TRIGGERS,
    device_current=findface_device_current,
)
"""The provider as the registry (``providers/__init__.py``) lists it."""
