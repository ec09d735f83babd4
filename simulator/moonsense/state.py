"""The simulated Moonsense world: sessions, chunks, webhooks and the session generator."""

from collections import Counter, deque
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
import hashlib
import random
from typing import Any

from ..common import PushingSimulator, check_url, string_headers
from ..sender import (
    WebhookSender,
    any_2xx,
)
from .model import (
    _HOMES,
    _ID_ALPHABET,
    _JOURNEYS,
    _LABELS,
    ACTIVE_TARGET,
    ACTIVITY_TYPES,
    AMBIENT,
    BATTERY_STATES,
    BUNDLES_PER_CHUNK,
    EVENT_TYPES,
    MAX_EVENTS,
    MAX_SESSIONS,
    MOTION,
    PHONES,
    PLATFORMS,
    USER_AGENT,
    _Chunk,
    _drop_none,
    _i64,
    _Label,
    _millis,
    _Phone,
    _Session,
    _utc,
    _Webhook,
    camelize,
    prune_defaults,
    rfc3339,
)
from .settings import MoonsenseSettings


class MoonsenseState(PushingSimulator[MoonsenseSettings], settings=MoonsenseSettings):
    """The simulated cloud's world: sessions, chunks, webhooks and the generator."""

    def _setup(self) -> None:
        """Create the initial sessions with some history."""
        self._rng = random.Random(self.settings.seed)
        self._motion_rng = random.Random(f"{self.settings.seed}/motion")
        """Draws the step, heart rate, motion and interaction readings (``_random_readings``),
        apart from ``_rng`` so that the other generated values stay as they were."""
        self._phones = [
            _Phone(
                index,
                hashlib.sha256(f"{self.settings.seed}/phone/{index}".encode()).hexdigest()[:22],
                *phone,
            )
            for index, phone in enumerate(PHONES)
        ]
        self._phone_turn: Counter[str] = Counter()
        self._sessions: dict[str, _Session] = {}
        self._session_seq = 0
        self._token_created = _utc(self._wallclock()) - timedelta(days=30)
        self._events: deque[dict[str, Any]] = deque(maxlen=MAX_EVENTS)
        sender: WebhookSender[_Webhook] = self._push(
            lambda settings: settings.bundle_interval,
            self.generate_step,
            user_agent=USER_AGENT,
            accept=any_2xx,
            headers=lambda webhook: webhook.headers,
            describe=lambda webhook, batch: {
                "webhook": webhook.id,
                "url": webhook.url,
                "payload": batch[0],
            },
            timestamp=lambda: rfc3339(self._now()),
        )
        self._webhooks = sender.targets
        self._seed_history(self.settings.sessions)

    # Rendering

    def render(self, value: Any) -> Any:
        """Canonical JSON (snake_case, all fields) in the configured wire style."""
        value = _drop_none(value)
        if not self.settings.emit_defaults:
            value = prune_defaults(value)
        return camelize(value) if self.settings.camel_case else value

    def persist_chunk(self, session_id: str) -> str:
        """Close the session's current chunk (readable from now on); send CHUNK_PERSISTED.

        Returns:
            The chunk's id.

        Raises:
            ValueError: an unknown session or no bundle since the last chunk.
        """
        session = self._session_or_error(session_id)
        chunk = self._persist(session, self._now())
        self._emit("CHUNK_PERSISTED", session)
        return chunk.chunk_id

    def end_session(self, session_id: str, *, persist: bool = True) -> None:
        """Mark the session inactive and send SESSION_INACTIVE.

        With persist, a current chunk holding bundles is persisted first (and
        CHUNK_PERSISTED sent before SESSION_INACTIVE).

        Raises:
            ValueError: an unknown session.
        """
        session = self._session_or_error(session_id)
        if persist and session.current is not None and session.current.lines:
            self.persist_chunk(session_id)
        session.active = False
        self._counters["sessions_ended"] += 1
        self._emit("SESSION_INACTIVE", session)

    def set_bundle_interval(self, seconds: float) -> None:
        """Change the generator's interval (0 stops it); takes effect at once."""
        if isinstance(seconds, bool) or seconds < 0:
            raise ValueError("bundle_interval must not be negative")
        self.settings.bundle_interval = seconds
        self._ticker.poke()

    def phones(self) -> list[dict[str, Any]]:
        """The simulated phones by index: install id, platform, manufacturer, model."""
        return [
            {
                "index": phone.index,
                "install_id": phone.install_id,
                "platform": phone.platform,
                "manufacturer": phone.manufacturer,
                "model": phone.model,
            }
            for phone in self._phones
        ]

    def generate_step(self) -> None:
        """One step of the generator: maybe start a session, record, persist, end.

        Keeps up to ACTIVE_TARGET sessions recording; each gets a bundle per
        step, a chunk is persisted every BUNDLES_PER_CHUNK bundles and a
        session ends after its planned number of bundles.
        """
        active = [session for session in self._sessions.values() if session.active]
        if len(active) < ACTIVE_TARGET and (not active or self._rng.random() < 0.3):
            created = self._create(
                self._now(),
                self._rng.sample(_LABELS, self._rng.randint(0, 2)),
                self._rng.choice((None, *_JOURNEYS)),
                self._rng.choice(("ios", "ios", "android", "web")),
                self._rng.choice(self.settings.regions),
            )
            self._emit("SESSION_CREATED", created)
            active.append(created)
        for session in active:
            readings = self._random_readings(session)
            sealed = self._add_bundle(session, readings, self._now())
            self._emit("BUNDLE_RECEIVED", session, sealed)
            if session.current is not None and len(session.current.lines) >= BUNDLES_PER_CHUNK:
                self.persist_chunk(session.session_id)
            if session.bundles >= session.planned:
                self.end_session(session.session_id)

    # Webhooks

    def add_webhook(self, url: str, headers: Mapping[str, str] | None = None) -> int:
        """Register a webhook target for every event type and return its id.

        Args:
            url: an http(s) URL, POSTed to exactly as given.
            headers: extra request headers.

        Raises:
            ValueError: a bad URL or header.
        """
        check_url(url)
        return self._add_target(_Webhook(self._sender.next_id(), url, string_headers(headers)))

    def remove_webhook(self, webhook_id: int) -> None:
        """Unregister a webhook; its queued payloads are dropped."""
        self._remove_target(webhook_id, "webhook")

    def webhooks(self) -> list[dict[str, Any]]:
        """Every webhook target with its queue length and delivery counters."""
        return [webhook.to_json() for webhook in self._webhooks.values()]

    # Internals: sessions

    def _now(self) -> datetime:
        return _utc(self._wallclock())

    def _new_id(self) -> str:
        return "".join(self._rng.choices(_ID_ALPHABET, k=22))

    def _newest_first(self) -> list[_Session]:
        return sorted(self._sessions.values(), key=lambda s: (s.created_at, s.seq), reverse=True)

    def _session_or_error(self, session_id: str) -> _Session:
        session = self._sessions.get(session_id)
        if session is None:
            raise ValueError(f"Unknown session {session_id}")
        return session

    def _relabel(
        self, session: _Session, names: Sequence[str], when: datetime | None = None
    ) -> None:
        if isinstance(names, str):
            raise ValueError("labels must be a list of names")
        for name in names:
            if not isinstance(name, str) or not name:
                raise ValueError("a label must be a non-empty string")
        moment = self._now() if when is None else when
        unique = list(dict.fromkeys(names))
        session.labels = [_Label(self._new_id(), name, moment) for name in unique]

    def _phone_for(self, platform: str, phone: int | None) -> _Phone:
        """Phone ``phone`` (an index of ``PHONES``), else the platform's phones in turn."""
        if phone is not None:
            if isinstance(phone, bool) or not isinstance(phone, int):
                raise ValueError("phone must be an index of the simulated phones")
            if not 0 <= phone < len(self._phones):
                raise ValueError(f"phone must be from 0 to {len(self._phones) - 1}")
            return self._phones[phone]
        candidates = [item for item in self._phones if item.platform == platform]
        turn = self._phone_turn[platform]
        self._phone_turn[platform] += 1
        return candidates[turn % len(candidates)]

    def _create(
        self,
        when: datetime,
        labels: Sequence[str],
        journey_id: str | None,
        platform: str | None,
        region: str | None,
        phone: int | None = None,
    ) -> _Session:
        if phone is not None and platform is None:
            platform = self._phone_for("", phone).platform
        platform = platform or "ios"
        if platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}")
        chosen = self._phone_for(platform, phone)
        if chosen.platform != platform:
            raise ValueError(f"phone {phone} is not a {platform} phone")
        region = self.settings.regions[0] if region is None else region
        if region not in self.settings.regions:
            raise ValueError(f"Unknown region {region}")
        if journey_id is not None and not isinstance(journey_id, str):
            raise ValueError("journey_id must be a string")
        self._session_seq += 1
        home = _HOMES.get(region, (48.8566, 2.3522))
        session_id, group_id = self._new_id(), self._new_id()
        self._new_id()  # once the install id: drawn still, so that later ids stay as they were
        session = _Session(
            seq=self._session_seq,
            session_id=session_id,
            region_id=region,
            platform=platform,
            journey_id=journey_id or "",
            client_session_group_id=group_id,
            phone=chosen,
            created_at=when,
            labels=[],
            battery=float(self._rng.randint(35, 100)),
            charging=self._rng.random() < 0.2,
            position=(
                home[0] + self._rng.uniform(-0.05, 0.05),
                home[1] + self._rng.uniform(-0.05, 0.05),
            ),
            planned=self._rng.randint(12, 30),
        )
        self._relabel(session, labels, when)
        self._sessions[session.session_id] = session
        self._counters["sessions_created"] += 1
        self._trim_sessions()
        return session

    def _trim_sessions(self) -> None:
        excess = len(self._sessions) - MAX_SESSIONS
        if excess <= 0:
            return
        ended = sorted((s for s in self._sessions.values() if not s.active), key=lambda s: s.seq)
        for session in ended[:excess]:
            del self._sessions[session.session_id]

    def _add_bundle(
        self, session: _Session, readings: Mapping[str, Any], when: datetime
    ) -> dict[str, Any]:
        now = self._now()
        at = _i64(_millis(when))
        timer = _i64(int(self._clock() * 1000))
        bundle = self._bundle(readings, at, timer)
        if "location" in readings:
            lat, lon = readings["location"][:2]
            session.points.append((lat, lon))
        bundle["index"] = session.bundles
        sealed = {
            "bundle": bundle,
            "app_id": self.settings.app_id,
            "credential_id": self.settings.credential_id,
            "session_id": session.session_id,
            "user_id": "",
            "server_time_millis": _i64(_millis(max(now, when))),
            "install_id": session.phone.install_id,
            "client_user_id": "",
        }
        if session.current is None:
            session.current = _Chunk(self._new_id())
        session.current.lines.append(sealed)
        session.active = True
        session.bundles += 1
        session.buckets[_millis(when) // 60_000 * 60_000] += 1
        for sensor in readings:
            session.sensors[sensor] += 1
        if session.oldest_event is None or when < session.oldest_event:
            session.oldest_event = when
        if session.newest_event is None or when > session.newest_event:
            session.newest_event = when
        self._counters["bundles"] += 1
        return sealed

    @staticmethod
    def _bundle(readings: Mapping[str, Any], at: str, timer: str) -> dict[str, Any]:
        """A bundle of readings (sensor name to values) at ``at`` (int64 ms), without its index."""
        bundle: dict[str, Any] = {}
        if "location" in readings:
            lat, lon, accuracy, altitude, speed, bearing = readings["location"]
            bundle["location_data"] = [
                {
                    "determined_at": at,
                    "horizontal_accuracy": accuracy,
                    "altitude": altitude,
                    "bearing": bearing,
                    "latitude": lat,
                    "longitude": lon,
                    "provider": "gps" if accuracy < 20 else "fused",
                    "speed": speed,
                }
            ]
        bundle["client_time"] = {
            "wall_time_millis": at,
            "timer_millis": timer,
            "timer_realtime_millis": timer,
        }
        if "battery" in readings:
            capacity, state = readings["battery"]
            bundle["battery"] = {"capacity": capacity, "state": state}
        if "activity" in readings:
            kind, confidence = readings["activity"]
            bundle["activity_data"] = [
                {"determined_at": at, "type": kind, "confidence": confidence}
            ]
        for sensor in AMBIENT:
            if sensor in readings:
                bundle[f"{sensor}_data"] = [{"determined_at": at, "value": readings[sensor]}]
        start = _i64(int(at) - 1000)
        if "steps" in readings:
            bundle["steps_data"] = [{"count": readings["steps"], "from": start, "to": at}]
        if "heart_rate" in readings:
            bundle["heart_rate_data"] = [{"rate": readings["heart_rate"], "from": start, "to": at}]
        for sensor in MOTION:
            if sensor in readings:
                x, y, z = readings[sensor]
                bundle[f"{sensor}_data"] = [{"determined_at": at, "x": x, "y": y, "z": z}]
        if "orientation" in readings:
            azimuth, pitch, roll = readings["orientation"]
            bundle["orientation_data"] = [
                {"determined_at": at, "azimuth": azimuth, "pitch": pitch, "roll": roll}
            ]
        for sensor, sample in (
            ("pointer", {"type": "TOUCH", "position": {"x": 120.5, "y": 380.0}}),
            ("key_press", {"type": "KEY_DOWN", "masked_key": 42}),
            ("focus_change", {"type": "FOCUS_GAINED", "target": {"target_id": "email"}}),
            ("text_change", {"masked_text": "xxxx", "target": {"target_id": "email"}}),
        ):
            if readings.get(sensor):
                bundle[f"{sensor}_data"] = [
                    {"determined_at": at, **sample} for _ in range(readings[sensor])
                ]
        if readings.get("markers"):
            bundle["markers"] = [{"determined_at": at} for _ in range(readings["markers"])]
        return bundle

    def _persist(self, session: _Session, when: datetime) -> _Chunk:
        chunk = session.current
        if chunk is None or not chunk.lines:
            raise ValueError(f"Session {session.session_id} has no bundle to persist")
        chunk.created_at = when
        session.chunks.append(chunk)
        session.current = None
        self._counters["chunks_persisted"] += 1
        return chunk

    def _random_readings(self, session: _Session) -> dict[str, Any]:
        rng = self._rng
        mobile = session.platform != "web"
        readings: dict[str, Any] = {}
        session.battery = min(
            100.0, max(1.0, session.battery + (1.5 if session.charging else -0.7))
        )
        if session.charging and session.battery >= 100:
            session.charging = False
        if rng.random() < 0.75:
            capacity = round(session.battery)
            state = "FULL" if capacity >= 100 else "CHARGING" if session.charging else "DISCHARGING"
            readings["battery"] = (capacity, self._enum_out(state, BATTERY_STATES))
        if mobile and rng.random() < 0.6:
            kind = rng.choice(("WALKING", "STILL", "STILL", "IN_VEHICLE", "ON_BICYCLE", "RUNNING"))
            readings["activity"] = (self._enum_out(kind, ACTIVITY_TYPES), rng.randint(40, 100))
        if rng.random() < 0.8:
            lat, lon = session.position
            lat, lon = lat + rng.uniform(-3e-4, 3e-4), lon + rng.uniform(-3e-4, 3e-4)
            session.position = (lat, lon)
            readings["location"] = (
                round(lat, 6),
                round(lon, 6),
                round(rng.uniform(3, 40), 1),
                round(rng.uniform(20, 120), 1),
                round(rng.uniform(0, 3), 2),
                round(rng.uniform(0, 359), 1),
            )
        if mobile and rng.random() < 0.7:  # else: no ambient readings at all
            if rng.random() < 0.9:
                readings["temperature"] = round(rng.gauss(21.5, 2.0), 1)
            if rng.random() < 0.7:
                readings["light"] = round(rng.uniform(5, 900), 1)
            if rng.random() < 0.7:
                readings["pressure"] = round(rng.gauss(1013.2, 4.0), 1)
            if rng.random() < 0.6:
                readings["humidity"] = round(rng.uniform(30, 70), 1)
        self._random_motion(session, readings)
        return readings

    def _random_motion(self, session: _Session, readings: dict[str, Any]) -> None:
        """Steps, heart rate, motion, orientation and interactions (from ``_motion_rng``)."""
        rng = self._motion_rng
        if session.platform == "web":
            readings["pointer"] = rng.randint(0, 6)
            readings["key_press"] = rng.randint(0, 4)
            readings["focus_change"] = rng.randint(0, 1)
            readings["text_change"] = rng.randint(0, 2)
            return
        readings["steps"] = rng.randint(0, 3)
        if rng.random() < 0.5:
            readings["heart_rate"] = rng.randint(60, 110)
        readings["accelerometer"] = (
            round(rng.gauss(0, 0.05), 4),
            round(rng.gauss(0, 0.05), 4),
            round(rng.gauss(-1, 0.05), 4),
        )
        readings["linear_accelerometer"] = tuple(round(rng.gauss(0, 0.05), 4) for _ in "xyz")
        readings["gyroscope"] = tuple(round(rng.gauss(0, 0.2), 4) for _ in "xyz")
        readings["magnetometer"] = tuple(round(rng.uniform(-45, 45), 2) for _ in "xyz")
        readings["orientation"] = (
            round(rng.uniform(-3.14, 3.14), 4),
            round(rng.uniform(-1.5, 1.5), 4),
            round(rng.uniform(-1.5, 1.5), 4),
        )
        readings["pointer"] = rng.randint(0, 3)
        if rng.random() < 0.1:
            readings["markers"] = 1

    def _enum_out(self, name: str, names: tuple[str, ...]) -> str | int:
        return names.index(name) if self.settings.numeric_enums else name

    def _seed_history(self, count: int) -> None:
        """Create count sessions over the last hours, quietly; all but the newest ended."""
        now = self._now()
        for index in range(count):
            start = now - timedelta(minutes=25 * (count - index)) + timedelta(seconds=7)
            session = self._create(
                start,
                [_LABELS[index % len(_LABELS)]] + (["demo"] if index % 2 else []),
                _JOURNEYS[index % len(_JOURNEYS)] if index % 3 != 2 else None,
                ("ios", "android", "web")[index % 3],
                self.settings.regions[index % len(self.settings.regions)],
            )
            for step in range(2 * BUNDLES_PER_CHUNK):
                moment = start + timedelta(seconds=step + 1)
                self._add_bundle(session, self._random_readings(session), moment)
                if session.current is not None and len(session.current.lines) >= BUNDLES_PER_CHUNK:
                    self._persist(session, moment + timedelta(seconds=1))
            if index < count - 1:
                session.active = False

    # Internals: webhooks

    def _emit(
        self,
        event_type: str | int,
        session: _Session | None,
        sealed: dict[str, Any] | None = None,
        *,
        raw: bool = False,
    ) -> dict[str, Any]:
        value: str | int = event_type
        if not raw and self.settings.numeric_event_types and isinstance(event_type, str):
            value = EVENT_TYPES[event_type]
        payload = {
            "project_id": self.settings.project_id,
            "app_id": self.settings.app_id,
            "session_id": "" if session is None else session.session_id,
            "event_type": value,
            "bundle": sealed,
            "client_session_group_id": "" if session is None else session.client_session_group_id,
            "session_labels": [] if session is None else session.label_names(),
            "journey_id": "" if session is None else session.journey_id,
        }
        rendered: dict[str, Any] = self.render(payload)
        self._events.append(rendered)
        self._counters[f"event:{event_type}"] += 1
        for webhook in self._webhooks.values():
            self._sender.enqueue(webhook, rendered)
        return rendered
