"""Coordinator of a FaceSpace key: new log lines as events, presence, last seen, today's count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import SitewatchCoordinator
from ...models import SitewatchConfigEntry
from .api import FaceSpaceApiKeyError, FaceSpaceClient, FaceSpaceError, Recognition
from .const import CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL, STORAGE_VERSION

SAVE_DELAY = 5.0


@dataclass(slots=True)
class FaceSpaceData:
    """Per camera: who is in view, the last recognition, and today's number of recognitions."""

    cameras: set[str] = field(default_factory=set)
    in_view: dict[str, list[str]] = field(default_factory=dict)
    last_seen: dict[str, Recognition] = field(default_factory=dict)
    today: dict[str, int] = field(default_factory=dict)
    today_date: str = ""
    cameras_active: bool = True


def recognitions_signal(entry_id: str) -> str:
    """Dispatcher signal carrying an entry's new recognitions (``list[Recognition]``)."""
    return f"{DOMAIN}_facespace_{entry_id}"


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class FaceSpaceCoordinator(SitewatchCoordinator[FaceSpaceData]):
    """Polls the logs from the last minute seen, and who each camera sees now.

    Each log line becomes one event, in time order and never twice: lines are keyed by
    (camera, name, time) and the keys of the cursor minute (re-read at minute precision) are
    kept, with the cursor, in the entry's storage so restarts do not repeat them. Pushed logs go
    through the same path.
    """

    def __init__(
        self, hass: HomeAssistant, config_entry: SitewatchConfigEntry, client: FaceSpaceClient
    ) -> None:
        """Set up the coordinator of one key."""
        super().__init__(
            hass,
            config_entry,
            name=f"{DOMAIN} FaceSpace",
            poll_interval=timedelta(
                seconds=config_entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
            ),
        )
        self.client = client
        self.data = FaceSpaceData()
        self._store: Store[dict[str, object]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.facespace.{config_entry.entry_id}"
        )
        self._cursor: datetime | None = None
        self._seen: set[str] = set()

    async def async_load(self) -> None:
        """Restore the cursor, the keys seen at it, the cameras and today's counts."""
        stored = await self._store.async_load() or {}
        cursor = stored.get("cursor")
        self._cursor = dt_util.parse_datetime(cursor) if isinstance(cursor, str) else None
        seen = stored.get("seen")
        self._seen = {str(key) for key in seen} if isinstance(seen, list) else set()
        cameras = stored.get("cameras")
        self.data.cameras = {str(c) for c in cameras} if isinstance(cameras, list) else set()
        today = stored.get("today")
        if isinstance(today, dict) and today.get("date") == self._today():
            counts = today.get("counts")
            if isinstance(counts, dict):
                self.data.today = {str(k): int(v) for k, v in counts.items()}
            self.data.today_date = self._today()
        if self._cursor is None:
            self._cursor = _minute(dt_util.utcnow())  # only lines from now on

    @staticmethod
    def _today() -> str:
        return dt_util.utcnow().date().isoformat()

    def _snapshot(self) -> dict[str, object]:
        return {
            "cursor": self._cursor.isoformat() if self._cursor else None,
            "seen": sorted(self._seen),
            "cameras": sorted(self.data.cameras),
            "today": {"date": self.data.today_date, "counts": self.data.today},
        }

    def _save(self) -> None:
        self._store.async_delay_save(self._snapshot, SAVE_DELAY)

    async def async_save_now(self) -> None:
        """Write the cursor and the keys seen at once (on unload, so a reload resumes)."""
        await self._store.async_save(self._snapshot())

    async def _async_poll(self) -> FaceSpaceData:
        """New log lines since the cursor minute, then who is in view."""
        try:
            logs = await self.client.get_logs_range(start=self._cursor)
            in_view = await self.client.realtime()
        except FaceSpaceApiKeyError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="facespace_auth_failed"
            ) from err
        except FaceSpaceError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        for error in logs.errors:
            LOGGER.warning("%s", error)
        self.take_in_view(in_view, notify=False)
        self.take(logs.all())
        return self.data

    @callback
    def take_in_view(self, in_view: dict[str, list[str]] | None, *, notify: bool = True) -> None:
        """Who each camera sees now (None: no camera is running)."""
        self.data.cameras_active = in_view is not None
        if in_view is not None:
            self.data.in_view = in_view
            self._add_cameras(in_view)
        if notify:
            self.async_update_listeners()

    def _add_cameras(self, cameras: Iterable[str]) -> None:
        new = set(cameras) - self.data.cameras
        if new:
            self.data.cameras |= new
            self._save()

    @callback
    def take(self, recognitions: Iterable[Recognition]) -> list[Recognition]:
        """Fire each recognition not seen before, in time order; returns the fired ones."""
        fresh = sorted(
            r
            for r in recognitions
            if r.key not in self._seen and (self._cursor is None or r.time >= self._cursor)
        )
        if not fresh:
            return []
        today = self._today()
        if self.data.today_date != today:
            self.data.today_date, self.data.today = today, {}
        for recognition in fresh:
            self._seen.add(recognition.key)
            self.data.last_seen[recognition.camera] = recognition
            if recognition.time.date().isoformat() == today:
                self.data.today[recognition.camera] = self.data.today.get(recognition.camera, 0) + 1
        newest = _minute(fresh[-1].time)
        if self._cursor is None or newest > self._cursor:
            self._cursor = newest
            self._seen = {key for key in self._seen if key.rsplit("|", 1)[1] >= newest.isoformat()}
        self._add_cameras(r.camera for r in fresh)
        self._save()
        async_dispatcher_send(self.hass, recognitions_signal(self.config_entry.entry_id), fresh)
        self.async_update_listeners()
        return fresh
