"""Coordinator of a FaceSpace key: new log lines as events, presence, last seen, today's count."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import time
from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from ...bounds import bounded_int, cursor_limit, sane_time, state_text
from ...const import DOMAIN, LOGGER
from ...coordinator import SitewatchCoordinator
from ...devices import async_remove_stale_devices
from ...entity import async_push
from ...identity import device_identifier, entity_unique_id, scoped_id
from ...logs import WarnOnce
from ...models import SitewatchConfigEntry
from ...presence import Sighting, presence_registry
from ...storage import SteadySave
from ...webhook import SeenKeys
from .api import (
    DEFAULT_BASE_URL,
    FaceSpaceApiKeyError,
    FaceSpaceClient,
    FaceSpaceError,
    FaceSpaceGoneError,
    InView,
    Presence,
    RealtimeResult,
    Recognition,
    camera_name,
)
from .const import (
    CONF_API_KEY,
    CONF_BASE_URL,
    POLLING,
    STORAGE_VERSION,
)

SAVE_DELAY: Final = 0.0
"""Seconds between a change of the cursor (or of the lines fired) and its save: none, the save
follows in the next turn of the event loop. A line fired just before Home Assistant is killed
(SIGKILL, power loss) fires again after the restart only if the kill fell between the firing and
the file's write (milliseconds); with a 1 s delay, ``benchmarks/exactly_once.py`` saw 3 of 300
lines fired twice across a SIGKILL."""
MAX_CAMERAS: Final = 64
"""Most cameras (devices) one entry has; a camera beyond it is not created, its lines dropped."""
GONE_RETRY: Final = timedelta(hours=1)
"""How often a service that answered 410 Gone is asked again (its repair issue stays meanwhile)."""
STALE_AFTER: Final = timedelta(days=7)
"""A camera FaceSpace no longer lists and that logged no line for this long is removed."""
MAX_FIRED_KEYS: Final = 20_000
"""Most keys of fired lines kept (those at or after the cursor); the oldest are forgotten."""
MAX_PENDING: Final = 20_000
"""Most lines held for an event entity that does not exist yet; the oldest are dropped beyond."""
PENDING_TIMEOUT: Final = 300.0
"""Seconds a line waits for its camera's event entity before it is dropped."""

REASON_BEFORE_CURSOR: Final = "log line is older than the cursor"
REASON_TOO_MANY_CAMERAS: Final = "too many cameras"
REASON_ENTITY_DISABLED: Final = "event entity is disabled"
REASON_NO_ENTITY: Final = "event entity did not appear"
EVENT_KEY: Final = "recognition"
"""The key of a camera's event entity (the last part of its unique id)."""


def client_from_data(hass: HomeAssistant, data: Mapping[str, Any]) -> FaceSpaceClient:
    """A client on Home Assistant's shared session from config entry (or flow) data."""
    return FaceSpaceClient(
        async_get_clientsession(hass),
        data[CONF_API_KEY],
        data.get(CONF_BASE_URL) or DEFAULT_BASE_URL,
    )


def gone_issue_id(entry: SitewatchConfigEntry) -> str:
    """The id of the repair issue saying that the entry's FaceSpace service is gone."""
    return f"facespace_gone_{entry.entry_id}"


@callback
def async_report_gone(hass: HomeAssistant, entry: SitewatchConfigEntry, *, gone: bool) -> None:
    """Raise (``gone``) or clear the repair issue of a service that answered 410 Gone.

    FaceSpace's makers marked its client deprecated; a 410 says the service itself is gone,
    which no retry fixes: the user is told so once, instead of an endless unavailable state.
    """
    if not gone:
        ir.async_delete_issue(hass, DOMAIN, gone_issue_id(entry))
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        gone_issue_id(entry),
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="facespace_gone",
        translation_placeholders={"title": entry.title},
    )


