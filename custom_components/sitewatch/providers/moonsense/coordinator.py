"""Coordinator of a Moonsense token: today's sessions, active sessions, latest bundle readings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from ...coordinator import SitewatchCoordinator
from ...entity import async_push
from ...models import SitewatchConfigEntry
from .api import (
    DEFAULT_REGION,
    DEFAULT_ROOT,
    MoonsenseAuthenticationError,
    MoonsenseClient,
    MoonsenseError,
    Readings,
    WebhookEvent,
)
from .const import (
    ACTIVE_WINDOW,
    CONF_LABELS,
    CONF_REGION,
    CONF_ROOT,
    CONF_TOKEN,
    MAX_ENDED_SESSIONS,
    POLLING,
)


@dataclass(slots=True)
class MoonsenseData:
    """What the sensors show."""

    polled: bool = False
    """Whether today's sessions were read once (the session sensors are unknown until then)."""
    created_today: set[str] = field(default_factory=set)
    active: set[str] = field(default_factory=set)
    newest_session: datetime | None = None
    readings: Readings | None = None
    day: str = ""


def client_from_data(hass: HomeAssistant, data: Mapping[str, Any]) -> MoonsenseClient:
    """A client on Home Assistant's shared session from config entry (or flow) data."""
    return MoonsenseClient(
        async_get_clientsession(hass),
        data[CONF_TOKEN],
        data.get(CONF_ROOT) or DEFAULT_ROOT,
        data.get(CONF_REGION) or DEFAULT_REGION,
    )


class MoonsenseCoordinator(SitewatchCoordinator[MoonsenseData]):
    """Polls today's sessions; webhooks update sessions and readings in between.

    A session is active from its creation (pushed, or polled with an event in the last five
    minutes) until a ``SESSION_INACTIVE`` arrives. Only sessions with one of the chosen labels
    count when labels are set in the options.
    """

    title = "Moonsense"
    client: MoonsenseClient
    polling = POLLING
    auth_error = MoonsenseAuthenticationError
    client_error = MoonsenseError

    def __init__(
        self, hass: HomeAssistant, config_entry: SitewatchConfigEntry, client: MoonsenseClient
    ) -> None:
        """Set up the coordinator of one token."""
        super().__init__(hass, config_entry, client)
        self.data = MoonsenseData()
        self._inactive: dict[str, None] = {}
        """Sessions that ended, oldest first (at most ``MAX_ENDED_SESSIONS``)."""

    @property
    def labels(self) -> list[str]:
        """The labels sessions must carry one of (none: every session)."""
        return list(self.config_entry.options.get(CONF_LABELS, []))

    def _new_day(self) -> None:
        today = dt_util.now().date().isoformat()
        if self.data.day != today:
            self.data.day = today
            self.data.created_today = set()

    async def _async_poll(self) -> MoonsenseData:
        """Today's sessions (local midnight on), newest first, with their activity."""
        now = dt_util.utcnow()
        midnight = dt_util.start_of_local_day()
        sessions = await self.client.sessions(min_created_at=midnight, labels=self.labels or None)
        self._new_day()
        data = self.data
        data.created_today |= {session.session_id for session in sessions}
        created = [session.created_at for session in sessions if session.created_at]
        if created:
            data.newest_session = max(
                [*created, *([data.newest_session] if data.newest_session else [])]
            )
        data.active |= {
            session.session_id
            for session in sessions
            if session.newest_event and now - session.newest_event < ACTIVE_WINDOW
        }
        data.active -= self._inactive.keys()
        data.polled = True
        return data

    def wanted(self, event: WebhookEvent) -> bool:
        """Whether a pushed event passes the labels filter."""
        labels = self.labels
        return not labels or bool(set(labels) & set(event.labels))

    @callback
    def push(self, events: list[WebhookEvent]) -> None:
        """Take webhook events: sessions, readings, and the event entity (``async_push``).

        Events without one of the chosen labels (when labels are set) are left out.
        """
        events = [event for event in events if self.wanted(event)]
        if not events:
            return
        self._new_day()
        data = self.data
        for event in events:
            session_id = event.session_id
            if event.event_type == "session_created" and session_id:
                data.created_today.add(session_id)
                data.active.add(session_id)
                data.newest_session = dt_util.utcnow()
            elif event.event_type == "session_inactive" and session_id:
                self._inactive[session_id] = None
                if len(self._inactive) > MAX_ENDED_SESSIONS:
                    del self._inactive[next(iter(self._inactive))]
                data.active.discard(session_id)
            elif event.event_type == "bundle_received" and event.readings is not None:
                if session_id and session_id not in self._inactive:
                    data.active.add(session_id)
                data.readings = event.readings
        async_push(self.hass, self.config_entry.entry_id, events)
        self.async_update_listeners()
