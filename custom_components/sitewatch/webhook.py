"""The webhook pipeline shared by every push provider.

One webhook id per push-capable config entry. Its id is registered with Home Assistant's
``webhook`` component when the integration loads and answers 503 until the entry's entities exist
(``PushWebhook.async_start``), and again while the entry reloads. The handler never raises (Home
Assistant would answer an empty 200 and the sender would believe the events delivered):

- a body over 1 MiB answers 413 without being read whole;
- a wrong shared secret answers 401;
- a body that cannot be decoded, is not JSON, nests deeper than 32 levels or fails the
  provider's schema answers 400 with the reason (logged once at warning, never the body);
- an item that can never be delivered (a value out of range, say) is dropped and counted by
  reason; the other items of the body are delivered;
- items that could not be handed to their entities now answer 503, so the sender retries;
- while Home Assistant's recorder is behind (a burst), the items wait before they fire
  (``recording.async_wait_for_recorder``, 5 s at most), so the sender slows to its pace;
- otherwise 200, only after every item was handed over. Each item's key is reserved before the
  first ``await`` and remembered for a time window across restarts (``SeenKeys``), so a copy,
  concurrent or late, is delivered once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Iterable, Mapping
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta
import hmac
from http import HTTPStatus
import time
from typing import Any, Final

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from homeassistant.components import cloud, webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID as CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey
from multidict import MultiMapping
import orjson

from .const import DOMAIN, LOGGER
from .logs import WarnOnce
from .recording import async_wait_for_recorder
from .storage import SteadySave

# A push entry's webhook id is stored under Home Assistant's CONF_WEBHOOK_ID (every provider).

CONF_CLOUDHOOK_URL: Final = "cloudhook_url"
"""Key of a push entry's Home Assistant Cloud URL in its config entry data, when it has one."""
MAX_BODY_BYTES: Final = 1024 * 1024
MAX_JSON_DEPTH: Final = 32
"""Deepest nesting of arrays and objects a body may have; deeper answers 400 before parsing."""
DEDUP_WINDOW: Final = timedelta(hours=24)
"""How long a delivered key is remembered: longer than any sender retries one notification."""
MAX_SEEN_KEYS: Final = 50_000
"""Most keys one entry remembers: about 7 MB in memory and 3 MB in storage at most.

The oldest are forgotten first, so a copy arriving after 50,000 newer items (more than FindFace
sends in its retry horizon, about 15 minutes with 10 attempts, below 55 items a second) would fire
again; within that, the window is 24 hours.
"""
SEEN_KEYS_STORE_VERSION: Final = 1
SEEN_KEYS_SAVE_DELAY: Final = 1
"""Seconds between a delivery and the save of its key (also saved on unload and shutdown).

A burst is saved once a second, not once per body; a crash (SIGKILL, power loss) forgets at most
the keys of the last second, so only a copy of those could fire again after the restart.
"""
MAX_DROP_REASONS: Final = 50
"""Distinct drop reasons counted per entry; further ones are counted as "other"."""


class PushRejected(Exception):
    """The provider refused a body: its message says what failed (never the body itself)."""


class PushNotDelivered(Exception):
    """The events could not be handed over now; the sender should retry (HTTP 503)."""


@dataclass(slots=True)
class Parsed[ItemT]:
    """What a body held: the items to deliver and, per item dropped, the reason (short, fixed)."""

    items: list[ItemT]
    dropped: list[str] = field(default_factory=list)


