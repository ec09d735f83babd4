"""Coordinator of a Moonsense token: today's sessions, active sessions, latest bundle readings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import SitewatchCoordinator
from ...entity import async_push
from ...flow import neutral_title
from ...identity import account_digest, scoped_id
from ...models import SitewatchConfigEntry
from .api import (
    ACTIVITY_LISTS,
    DEFAULT_REGION,
    DEFAULT_ROOT,
    MoonsenseAuthenticationError,
    MoonsenseClient,
    MoonsenseError,
    Readings,
    Session,
    WebhookEvent,
)
from .const import (
    ACTIVE_WINDOW,
    CONF_JOURNEY,
    CONF_LABELS,
    CONF_PLATFORMS,
    CONF_REGION,
    CONF_ROOT,
    CONF_TOKEN,
    DEFAULT_PHONE_NAME,
    MAX_ENDED_SESSIONS,
    MAX_LOOKUPS,
    MAX_SESSIONS_KNOWN,
    PHONE_DEVICE,
    POLLING,
)


@dataclass(slots=True)
class Phone:
    """One phone (client device): its device name, model and newest readings.

    ``key`` is a digest of its install id (``phone_key``), never the install id itself.
    """

    key: str
    name: str | None = None
    """The device's name (``model``, numbered when another phone has it); None until known."""
    model: str | None = None
    manufacturer: str | None = None
    platform: str | None = None
    readings: Readings | None = None
    bundles: int = 0
    """Bundles received since Home Assistant started."""
    dropped: int = 0
    """Readings dropped as unusable since Home Assistant started."""


@dataclass(slots=True)
class SessionInfo:
    """What Sitewatch knows of one session: its phone (``phone_key``) and platform."""

    phone: str | None = None
    platform: str | None = None
    looked_up: bool = False


@dataclass(slots=True)
class MoonsenseData:
    """What the sensors show: session counts of the app, readings of each phone."""

    polled: bool = False
    """Whether today's sessions were read once (the session sensors are unknown until then)."""
    created_today: set[str] = field(default_factory=set)
    active: set[str] = field(default_factory=set)
    newest_session: datetime | None = None
    day: str = ""
    phones: dict[str, Phone] = field(default_factory=dict)
    """Phones by ``phone_key``, as they appear (restored from the device registry at setup)."""
    sessions: dict[str, SessionInfo] = field(default_factory=dict)
    """Sessions by id (at most ``MAX_SESSIONS_KNOWN``, oldest first)."""
    unattributed: int = 0
    """Bundles whose phone could not be told (no install id, session unknown): dropped."""


LOCATION_FIELDS: Final = ("latitude", "longitude", "location_accuracy", "altitude", "speed")
"""Readings of one location sample: taken together, or not at all."""
PAIRED: Final = {"battery_state": "raw_battery_state", "activity": "raw_activity"}
"""Enum readings and the field of their original text, taken together."""


def merge_readings(old: Readings | None, new: Readings) -> Readings:
    """A phone's readings after the bundle ``new``: what it carried, the rest kept from ``old``.

    So a bundle without (say) a temperature does not make the temperature unknown. The
    activity counts (``ACTIVITY_LISTS``) are the new bundle's, 0 when it had none of a kind; a
    location's fields are taken together; ``dropped`` is the new bundle's.
    """
    changes: dict[str, Any] = {"dropped": new.dropped}
    for name in new.__dataclass_fields__:
        value = getattr(new, name)
        if name in ACTIVITY_LISTS:
            changes[name] = value or 0
        elif name in PAIRED and value is not None:
            changes[name] = value
            changes[PAIRED[name]] = getattr(new, PAIRED[name])
        elif value is not None and name not in LOCATION_FIELDS and name not in PAIRED.values():
            changes[name] = value
    if new.latitude is not None:
        changes.update({name: getattr(new, name) for name in LOCATION_FIELDS})
    return replace(old or Readings(), **changes)


