"""Camlytics provider: people and vehicle counting, occupancy, queues and analytic events."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
import hashlib
import re
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey
from multidict import MultiMapping

from ...bounds import bounded_int
from ...const import DOMAIN, LOGGER
from ...identity import account_digest, async_replace_unique_id_prefix
from ...models import (
    Provider,
    ProviderRuntime,
    SitewatchConfigEntry,
    async_add_entities_as_they_appear,
)
from ...storage import SteadySave
from ...webhook import (
    Parsed,
    PushNotDelivered,
    PushReceiver,
    PushRejected,
    PushWebhook,
    redacted_webhook_urls,
)
from .api import DEFAULT_BASE_URL, CamlyticsClient, Event, NonceSource, RateLimiter
from .const import (
    CONF_BASE_URL,
    CONF_PUBLIC_KEY,
    CONF_SECRET_KEY,
    CONF_WEBHOOK_ID,
    NONCE_STORAGE_VERSION,
    PROVIDER_CAMLYTICS,
)
from .coordinator import CURSOR_STORE_VERSION, CamlyticsCoordinator, cursor_store_key
from .entity import CamlyticsChannelEvent, CamlyticsOccupancy, CamlyticsQueue, CamlyticsTriggerCount
from .payloads import Metric, PayloadError, event_key, parse_webhook

NONCE_SAVE_DELAY = 2.0
OLD_STORE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}")
"""Keys that may have named a nonce file before (plain file names)."""


LIMITERS: HassKey[dict[str, RateLimiter]] = HassKey(f"{DOMAIN}_camlytics_limiters")


async def async_migrate_camlytics_identity(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> None:
    """Minor version 2: the public key leaves the entry's and the entities' unique ids."""
    digest = account_digest(entry.data[CONF_PUBLIC_KEY])
    if entry.unique_id:
        await async_replace_unique_id_prefix(hass, entry, f"{entry.unique_id}_", f"{digest}_")
    hass.config_entries.async_update_entry(entry, unique_id=digest)


def client_from_data(
    hass: HomeAssistant, data: dict[str, Any], nonces: NonceSource | None = None
) -> CamlyticsClient:
    """A client on Home Assistant's shared session from config entry (or flow) data.

    Every client of one public key shares one limiter, whoever makes it (the entry, a reload,
    a config flow), so together they keep to one request per second.
    """
    limiters = hass.data.setdefault(LIMITERS, {})
    return CamlyticsClient(
        async_get_clientsession(hass),
        public_key=data[CONF_PUBLIC_KEY],
        secret_key=data[CONF_SECRET_KEY],
        base_url=data.get(CONF_BASE_URL) or DEFAULT_BASE_URL,
        nonces=nonces,
        limiter=limiters.setdefault(data[CONF_PUBLIC_KEY], RateLimiter()),
    )


NONCE_SOURCES: HassKey[dict[str, NonceSource]] = HassKey(f"{DOMAIN}_camlytics_nonces")


def key_digest(public_key: str) -> str:
    """A short digest naming things of a key (16 hex digits of its SHA-256), never the key."""
    return hashlib.sha256(public_key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def nonce_store_key(public_key: str) -> str:
    """Storage key of a key's nonces: named by the key's digest."""
    return f"{DOMAIN}.camlytics_nonce.{key_digest(public_key)}"


async def async_nonce_source(hass: HomeAssistant, public_key: str) -> NonceSource:
    """The key's nonce source: one per key while Home Assistant runs, saved to storage.

    Kept across reloads in memory, and across restarts in storage (saved shortly after each
    change and on shutdown), so the nonce keeps growing. The file is named by a digest of the
    key; a file of an earlier version named by the key itself is moved on the first load.
    """
    sources = hass.data.setdefault(NONCE_SOURCES, {})
    if (source := sources.get(public_key)) is not None:
        return source
    store: Store[dict[str, int]] = Store(
        hass, NONCE_STORAGE_VERSION, nonce_store_key(public_key), private=True
    )
    stored = await store.async_load()
    if stored is None:
        stored = await _async_move_old_nonce_store(hass, public_key, store)
    last = bounded_int(stored.get("last"), maximum=2**63 - 1) if isinstance(stored, dict) else None

    latest = {"last": last or 0}
    saver = SteadySave(store, lambda: dict(latest), NONCE_SAVE_DELAY)

    def save(last: int) -> None:
        latest["last"] = last
        saver.changed()

    return sources.setdefault(public_key, NonceSource(last=last or 0, on_change=save))


async def _async_move_old_nonce_store(
    hass: HomeAssistant, public_key: str, store: Store[dict[str, int]]
) -> dict[str, int] | None:
    """Move the nonces of a file named by the key itself (earlier versions) to ``store``.

    Only a key that is a plain file name is looked for (one with a path separator or a leading
    dot never named a file here, and must not reach outside the storage folder).
    """
    if OLD_STORE_NAME.fullmatch(public_key) is None:
        return None
    old: Store[dict[str, int]] = Store(
        hass, NONCE_STORAGE_VERSION, f"{DOMAIN}.camlytics_nonce.{public_key}"
    )
    try:
        stored = await old.async_load()
    except (HomeAssistantError, OSError, ValueError):
        # A key that cannot name a file (or a damaged file): nothing to move.
        LOGGER.debug("Camlytics: no earlier nonce file could be read")
        return None
    if stored is None:
        return None
    await store.async_save(stored)
    await old.async_remove()
    LOGGER.debug("Camlytics: moved the nonce file to its new name")
    return stored


class CamlyticsReceiver(PushReceiver[Event | Metric]):
    """Parses Camlytics webhooks and hands them to the coordinator."""

    def __init__(self) -> None:
        """Deliver to the coordinator once ``coordinator`` is set (during setup)."""
        self.coordinator: CamlyticsCoordinator | None = None

    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[Event | Metric]:
        """Events, occupancy and queue readings of one body; a fixed reason per item dropped.

        Raises:
            PushRejected: the body is neither an array nor an object, or no item is usable.
        """
        try:
            items, dropped = parse_webhook(payload)
        except PayloadError as err:
            raise PushRejected(str(err)) from err
        return Parsed(items, dropped)

    def key(self, item: Event | Metric) -> str:
        """``event:<record_id>`` for events (as the poll uses), the reading's key for metrics."""
        return event_key(item) if isinstance(item, Event) else item.key

    async def async_deliver(self, items: list[Event | Metric]) -> list[str]:
        """Hand the items over (synchronously, through the coordinator); reasons of those dropped.

        Raises:
            PushNotDelivered: the entry is not set up yet.
        """
        if self.coordinator is None:
            raise PushNotDelivered("the entry is not set up yet")
        return self.coordinator.push(items)


