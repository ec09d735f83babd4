"""The webhook pipeline shared by every push provider.

One webhook id per push-capable config entry, registered with Home Assistant's ``webhook``
component on setup and unregistered on unload. The handler never raises (Home Assistant would
answer 200 and the sender would not retry):

- a body over 1 MiB answers 413 without being read whole;
- a wrong shared secret answers 401;
- a body that is not JSON, or that fails the provider's schema, answers 400 (logged once at
  warning with what failed, never the body);
- events that could not be handed to their entities answer 503, so the sender retries;
- otherwise 200, only after the events were handed over. Recently seen notification keys are
  remembered (bounded) so that a redelivered batch is not handed over twice.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
import contextlib
import hmac
from http import HTTPStatus
import logging
from typing import Final

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from homeassistant.components import cloud, webhook
from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError
from multidict import MultiMapping
import orjson

from .const import DOMAIN, LOGGER

MAX_BODY_BYTES: Final = 1024 * 1024
RECENT_KEYS: Final = 4096
MAX_JSON_DEPTH: Final = 32
"""Deepest nesting of arrays and objects a body may have; deeper answers 400 before parsing."""


class PushRejected(Exception):
    """The provider refused a body: its message says what failed (never the body itself)."""


class PushNotDelivered(Exception):
    """The events could not be handed over now; the sender should retry (HTTP 503)."""


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
    def parse(self, payload: object, query: MultiMapping[str]) -> list[ItemT]:
        """Turn a decoded JSON body into items; raises PushRejected when it fails the schema."""

    @abstractmethod
    def key(self, item: ItemT) -> str:
        """A key unique to the notification, for dropping redelivered duplicates."""

    @abstractmethod
    async def async_deliver(self, items: list[ItemT]) -> None:
        """Hand the items to their entities; raises PushNotDelivered when it cannot now."""


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


class RecentKeys:
    """A bounded set of the most recently seen keys (oldest forgotten first)."""

    def __init__(self, capacity: int = RECENT_KEYS) -> None:
        """Remember at most ``capacity`` keys."""
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` was seen recently."""
        return key in self._keys

    def add_all(self, keys: Iterable[str]) -> None:
        """Remember keys, forgetting the oldest beyond the capacity."""
        for key in keys:
            self._keys[key] = None
            self._keys.move_to_end(key)
        while len(self._keys) > self._capacity:
            self._keys.popitem(last=False)


class WebhookStats:
    """Counters of one entry's webhook, for diagnostics."""

    def __init__(self) -> None:
        """Start at zero."""
        self.by_status: dict[int, int] = {}
        self.items_delivered = 0
        self.duplicates_dropped = 0

    def count(self, status: int) -> None:
        """Count one answer."""
        self.by_status[status] = self.by_status.get(status, 0) + 1


def _answer(stats: WebhookStats, status: HTTPStatus, message: str | None = None) -> web.Response:
    stats.count(status)
    return web.json_response({"message": message or status.phrase}, status=status)


def async_register_push_webhook[ItemT](
    hass: HomeAssistant,
    *,
    name: str,
    webhook_id: str,
    receiver: PushReceiver[ItemT],
    local_only: bool,
) -> tuple[Callable[[], None], WebhookStats]:
    """Register the entry's webhook; returns the unregister callback and its counters."""
    recent = RecentKeys()
    stats = WebhookStats()
    warned: set[str] = set()

    async def handle(hass: HomeAssistant, webhook_id: str, request: web.Request) -> web.Response:
        # The last line of defence: an exception must never leave the handler (Home Assistant
        # would answer an empty 200 and the sender would drop the events).
        try:
            return await handle_body(request)
        except Exception:
            LOGGER.exception("%s: unexpected error taking a webhook body", name)
            return _answer(stats, HTTPStatus.SERVICE_UNAVAILABLE)

    def reject(reason: str) -> web.Response:
        _warn_once(warned, name, reason)
        return _answer(stats, HTTPStatus.BAD_REQUEST, reason)

    async def handle_body(request: web.Request) -> web.Response:
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return _answer(stats, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        body = bytearray()
        try:
            while chunk := await request.content.read(65536):
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    return _answer(stats, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        except (web.RequestPayloadError, HttpProcessingError, ValueError) as err:
            # A Content-Encoding the body does not have (gzip that is not gzip, say). The rest of
            # the stream cannot be trusted, so the connection closes with the answer and the
            # sender's next request opens a new one instead of being reset.
            response = reject(f"body cannot be decoded ({type(err).__name__})")
            response.force_close()
            return response
        if not receiver.authorized(request.headers):
            return _answer(stats, HTTPStatus.UNAUTHORIZED)
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return reject("body is not JSON")
        if json_depth_exceeds(payload):
            return reject(f"body nests deeper than {MAX_JSON_DEPTH} levels")
        try:
            items = receiver.parse(payload, request.query)
        except PushRejected as err:
            return reject(str(err))
        fresh: list[ItemT] = []
        fresh_keys: list[str] = []
        for item in items:
            key = receiver.key(item)
            if key in recent or key in fresh_keys:
                stats.duplicates_dropped += 1
                continue
            fresh.append(item)
            fresh_keys.append(key)
        if fresh:
            try:
                await receiver.async_deliver(fresh)
            except PushNotDelivered as err:
                LOGGER.info("%s: could not hand over %d events: %s", name, len(fresh), err)
                return _answer(stats, HTTPStatus.SERVICE_UNAVAILABLE, str(err))
            except Exception:
                LOGGER.exception("%s: unexpected error handing over %d events", name, len(fresh))
                return _answer(stats, HTTPStatus.SERVICE_UNAVAILABLE)
            recent.add_all(fresh_keys)
            stats.items_delivered += len(fresh)
        return _answer(stats, HTTPStatus.OK)

    webhook.async_register(
        hass,
        DOMAIN,
        name,
        webhook_id,
        handle,
        local_only=local_only,
        allowed_methods=("POST", "PUT"),
    )

    def unregister() -> None:
        webhook.async_unregister(hass, webhook_id)

    return unregister, stats


def _warn_once(warned: set[str], name: str, reason: str) -> None:
    """Log a rejected body at warning the first time a reason is seen, then at debug."""
    level = logging.DEBUG if reason in warned else logging.WARNING
    warned.add(reason)
    LOGGER.log(level, "%s: rejected a webhook body: %s", name, reason)


def webhook_urls(
    hass: HomeAssistant, webhook_id: str, cloudhook_url: str | None = None
) -> Mapping[str, str]:
    """The webhook's URLs: ``local`` where Home Assistant knows its URL, ``cloud`` if given."""
    urls: dict[str, str] = {}
    with contextlib.suppress(NoURLAvailableError):
        urls["local"] = webhook.async_generate_url(hass, webhook_id, prefer_external=False)
    if cloudhook_url:
        urls["cloud"] = cloudhook_url
    return urls


def redacted_webhook_urls(
    hass: HomeAssistant, webhook_id: str, cloudhook_url: str | None = None
) -> dict[str, str]:
    """The webhook's URLs for diagnostics, with the webhook id replaced by ``**REDACTED**``."""
    return {
        kind: url.replace(webhook_id, "**REDACTED**")
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
        with contextlib.suppress(cloud.CloudNotAvailable):
            await cloud.async_delete_cloudhook(hass, webhook_id)
