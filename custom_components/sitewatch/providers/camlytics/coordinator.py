"""Coordinator of a Camlytics key: locations, channels, triggers, counts, occupancy and queues."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
import hashlib
import re
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ...bounds import bounded_int, cursor_limit, parse_time
from ...const import DOMAIN, LOGGER
from ...coordinator import SitewatchCoordinator
from ...devices import async_remove_stale_devices
from ...entity import async_push
from ...identity import device_identifier
from ...models import SitewatchConfigEntry
from ...storage import SteadySave
from ...webhook import DEDUP_WINDOW, SeenKeys
from .api import (
    DEFAULT_BASE_URL,
    CamlyticsAuthenticationError,
    CamlyticsClient,
    CamlyticsError,
    Channel,
    Event,
    Location,
    Metric,
    NonceSource,
    RateLimiter,
    Trigger,
    as_int,
    event_key,
    feed_id,
)
from .const import (
    CONF_BASE_URL,
    CONF_LOCATIONS,
    CONF_PUBLIC_KEY,
    CONF_REPORT_FEEDS,
    CONF_SECRET_KEY,
    ENTER_TRIGGERS,
    EXIT_TRIGGERS,
    METADATA_REFRESH_INTERVAL,
    NONCE_STORAGE_VERSION,
    POLLING,
    PUSH_FRESHNESS,
)

OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
CURSOR_STORE_VERSION: Final = 1
CURSOR_SAVE_DELAY: Final = 10.0
"""Seconds between an events poll and the save of its cursor (also saved on unload, shutdown)."""
MAX_LOOKBACK: Final = DEDUP_WINDOW
"""Furthest back an events poll reaches (after a long downtime): the window in which delivered
event keys are remembered, so nothing fetched again can fire twice."""
EVENTS_OVERLAP: Final = timedelta(minutes=2)
"""Each events poll starts this much before the previous one did, for events the service
stores late; the events fetched again are dropped as already delivered."""
EVENTS_PAGE_SIZE: Final = 1000
"""Events the service answers at most per ``/events`` call (a full page means more follow)."""
METADATA_RETRY: Final = timedelta(minutes=5)
"""Soonest the channels are read again because a push named a channel not listed."""
MAX_CURSORS: Final = 1000
"""Most location cursors read back from storage."""
MAX_EVENT_PAGES: Final = 5
"""Pages read per location and poll; a longer backlog continues at the next poll."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A current value and where it came from (``webhook``, ``feed`` or ``polling``).

    ``location_id`` is the location an occupancy reading is of (None for queues).
    """

    value: float
    source: str
    at: datetime
    location_id: int | None = None


@dataclass(slots=True)
class CamlyticsData:
    """Everything the entities show, by id."""

    locations: dict[int, Location] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    trigger_counts: dict[str, int] = field(default_factory=dict)
    """Today's count per trigger id (since the location's local midnight)."""
    occupancy: dict[int, Reading] = field(default_factory=dict)
    queues: dict[str, Reading] = field(default_factory=dict)


def location_timezone(location: Location) -> timezone:
    """The location's fixed offset (``+01:00``), UTC when unknown."""
    match = OFFSET.match(location.timezone_offset or "")
    if match is None:
        return UTC
    sign = -1 if match.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))


def reading_basis(coordinator: CamlyticsCoordinator, reading: Reading) -> Hashable:
    """What a reading counts from (``occupancy.OccupancyTracker``'s basis).

    Its source, and for ``polling`` (the day's Enter minus Exit totals) the location's local
    day, so the reset of a new day reads as a change of basis, not as people leaving.
    """
    if reading.source != "polling" or reading.location_id is None:
        return reading.source
    location = coordinator.data.locations.get(reading.location_id)
    zone = location_timezone(location) if location is not None else UTC
    return reading.source, reading.at.astimezone(zone).date()


type FeedTarget = tuple[str, int | str]
"""What a report feed counts: (``location``, location id) or (``channel``, channel id)."""


def _normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