class CamlyticsWebhook(PushWebhook[Event | Metric]):
    """The entry's webhook; once started (entities exist, keys loaded) events are polled too."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SitewatchConfigEntry,
        *,
        webhook_id: str,
        receiver: CamlyticsReceiver,
    ) -> None:
        """Serve ``webhook_id`` for ``entry`` through ``receiver``."""
        super().__init__(hass, entry, webhook_id=webhook_id, receiver=receiver)
        self.camlytics = receiver

    async def async_start(self) -> None:
        """Read the saved keys and take bodies, then start polling events (catching up)."""
        await super().async_start()
        if (coordinator := self.camlytics.coordinator) is not None:
            coordinator.async_start_events()


class CamlyticsRuntime(ProviderRuntime):
    """Runtime data of a Camlytics entry."""

    push: CamlyticsWebhook

    def __init__(
        self,
        entry: SitewatchConfigEntry,
        coordinator: CamlyticsCoordinator,
        push: CamlyticsWebhook,
    ) -> None:
        """Keep the coordinator and the webhook."""
        self.entry = entry
        self.coordinator = coordinator
        self.push = push

    @callback
    def async_setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add entities for the included locations, and for those that appear later."""
        coordinator = self.coordinator

        def wanted() -> dict[Hashable, Callable[[], Entity]]:
            data = coordinator.data
            included = set(coordinator.included_locations)
            factories: dict[Hashable, Callable[[], Entity]] = {}
            channels = [c for c in data.channels.values() if c.location_id in included]
            if platform is Platform.EVENT:
                for channel in channels:
                    factories[f"event_{channel.id}"] = partial(
                        CamlyticsChannelEvent, coordinator, channel.id
                    )
                return factories
            for location_id in included:
                factories[f"occupancy_{location_id}"] = partial(
                    CamlyticsOccupancy, coordinator, location_id
                )
            for channel in channels:
                factories[f"queue_{channel.id}"] = partial(CamlyticsQueue, coordinator, channel.id)
            for trigger in data.triggers.values():
                if trigger.location_id in included:
                    factories[f"trigger_{trigger.id}"] = partial(
                        CamlyticsTriggerCount, coordinator, trigger.id
                    )
            return factories

        async_add_entities_as_they_appear(self.entry, coordinator, wanted, async_add_entities)

    def diagnostics(self) -> dict[str, Any]:
        """Locations, channels, triggers, counts and readings; webhook URL with the id redacted."""
        data = self.coordinator.data
        webhook_id = self.entry.data[CONF_WEBHOOK_ID]
        return {
            "base_url": self.coordinator.client.base_url,
            "request_count": self.coordinator.client.request_count,
            "last_update_success": self.coordinator.last_update_success,
            "webhook_urls": redacted_webhook_urls(self.coordinator.hass, webhook_id),
            "webhook": self.push.stats.as_dict(),
            "delivered_keys_remembered": len(self.push.seen),
            "answer_items_dropped": dict(self.coordinator.client.dropped),
            "events_cursor": {
                lid: when.isoformat() for lid, when in self.coordinator.cursors.items()
            },
            "locations": {lid: loc.name for lid, loc in data.locations.items()},
            "channels": {cid: channel.name for cid, channel in data.channels.items()},
            "triggers": {tid: trigger.name for tid, trigger in data.triggers.items()},
            "trigger_counts": data.trigger_counts,
            "occupancy": {lid: r.value for lid, r in data.occupancy.items()},
            "queues": {cid: r.value for cid, r in data.queues.items()},
        }