class PushReceiver[ItemT](ABC):
    """A provider's side of the pipeline: checks, parses and delivers one entry's pushes."""

    shared_secret_header: str | None = None
    """Header carrying the shared secret, for providers that support one."""

    def shared_secret(self) -> str | None:
        """The secret the header must carry, or None when the entry has none."""
        return None

    def authorized(self, headers: Mapping[str, str]) -> bool:
        """Whether the request may be taken: the shared secret header matches, if there is one."""
        secret = self.shared_secret()
        if self.shared_secret_header is None or secret is None:
            return True
        return secret_matches(headers.get(self.shared_secret_header), secret)

    @abstractmethod
    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[ItemT]:
        """Turn a decoded JSON body (at most 32 levels deep) into items and drop reasons.

        Raises:
            PushRejected: the body as a whole fails the schema (answered 400).
        """

    @abstractmethod
    def key(self, item: ItemT) -> str | None:
        """A short key unique to the notification (None: never a duplicate), to drop copies."""

    @abstractmethod
    async def async_deliver(self, items: list[ItemT]) -> list[str]:
        """Hand the items to their entities; returns a reason per item dropped for good.

        Every ``await`` comes before the first item is handed over: when it raises, nothing was.

        Raises:
            PushNotDelivered: the items cannot be handed over now (answered 503, retried).
        """


def secret_matches(presented: str | None, expected: str) -> bool:
    """Whether a header value equals the secret, in constant time, whatever its characters.

    ``hmac.compare_digest`` refuses non-ASCII text with ``TypeError``; a header the sender filled
    with any other character must be a plain mismatch (401), so both sides are compared as
    UTF-8 bytes (undecodable header bytes kept by ``surrogateescape``).
    """
    if presented is None:
        return False
    return hmac.compare_digest(
        presented.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape")
    )