def feed_targets(entries: Iterable[object], data: CamlyticsData) -> dict[FeedTarget, str]:
    """The report feeds of the option ``report_feeds``, by what they count, as listed now.

    Each entry is ``<target> = <feed URL or id>``; the target is a location (its name or id:
    the feed is its occupancy) or a channel (its name, ``<location> <channel>``, or its id: the
    feed is its queue), compared without case and spacing. Entries naming nothing listed, or
    without a feed id, are left out; the first entry of a target wins.
    """
    names: dict[str, FeedTarget] = {}
    for channel in data.channels.values():
        names.setdefault(_normalized(channel.id), ("channel", channel.id))
        location = data.locations.get(channel.location_id or -1)
        if location is not None:
            names[_normalized(f"{location.name} {channel.name}")] = ("channel", channel.id)
        names.setdefault(_normalized(channel.name), ("channel", channel.id))
    for location in data.locations.values():
        names[_normalized(location.name)] = ("location", location.id)
        names[str(location.id)] = ("location", location.id)
    feeds: dict[FeedTarget, str] = {}
    for entry in entries:
        if not isinstance(entry, str) or "=" not in entry:
            continue
        name, _, feed = entry.partition("=")
        target = names.get(_normalized(name))
        if target is not None and (found := feed_id(feed)) is not None:
            feeds.setdefault(target, found)
    return feeds


def feed_option(entry: str) -> str | None:
    """An entry of the ``report_feeds`` option as stored: ``<target> = <feed id>``, or None.

    Only the id of a feed URL is kept (feeds are read from the entry's own service); an entry
    without a target or a feed id is None.
    """
    name, separator, feed = entry.partition("=")
    found = feed_id(feed) if separator else None
    target = " ".join(name.split())
    return f"{target} = {found}" if target and found else None


def cursor_store_key(entry_id: str) -> str:
    """Storage key of an entry's events cursor."""
    return f"{DOMAIN}.{entry_id}.camlytics_events_cursor"


LIMITERS: HassKey[dict[str, RateLimiter]] = HassKey(f"{DOMAIN}_camlytics_limiters")
"""One limiter per public key while Home Assistant runs."""
NONCE_SOURCES: HassKey[dict[str, NonceSource]] = HassKey(f"{DOMAIN}_camlytics_nonces")
"""One nonce source per public key while Home Assistant runs."""
NONCE_SAVE_DELAY: Final = 2.0
OLD_STORE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}")
"""Keys that may have named a nonce file before (plain file names)."""


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


