"""Coordinator of a Camlytics key: locations, channels, triggers, counts, occupancy and queues."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
import re

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from ...const import DOMAIN
from ...coordinator import SitewatchCoordinator
from ...devices import async_remove_stale_devices
from ...models import SitewatchConfigEntry
from ...webhook import RecentKeys
from .api import (
    CamlyticsAuthenticationError,
    CamlyticsClient,
    CamlyticsError,
    Channel,
    Event,
    Location,
    Trigger,
)
from .const import (
    CONF_LOCATIONS,
    CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    ENTER_TRIGGERS,
    EXIT_TRIGGERS,
    METADATA_REFRESH_INTERVAL,
    PUSH_FRESHNESS,
)
from .payloads import Metric, event_key

OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


@dataclass(frozen=True, slots=True)
class Reading:
    """A current value and where it came from (``webhook`` or ``polling``)."""

    value: float
    source: str
    at: datetime


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


def events_signal(entry_id: str) -> str:
    """Dispatcher signal carrying an entry's new analytic events (``list[Event]``)."""
    return f"{DOMAIN}_camlytics_events_{entry_id}"


class CamlyticsCoordinator(SitewatchCoordinator[CamlyticsData]):
    """Polls one key within its 1 request/s budget; webhooks update it in between.

    A refresh reads locations, channels and triggers every 30 minutes, then per included
    location today's totals per trigger and, while no event webhook arrived recently, the
    events since the last poll. Occupancy comes from the occupancy webhook; while none arrived
    recently it is the day's Enter minus Exit crossings. Events from both sources are
    deduplicated by ``record_id``.
    """

    def __init__(
        self, hass: HomeAssistant, config_entry: SitewatchConfigEntry, client: CamlyticsClient
    ) -> None:
        """Set up the coordinator of one key."""
        super().__init__(
            hass,
            config_entry,
            name=f"{DOMAIN} Camlytics",
            poll_interval=timedelta(
                seconds=config_entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
            ),
        )
        self.client = client
        self.data = CamlyticsData()
        self._metadata_at: datetime | None = None
        self._events_since: datetime = dt_util.utcnow()
        self._last_push: dict[str, datetime] = {}
        self._seen = RecentKeys()

    @property
    def included_locations(self) -> list[int]:
        """The locations the user chose (all when none was chosen)."""
        chosen = {int(value) for value in self.config_entry.options.get(CONF_LOCATIONS, [])}
        return [lid for lid in self.data.locations if not chosen or lid in chosen]

    def _push_is_fresh(self, kind: str) -> bool:
        last = self._last_push.get(kind)
        return last is not None and dt_util.utcnow() - last < PUSH_FRESHNESS

    async def _async_poll(self) -> CamlyticsData:
        """Read metadata when due, then totals and (without fresh pushes) events."""
        data = self.data
        try:
            now = dt_util.utcnow()
            if self._metadata_at is None or now - self._metadata_at >= METADATA_REFRESH_INTERVAL:
                data.locations = {loc.id: loc for loc in await self.client.locations()}
                data.channels = {channel.id: channel for channel in await self.client.channels()}
                data.triggers = {trigger.id: trigger for trigger in await self.client.triggers()}
                self._metadata_at = now
                prefix = f"camlytics_{self.config_entry.entry_id}_"
                async_remove_stale_devices(
                    self.hass,
                    self.config_entry,
                    {f"{prefix}location_{lid}" for lid in data.locations}
                    | {f"{prefix}channel_{cid}" for cid in data.channels},
                )
            polled_events: list[Event] = []
            poll_events = not self._push_is_fresh("events")
            since = self._events_since
            for location_id in self.included_locations:
                location = data.locations[location_id]
                midnight = datetime.now(location_timezone(location)).replace(
                    hour=0, minute=0, second=0, microsecond=0
                )
                totals = await self.client.trigger_totals(location_id, since=midnight)
                for trigger in data.triggers.values():
                    if trigger.location_id == location_id:
                        data.trigger_counts[trigger.id] = 0  # no total means none today
                for total in totals:
                    data.trigger_counts[total.trigger_id] = total.count
                if poll_events:
                    polled_events.extend(await self.client.events(location_id, since=since))
        except CamlyticsAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="camlytics_auth_failed"
            ) from err
        except CamlyticsError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        if poll_events:
            self._events_since = now
            self.deliver_events(polled_events)
        if not self._push_is_fresh("occupancy"):
            self._occupancy_from_counts(now)
        return data

    def _occupancy_from_counts(self, now: datetime) -> None:
        """Occupancy as the day's Enter minus Exit crossings, per location (never below 0)."""
        inside: dict[int, int] = {}
        for trigger_id, count in self.data.trigger_counts.items():
            trigger = self.data.triggers.get(trigger_id)
            if trigger is None or trigger.location_id is None:
                continue
            name = trigger.name.strip().lower()
            sign = 1 if name in ENTER_TRIGGERS else -1 if name in EXIT_TRIGGERS else 0
            inside[trigger.location_id] = inside.get(trigger.location_id, 0) + sign * count
        for location_id, value in inside.items():
            self.data.occupancy[location_id] = Reading(max(value, 0), "polling", now)

    @callback
    def deliver_events(self, events: Iterable[Event]) -> list[Event]:
        """Hand new events (each once, whatever its source) to the event entities."""
        fresh: list[Event] = []
        for event in events:
            key = event_key(event)
            if key in self._seen:
                continue
            self._seen.add_all([key])
            fresh.append(event)
        if fresh:
            async_dispatcher_send(self.hass, events_signal(self.config_entry.entry_id), fresh)
        return fresh

    @callback
    def push(self, items: Iterable[Event | Metric]) -> None:
        """Take webhook items: events are dispatched, metrics update occupancy and queues."""
        now = dt_util.utcnow()
        events = [item for item in items if isinstance(item, Event)]
        if events:
            self._last_push["events"] = now
            self.deliver_events(events)
        metrics = [item for item in items if isinstance(item, Metric)]
        for metric in metrics:
            reading = Reading(metric.value, "webhook", metric.time or now)
            if metric.kind == "occupancy" and metric.location_id is not None:
                self._last_push["occupancy"] = now
                self.data.occupancy[metric.location_id] = reading
            elif metric.kind == "queue" and metric.channel_id is not None:
                self.data.queues[metric.channel_id] = reading
        if metrics:
            self.async_update_listeners()