def camera_device(camera: str) -> str:
    """The device part of a camera's ids: ``camera_<name>``, the name as FaceSpace sends it.

    Names are kept (not digested): ``api.camera_name`` admits no control characters, a name is
    everything between the entry's prefix and the entity key, and no key of a platform ends in
    ``_<another key of that platform>``, so no two cameras or entities can share an id.
    """
    return f"camera_{camera}"


@dataclass(slots=True)
class FaceSpaceData:
    """Per camera: who is in view, the last recognition, and today's number of recognitions.

    Attributes:
        cameras: the cameras that have a device (at most ``MAX_CAMERAS``).
        in_view: who each camera sees now (bounded names, see ``api.Presence``).
        last_seen: the recognition fired last per camera.
        today: recognitions fired per camera whose time is today (UTC).
        today_date: the day ``today`` counts (ISO date).
        cameras_active: False when FaceSpace answered that no camera runs.
    """

    cameras: set[str] = field(default_factory=set)
    in_view: dict[str, Presence] = field(default_factory=dict)
    last_seen: dict[str, Recognition] = field(default_factory=dict)
    today: dict[str, int] = field(default_factory=dict)
    today_date: str = ""
    cameras_active: bool = True


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _parse_stored_time(value: object) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return sane_time(dt_util.parse_datetime(value))
    except ValueError:
        return None