class CamlyticsCoordinator(SitewatchCoordinator[CamlyticsData]):
    """Polls one key within its 1 request/s budget; webhooks update it in between.

    A refresh reads locations, channels and triggers every 30 minutes, then per included
    location today's totals per trigger and, while no event webhook arrived recently, the
    events since the events cursor. Setup reads only the locations (``async_list_locations``);
    the first refresh runs in the background and hands each step to the entities as it
    completes (the channels and triggers, then each location's totals), so they appear and fill
    while it runs; pushes wait (503) until the channels are read (``listed``). Occupancy comes
    from the occupancy webhook; while none arrived recently from the location's report feed
    (option ``report_feeds``), else it is the day's Enter minus Exit crossings. A channel's
    queue comes from the queue webhook, else from its report feed.

    Requests per refresh (each through the key's limiter, 1.1 s apart): 3 every 30 minutes
    (locations, channels, triggers); per included location 1 (totals) and, without a recent
    event webhook, 1 or more (events, up to 5 pages); 1 per report feed whose kind of webhook
    is not recent. Two locations with a feed each: 6 requests, about 7 s of a 30 s minimum.

    Events are fired once whichever path brings them first: pushed and polled events share the
    entry's window of delivered keys (``event:<record_id>``, ``seen``: the webhook's
    ``SeenKeys``, 24 h, kept across restarts). Events are polled only once ``async_start_events``
    was called (the entities exist and the window is loaded). The cursor (per location, the
    ``since`` of the next events poll) is saved shortly after each poll and on unload, so
    after a restart the poll resumes where it stopped, never more than ``MAX_LOOKBACK`` back and
    never past ``bounds.cursor_limit()``.
    """

    title = "Camlytics"
    client: CamlyticsClient
    polling = POLLING
    auth_error = CamlyticsAuthenticationError
    client_error = CamlyticsError

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: SitewatchConfigEntry,
        client: CamlyticsClient,
        seen: SeenKeys,
    ) -> None:
        """Set up the coordinator of one key; ``seen`` is the entry webhook's window of keys."""
        super().__init__(hass, config_entry, client)
        self.data = CamlyticsData()
        self.seen = seen
        self._metadata_at: datetime | None = None
        self._locations_from_setup = False
        self._polled = False
        self._started = dt_util.utcnow()
        self._cursors: dict[int, datetime] = {}
        self._events_ready = False
        self._last_push: dict[str, datetime] = {}
        self._failing_feeds: set[FeedTarget] = set()
        self._cursor_store: Store[dict[str, Any]] = Store(
            hass, CURSOR_STORE_VERSION, cursor_store_key(config_entry.entry_id), private=True
        )
        self._cursor_saver = SteadySave(self._cursor_store, self._cursor_data, CURSOR_SAVE_DELAY)

    @property
    def included_locations(self) -> list[int]:
        """The locations the user chose (all when none was chosen)."""
        chosen = {int(value) for value in self.config_entry.options.get(CONF_LOCATIONS, [])}
        return [lid for lid in self.data.locations if not chosen or lid in chosen]

    @property
    def listed(self) -> bool:
        """Whether the channels were read (their event entities exist): pushes can fire."""
        return self._metadata_at is not None

    async def async_list_locations(self) -> None:
        """At setup: read the locations (``GET /locations``), checking the keys, in one request.

        Only when the key's limiter lets a request go at once: a reload just after a request of
        the key leaves them to the first refresh (whose errors make the entities unavailable, or
        start reauthentication) instead of waiting for the limiter.

        Raises:
            CamlyticsError: as ``CamlyticsClient.locations``.
        """
        if not self.client.limiter.idle:
            return
        self.data.locations = {loc.id: loc for loc in await self.client.locations()}
        self._locations_from_setup = True

    @property
    def cursors(self) -> dict[int, datetime]:
        """Per location, where the next events poll starts (a copy)."""
        return dict(self._cursors)

    async def async_load_cursor(self) -> None:
        """Read the events cursor saved before (call before the first refresh).

        A location without a saved cursor starts at the coordinator's creation.
        """
        stored = await self._cursor_store.async_load()
        since = stored.get("since") if isinstance(stored, dict) else None
        if not isinstance(since, dict):
            return
        for key, value in list(since.items())[:MAX_CURSORS]:
            location_id = as_int(key)
            when = parse_time(value)
            if location_id is not None and when is not None:
                self._cursors[location_id] = when

    async def async_save_cursor(self) -> None:
        """Write the events cursor now (on unload)."""
        await self._cursor_saver.async_save_now()

    def _cursor_data(self) -> dict[str, Any]:
        return {"since": {str(lid): when.isoformat() for lid, when in self._cursors.items()}}

    @callback
    def async_start_events(self) -> None:
        """Poll events from now on: once the first refresh is over, catching up from the cursor."""
        self._events_ready = True
        self.config_entry.async_create_background_task(
            self.hass, self._async_catch_up(), "sitewatch camlytics events catch-up"
        )

    async def _async_catch_up(self) -> None:
        await self.async_after_first_refresh()
        await self.async_request_refresh()

    def _push_is_fresh(self, kind: str) -> bool:
        last = self._last_push.get(kind)
        return last is not None and dt_util.utcnow() - last < PUSH_FRESHNESS

    def events_since(self, location_id: int, now: datetime) -> datetime:
        """Where an events poll of ``location_id`` starts: the cursor, within the bounds."""
        since = self._cursors.get(location_id, self._started)
        return min(max(since, now - MAX_LOOKBACK), cursor_limit(now))

    async def _async_poll(self) -> CamlyticsData:
        """Read metadata when due, then today's counts and (without fresh pushes) events."""
        now = dt_util.utcnow()
        watched = self.watched_channels()
        cursors: dict[int, datetime] = {}
        polled_events: list[Event] = []
        if self._metadata_at is None or now - self._metadata_at >= METADATA_REFRESH_INTERVAL:
            await self._async_read_metadata(now)
        # A channel that just appeared has no event entity yet: its events wait for the next
        # poll (the cursor stays), when the entity exists.
        poll_events = (
            self._events_ready
            and not self._push_is_fresh("events")
            and self.watched_channels() <= watched
        )
        for location_id in self.included_locations:
            await self._async_read_counts(location_id)
            if not self._polled:  # the first refresh: show each location's counts at once
                self.async_update_listeners()
            if poll_events:
                events, cursors[location_id] = await self._poll_events(location_id, now)
                polled_events.extend(events)
        if poll_events:
            self.deliver_events(polled_events)
            self._cursors.update(cursors)
            self._cursor_saver.changed()
        fed = await self._async_read_feeds(now)
        if not self._push_is_fresh("occupancy"):
            self._occupancy_from_counts(now, fed)
        self._polled = True
        return self.data

    async def _async_read_metadata(self, now: datetime) -> None:
        """Read locations, channels and triggers; detach the devices the service no longer lists.

        The locations read at setup are not read again. The entities are told at once: those of
        new channels and triggers appear before the totals are read.
        """
        data = self.data
        if self._locations_from_setup:
            self._locations_from_setup = False
        else:
            data.locations = {loc.id: loc for loc in await self.client.locations()}
        data.channels = {channel.id: channel for channel in await self.client.channels()}
        data.triggers = {trigger.id: trigger for trigger in await self.client.triggers()}
        self._metadata_at = now
        entry = self.config_entry
        async_remove_stale_devices(
            self.hass,
            entry,
            {device_identifier(entry, f"location_{lid}")[1] for lid in data.locations}
            | {device_identifier(entry, f"channel_{cid}")[1] for cid in data.channels},
        )
        self.async_update_listeners()

    async def _async_read_counts(self, location_id: int) -> None:
        """Today's count of every trigger of a location (since the location's local midnight)."""
        data = self.data
        midnight = datetime.now(location_timezone(data.locations[location_id])).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        totals = await self.client.trigger_totals(location_id, since=midnight)
        for trigger in data.triggers.values():
            if trigger.location_id == location_id:
                data.trigger_counts[trigger.id] = 0  # no total means none today
        for total in totals:
            if total.trigger_id not in data.triggers:
                continue
            if total.count is None:  # not a count we can show
                data.trigger_counts.pop(total.trigger_id, None)
            else:
                data.trigger_counts[total.trigger_id] = total.count

    async def _poll_events(self, location_id: int, now: datetime) -> tuple[list[Event], datetime]:
        """A location's events since its cursor, and the cursor for the next poll.

        Reads up to ``MAX_EVENT_PAGES`` pages; when the last was full, the next poll goes on
        from its last event time; otherwise it starts ``EVENTS_OVERLAP`` before ``now``.
        """
        since = self.events_since(location_id, now)
        events: list[Event] = []
        for _ in range(MAX_EVENT_PAGES):
            page, size = await self.client.events_page(location_id, since=since)
            events.extend(page)
            if size < EVENTS_PAGE_SIZE:
                return events, max(since, now - EVENTS_OVERLAP)
            last = max((e.event_time for e in page if e.event_time is not None), default=since)
            # Always forward (a page of events all at ``since`` would otherwise repeat forever).
            since = min(max(last, since + timedelta(milliseconds=1)), cursor_limit(now))
        LOGGER.debug("Camlytics location %s: more events remain for the next poll", location_id)
        return events, since

    async def _async_read_feeds(self, now: datetime) -> set[int]:
        """Read the report feeds whose kind of webhook is not fresh; the locations they fed.

        One request per feed (``GET /feed/report/<id>``, through the key's limiter). A feed of
        a location is its occupancy (``feed`` source), of a channel its queue. A feed that
        fails or holds no number leaves its value to the other sources (a location's Enter
        minus Exit): one warning when it starts failing, one line when it works again.
        """
        included = set(self.included_locations)
        watched = self.watched_channels()
        fed: set[int] = set()
        feeds = feed_targets(self.config_entry.options.get(CONF_REPORT_FEEDS, []), self.data)
        for target, feed in feeds.items():
            kind, subject = target
            if kind == "location" and (subject not in included or self._push_is_fresh("occupancy")):
                continue
            if kind == "channel" and (subject not in watched or self._push_is_fresh("queue")):
                continue
            try:
                value = await self.client.report_feed(feed)
            except CamlyticsError as err:
                self._feed_failed(target, str(err))
                continue
            if value is None:
                self._feed_failed(target, "no count in the report")
                continue
            if target in self._failing_feeds:
                self._failing_feeds.discard(target)
                LOGGER.info("Camlytics: the report feed of %s works again", self._named(target))
            if kind == "location" and isinstance(subject, int):
                self.data.occupancy[subject] = Reading(value, "feed", now, subject)
                fed.add(subject)
            elif isinstance(subject, str):
                self.data.queues[subject] = Reading(value, "feed", now)
        return fed

    def _feed_failed(self, target: FeedTarget, reason: str) -> None:
        if target not in self._failing_feeds:
            self._failing_feeds.add(target)
            LOGGER.warning(
                "Camlytics: the report feed of %s cannot be read (%s)", self._named(target), reason
            )

    def _named(self, target: FeedTarget) -> str:
        """A location's or channel's name, for log lines (never the feed id)."""
        kind, subject = target
        if kind == "location" and (location := self.data.locations.get(int(subject))):
            return location.name
        channel = self.data.channels.get(str(subject))
        return channel.name if channel else kind

    def _occupancy_from_counts(self, now: datetime, fed: Collection[int] = ()) -> None:
        """Occupancy as the day's Enter minus Exit crossings, per location (never below 0).

        Locations in ``fed`` have their occupancy from a report feed this poll and are left.
        """
        inside: dict[int, int] = {}
        for trigger_id, count in self.data.trigger_counts.items():
            trigger = self.data.triggers.get(trigger_id)
            if trigger is None or trigger.location_id is None:
                continue
            name = trigger.name.strip().lower()
            sign = 1 if name in ENTER_TRIGGERS else -1 if name in EXIT_TRIGGERS else 0
            inside[trigger.location_id] = inside.get(trigger.location_id, 0) + sign * count
        for location_id, value in inside.items():
            if location_id in fed:
                continue
            self.data.occupancy[location_id] = Reading(max(value, 0), "polling", now, location_id)

    @callback
    def deliver_events(self, events: Iterable[Event]) -> list[Event]:
        """Fire polled events that no push or earlier poll delivered, each once; return them.

        Events of a channel without an event entity are skipped (and not remembered).

        The events are handed to the event entities and their keys remembered in the entry's
        window in one go (nothing awaits in between), so a push of the same event, now or being
        delivered, is a duplicate.
        """
        seen = self.seen
        watched = self.watched_channels()
        fresh: list[Event] = []
        keys: dict[str, None] = {}
        for event in events:
            key = event_key(event)
            if key in keys or seen.is_delivered(key) or seen.pending(key) is not None:
                continue
            if event.channel_id not in watched:
                # No entity to fire on (yet): not remembered, so a later push can still fire it.
                if event.channel_id not in self.data.channels:
                    self._reread_metadata(dt_util.utcnow())
                continue
            keys[key] = None
            fresh.append(event)
        if fresh:
            async_push(self.hass, self.config_entry.entry_id, fresh)
            seen.settle(keys, delivered=True)
        return fresh

    def included_channels(self) -> list[Channel]:
        """The channels of the included locations (those with entities), in the service's order."""
        included = set(self.included_locations)
        return [c for c in self.data.channels.values() if c.location_id in included]

    def watched_channels(self) -> set[str]:
        """The ids of the channels that have an event entity: those of the included locations."""
        return {channel.id for channel in self.included_channels()}

    @callback
    def push(self, items: Iterable[Event | Metric]) -> list[str]:
        """Take webhook items (already deduplicated by the webhook pipeline).

        Events are fired on their event entities; metrics update occupancy and queues. Returns a
        reason per event dropped because its channel has no event entity (not listed by the
        service, or of a location not included); a channel the service did not list makes the
        next poll read the channels again (at most every ``METADATA_RETRY``).
        """
        now = dt_util.utcnow()
        watched = self.watched_channels()
        events: list[Event] = []
        dropped: list[str] = []
        for item in items:
            if not isinstance(item, Event):
                continue
            if item.channel_id in watched:
                events.append(item)
                continue
            dropped.append("no event entity for the event's channel")
            if item.channel_id not in self.data.channels:
                self._reread_metadata(now)
        if events:
            self._last_push["events"] = now
            async_push(self.hass, self.config_entry.entry_id, events)
        metrics = [item for item in items if isinstance(item, Metric)]
        for metric in metrics:
            reading = Reading(metric.value, "webhook", metric.time or now)
            if metric.kind == "occupancy" and metric.location_id is not None:
                self._last_push["occupancy"] = now
                self.data.occupancy[metric.location_id] = reading
            elif metric.kind == "queue" and metric.channel_id is not None:
                self._last_push["queue"] = now
                self.data.queues[metric.channel_id] = reading
        if metrics:
            self.async_update_listeners()
        return dropped

    def _reread_metadata(self, now: datetime) -> None:
        """Read locations, channels and triggers at the next poll (a channel may be new)."""
        if self._metadata_at is not None and now - self._metadata_at >= METADATA_RETRY:
            self._metadata_at = None