def phone_key(install_id: str) -> str:
    """The digest that keys a phone (16 hex digits); the install id is never kept or shown."""
    return account_digest(f"install/{install_id}")


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

    @property
    def journey(self) -> str | None:
        """The journey sessions must belong to (None: any)."""
        return self.config_entry.options.get(CONF_JOURNEY) or None

    @property
    def platforms(self) -> list[str]:
        """The platforms sessions must run on (none: any)."""
        return list(self.config_entry.options.get(CONF_PLATFORMS, []))

    def _new_day(self) -> None:
        today = dt_util.now().date().isoformat()
        if self.data.day != today:
            self.data.day = today
            self.data.created_today = set()

    async def _async_poll(self) -> MoonsenseData:
        """Today's sessions (local midnight on), newest first, with their activity and phones.

        ``GET /v2/sessions`` with the labels, journey and platforms of the options; a session's
        ``metadata`` (install id, model, maker, platform) makes its phone known (and its device).
        """
        now = dt_util.utcnow()
        midnight = dt_util.start_of_local_day()
        sessions = await self.client.sessions(
            min_created_at=midnight,
            labels=self.labels or None,
            journey_id=self.journey,
            platforms=self.platforms or None,
        )
        self._new_day()
        data = self.data
        for session in reversed(sessions):  # oldest first: phones numbered in order of appearance
            self.learn_session(session)
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

    def restore_phones(self, devices: list[dr.DeviceEntry]) -> None:
        """Know again the phones of earlier runs from the entry's devices (names kept)."""
        prefix = scoped_id(self.config_entry, PHONE_DEVICE) + "_"
        for device in devices:
            for domain, identifier in device.identifiers:
                if domain == DOMAIN and identifier.startswith(prefix):
                    phone = self.phone(identifier.removeprefix(prefix))
                    phone.name = device.name
                    phone.model = device.model
                    phone.manufacturer = device.manufacturer

    def _session_info(self, session_id: str) -> SessionInfo:
        """The known facts of a session, created (and the oldest forgotten) when new."""
        sessions = self.data.sessions
        info = sessions.get(session_id)
        if info is None:
            info = sessions[session_id] = SessionInfo()
            if len(sessions) > MAX_SESSIONS_KNOWN:
                del sessions[next(iter(sessions))]
        return info

    def phone(self, key: str) -> Phone:
        """The phone of ``key``, added when new."""
        phone = self.data.phones.get(key)
        if phone is None:
            phone = self.data.phones[key] = Phone(key)
        return phone

    def name_phone(self, phone: Phone, model: str | None) -> None:
        """Give a phone without a name one: its model (or ``Phone``), numbered when taken."""
        if phone.name is not None:
            return
        taken = {other.name for other in self.data.phones.values() if other.name}
        phone.name = neutral_title(model or DEFAULT_PHONE_NAME, taken)

    def learn_session(self, session: Session) -> None:
        """Note a session's platform and phone (its model names the phone when new)."""
        info = self._session_info(session.session_id)
        info.platform = session.platform or info.platform
        info.looked_up = True
        if session.install_id is None:
            return
        phone = self.phone(phone_key(session.install_id))
        info.phone = phone.key
        phone.model = phone.model or session.model
        phone.manufacturer = phone.manufacturer or session.manufacturer
        phone.platform = phone.platform or session.platform
        self.name_phone(phone, session.model)

    async def async_learn(self, events: list[WebhookEvent]) -> None:
        """Look up the sessions of pushed events whose phone or platform Sitewatch lacks.

        One ``GET /v2/sessions/{id}`` per such session, at most ``MAX_LOOKUPS`` per delivery and
        once per session; a failure is logged at debug level and leaves the session unknown.
        Never raises.
        """
        wanted: list[str] = []
        for event in events:
            session_id = event.session_id
            if session_id is None or session_id in wanted:
                continue
            info = self.data.sessions.get(session_id)
            if info is not None and info.looked_up:
                continue
            install_id = event.readings.install_id if event.readings else None
            known = self.data.phones.get(phone_key(install_id)) if install_id else None
            needs_phone = event.readings is not None and (known is None or known.name is None)
            if needs_phone or (self.platforms and (info is None or info.platform is None)):
                wanted.append(session_id)
        for session_id in wanted[:MAX_LOOKUPS]:
            self._session_info(session_id).looked_up = True
            try:
                session = await self.client.session(session_id)
            except MoonsenseError as err:
                LOGGER.debug("Moonsense session lookup failed: %s", err)
                continue
            self.learn_session(session)

    def wanted(self, event: WebhookEvent) -> bool:
        """Whether a pushed event passes the labels, journey and platform filters.

        An event whose session's platform could not be learnt passes the platform filter.
        """
        labels = self.labels
        if labels and not set(labels) & set(event.labels):
            return False
        journey = self.journey
        if journey and event.journey_id != journey:
            return False
        platforms = self.platforms
        if platforms and event.session_id:
            info = self.data.sessions.get(event.session_id)
            if info is not None and info.platform and info.platform.lower() not in platforms:
                return False
        return True

    def _take_readings(self, session_id: str | None, readings: Readings) -> None:
        """Give a bundle's readings to its phone (by install id, else by its session's phone)."""
        data = self.data
        info = self._session_info(session_id) if session_id else None
        key = phone_key(readings.install_id) if readings.install_id else None
        if key is None and info is not None:
            key = info.phone
        if key is None:
            data.unattributed += 1
            return
        if info is not None:
            info.phone = key
        phone = self.phone(key)
        self.name_phone(phone, phone.model)
        phone.bundles += 1
        phone.dropped += readings.dropped
        phone.readings = merge_readings(phone.readings, readings)

    @callback
    def push(self, events: list[WebhookEvent]) -> None:
        """Take webhook events: sessions, readings, and the event entity (``async_push``).

        Events failing the filters of the options are left out. A bundle's readings go to its
        phone only (never to another phone's sensors).
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
                self._take_readings(session_id, event.readings)
        async_push(self.hass, self.config_entry.entry_id, events)
        self.async_update_listeners()