def json_depth_exceeds(value: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether decoded JSON nests arrays and objects deeper than ``limit`` (walked iteratively)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Iterable[object] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class SeenKeys:
    """Keys of the notifications delivered within a time window, kept across restarts.

    Exactly once: the handler reserves a key synchronously, before its first ``await``, so a copy
    of the notification that arrives while the first is being delivered waits for that outcome
    (delivered: the copy is a duplicate; not delivered: the copy is retried by its sender). A
    delivered key is remembered for ``window`` (sized for the sender's retry horizon) and saved to
    a private Store shortly after each change, on unload and on shutdown, so a redelivery after a
    restart is still a duplicate.

    Memory is bounded: at most ``max_keys`` keys (the oldest forgotten first), each a short string
    and a float, about 120 bytes in memory and 50 bytes in storage per key.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        store_key: str,
        *,
        window: timedelta = DEDUP_WINDOW,
        max_keys: int = MAX_SEEN_KEYS,
    ) -> None:
        """Remember keys for ``window``, at most ``max_keys`` of them, in Store ``store_key``."""
        self._hass = hass
        self._window = window.total_seconds()
        self._max_keys = max_keys
        self._delivered: dict[str, float] = {}
        """Key → time it was delivered (seconds since the epoch), oldest first."""
        self._pending: dict[str, asyncio.Future[bool]] = {}
        self._store: Store[dict[str, Any]] = Store(
            hass, SEEN_KEYS_STORE_VERSION, store_key, private=True
        )
        self._saver = SteadySave(self._store, self._stored, SEEN_KEYS_SAVE_DELAY)

    def __len__(self) -> int:
        """How many delivered keys are remembered."""
        return len(self._delivered)

    async def async_load(self) -> None:
        """Read the keys saved before (those still within the window)."""
        stored = await self._store.async_load()
        keys = stored.get("keys") if isinstance(stored, dict) else None
        if not isinstance(keys, dict):
            return
        oldest = time.time() - self._window
        for key, seen in sorted(keys.items(), key=_seen_at):
            if isinstance(key, str) and isinstance(seen, (int, float)) and seen >= oldest:
                self._delivered[key] = float(seen)
        self._forget_old()

    async def async_save(self) -> None:
        """Write the keys now (on unload: the next setup reads them)."""
        await self._saver.async_save_now()

    async def async_remove(self) -> None:
        """Delete the saved keys (the entry is removed)."""
        await self._store.async_remove()

    def is_delivered(self, key: str) -> bool:
        """Whether ``key`` was delivered within the window."""
        return key in self._delivered

    def pending(self, key: str) -> asyncio.Future[bool] | None:
        """The outcome of a delivery of ``key`` in progress, or None."""
        return self._pending.get(key)

    def reserve(self, key: str) -> None:
        """Mark ``key`` as being delivered (call before any ``await``)."""
        self._pending[key] = self._hass.loop.create_future()

    def settle(self, keys: Iterable[str], *, delivered: bool) -> None:
        """End the reservations of ``keys``: remembered when delivered, else released."""
        now = time.time()
        for key in keys:
            if (future := self._pending.pop(key, None)) is not None and not future.done():
                future.set_result(delivered)
            if delivered:
                self._delivered.pop(key, None)
                self._delivered[key] = now
        if delivered:
            self._forget_old()
            self._saver.changed()

    def _forget_old(self) -> None:
        oldest = time.time() - self._window
        delivered = self._delivered
        while delivered:
            key, seen = next(iter(delivered.items()))
            if seen >= oldest and len(delivered) <= self._max_keys:
                break
            del delivered[key]

    def _stored(self) -> dict[str, Any]:
        # Called in the event loop: a copy at C speed (about 2 ms for 50,000 keys); the JSON
        # is written in the executor.
        return {"keys": dict(self._delivered)}


def seen_keys_store_key(entry_id: str) -> str:
    """The Store key of an entry's delivered keys (``.storage/sitewatch.<entry id>.seen_keys``)."""
    return f"{DOMAIN}.{entry_id}.seen_keys"


def _seen_at(item: tuple[object, object]) -> float:
    """The time of a saved (key, time) pair, for restoring the oldest first."""
    return item[1] if isinstance(item[1], (int, float)) else 0.0


class WebhookStats:
    """Counters of one entry's webhook, for diagnostics."""

    def __init__(self) -> None:
        """Start at zero."""
        self.by_status: dict[int, int] = {}
        self.items_delivered = 0
        self.duplicates_dropped = 0
        self.items_dropped: dict[str, int] = {}
        """Reason → items dropped for it (at most ``MAX_DROP_REASONS`` reasons, then "other")."""

    def count(self, status: int) -> None:
        """Count one answer."""
        self.by_status[status] = self.by_status.get(status, 0) + 1

    def count_dropped(self, reason: str) -> None:
        """Count one item dropped for ``reason``."""
        if reason not in self.items_dropped and len(self.items_dropped) >= MAX_DROP_REASONS:
            reason = "other"
        self.items_dropped[reason] = self.items_dropped.get(reason, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        """The counters as plain data."""
        return {
            "answers": dict(self.by_status),
            "items_delivered": self.items_delivered,
            "duplicates_dropped": self.duplicates_dropped,
            "items_dropped": dict(self.items_dropped),
        }


def _answer(stats: WebhookStats, status: HTTPStatus, message: str | None = None) -> web.Response:
    stats.count(status)
    return web.json_response({"message": message or status.phrase}, status=status)


class PushWebhook[ItemT]:
    """One entry's webhook: takes bodies, drops duplicates, hands items to the receiver.

    Created by the provider during setup; ``async_start`` (after the entry's entities exist)
    attaches it to the entry's webhook id, ``async_stop`` detaches it on unload. While detached
    the webhook id answers 503, so the sender keeps the events and retries (see
    ``async_register_pending_webhooks``).
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        webhook_id: str,
        receiver: PushReceiver[ItemT],
        window: timedelta = DEDUP_WINDOW,
        sender_in_cloud: bool = True,
    ) -> None:
        """Serve ``webhook_id`` for ``entry``; remember delivered keys for ``window``.

        ``sender_in_cloud``: the provider sends from the internet (it needs an external or a
        Home Assistant Cloud URL), rather than from a server on the local network.
        """
        self.hass = hass
        self.entry = entry
        self.sender_in_cloud = sender_in_cloud
        self.webhook_id = webhook_id
        self.name = f"Sitewatch {entry.title}"
        self.receiver = receiver
        self.stats = WebhookStats()
        self.seen = SeenKeys(hass, seen_keys_store_key(entry.entry_id), window=window)
        self._warn_once = WarnOnce()

    async def async_start(self) -> None:
        """Read the saved keys, take bodies, and check that the sender can reach us.

        With Home Assistant Cloud signed in, a sender in the cloud gets a cloudhook (created
        once, kept in the entry's data). When such a sender has neither a cloud nor an external
        URL, a repair issue explains how to give Home Assistant one.
        """
        await self.seen.async_load()
        _webhooks(self.hass).attach(self.webhook_id, self)
        entry = self.entry
        if (
            self.sender_in_cloud
            and not entry.data.get(CONF_CLOUDHOOK_URL)
            and (cloudhook_url := await async_create_cloudhook(self.hass, self.webhook_id))
        ):
            self.hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_CLOUDHOOK_URL: cloudhook_url}
            )
        issue_id = f"webhook_unreachable_{entry.entry_id}"
        if self.sender_in_cloud and sender_url(self.hass, entry) is None:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="webhook_unreachable",
                translation_placeholders={"title": entry.title},
                learn_more_url="https://www.home-assistant.io/docs/configuration/remote/",
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    async def async_stop(self, *, unregister: bool) -> None:
        """Stop taking bodies (503 meanwhile, or unregistered) and save the keys."""
        hub = _webhooks(self.hass)
        hub.detach(self.webhook_id)
        if unregister:
            hub.unregister(self.webhook_id)
        await self.seen.async_save()

    async def async_handle(self, request: web.Request) -> web.Response:
        """Answer one request; never raises."""
        try:
            return await self._handle_body(request)
        except Exception:
            # The last line of defence: an exception must never leave the handler (Home
            # Assistant would answer an empty 200 and the sender would drop the events).
            LOGGER.exception("%s: unexpected error taking a webhook body", self.name)
            return _answer(self.stats, HTTPStatus.SERVICE_UNAVAILABLE)

    def _reject(self, reason: str) -> web.Response:
        message = f"rejected a webhook body: {reason}"
        self._warn_once(message, f"{self.name}: {message}")
        return _answer(self.stats, HTTPStatus.BAD_REQUEST, reason)

    def _drop(self, reason: str) -> None:
        self.stats.count_dropped(reason)
        message = f"dropped an item: {reason}"
        self._warn_once(message, f"{self.name}: {message}")

    async def _read(self, request: web.Request) -> bytes | web.Response:
        """The body, or the answer when it is too large or cannot be decoded."""
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return _answer(self.stats, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        body = bytearray()
        try:
            while chunk := await request.content.read(65536):
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    return _answer(self.stats, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        except (web.RequestPayloadError, HttpProcessingError, ValueError) as err:
            # A Content-Encoding the body does not have (gzip that is not gzip, say). The rest of
            # the stream cannot be trusted, so the connection closes with the answer and the
            # sender's next request opens a new one instead of being reset.
            response = self._reject(f"body cannot be decoded ({type(err).__name__})")
            response.force_close()
            # Mark the body as read: otherwise aiohttp reads it again after the answer, to empty
            # the connection, meets the same error and logs it as an unhandled exception.
            request.content.feed_eof()
            return response
        return bytes(body)

    async def _handle_body(self, request: web.Request) -> web.Response:
        body = await self._read(request)
        if isinstance(body, web.Response):
            return body
        receiver = self.receiver
        if not receiver.authorized(request.headers):
            return _answer(self.stats, HTTPStatus.UNAUTHORIZED)
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return self._reject("body is not JSON")
        if json_depth_exceeds(payload):
            return self._reject(f"body nests deeper than {MAX_JSON_DEPTH} levels")
        try:
            parsed = receiver.parse(payload, request.query)
        except PushRejected as err:
            return self._reject(str(err))
        for reason in parsed.dropped:
            self._drop(reason)
        return await self._deliver_once(parsed.items)

    async def _deliver_once(self, items: list[ItemT]) -> web.Response:
        """Deliver the items not seen before; 200 once every item is delivered or dropped."""
        # Everything up to the first await runs without yielding: the keys of this body are
        # reserved before any other request can look at them.
        seen = self.seen
        fresh: list[ItemT] = []
        fresh_keys: dict[str, None] = {}  # a dict: ordered, and constant-time membership
        in_flight: list[asyncio.Future[bool]] = []
        for item in items:
            key = self.receiver.key(item)
            if key is None:
                fresh.append(item)
            elif seen.is_delivered(key) or key in fresh_keys:
                self.stats.duplicates_dropped += 1
            elif (future := seen.pending(key)) is not None:
                in_flight.append(future)
            else:
                seen.reserve(key)
                fresh.append(item)
                fresh_keys[key] = None
        delivered = False
        try:
            if fresh:
                await async_wait_for_recorder(self.hass)
                dropped = await self.receiver.async_deliver(fresh)
                for reason in dropped:
                    self._drop(reason)
                self.stats.items_delivered += len(fresh) - len(dropped)
            delivered = True
        except PushNotDelivered as err:
            LOGGER.info("%s: could not hand over %d items: %s", self.name, len(fresh), err)
            return _answer(self.stats, HTTPStatus.SERVICE_UNAVAILABLE, str(err))
        finally:
            seen.settle(fresh_keys, delivered=delivered)
        if in_flight:
            # Copies of items another request is delivering: this body is done when they are.
            outcomes = await asyncio.gather(*in_flight)
            self.stats.duplicates_dropped += sum(outcomes)
            if not all(outcomes):
                return _answer(
                    self.stats,
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    "a copy of these items could not be delivered",
                )
        return _answer(self.stats, HTTPStatus.OK)


class _Webhooks:
    """Every Sitewatch webhook id registered with Home Assistant, and who takes its bodies."""

    def __init__(self, hass: HomeAssistant) -> None:
        """No webhook yet."""
        self._hass = hass
        self._attached: dict[str, PushWebhook[Any] | None] = {}

    def register(self, webhook_id: str, name: str) -> None:
        """Register ``webhook_id`` (answering 503 until a webhook attaches)."""
        if webhook_id in self._attached:
            return
        self._attached[webhook_id] = None
        webhook.async_register(
            self._hass,
            DOMAIN,
            name,
            webhook_id,
            self._handle,
            local_only=False,
            allowed_methods=("POST", "PUT"),
        )

    def attach(self, webhook_id: str, push: PushWebhook[Any]) -> None:
        """Let ``push`` take the bodies of ``webhook_id`` (registering it if needed)."""
        self.register(webhook_id, push.name)
        self._attached[webhook_id] = push

    def detach(self, webhook_id: str) -> None:
        """Answer 503 for ``webhook_id`` until a webhook attaches again."""
        if webhook_id in self._attached:
            self._attached[webhook_id] = None

    def unregister(self, webhook_id: str) -> None:
        """Stop serving ``webhook_id``."""
        if webhook_id in self._attached:
            del self._attached[webhook_id]
            webhook.async_unregister(self._hass, webhook_id)

    async def _handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        if (push := self._attached.get(webhook_id)) is None:
            # The entry is starting, reloading or not ready: the sender keeps the events.
            return web.json_response(
                {"message": "Sitewatch is not ready for this webhook yet; retry later"},
                status=HTTPStatus.SERVICE_UNAVAILABLE,
            )
        return await push.async_handle(request)


WEBHOOKS: HassKey[_Webhooks] = HassKey(f"{DOMAIN}_webhooks")


def _webhooks(hass: HomeAssistant) -> _Webhooks:
    if (hub := hass.data.get(WEBHOOKS)) is None:
        hub = hass.data[WEBHOOKS] = _Webhooks(hass)
    return hub


@callback
def async_register_pending_webhooks(hass: HomeAssistant) -> None:
    """Register the webhook id of every enabled entry, answering 503 until it is set up.

    Called once when the integration loads, before any entry is set up, so a push that arrives
    while Home Assistant starts, while an entry waits to be ready or while it reloads is refused
    with 503 (the sender retries) instead of Home Assistant's empty 200 for an unknown webhook.
    """
    hub = _webhooks(hass)
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.disabled_by is None and isinstance(
            webhook_id := entry.data.get(CONF_WEBHOOK_ID), str
        ):
            hub.register(webhook_id, f"Sitewatch {entry.title}")


async def async_start_push(
    hass: HomeAssistant, entry: ConfigEntry, push: PushWebhook[Any] | None
) -> None:
    """Attach the entry's webhook once its entities exist; unregister its id if it takes none."""
    if push is not None:
        await push.async_start()
    elif isinstance(webhook_id := entry.data.get(CONF_WEBHOOK_ID), str):
        _webhooks(hass).unregister(webhook_id)


async def async_stop_push(
    hass: HomeAssistant, entry: ConfigEntry, push: PushWebhook[Any] | None
) -> None:
    """Detach the entry's webhook on unload (unregistered when the entry is being disabled)."""
    if push is not None:
        await push.async_stop(unregister=entry.disabled_by is not None)


async def async_remove_push(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Unregister a removed entry's webhook id, its cloudhook, repair issue and saved keys."""
    if isinstance(webhook_id := entry.data.get(CONF_WEBHOOK_ID), str):
        _webhooks(hass).unregister(webhook_id)
        if entry.data.get(CONF_CLOUDHOOK_URL):
            await async_delete_cloudhook(hass, webhook_id)
    ir.async_delete_issue(hass, DOMAIN, f"webhook_unreachable_{entry.entry_id}")
    await SeenKeys(hass, seen_keys_store_key(entry.entry_id)).async_remove()


def webhook_urls(
    hass: HomeAssistant, webhook_id: str, cloudhook_url: str | None = None
) -> Mapping[str, str]:
    """The webhook's URLs Home Assistant knows: ``external``, ``local`` and ``cloud``.

    ``external`` is Home Assistant's external URL (reachable from the internet, for senders in
    the cloud), ``local`` its internal URL (for a sender on the same network), ``cloud`` the Home
    Assistant Cloud URL when the entry has one. A kind Home Assistant has no URL for is absent.
    """
    urls: dict[str, str] = {}
    with contextlib.suppress(NoURLAvailableError):
        urls["external"] = webhook.async_generate_url(
            hass, webhook_id, allow_internal=False, prefer_external=True
        )
    with contextlib.suppress(NoURLAvailableError):
        urls["local"] = webhook.async_generate_url(
            hass, webhook_id, allow_external=False, prefer_external=False
        )
    if cloudhook_url:
        urls["cloud"] = cloudhook_url
    return urls


def sender_url(
    hass: HomeAssistant, entry: ConfigEntry, *, sender_in_cloud: bool = True
) -> str | None:
    """The URL to give the provider: one its sender can reach, or None when there is none.

    A sender in the cloud needs the Home Assistant Cloud URL or the external URL; a sender on the
    local network (an on-premise server) is given the local URL first.
    """
    urls = webhook_urls(hass, entry.data[CONF_WEBHOOK_ID], entry.data.get(CONF_CLOUDHOOK_URL))
    order = ("cloud", "external") if sender_in_cloud else ("local", "external", "cloud")
    return next((urls[kind] for kind in order if kind in urls), None)


def redacted_webhook_urls(
    hass: HomeAssistant, webhook_id: str, cloudhook_url: str | None = None
) -> dict[str, str]:
    """The webhook's URLs for diagnostics: the webhook id and the whole cloud URL redacted."""
    return {
        kind: "**REDACTED**" if kind == "cloud" else url.replace(webhook_id, "**REDACTED**")
        for kind, url in webhook_urls(hass, webhook_id, cloudhook_url).items()
    }


async def async_create_cloudhook(hass: HomeAssistant, webhook_id: str) -> str | None:
    """A Home Assistant Cloud URL for the webhook when Cloud is signed in, else None."""
    if "cloud" not in hass.config.components or not cloud.async_active_subscription(hass):
        return None
    try:
        return await cloud.async_create_cloudhook(hass, webhook_id)
    except cloud.CloudNotAvailable:
        return None


async def async_delete_cloudhook(hass: HomeAssistant, webhook_id: str) -> None:
    """Delete the webhook's cloudhook (when Cloud is there to ask)."""
    if "cloud" in hass.config.components:
        # ValueError: the cloudhook was already deleted.
        with contextlib.suppress(cloud.CloudNotAvailable, ValueError):
            await cloud.async_delete_cloudhook(hass, webhook_id)