async def async_setup_camlytics_entry(
    hass: HomeAssistant, entry: SitewatchConfigEntry
) -> CamlyticsRuntime:
    """Create the client (with persisted nonces), webhook and coordinator, refresh.

    The webhook's window of delivered keys is shared with the coordinator, so an event is
    fired once whether a push or a poll brings it first. Events are polled once the webhook
    starts (after the platforms are set up), from the cursor saved before.

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
    await coordinator.async_config_entry_first_refresh()
    receiver.coordinator = coordinator
    entry.async_on_unload(coordinator.async_save_cursor)
    return CamlyticsRuntime(entry, coordinator, push)


async def async_remove_camlytics_entry(hass: HomeAssistant, entry: SitewatchConfigEntry) -> None:
    """Delete the entry's saved events cursor (the entry is removed)."""
    await Store[dict[str, Any]](
        hass, CURSOR_STORE_VERSION, cursor_store_key(entry.entry_id)
    ).async_remove()


# The config flow and actions import the runtime above, so they are imported last.
from .config_flow import CamlyticsAccountFlow, CamlyticsOptionsFlow  # noqa: E402

PROVIDER = Provider(
    key=PROVIDER_CAMLYTICS,
    platforms=(Platform.EVENT, Platform.SENSOR),
    async_setup_entry=async_setup_camlytics_entry,
    config_flow=CamlyticsAccountFlow,
    options_flow=CamlyticsOptionsFlow,
    to_redact=frozenset({"public_key", "secret_key"}),
    async_remove_entry=async_remove_camlytics_entry,
    migrations={2: async_migrate_camlytics_identity},
)
"""The provider as the registry (``providers/__init__.py``) lists it."""