class FaceSpaceCoordinator(SitewatchCoordinator[FaceSpaceData]):
    """Polls the logs from the cursor minute, and who each camera sees now.

    Each log line becomes one event on its camera's event entity, in time order and never
    twice, and only once that entity exists: a line whose entity is not attached yet is held
    (``MAX_PENDING``, ``PENDING_TIMEOUT``), and lines of a disabled entity are dropped.

    The cursor is the minute the next poll starts from. It moves only after a poll, to the
    minute of the newest polled line that was fired (or dropped for good), never past a line
    still held, never past ``bounds.cursor_limit()`` (now plus 5 minutes), and never back. A
    pushed line does not move it (the poll may not have read the minutes before it yet). A line
    from up to a day ahead fires once (its key is kept until the cursor passes it) without moving
    the cursor further than the limit; a line dated before 2000 or more than a day ahead is
    dropped by the parser. The cursor and the keys of the lines fired at or after it are saved
    (one second after a change, and on unload), so a restart resumes where the poll stood and
    fires the lines logged meanwhile exactly once. When pushes are on, the keys also go to the
    webhook's window (``SeenKeys``) and are checked there, so a line fired by one path is a
    duplicate for the other.
    """

    title = "FaceSpace"
    client: FaceSpaceClient
    polling = POLLING
    auth_error = FaceSpaceApiKeyError
    client_error = FaceSpaceError

    def __init__(
        self, hass: HomeAssistant, config_entry: SitewatchConfigEntry, client: FaceSpaceClient
    ) -> None:
        """Set up the coordinator of one key."""
        super().__init__(hass, config_entry, client)
        self.data = FaceSpaceData()
        self.push_seen: SeenKeys | None = None
        """The webhook's window of delivered keys, when pushes are on."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.facespace.{config_entry.entry_id}"
        )
        self._saver = SteadySave(self._store, self._snapshot, SAVE_DELAY)
        self.cursor: datetime = _minute(dt_util.utcnow())
        self._fired: dict[str, datetime] = {}
        """Keys of the lines fired at or after the cursor → their time."""
        self._pending: dict[str, tuple[Recognition, float]] = {}
        """Lines waiting for their event entity → (line, monotonic time held since)."""
        self._attached: dict[str, object] = {}
        """Cameras whose event entity is listening (``async_attach``) → that entity."""
        self._waiters: dict[str, list[asyncio.Future[None]]] = {}
        self._camera_seen_at: dict[str, datetime | None] = {}
        """When each camera was last listed or logged a line (None: unknown, from old storage)."""
        self._listed: set[str] = set()
        self._warn_once = WarnOnce()

    # Storage

    async def async_load(self) -> None:
        """Restore the cursor (repaired when in the future), keys fired, cameras, counts."""
        stored = await self._store.async_load() or {}
        now = dt_util.utcnow()
        cursor = _parse_stored_time(stored.get("cursor"))
        if cursor is None:
            cursor = _minute(now)  # a new entry: only lines from now on
        elif cursor > cursor_limit(now):
            LOGGER.warning(
                "FaceSpace: the stored cursor %s was in the future; resuming from now",
                cursor.isoformat(),
            )
            cursor = _minute(now)
        self.cursor = _minute(cursor)
        seen = stored.get("seen")
        for key in seen if isinstance(seen, list) else ():
            moment = _parse_stored_time(key.rpartition("|")[2]) if isinstance(key, str) else None
            if moment is not None and moment >= self.cursor:
                self._fired[str(key)] = moment
        self._trim_fired()
        cameras = stored.get("cameras")
        if isinstance(cameras, list):  # the first format: names only
            for camera in cameras:
                if (name := camera_name(camera)) is not None:
                    self._camera_seen_at[name] = None
        elif isinstance(cameras, dict):
            for camera, info in cameras.items():
                if (name := camera_name(camera)) is None or not isinstance(info, dict):
                    continue
                self._camera_seen_at[name] = _parse_stored_time(info.get("seen_at"))
                last = info.get("last")
                if isinstance(last, dict):
                    person = state_text(last.get("name"))
                    moment = _parse_stored_time(last.get("time"))
                    if person is not None and moment is not None:
                        self.data.last_seen[name] = Recognition(moment, name, person)
        for name in sorted(self._camera_seen_at)[MAX_CAMERAS:]:
            del self._camera_seen_at[name]
        self.data.cameras = set(self._camera_seen_at)
        today = stored.get("today")
        if isinstance(today, dict) and today.get("date") == self._today():
            counts = today.get("counts")
            if isinstance(counts, dict):
                for camera, value in counts.items():
                    if camera in self.data.cameras and (count := bounded_int(value)) is not None:
                        self.data.today[camera] = count
            self.data.today_date = self._today()

    @staticmethod
    def _today() -> str:
        return dt_util.utcnow().date().isoformat()

    def _snapshot(self) -> dict[str, object]:
        return {
            "cursor": self.cursor.isoformat(),
            "seen": list(self._fired),
            "cameras": {
                camera: {
                    "seen_at": seen_at.isoformat() if seen_at else None,
                    "last": (
                        {"name": last.name, "time": last.time.isoformat()}
                        if (last := self.data.last_seen.get(camera))
                        else None
                    ),
                }
                for camera, seen_at in sorted(self._camera_seen_at.items())
            },
            "today": {"date": self.data.today_date, "counts": self.data.today},
        }

    def _save(self) -> None:
        self._saver.changed()

    async def async_save_now(self) -> None:
        """Write the cursor and the keys fired at once (on unload, so a reload resumes)."""
        await self._saver.async_save_now()

    # Polling

    async def _async_update_data(self) -> FaceSpaceData:
        """Poll (``_async_poll``); a service gone (410) raises a repair issue, asked hourly.

        Raises:
            UpdateFailed: as any refresh; after a 410 the next try is in ``GONE_RETRY``.
        """
        try:
            data = await super()._async_update_data()
        except UpdateFailed as err:
            if isinstance(err.__cause__, FaceSpaceGoneError):
                async_report_gone(self.hass, self.config_entry, gone=True)
                self.update_interval = GONE_RETRY
            raise
        async_report_gone(self.hass, self.config_entry, gone=False)
        return data

    async def _async_poll(self) -> FaceSpaceData:
        """New log lines since the cursor minute, then who is in view; then move the cursor."""
        logs = await self.client.get_logs_range(start=self.cursor)
        in_view = await self.client.realtime()
        for error in logs.errors:
            self._warn_once(error.reason, str(error))
        lines = logs.all()
        self._take_lines(lines)
        self._take_realtime(in_view)
        self._advance_cursor(lines)
        return self.data

    async def async_list_cameras(self) -> None:
        """At setup: who each camera sees (``GET /recognition``), the key checked in one request.

        Raises:
            FaceSpaceError: as ``FaceSpaceClient.realtime``.
        """
        self._take_realtime(await self.client.realtime())

    def _take_realtime(self, in_view: RealtimeResult | None) -> None:
        """The polled real-time answer (None: no camera runs); its unusable entries logged once."""
        if in_view is not None:
            for reason in in_view.errors:
                self._warn_once(reason, f"FaceSpace: skipped a real-time entry: {reason}")
        self._take_listing(None if in_view is None else in_view.cameras)

    def _take_listing(self, cameras: dict[str, Presence] | None) -> None:
        """The polled real-time answer: the cameras FaceSpace lists now (None: none runs)."""
        self.data.cameras_active = cameras is not None
        if cameras is None:
            self._report_in_view()
            return
        now = dt_util.utcnow()
        self._listed = set(cameras)
        for camera in cameras:
            if self._admit_camera(camera):
                self._camera_seen_at[camera] = now
        self.data.in_view = {
            camera: presence for camera, presence in cameras.items() if camera in self.data.cameras
        }
        self._report_in_view()
        self._remove_stale_cameras(now)

    def _remove_stale_cameras(self, now: datetime) -> None:
        """Remove the cameras not listed that logged nothing for ``STALE_AFTER``, and devices."""
        pending_cameras = {line.camera for line, _ in self._pending.values()}
        stale = {
            camera
            for camera, seen_at in self._camera_seen_at.items()
            if camera not in self._listed
            and camera not in pending_cameras
            and (seen_at is None or now - seen_at > STALE_AFTER)
        }
        for camera in stale:
            del self._camera_seen_at[camera]
            self.data.cameras.discard(camera)
            self.data.in_view.pop(camera, None)
            self.data.last_seen.pop(camera, None)
            self.data.today.pop(camera, None)
        if stale:
            self._save()
        prefix = scoped_id(self.config_entry, camera_device(""))
        async_remove_stale_devices(
            self.hass,
            self.config_entry,
            {device_identifier(self.config_entry, camera_device(c))[1] for c in self.data.cameras},
            lambda identifier: identifier.startswith(prefix),
        )

    def _admit_camera(self, camera: str) -> bool:
        """Whether ``camera`` has (or now gets) a device; False beyond ``MAX_CAMERAS``."""
        if camera in self.data.cameras:
            return True
        if len(self.data.cameras) >= MAX_CAMERAS:
            self._warn_once(
                REASON_TOO_MANY_CAMERAS,
                f"FaceSpace: more than {MAX_CAMERAS} cameras; the others are left out",
            )
            return False
        self.data.cameras.add(camera)
        self._camera_seen_at[camera] = dt_util.utcnow()
        self._save()
        return True

    def _advance_cursor(self, polled: list[Recognition]) -> None:
        """Move the cursor to the newest polled line handled, within the limits above."""
        limit = cursor_limit()
        handled = [
            line.time
            for line in polled
            if line.time <= limit and line.key not in self._pending and self._handled(line)
        ]
        if not handled:
            return
        target = _minute(max(handled))
        if self._pending:
            oldest = min(line.time for line, _ in self._pending.values())
            target = min(target, _minute(oldest))
        target = min(target, limit)
        if target <= self.cursor:
            return
        self.cursor = target
        self._fired = {key: moment for key, moment in self._fired.items() if moment >= target}
        self._save()

    def _handled(self, line: Recognition) -> bool:
        """Whether ``line`` was fired (or dropped for good) and needs no more attention."""
        return (
            self.is_fired(line)
            or line.camera not in self.data.cameras
            or self._entity_disabled(line.camera)
        )

    def _trim_fired(self) -> None:
        if len(self._fired) > MAX_FIRED_KEYS:
            newest = sorted(self._fired.items(), key=lambda item: item[1])[-MAX_FIRED_KEYS:]
            self._fired = dict(newest)

    # Lines and presence

    @property
    def lines_held(self) -> int:
        """How many lines wait for their camera's event entity."""
        return len(self._pending)

    def is_fired(self, line: Recognition) -> bool:
        """Whether ``line`` was fired already (by the poll or by a push)."""
        return line.key in self._fired or (
            self.push_seen is not None and self.push_seen.is_delivered(line.key)
        )

    @callback
    def push(self, items: Iterable[Recognition | InView]) -> list[str]:
        """Take what the webhook delivers: log lines (``_take_lines``) and real-time bodies.

        Returns:
            A short fixed reason per line dropped for good (see ``_take_lines``).
        """
        items = list(items)
        reasons = self._take_lines([item for item in items if isinstance(item, Recognition)])
        for item in items:
            if isinstance(item, InView):
                self._take_in_view(item.cameras)
        return reasons

    @callback
    def _take_lines(self, lines: Iterable[Recognition]) -> list[str]:
        """Fire each line not fired before, in time order, or hold it for its entity.

        ``lines`` are parsed (typed, bounded, sane) recognitions, polled or pushed; a camera
        not known yet gets a device within ``MAX_CAMERAS``.

        Returns:
            A short fixed reason per line dropped for good (older than the cursor, too many
            cameras, event entity disabled); duplicates are not dropped lines.
        """
        reasons: list[str] = []
        taken: set[str] = set()
        for line in sorted(lines):
            if line.key in self._pending or self.is_fired(line):
                continue
            if line.time < self.cursor:
                reasons.append(REASON_BEFORE_CURSOR)
                continue
            if not self._admit_camera(line.camera):
                reasons.append(REASON_TOO_MANY_CAMERAS)
                continue
            self._camera_seen_at[line.camera] = dt_util.utcnow()
            self._pending[line.key] = (line, time.monotonic())
            taken.add(line.key)
        if self._pending:
            dropped = self._flush()
            reasons.extend(reason for key, reason in dropped.items() if key in taken)
        return reasons

    @callback
    def _flush(self) -> dict[str, str]:
        """Fire the held lines whose entity is attached; drop those that cannot fire.

        Fired lines go, in time order, to the entry's push entities (``entity.async_push``).

        Returns:
            The key and reason of each line dropped.
        """
        if self.hass.is_stopping:
            return {}  # the cursor stays before them: the next start reads them again
        reasons: dict[str, str] = {}
        now = time.monotonic()
        fired: list[Recognition] = []
        held = sorted(self._pending.values())
        overflow = len(held) - MAX_PENDING
        for index, (line, since) in enumerate(held):
            if line.camera not in self._attached:
                if self._entity_disabled(line.camera):
                    reason = REASON_ENTITY_DISABLED
                elif index < overflow or now - since > PENDING_TIMEOUT:
                    reason = REASON_NO_ENTITY
                else:
                    continue
                del self._pending[line.key]
                reasons[line.key] = reason
                self._warn_once(reason, f"FaceSpace: dropped a line of {line.camera}: {reason}")
                continue
            del self._pending[line.key]
            self._record(line)
            fired.append(line)
        if fired:
            async_push(self.hass, self.config_entry.entry_id, fired)
            self._report_sightings(fired)
            self._trim_fired()
            if self.push_seen is not None:
                self.push_seen.settle([line.key for line in fired], delivered=True)
            self._save()
            self.async_update_listeners()
        return reasons

    def _report_sightings(self, fired: list[Recognition]) -> None:
        """Fired lines of known persons move their last seen (``presence``; "Unknown" skipped)."""
        registry = presence_registry(self.hass)
        entry_id = self.config_entry.entry_id
        registry.async_known(entry_id, [line.name for line in fired], in_view=True)
        registry.async_seen(
            entry_id,
            [
                Sighting(
                    person=line.name, place=line.camera, provider="FaceSpace", seen_at=line.time
                )
                for line in fired
            ],
        )

    def _report_in_view(self) -> None:
        """Who each camera sees now, to the persons' "in view" entities (``presence``).

        Nobody while FaceSpace says that no camera runs.
        """
        in_view = self.data.in_view if self.data.cameras_active else {}
        presence_registry(self.hass).async_in_view(
            self.config_entry.entry_id,
            {camera: presence.names for camera, presence in in_view.items()},
        )

    def _record(self, line: Recognition) -> None:
        """Remember ``line`` as fired: its key, the camera's last recognition, today's count."""
        self._fired[line.key] = line.time
        self.data.last_seen[line.camera] = line  # the last event, even if a later one came first
        today = self._today()
        if self.data.today_date != today:
            self.data.today_date, self.data.today = today, {}
        if line.time.date().isoformat() == today:
            self.data.today[line.camera] = self.data.today.get(line.camera, 0) + 1

    @callback
    def _take_in_view(self, cameras: dict[str, Presence] | None) -> None:
        """A pushed real-time body: who each camera sees now (None: no camera is running).

        Only cameras that have a device are updated: a pushed body never creates one.
        """
        self.data.cameras_active = cameras is not None
        for camera, presence in (cameras or {}).items():
            if camera in self.data.cameras:
                self.data.in_view[camera] = presence
            else:
                LOGGER.debug("FaceSpace push: ignored real-time entry of an unknown camera")
        self._report_in_view()
        self.async_update_listeners()

    # Event entities

    @callback
    def async_attach(self, camera: str, entity: object) -> CALLBACK_TYPE:
        """Mark ``camera``'s event entity as listening to pushes (held lines fire now).

        Returns:
            The callback that detaches it again (when that entity is removed).
        """
        self._attached[camera] = entity
        for waiter in self._waiters.pop(camera, []):
            if not waiter.done():
                waiter.set_result(None)
        self._flush()

        @callback
        def detach() -> None:
            if self._attached.get(camera) is entity:
                del self._attached[camera]

        return detach

    def _entity_disabled(self, camera: str) -> bool:
        """Whether ``camera``'s event entity is in the registry, disabled."""
        registry = er.async_get(self.hass)
        entity_id = registry.async_get_entity_id(
            Platform.EVENT,
            DOMAIN,
            entity_unique_id(self.config_entry, camera_device(camera), EVENT_KEY),
        )
        entry = registry.async_get(entity_id) if entity_id else None
        return entry is not None and entry.disabled

    def ready(self, camera: str) -> bool:
        """Whether a line of ``camera`` can be fired now (or dropped for good) without waiting."""
        return (
            camera in self._attached
            or camera not in self.data.cameras
            or self._entity_disabled(camera)
        )

    async def async_prepare(self, lines: Iterable[Recognition], wait: float) -> bool:
        """Create the cameras of pushed lines (within the cap) and wait for their entities.

        Called by the webhook before ``push``, so that no pushed line is held.

        Returns:
            True when every line can be fired (or dropped for good) at once; False when an
            event entity was not attached within ``wait`` seconds.
        """
        cameras = {line.camera for line in lines if not self.is_fired(line)}
        admitted = [
            camera for camera in sorted(cameras - self.data.cameras) if self._admit_camera(camera)
        ]
        if admitted:
            self.async_update_listeners()  # the platforms add the new cameras' entities
        waiting = [camera for camera in cameras if not self.ready(camera)]
        if not waiting:
            return True
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[None]] = []
        for camera in waiting:
            future = loop.create_future()
            self._waiters.setdefault(camera, []).append(future)
            futures.append(future)
        try:
            await asyncio.wait(futures, timeout=wait)
        finally:
            for camera, future in zip(waiting, futures, strict=True):
                if camera in self._waiters and future in self._waiters[camera]:
                    self._waiters[camera].remove(future)
                    if not self._waiters[camera]:
                        del self._waiters[camera]
        return all(self.ready(camera) for camera in cameras)
