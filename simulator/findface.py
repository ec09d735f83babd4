"""Simulated FindFace Multi server: REST API (about version 2.1) and webhooks.

Wire behaviour follows docs/providers/findface.md: paths at the root
with trailing slashes, ``Authorization: Token <token>`` on every call but the
login, cursor-paged lists, and webhooks (``/hooks/``) that POST JSON arrays of
at most ``batch_size`` items of one section, retried with exponentially
growing intervals until the receiver answers 200.

No official webhook payload example exists. The items built here mirror the
REST serializers (face/body/car event, human/car episode, counter record,
area activation). In default mode cameras, camera groups, cards and watch
lists are ids; in verbose mode (``VERBOSE_WEBHOOKS``) those same keys hold the
full objects in place (``camera``, ``camera_group``, ``matched_card``,
``matched_lists``, and in episodes ``cameras`` and ``camera_groups`` too).
No ``verbose_*`` keys are added. The REST lists always use the default form.

Two clocks drive the simulator: tokens use the injected monotonic ``clock``;
time stamps in answers and payloads come from ``wallclock``. The webhook
sender and the automatic emitter run on the event loop in real time; the
retry base interval is a setting so tests can make it small.
"""

import base64
import binascii
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
import hmac
import itertools
import json
from pathlib import Path
import random
import re
import secrets
import time
from typing import Any

from aiohttp import web

from .sender import (
    Admin,
    ApiError,
    Attempt,
    SendsWebhooks,
    Target,
    Ticker,
    WebhookSender,
    admin_wrapper,
    delivery_routes,
    failure_route,
    json_object,
)

SECTIONS = (
    "face_events",
    "body_events",
    "car_events",
    "human_episodes",
    "car_episodes",
    "counters",
    "areas",
)
EVENT_SECTIONS = ("face_events", "body_events", "car_events")
EPISODE_SECTIONS = ("human_episodes", "car_episodes")
EPISODE_TYPES = ("episode_open", "episode_event", "episode_close")
HEALTH_MESSAGES = {
    "GREEN": "",
    "YELLOW": "Frame drops detected",
    "RED": "Video stream is not available",
    "INPROGRESS": "Connecting to the video stream",
}
MAX_LIMIT = 1000
MAX_EMIT = 1000
MAX_QUEUE = 10_000
MAX_HISTORY = 1000
MAX_DELIVERIES = 1000
EVENT_ID_BASE = 4355024961160384430
USER_AGENT = "FindFace-Multi-Simulator/2.1"

# An 8x8 grey JPEG, served for every thumbnail, full frame and screenshot.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDACgcHiMeGSgjISMtKygwPGRBPDc3PHtYXUlkkYCZlo+AjIqgtObDoKra"
    "rYqMyP/L2u71////m8H////6/+b9//j/2wBDASstLTw1PHZBQXb4pYyl+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4"
    "+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj4+Pj/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAA"
    "AAAAAAP/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAA"
    "AAAAAAD/2gAMAwEAAhEDEQA/AIgA/9k="
)

_DEFAULT_CAMERAS = (
    ("Entrance", 50.0755, 14.4378, 90.0),
    ("Parking", 50.0751, 14.4385, 180.0),
    ("Lobby", 50.0757, 14.4380, 270.0),
)
_EXTRA_CAMERA_NAMES = ("Corridor", "Warehouse", "Gate", "Roof", "Stairs", "Yard")
_CAMERA_GROUPS = ((1, "Main building"),)
_WATCH_LISTS = ((1, "Employees", "2e7d32"), (2, "Wanted", "c62828"))
_HUMAN_CARDS = ((1, "Alice Novak", (1,)), (2, "Bob Svoboda", (1,)), (3, "Carl Mrazek", (2,)))
_CAR_CARDS = ((1, "1AB 2345", (1,)), (2, "7XY 9876", (2,)))
_COUNTERS = ((1, "Lobby occupancy", (1, 3), False), (2, "Parking cars", (2,), True))
_AREAS = ((1, "Entrance zone", (1,)), (2, "Parking lot", (2,)))
_CAR_MODELS = (("Skoda", "Octavia"), ("Volkswagen", "Golf"), ("Toyota", "Corolla"))
_CAR_COLORS = ("white", "black", "silver", "blue", "red")
_CAR_BODIES = ("sedan", "hatchback", "wagon", "suv")
_CLOTHES_COLORS = ("black", "white", "grey", "blue", "red", "green")
_EMOTIONS = ("neutral", "happy", "sad", "surprise", "angry")
# Chance per automatic tick that a section gets one new item.
_MIX = (
    ("face_events", 0.8),
    ("body_events", 0.4),
    ("car_events", 0.4),
    ("human_episodes", 0.3),
    ("car_episodes", 0.2),
    ("counters", 0.3),
    ("areas", 0.15),
)
_EVENT_KIND = {"face_events": "face", "body_events": "body", "car_events": "car"}


@dataclass
class FindFaceSettings:
    """Credentials and behaviour of the simulated FindFace Multi server."""

    username: str = "demo"
    password: str = "demo"
    api_token: str | None = "demo-token"  # a fixed token that never expires; None/"" disables
    token_lifetime: int = 86400  # seconds, for tokens from /auth/login/
    cameras: int = 3
    verbose: bool = False  # VERBOSE_WEBHOOKS: embed objects instead of ids
    emit_interval: float = 0.0  # seconds between automatic event batches; 0 = off
    seed: int = 1
    retry_base: float = 1.0  # first retry interval in seconds; doubles per attempt
    retry_cap: float = 100.0  # longest retry interval in seconds
    send_timeout: float = 10.0  # seconds per webhook POST
    episode_length: int = 3  # events in an episode before it closes
    external_address: str | None = None  # base of image URLs; learned from requests if None

    def __post_init__(self) -> None:
        """Reject settings the simulator cannot honour."""
        if self.token_lifetime <= 0:
            raise ValueError("token_lifetime must be positive")
        if self.cameras < 0:
            raise ValueError("cameras must not be negative")
        if self.emit_interval < 0:
            raise ValueError("emit_interval must not be negative")
        if self.retry_base <= 0 or self.retry_cap <= 0:
            raise ValueError("retry_base and retry_cap must be positive")
        if self.send_timeout <= 0:
            raise ValueError("send_timeout must be positive")
        if self.episode_length < 1:
            raise ValueError("episode_length must be at least 1")


class FindFaceApiError(ApiError):
    """An API error answer: status and FindFace's ``{"code", "desc"}`` body."""

    def __init__(self, status: int, code: str, desc: str, param: str | None = None) -> None:
        """Describe the answer; param names the offending request field, if any."""
        super().__init__(desc)
        self.status = status
        self.code = code
        self.desc = desc
        self.param = param

    def response(self) -> web.Response:
        """Render the error as an HTTP response."""
        body: dict[str, Any] = {"code": self.code, "desc": self.desc}
        if self.param is not None:
            body["param"] = self.param
        return web.json_response(body, status=self.status)


def _unauthorized(desc: str) -> FindFaceApiError:
    return FindFaceApiError(401, "UNAUTHORIZED", desc)


def _not_found(desc: str) -> FindFaceApiError:
    return FindFaceApiError(404, "NOT_FOUND", desc)


def _bad_param(param: str, desc: str) -> FindFaceApiError:
    return FindFaceApiError(400, "BAD_PARAM", desc, param)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _same(given: str, expected: str) -> bool:
    """Compare a credential in constant time."""
    return hmac.compare_digest(given.encode(), expected.encode())


@dataclass
class _Camera:
    id: int
    name: str
    group: int
    url: str
    latitude: float
    longitude: float
    azimuth: float
    created: datetime
    modified: datetime
    active: bool = True
    comment: str = ""
    health: str = "GREEN"
    health_msg: str = ""
    face_count: int = 0
    body_count: int = 0
    car_count: int = 0


@dataclass(frozen=True)
class _Card:
    id: int
    name: str
    watch_lists: tuple[int, ...]


@dataclass
class _Item:
    """A generated notification: its payload and what the filters look at."""

    section: str
    raw: dict[str, Any]  # default form (ids)
    payload: dict[str, Any]  # as sent: default or verbose form
    cameras: list[int]
    camera_groups: list[int]
    episode_type: str | None = None


@dataclass
class _Episode:
    id: int
    section: str
    camera: int
    camera_group: int
    card: _Card | None
    created: datetime
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Activation:
    id: int
    area: int
    started: datetime
    max_body_count: int


@dataclass
class _Queued:
    section: str
    item_id: str
    payload: dict[str, Any]


@dataclass
class _HookStats:
    sent_batches: int = 0
    sent_items: int = 0
    failed_attempts: int = 0
    dropped_batches: int = 0
    dropped_items: int = 0
    overflow_items: int = 0
    last_status: int | None = None
    last_error: str | None = None


@dataclass
class _Hook(Target):
    name: str
    created: datetime
    modified: datetime
    active: bool = True
    comment: str = ""
    batch_size: int = 1
    send_attempts: int = 10
    filters: dict[str, Any] = field(default_factory=dict)
    stats: _HookStats = field(default_factory=_HookStats)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "comment": self.comment,
            "active": self.active,
            "url": self.url,
            "batch_size": self.batch_size,
            "send_attempts": self.send_attempts,
            "filters": json.loads(json.dumps(self.filters)),
            "created_date": _iso(self.created),
            "modified_date": _iso(self.modified),
        }

    @property
    def ready(self) -> bool:
        """Only an active hook sends."""
        return self.active

    def next_batch(self) -> list[_Queued]:
        """Up to batch_size items of the first item's section."""
        section = self.queue[0].section
        batch: list[_Queued] = []
        for queued in self.queue:
            if queued.section != section or len(batch) >= self.batch_size:
                break
            batch.append(queued)
        return batch

    def body(self, batch: list[_Queued]) -> list[dict[str, Any]]:
        """A JSON array of the items."""
        return [queued.payload for queued in batch]

    def count(self, attempt: Attempt, items: int) -> None:
        """Count sent and dropped batches and items, and keep the last answer."""
        stats = self.stats
        stats.last_status, stats.last_error = attempt.status, attempt.error
        if attempt.ok:
            stats.sent_batches += 1
            stats.sent_items += items
        else:
            stats.failed_attempts += 1
        if attempt.dropped:
            stats.dropped_batches += 1
            stats.dropped_items += items

    def count_overflow(self) -> None:
        """Count an item turned away because the queue was full."""
        self.stats.overflow_items += 1


class FindFaceSimulator(SendsWebhooks):
    """State of the simulated FindFace Multi server and its webhook sender.

    Methods that serve API data raise FindFaceApiError with the HTTP status
    the API would answer; the routes render it. Test hooks (emit, cameras,
    deliveries) raise ValueError on bad input.
    """

    def __init__(
        self,
        settings: FindFaceSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Create the default catalogue; clock is monotonic seconds, wallclock aware UTC."""
        self.settings = settings or FindFaceSettings()
        self._clock = clock
        self._wallclock = wallclock
        self._rng = random.Random(self.settings.seed)
        self._learned_address: str | None = None
        now = wallclock()
        self._created = now
        self._cameras: dict[int, _Camera] = {}
        self._camera_seq = 0
        self._human_cards = {card[0]: _Card(*card) for card in _HUMAN_CARDS}
        self._car_cards = {card[0]: _Card(*card) for card in _CAR_CARDS}
        self._counter_now: dict[int, tuple[int, int, int]] = {c[0]: (0, 0, 0) for c in _COUNTERS}
        self._tokens: dict[str, float] = {}
        self._ticker = Ticker(lambda: self.settings.emit_interval, self.emit_mix)
        self._sender: WebhookSender[_Hook] = WebhookSender(
            lambda: self.settings,
            user_agent=USER_AGENT,
            attempts=lambda hook: hook.send_attempts,
            retry_cap=lambda: self.settings.retry_cap,
            describe=lambda hook, batch: {
                "hook": hook.id,
                "section": batch[0].section,
                "batch_size": len(batch),
                "ids": [queued.item_id for queued in batch],
            },
            timestamp=lambda: _iso(self._wallclock()),
            ticker=self._ticker,
            max_queue=MAX_QUEUE,
            max_deliveries=MAX_DELIVERIES,
        )
        self._hooks = self._sender.targets
        self._history: dict[str, dict[str, dict[str, Any]]] = {section: {} for section in SECTIONS}
        self._event_seq = 0
        self._episode_seq: Counter[str] = Counter()  # human and car episodes count apart
        self._record_seq = 0
        self._activation_seq = 0
        self._open_episodes: dict[str, list[_Episode]] = {s: [] for s in EPISODE_SECTIONS}
        self._open_activations: dict[int, _Activation] = {}
        self._failure_status = 0
        self._failures_left = 0
        self._calls: Counter[str] = Counter()
        for index in range(self.settings.cameras):
            if index < len(_DEFAULT_CAMERAS):
                name, latitude, longitude, azimuth = _DEFAULT_CAMERAS[index]
                self._add_camera(name, latitude, longitude, azimuth)
            else:
                extra = index - len(_DEFAULT_CAMERAS)
                self.add_camera(
                    _EXTRA_CAMERA_NAMES[extra]
                    if extra < len(_EXTRA_CAMERA_NAMES)
                    else f"Camera {index + 1}"
                )

    # Addresses

    @property
    def base_url(self) -> str:
        """The server root used in image URLs (no trailing slash)."""
        address = self.settings.external_address or self._learned_address
        return (address or "http://127.0.0.1").rstrip("/")

    def learn_base_url(self, origin: str) -> None:
        """Remember where the server is reached, unless an address is already known."""
        if self._learned_address is None:
            self._learned_address = origin.rstrip("/")

    # Test hooks

    def add_camera(self, name: str) -> int:
        """Add an active camera with GREEN health to camera group 1 and return its id."""
        if not name.strip():
            raise ValueError("A camera needs a name")
        offset = 0.0003 * (self._camera_seq + 1)
        return self._add_camera(name, 50.0755 + offset, 14.4378 + offset, 0.0).id

    def remove_camera(self, camera_id: int) -> None:
        """Remove a camera; raise FindFaceApiError (404) if it is unknown."""
        del self._cameras[self._camera(camera_id).id]

    def set_camera_health(self, camera_id: int, status: str, msg: str | None = None) -> None:
        """Set a camera's health status (GREEN, YELLOW, RED or INPROGRESS)."""
        camera = self._camera(camera_id)
        status = status.upper()
        if status not in HEALTH_MESSAGES:
            raise ValueError(f"status must be one of {', '.join(HEALTH_MESSAGES)}")
        camera.health = status
        camera.health_msg = HEALTH_MESSAGES[status] if msg is None else msg
        camera.modified = self._wallclock()

    def set_verbose(self, verbose: bool) -> None:
        """Switch VERBOSE_WEBHOOKS for items emitted from now on."""
        self.settings.verbose = verbose

    def set_emit_interval(self, seconds: float) -> None:
        """Change the automatic emission interval (0 stops it); takes effect at once."""
        if seconds < 0:
            raise ValueError("emit_interval must not be negative")
        self.settings.emit_interval = seconds
        self._ticker.poke()

    def fail_next(self, status: int, count: int = 1) -> None:
        """Answer the next count API calls (login included) with status."""
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status between 400 and 599")
        if count < 0:
            raise ValueError("count must not be negative")
        self._failure_status, self._failures_left = status, count

    def expire_tokens(self) -> int:
        """Invalidate every token issued by /auth/login/ and return how many there were."""
        expired = len(self._tokens)
        self._tokens.clear()
        return expired

    def stats(self) -> dict[str, Any]:
        """Return request counters by call, rejected requests included."""
        return {"total": self._calls.total(), "by_call": dict(sorted(self._calls.items()))}

    def reset_stats(self) -> None:
        """Zero the request counters."""
        self._calls.clear()

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The webhook delivery log, oldest first (at most MAX_DELIVERIES entries).

        Each entry: hook (id), section, batch_size (items in the batch), ids
        (item ids), attempt (1-based), status (HTTP status or None), error
        (text or None), ok, retry_in (seconds to the next attempt, or None),
        dropped (attempts used up), time (wallclock, ISO 8601).
        """
        return self._sender.deliveries

    def hook_states(self) -> list[dict[str, Any]]:
        """Every hook as the API shows it, plus queued items and delivery stats."""
        return [
            hook.to_json() | {"queued": len(hook.queue), "stats": asdict(hook.stats)}
            for hook in self._hooks.values()
        ]

    def emit(
        self,
        section: str,
        count: int = 1,
        matched: bool | None = None,
        camera: int | None = None,
    ) -> list[dict[str, Any]]:
        """Generate count items of a section and queue them to every hook that wants them.

        Args:
            section: one of SECTIONS.
            count: how many items (0 to MAX_EMIT).
            matched: for events and new episodes, force matched (True) or
                unmatched (False); random if None. Ignored for counters and areas.
            camera: the camera the items come from; random if None. For
                counters and areas, one whose counter or area covers the camera.

        Returns:
            The generated items as sent (default or verbose form).

        Raises:
            ValueError: unknown section, bad count, unknown camera, or nothing
                that can produce the section.
        """
        if section not in SECTIONS:
            raise ValueError(f"section must be one of {', '.join(SECTIONS)}")
        if isinstance(count, bool) or not 0 <= count <= MAX_EMIT:
            raise ValueError(f"count must be between 0 and {MAX_EMIT}")
        if camera is not None and camera not in self._cameras:
            raise ValueError(f"Unknown camera {camera}")
        items = [self._generate(section, matched, camera) for _ in range(count)]
        for item in items:
            self._dispatch(item)
        return [item.payload for item in items]

    def emit_mix(self) -> dict[str, list[dict[str, Any]]]:
        """Emit a random mix of sections, as the automatic emitter does each tick."""
        emitted: dict[str, list[dict[str, Any]]] = {}
        for section, chance in _MIX:
            if self._rng.random() < chance:
                try:
                    emitted[section] = self.emit(section)
                except ValueError:
                    continue  # for example no cameras left
        return emitted

    def _dispatch(self, item: _Item) -> None:
        self._history[item.section][str(item.raw["id"])] = item.raw
        history = self._history[item.section]
        while len(history) > MAX_HISTORY:
            del history[next(iter(history))]
        for hook in self._hooks.values():
            if hook.active and _accepts(hook.filters, item):
                queued = _Queued(item.section, str(item.raw["id"]), item.payload)
                self._sender.enqueue(hook, queued)

    # Authentication and request gate

    def admit(self, call: str, headers: Mapping[str, str], *, auth: bool = True) -> None:
        """Count a request, apply injected failures and, if auth, check the token."""
        self._calls[call] += 1
        if self._failures_left:
            self._failures_left -= 1
            status = self._failure_status
            raise FindFaceApiError(status, "INJECTED_FAILURE", f"Injected failure {status}")
        if auth:
            self.check_token(headers.get("Authorization", ""))

    def check_token(self, authorization: str) -> str:
        """Return the token of a valid ``Token <token>`` header, else raise 401."""
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "token" or not token:
            raise _unauthorized("Authentication credentials were not provided.")
        fixed = self.settings.api_token
        if fixed and _same(token, fixed):
            return token
        expiry = self._tokens.get(token)
        if expiry is None or expiry <= self._clock():
            raise _unauthorized("Invalid or expired token.")
        return token

    def login(self, authorization: str, client_uuid: Any) -> dict[str, Any]:
        """Issue a token for valid HTTP Basic credentials and a client uuid."""
        scheme, _, encoded = authorization.partition(" ")
        try:
            if scheme.lower() != "basic":
                raise ValueError(scheme)
            login, separator, password = (
                base64.b64decode(encoded, validate=True).decode().partition(":")
            )
            if not separator:
                raise ValueError("no colon")
        except ValueError as err:  # binascii.Error and UnicodeDecodeError are ValueErrors
            raise _unauthorized("HTTP Basic credentials were not provided.") from err
        if not (_same(login, self.settings.username) and _same(password, self.settings.password)):
            raise _unauthorized("Invalid username/password.")
        if not isinstance(client_uuid, str) or not client_uuid.strip():
            raise _bad_param("uuid", "uuid is a required string")
        now = self._clock()
        self._tokens = {token: expiry for token, expiry in self._tokens.items() if expiry > now}
        token = secrets.token_hex(32)
        lifetime = self.settings.token_lifetime
        self._tokens[token] = now + lifetime
        expiration = self._wallclock() + timedelta(seconds=lifetime)
        return {
            "token": token,
            "token_expiration_datetime": _iso(expiration),
            "user": {"id": 1, "name": self.settings.username},
        }

    def logout(self, token: str) -> None:
        """Revoke a login token (the fixed api_token cannot be revoked)."""
        self._tokens.pop(token, None)

    # Catalogue

    def cameras(self) -> list[dict[str, Any]]:
        """Every camera as the API shows it."""
        return [self._camera_json(camera) for camera in self._cameras.values()]

    def camera(self, camera_id: int) -> dict[str, Any]:
        """One camera; raise FindFaceApiError (404) if it is unknown."""
        return self._camera_json(self._camera(camera_id))

    def camera_groups(self) -> list[dict[str, Any]]:
        """Every camera group."""
        return [self._group_json(group_id) for group_id, _ in _CAMERA_GROUPS]

    def watch_lists(self) -> list[dict[str, Any]]:
        """Every watch list."""
        return [self._list_json(list_id) for list_id, _, _ in _WATCH_LISTS]

    def human_cards(self) -> list[dict[str, Any]]:
        """Every human card."""
        return [self._card_json(card) for card in self._human_cards.values()]

    def car_cards(self) -> list[dict[str, Any]]:
        """Every car card (the name is the licence plate)."""
        return [self._card_json(card) for card in self._car_cards.values()]

    def counters(self) -> list[dict[str, Any]]:
        """Every counter with its latest counts."""
        answer = []
        for counter_id, name, cameras, _ in _COUNTERS:
            faces, bodies, cars = self._counter_now[counter_id]
            answer.append(
                {
                    "id": counter_id,
                    "name": name,
                    "active": True,
                    "camera_groups": sorted({self._group_of(camera) for camera in cameras}),
                    "cameras": list(cameras),
                    "now_faces": faces,
                    "now_bodies": bodies,
                    "now_cars": cars,
                    "created_date": _iso(self._created),
                    "modified_date": _iso(self._created),
                }
            )
        return answer

    def areas(self) -> list[dict[str, Any]]:
        """Every area."""
        return [
            {
                "id": area_id,
                "name": name,
                "enabled": True,
                "cameras": list(cameras),
                "camera_groups": sorted({self._group_of(camera) for camera in cameras}),
                "created_date": _iso(self._created),
                "modified_date": _iso(self._created),
            }
            for area_id, name, cameras in _AREAS
        ]

    def history(self, section: str) -> list[dict[str, Any]]:
        """Items emitted of a section, in the default form, latest state per id, oldest first."""
        return list(self._history[section].values())

    # Hooks

    def hooks(self) -> list[dict[str, Any]]:
        """Every hook as the API shows it."""
        return [hook.to_json() for hook in self._hooks.values()]

    def hook(self, hook_id: int) -> dict[str, Any]:
        """One hook; raise FindFaceApiError (404) if it is unknown."""
        return self._hook(hook_id).to_json()

    def create_hook(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create a hook from an API body; raise FindFaceApiError (400) when it is invalid."""
        fields = _hook_fields(body, partial=False)
        now = self._wallclock()
        hook = _Hook(id=self._sender.next_id(), name="", url="", created=now, modified=now)
        for name, value in fields.items():
            setattr(hook, name, value)
        self._sender.add(hook)
        return hook.to_json()

    def update_hook(self, hook_id: int, body: Mapping[str, Any]) -> dict[str, Any]:
        """Change some fields of a hook (PATCH)."""
        hook = self._hook(hook_id)
        for name, value in _hook_fields(body, partial=True).items():
            setattr(hook, name, value)
        hook.modified = self._wallclock()
        hook.notify()
        self._sender.report_progress()
        return hook.to_json()

    def delete_hook(self, hook_id: int) -> None:
        """Delete a hook and drop what it still had queued."""
        self._sender.remove(self._hook(hook_id).id)

    # Serialisers

    def _camera_json(self, camera: _Camera) -> dict[str, Any]:
        return {
            "id": camera.id,
            "name": camera.name,
            "group": camera.group,
            "active": camera.active,
            "comment": camera.comment,
            "url": camera.url,
            "screenshot": f"{self.base_url}/cameras/{camera.id}/screenshot/",
            "health_status": {
                "enabled": camera.active,
                "status": camera.health,
                "msg": camera.health_msg,
            },
            "latitude": camera.latitude,
            "longitude": camera.longitude,
            "azimuth": camera.azimuth,
            "face_count": camera.face_count,
            "body_count": camera.body_count,
            "car_count": camera.car_count,
            "created_date": _iso(camera.created),
            "modified_date": _iso(camera.modified),
        }

    def _group_json(self, group_id: int) -> dict[str, Any]:
        names = dict(_CAMERA_GROUPS)
        return {
            "id": group_id,
            "name": names.get(group_id, f"Camera group {group_id}"),
            "comment": "",
            "active": True,
            "created_date": _iso(self._created),
            "modified_date": _iso(self._created),
        }

    def _list_json(self, list_id: int) -> dict[str, Any]:
        lists = {entry[0]: entry for entry in _WATCH_LISTS}
        _, name, color = lists.get(list_id, (list_id, f"Watch list {list_id}", "9e9e9e"))
        return {
            "id": list_id,
            "name": name,
            "color": color,
            "comment": "",
            "active": True,
            "notify": list_id == 2,
            "acknowledge": list_id == 2,
            "created_date": _iso(self._created),
            "modified_date": _iso(self._created),
        }

    def _card_json(self, card: _Card) -> dict[str, Any]:
        return {
            "id": card.id,
            "name": card.name,
            "comment": "",
            "active": True,
            "watch_lists": list(card.watch_lists),
            "created_date": _iso(self._created),
            "modified_date": _iso(self._created),
        }

    def _verbose_camera(self, camera_id: int) -> dict[str, Any]:
        camera = self._cameras.get(camera_id)
        return self._camera_json(camera) if camera else {"id": camera_id, "name": None}

    def _verbose_event(self, section: str, raw: dict[str, Any]) -> dict[str, Any]:
        cards = self._car_cards if section == "car_events" else self._human_cards
        card = cards.get(raw["matched_card"]) if raw["matched_card"] is not None else None
        return raw | {
            "camera": self._verbose_camera(raw["camera"]),
            "camera_group": self._group_json(raw["camera_group"]),
            "matched_card": self._card_json(card) if card else None,
            "matched_lists": [self._list_json(list_id) for list_id in raw["matched_lists"]],
        }

    def _verbose(self, section: str, raw: dict[str, Any]) -> dict[str, Any]:
        """Render an item in the VERBOSE_WEBHOOKS form: objects in place of ids."""
        if section in EVENT_SECTIONS:
            return self._verbose_event(section, raw)
        if section in EPISODE_SECTIONS:
            event_section = "car_events" if section == "car_episodes" else "face_events"
            cards = self._car_cards if section == "car_episodes" else self._human_cards
            card = cards.get(raw["matched_card"]) if raw["matched_card"] is not None else None
            verbose = raw | {
                "cameras": [self._verbose_camera(camera) for camera in raw["cameras"]],
                "camera_groups": [self._group_json(group) for group in raw["camera_groups"]],
                "matched_card": self._card_json(card) if card else None,
                "matched_lists": [self._list_json(list_id) for list_id in raw["matched_lists"]],
            }
            for key, value in raw.items():
                if key.endswith("_event") and isinstance(value, dict):
                    verbose[key] = self._verbose_event(event_section, value)
            return verbose
        if section == "counters":
            return raw | {
                "camera": self._verbose_camera(raw["camera"]),
                "camera_group": self._group_json(raw["camera_group"]),
            }
        return dict(raw)  # area activations name no camera, card or list

    # Generators

    def _generate(self, section: str, matched: bool | None, camera: int | None) -> _Item:
        if section in EVENT_SECTIONS:
            chosen = self._pick_camera(camera)
            card = self._pick_card(section, matched)
            raw = self._event(section, chosen, card, None, self._wallclock())
            item = _Item(section, raw, raw, [chosen.id], [chosen.group])
        elif section in EPISODE_SECTIONS:
            item = self._episode_step(section, matched, camera)
        elif section == "counters":
            item = self._counter_record(camera)
        else:
            item = self._area_activation(camera)
        if self.settings.verbose:
            item.payload = self._verbose(section, item.raw)
        return item

    def _pick_camera(self, camera_id: int | None) -> _Camera:
        if camera_id is not None:
            return self._cameras[camera_id]
        cameras = [camera for camera in self._cameras.values() if camera.active]
        if not cameras:
            raise ValueError("There is no camera to produce events")
        return self._rng.choice(cameras)

    def _pick_card(self, section: str, matched: bool | None) -> _Card | None:
        if matched is None:
            matched = self._rng.random() < 0.3
        if not matched:
            return None
        cards = self._car_cards if section in ("car_events", "car_episodes") else self._human_cards
        return self._rng.choice(list(cards.values()))

    def _upload(self, moment: datetime, folder: str, item_id: object, image: str) -> str:
        return f"{self.base_url}/uploads/{moment:%Y/%m/%d}/{folder}/{item_id}_{image}.jpg"

    def _event(
        self,
        section: str,
        camera: _Camera,
        card: _Card | None,
        episode: int | None,
        now: datetime,
    ) -> dict[str, Any]:
        rng = self._rng
        kind = _EVENT_KIND[section]
        self._event_seq += 1
        event_id = str(EVENT_ID_BASE + self._event_seq * 1000 + rng.randrange(1000))
        matched = card is not None
        confidence = rng.uniform(0.78, 0.97) if matched else rng.uniform(0.2, 0.6)
        left, top = rng.randrange(100, 1500), rng.randrange(50, 700)
        width = rng.randrange(300, 700) if kind == "car" else rng.randrange(80, 240)
        height = width // 2 if kind == "car" else width * (3 if kind == "body" else 1)
        match kind:
            case "face":
                camera.face_count += 1
            case "body":
                camera.body_count += 1
            case _:
                camera.car_count += 1
        return {
            "id": event_id,
            "created_date": _iso(now),
            "bs_type": rng.choice(("realtime", "overall")),
            "camera": camera.id,
            "camera_group": camera.group,
            "thumbnail": self._upload(now, f"{kind}_event", event_id, "thumbnail"),
            "fullframe": self._upload(now, f"{kind}_event", event_id, "fullframe"),
            "matched": matched,
            "matched_card": card.id if card else None,
            "matched_lists": list(card.watch_lists) if card else [],
            "confidence": round(confidence, 4),
            "quality": round(rng.uniform(0.45, 0.95), 4),
            "episode": episode,
            "acknowledged": False,
            "acknowledged_date": None,
            "acknowledged_by": None,
            "frame_coords_left": left,
            "frame_coords_top": top,
            "frame_coords_right": left + width,
            "frame_coords_bottom": top + height,
            "features": self._features(kind, card),
        }

    def _features(self, kind: str, card: _Card | None) -> dict[str, Any]:
        rng = self._rng
        if kind == "face":
            return {
                "age": rng.randrange(18, 70),
                "gender": rng.choice(("male", "female")),
                "emotions": rng.choice(_EMOTIONS),
                "glasses": rng.choice(("none", "eye", "sun")),
                "beard": rng.choice(("none", "beard")),
                "medmask": rng.choice(("none", "correct")),
                "liveness": round(rng.uniform(0.85, 0.99), 3),
            }
        if kind == "body":
            return {
                "upper_clothes": rng.choice(("jacket", "coat", "shirt", "sweater")),
                "upper_color": rng.choice(_CLOTHES_COLORS),
                "lower_clothes": rng.choice(("trousers", "jeans", "skirt", "shorts")),
                "lower_color": rng.choice(_CLOTHES_COLORS),
                "headwear": rng.choice(("none", "hat", "hood")),
                "bag_hand": rng.choice(("none", "hand_bag")),
                "bag_back": rng.choice(("none", "back_bag")),
            }
        make, model = rng.choice(_CAR_MODELS)
        plate = card.name if card else f"{rng.randrange(1, 10)}{rng.choice('ABCEHKMPTX')}"
        if not card:
            plate += f"{rng.choice('ABCEHKMPTX')} {rng.randrange(1000, 10000)}"
        return {
            "make": make,
            "model": model,
            "color": rng.choice(_CAR_COLORS),
            "body": rng.choice(_CAR_BODIES),
            "license_plate": plate,
        }

    def _episode_step(self, section: str, matched: bool | None, camera: int | None) -> _Item:
        """Advance an episode: open one, add an event to it, or close it.

        An open episode that fits (camera and matched, when given) is
        continued; otherwise a new one opens. After episode_length events the
        next step closes it.
        """
        event_section = "car_events" if section == "car_episodes" else "face_events"
        candidates = self._open_episodes[section]
        episode = next(
            (
                open_episode
                for open_episode in candidates
                if (camera is None or open_episode.camera == camera)
                and (matched is None or (open_episode.card is not None) == matched)
            ),
            None,
        )
        now = self._wallclock()
        if episode is None:
            chosen = self._pick_camera(camera)
            self._episode_seq[section] += 1
            episode = _Episode(
                id=self._episode_seq[section],
                section=section,
                camera=chosen.id,
                camera_group=chosen.group,
                card=self._pick_card(section, matched),
                created=now,
            )
            candidates.append(episode)
            episode_type = "episode_open"
        elif len(episode.events) < self.settings.episode_length:
            episode_type = "episode_event"
        else:
            episode_type = "episode_close"
            candidates.remove(episode)
        if episode_type != "episode_close":
            event_camera = self._cameras.get(episode.camera) or self._pick_camera(None)
            episode.events.append(
                self._event(event_section, event_camera, episode.card, episode.id, now)
            )
        closed = episode_type == "episode_close"
        kind = "car" if section == "car_episodes" else "face"
        last = episode.events[-1]
        best = max(episode.events, key=lambda event: float(event["quality"]))
        raw: dict[str, Any] = {
            "id": episode.id,
            "created_date": _iso(episode.created),
            "closed_date": _iso(now) if closed else None,
            "open": not closed,
            "events_count": len(episode.events),
            "cameras": [episode.camera],
            "camera_groups": [episode.camera_group],
            "matched_card": episode.card.id if episode.card else None,
            "matched_lists": list(episode.card.watch_lists) if episode.card else [],
            "acknowledged": False,
            f"last_{kind}_event": last,
            f"best_{kind}_event": best,
            f"matched_{kind}_event": episode.events[0] if episode.card else None,
        }
        if kind == "face":
            raw |= {"last_body_event": None, "best_body_event": None, "matched_body_event": None}
        return _Item(
            section, raw, raw, [episode.camera], [episode.camera_group], episode_type=episode_type
        )

    def _counter_record(self, camera_id: int | None) -> _Item:
        rng = self._rng
        counters = [
            counter
            for counter in _COUNTERS
            if any(camera in self._cameras for camera in counter[2])
            and (camera_id is None or camera_id in counter[2])
        ]
        if not counters:
            raise ValueError("No counter covers that camera" if camera_id else "No counter")
        counter_id, _, counter_cameras, cars_only = rng.choice(counters)
        if camera_id is None:
            camera_id = rng.choice(
                [camera for camera in counter_cameras if camera in self._cameras]
            )
        camera = self._cameras[camera_id]
        faces = 0 if cars_only else rng.randrange(0, 7)
        bodies = 0 if cars_only else rng.randrange(faces, faces + 4)
        cars = rng.randrange(0, 13) if cars_only else 0
        self._counter_now[counter_id] = (faces, bodies, cars)
        proximity: list[float | None] = [None, None, None]
        if bodies >= 2:
            low = rng.uniform(0.5, 2.0)
            high = low + rng.uniform(0.5, 4.0)
            proximity = [round(low, 2), round((low + high) / 2, 2), round(high, 2)]
        self._record_seq += 1
        now = self._wallclock()
        raw = {
            "id": self._record_seq,
            "created_date": _iso(now),
            "counter": counter_id,
            "camera": camera.id,
            "camera_group": camera.group,
            "fullframe": self._upload(now, "counter_record", self._record_seq, "fullframe"),
            "thumbnail": self._upload(now, "counter_record", self._record_seq, "thumbnail"),
            "faces_count": faces,
            "silhouettes_count": bodies,
            "cars_count": cars,
            "proximity_min": proximity[0],
            "proximity_avg": proximity[1],
            "proximity_max": proximity[2],
            "error": False,
            "error_msg": "",
        }
        return _Item("counters", raw, raw, [camera.id], [camera.group])

    def _area_activation(self, camera_id: int | None) -> _Item:
        """Start an activation of an area, or end its running one."""
        rng = self._rng
        areas = [
            area
            for area in _AREAS
            if any(camera in self._cameras for camera in area[2])
            and (camera_id is None or camera_id in area[2])
        ]
        if not areas:
            raise ValueError("No area covers that camera" if camera_id else "No area")
        area_id, _, area_cameras = rng.choice(areas)
        now = self._wallclock()
        activation = self._open_activations.pop(area_id, None)
        if activation is None:
            self._activation_seq += 1
            activation = _Activation(self._activation_seq, area_id, now, rng.randrange(1, 6))
            self._open_activations[area_id] = activation
            active, duration = True, 0
        else:
            activation.max_body_count += rng.randrange(0, 3)
            active = False
            duration = max(1, round((now - activation.started).total_seconds()))
        raw = {
            "id": activation.id,
            "created_date": _iso(activation.started),
            "area": area_id,
            "active": active,
            "duration": duration,
            "max_body_count": activation.max_body_count,
        }
        cameras = [camera for camera in area_cameras if camera in self._cameras]
        groups = sorted({self._group_of(camera) for camera in cameras})
        return _Item("areas", raw, raw, cameras, groups)

    # Helpers

    def _add_camera(self, name: str, latitude: float, longitude: float, azimuth: float) -> _Camera:
        self._camera_seq += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "camera"
        now = self._wallclock()
        camera = _Camera(
            id=self._camera_seq,
            name=name,
            group=_CAMERA_GROUPS[0][0],
            url=f"rtsp://127.0.0.1:8554/{slug}",
            latitude=round(latitude, 6),
            longitude=round(longitude, 6),
            azimuth=azimuth,
            created=now,
            modified=now,
        )
        self._cameras[camera.id] = camera
        return camera

    def _camera(self, camera_id: int) -> _Camera:
        camera = self._cameras.get(camera_id)
        if camera is None:
            raise _not_found(f"Camera {camera_id} not found")
        return camera

    def _group_of(self, camera_id: int) -> int:
        camera = self._cameras.get(camera_id)
        return camera.group if camera else _CAMERA_GROUPS[0][0]

    def _hook(self, hook_id: int) -> _Hook:
        hook = self._hooks.get(hook_id)
        if hook is None:
            raise _not_found(f"Hook {hook_id} not found")
        return hook


def _hook_fields(body: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate a hook body and return the fields it sets."""
    fields: dict[str, Any] = {}
    if not partial and "url" not in body:
        raise _bad_param("url", "url is required")
    if "url" in body:
        url = body["url"]
        if not isinstance(url, str) or not re.match(r"https?://[^/?#\s]+", url):
            raise _bad_param("url", "url must be an http or https URL")
        fields["url"] = url
    for name in ("name", "comment"):
        if name in body:
            if not isinstance(body[name], str):
                raise _bad_param(name, f"{name} must be a string")
            fields[name] = body[name]
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise _bad_param("active", "active must be a boolean")
        fields["active"] = body["active"]
    for name, low in (("batch_size", 1), ("send_attempts", 0)):
        if name in body:
            value = body[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise _bad_param(name, f"{name} must be an integer of at least {low}")
            fields[name] = value
    if "filters" in body:
        filters = body["filters"]
        if filters is None:
            filters = {}
        if not isinstance(filters, dict):
            raise _bad_param("filters", "filters must be an object")
        for section, rules in filters.items():
            if section not in SECTIONS:
                raise _bad_param("filters", f"Unknown filter section {section!r}")
            if not isinstance(rules, dict):
                raise _bad_param("filters", f"Filters of {section} must be an object")
        fields["filters"] = filters
    return fields


# Filters


def _any_in(rules: Mapping[str, Any], key: str, values: Iterable[Any]) -> bool:
    """A ``*_in`` filter: absent passes; a list passes when it holds any value (empty: none)."""
    if key not in rules:
        return True
    allowed = rules[key]
    if not isinstance(allowed, list):
        allowed = [allowed]
    return any(value in allowed for value in values)


def _bound(rules: Mapping[str, Any], key: str, value: Any) -> bool:
    """A ``*_gte``/``*_lte`` filter: absent passes; a missing value fails."""
    if key not in rules:
        return True
    limit = rules[key]
    if value is None or not isinstance(limit, int | float):
        return False
    return bool(value >= limit if key.endswith("_gte") else value <= limit)


def _flag(rules: Mapping[str, Any], key: str, value: bool) -> bool:
    return key not in rules or rules[key] is None or bool(rules[key]) == value


def _accepts(filters: Mapping[str, Any], item: _Item) -> bool:
    """Whether a hook with these filters wants an item.

    ``{}`` wants everything. Otherwise a section absent from the filters is
    not sent, a section given as ``{}`` is sent whole, and each given filter
    must pass (``*_in`` lists: any value matches; an empty list matches
    nothing, as the documentation warns; unknown filters are ignored).
    """
    if not filters:
        return True
    rules = filters.get(item.section)
    if not isinstance(rules, dict):
        return False
    raw = item.raw
    common = _any_in(rules, "camera_in", item.cameras) and _any_in(
        rules, "camera_group_in", item.camera_groups
    )
    if not common:
        return False
    if item.section in EVENT_SECTIONS:
        card = [raw["matched_card"]] if raw["matched_card"] is not None else []
        return (
            _any_in(rules, "allowed_bs_types", [raw["bs_type"]])
            and _any_in(rules, "matched_lists_in", raw["matched_lists"])
            and _any_in(rules, "matched_card_in", card)
            and _flag(rules, "matched", raw["matched"])
            and _bound(rules, "confidence_gte", raw["confidence"])
        )
    if item.section in EPISODE_SECTIONS:
        matched = raw["matched_card"] is not None
        flags: tuple[str, ...] = (
            ("car_matched",) if item.section == "car_episodes" else ("face_matched",)
        )
        if item.section == "human_episodes":
            flags += ("body_matched",)
        return (
            _any_in(rules, "allowed_types", [item.episode_type])
            and _any_in(rules, "matched_lists_in", raw["matched_lists"])
            and all(_flag(rules, flag, matched) for flag in flags)
            and _bound(rules, "events_count_gte", raw["events_count"])
            and _bound(rules, "events_count_lte", raw["events_count"])
        )
    if item.section == "counters":
        if not _any_in(rules, "counter_in", [raw["counter"]]):
            return False
        checks = {
            "faces": raw["faces_count"],
            "silhouettes": raw["silhouettes_count"],
            "cars": raw["cars_count"],
            "proximity_min": raw["proximity_min"],
            "proximity_avg": raw["proximity_avg"],
            "proximity_max": raw["proximity_max"],
        }
        return all(
            _bound(rules, f"{name}_{suffix}", value)
            for name, value in checks.items()
            for suffix in ("gte", "lte")
        )
    return _any_in(rules, "area_in", [raw["area"]])


# Examples for the fixtures


EXAMPLE_START = datetime(2024, 5, 30, 14, 13, 43, tzinfo=UTC)
EXAMPLE_ADDRESS = "http://127.0.0.1:8765"


def example_payloads(section: str, verbose: bool = False) -> list[dict[str, Any]]:
    """Build the example items of a section, as stored in tests/fixtures/findface/.

    A fresh simulator with a fixed seed and a wallclock that moves 2.5 s per
    reading makes them deterministic. Events: matched, unmatched, matched;
    episodes (of length 2): open, event, close; counters: one record per
    counter; areas: an activation starting and ending.
    """
    ticks = itertools.count()
    simulator = FindFaceSimulator(
        FindFaceSettings(
            verbose=verbose, seed=7, episode_length=2, external_address=EXAMPLE_ADDRESS
        ),
        clock=lambda: 0.0,
        wallclock=lambda: EXAMPLE_START + timedelta(seconds=2.5 * next(ticks)),
    )
    if section in EVENT_SECTIONS:
        return [
            *simulator.emit(section, matched=True, camera=1),
            *simulator.emit(section, matched=False, camera=2),
            *simulator.emit(section, matched=True, camera=3),
        ]
    if section in EPISODE_SECTIONS:
        return simulator.emit(section, count=3, matched=True, camera=1)
    if section == "counters":
        return [*simulator.emit(section, camera=3), *simulator.emit(section, camera=2)]
    if section == "areas":
        return simulator.emit(section, count=2, camera=1)
    raise ValueError(f"section must be one of {', '.join(SECTIONS)}")


def write_fixtures(directory: str | Path) -> list[Path]:
    """Write ``<section>_<default|verbose>.json`` example files; return their paths."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for section in SECTIONS:
        for mode in ("default", "verbose"):
            path = folder / f"{section}_{mode}.json"
            items = example_payloads(section, verbose=mode == "verbose")
            path.write_text(json.dumps(items, indent=2) + "\n", encoding="utf-8")
            written.append(path)
    return written


# Application wiring


FINDFACE_SIMULATOR = web.AppKey("FINDFACE_SIMULATOR", FindFaceSimulator)

ROUTES = web.RouteTableDef()

type _Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
type _SimHandler = Callable[[web.Request, FindFaceSimulator], Awaitable[web.StreamResponse]]


async def findface_context(app: web.Application) -> AsyncIterator[None]:
    """Run the webhook sender while the application runs (for ``app.cleanup_ctx``)."""
    simulator = app[FINDFACE_SIMULATOR]
    await simulator.start()
    yield
    await simulator.stop()


def _endpoint(call: str, *, auth: bool = True) -> Callable[[_SimHandler], _Handler]:
    """Wrap an API handler with counting, failure injection and token auth."""

    def decorate(handler: _SimHandler) -> _Handler:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            simulator = request.app[FINDFACE_SIMULATOR]
            simulator.learn_base_url(str(request.url.origin()))
            try:
                simulator.admit(call, request.headers, auth=auth)
                return await handler(request, simulator)
            except FindFaceApiError as err:
                return err.response()

        return wrapper

    return decorate


_admin: Admin[FindFaceSimulator] = admin_wrapper(
    FINDFACE_SIMULATOR,
    lambda message: _bad_param("body", message),
    before=lambda request, simulator: simulator.learn_base_url(str(request.url.origin())),
)


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        return await json_object(request)
    except ValueError as err:
        raise _bad_param("body", str(err)) from err


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o={offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("o="):
            raise ValueError(cursor)
        offset = int(text[2:])
    except (ValueError, binascii.Error) as err:
        raise _bad_param("page", "Invalid cursor") from err
    if offset < 0:
        raise _bad_param("page", "Invalid cursor")
    return offset


def _id_key(item: Mapping[str, Any]) -> int:
    return int(item["id"])


def _paged(
    request: web.Request, items: list[dict[str, Any]], *, count: bool = False, newest: bool = False
) -> web.Response:
    """Answer a cursor-paged list: ``{"next_page", "prev_page", "results"}``.

    Query: limit (1..1000, default 20), page (cursor), ordering (id or -id),
    id_in (comma-separated or repeated). Default order: ascending id, or
    newest first when newest.
    """
    wanted = {
        part.strip()
        for value in request.query.getall("id_in", [])
        for part in value.split(",")
        if part.strip()
    }
    if wanted:
        items = [item for item in items if str(item["id"]) in wanted]
    ordering = request.query.get("ordering", "-id" if newest else "id")
    items = sorted(items, key=_id_key, reverse=ordering.startswith("-"))
    try:
        limit = int(request.query.get("limit", "20"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise _bad_param("limit", f"limit must be an integer between 1 and {MAX_LIMIT}")
    offset = _decode_cursor(request.query["page"]) if "page" in request.query else 0
    end = offset + limit

    def link(position: int) -> str:
        return str(request.url.update_query(page=_encode_cursor(position)))

    body: dict[str, Any] = {
        "next_page": link(end) if end < len(items) else None,
        "prev_page": link(max(offset - limit, 0)) if offset > 0 else None,
        "results": items[offset:end],
    }
    if count:
        body["count"] = len(items)
    return web.json_response(body)


def _path_id(request: web.Request, name: str = "item_id") -> int:
    return int(request.match_info[name])


def _one(items: list[dict[str, Any]], item_id: str, what: str) -> web.Response:
    for item in items:
        if str(item["id"]) == item_id:
            return web.json_response(item)
    raise _not_found(f"{what} {item_id} not found")


def _register_list(
    path: str,
    call: str,
    what: str,
    source: Callable[[FindFaceSimulator], list[dict[str, Any]]],
    *,
    history: bool = False,
) -> None:
    """Add ``GET path`` (paged) and ``GET path{id}/`` for a collection."""

    async def listing(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
        return _paged(request, source(simulator), count=history, newest=history)

    async def detail(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
        return _one(source(simulator), request.match_info["item_id"], what)

    ROUTES.get(path)(_endpoint(call)(listing))
    ROUTES.get(path + r"{item_id:\d+}/")(_endpoint(call)(detail))


def _section_history(section: str) -> Callable[[FindFaceSimulator], list[dict[str, Any]]]:
    return lambda simulator: simulator.history(section)


_register_list("/cameras/", "cameras", "Camera", FindFaceSimulator.cameras)
_register_list("/camera-groups/", "camera_groups", "Camera group", FindFaceSimulator.camera_groups)
_register_list("/watch-lists/", "watch_lists", "Watch list", FindFaceSimulator.watch_lists)
_register_list("/cards/humans/", "human_cards", "Card", FindFaceSimulator.human_cards)
_register_list("/cards/cars/", "car_cards", "Card", FindFaceSimulator.car_cards)
_register_list("/counters/", "counters", "Counter", FindFaceSimulator.counters)
_register_list("/areas/", "areas", "Area", FindFaceSimulator.areas)
for _path, _section, _what in (
    ("/events/faces/", "face_events", "Event"),
    ("/events/bodies/", "body_events", "Event"),
    ("/events/cars/", "car_events", "Event"),
    ("/episodes/humans/", "human_episodes", "Episode"),
    ("/episodes/cars/", "car_episodes", "Episode"),
    ("/counter-records/", "counters", "Counter record"),
    ("/area-trigger-activations/", "areas", "Area activation"),
):
    _register_list(_path, _section, _what, _section_history(_section), history=True)


def _jpeg() -> web.Response:
    return web.Response(body=JPEG, content_type="image/jpeg")


@ROUTES.post("/auth/login/")
@_endpoint("login", auth=False)
async def _login(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    authorization = request.headers.get("Authorization", "")
    if not authorization.lower().startswith("basic "):
        raise _unauthorized("HTTP Basic credentials were not provided.")
    try:
        body = await request.json()
    except ValueError:
        body = None
    client_uuid = body.get("uuid") if isinstance(body, dict) else None
    return web.json_response(simulator.login(authorization, client_uuid))


@ROUTES.post("/auth/logout/")
@_endpoint("logout")
async def _logout(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    simulator.logout(simulator.check_token(request.headers.get("Authorization", "")))
    return web.json_response({})


@ROUTES.get(r"/cameras/{item_id:\d+}/screenshot/")
@_endpoint("screenshot")
async def _screenshot(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    simulator.camera(_path_id(request))
    return _jpeg()


@ROUTES.get("/uploads/{tail:.+}")
async def _uploads(request: web.Request) -> web.StreamResponse:
    return _jpeg()


@ROUTES.get("/hooks/")
@_endpoint("hooks")
async def _list_hooks(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    return _paged(request, simulator.hooks())


@ROUTES.post("/hooks/")
@_endpoint("hooks")
async def _create_hook(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    hook = simulator.create_hook(await _json_object(request))
    return web.json_response(hook, status=201)


@ROUTES.get(r"/hooks/{item_id:\d+}/")
@_endpoint("hooks")
async def _get_hook(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    return web.json_response(simulator.hook(_path_id(request)))


@ROUTES.patch(r"/hooks/{item_id:\d+}/")
@_endpoint("hooks")
async def _patch_hook(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    return web.json_response(simulator.update_hook(_path_id(request), body))


@ROUTES.delete(r"/hooks/{item_id:\d+}/")
@_endpoint("hooks")
async def _delete_hook(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    simulator.delete_hook(_path_id(request))
    return web.Response(status=204)


# Admin routes


def _optional_int(body: Mapping[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"{key} must be an integer or null")
    return value


@ROUTES.get("/_sim/findface/hooks")
@_admin
async def _admin_hooks(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    return web.json_response(simulator.hook_states())


@ROUTES.post("/_sim/findface/emit")
@_admin
async def _admin_emit(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    section = body.get("section")
    count = body.get("count", 1)
    matched = body.get("matched")
    if not isinstance(section, str):
        raise ValueError("section is a required string")
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError("count must be an integer")
    if matched is not None and not isinstance(matched, bool):
        raise ValueError("matched must be a boolean or null")
    items = simulator.emit(section, count, matched, _optional_int(body, "camera"))
    return web.json_response({"section": section, "items": items})


delivery_routes(ROUTES, "/_sim/findface/deliveries", "hook", _admin)


@ROUTES.post("/_sim/findface/settings")
@_admin
async def _admin_settings(request: web.Request, simulator: FindFaceSimulator) -> web.StreamResponse:
    body = await _json_object(request)
    verbose, interval = body.get("verbose"), body.get("emit_interval")
    if verbose is not None and not isinstance(verbose, bool):
        raise ValueError("verbose must be a boolean")
    if interval is not None and (
        isinstance(interval, bool) or not isinstance(interval, int | float)
    ):
        raise ValueError("emit_interval must be a number")
    if verbose is not None:
        simulator.set_verbose(verbose)
    if interval is not None:
        simulator.set_emit_interval(float(interval))
    settings = simulator.settings
    return web.json_response({"verbose": settings.verbose, "emit_interval": settings.emit_interval})


@ROUTES.post("/_sim/findface/cameras")
@_admin
async def _admin_add_camera(
    request: web.Request, simulator: FindFaceSimulator
) -> web.StreamResponse:
    name = (await _json_object(request)).get("name")
    if not isinstance(name, str):
        raise ValueError("name is a required string")
    return web.json_response({"id": simulator.add_camera(name)})


@ROUTES.delete(r"/_sim/findface/cameras/{item_id:\d+}")
@_admin
async def _admin_remove_camera(
    request: web.Request, simulator: FindFaceSimulator
) -> web.StreamResponse:
    simulator.remove_camera(_path_id(request))
    return web.json_response({"id": _path_id(request)})


@ROUTES.post(r"/_sim/findface/cameras/{item_id:\d+}/health")
@_admin
async def _admin_camera_health(
    request: web.Request, simulator: FindFaceSimulator
) -> web.StreamResponse:
    body = await _json_object(request)
    status, msg = body.get("status"), body.get("msg")
    if not isinstance(status, str) or (msg is not None and not isinstance(msg, str)):
        raise ValueError("status is a required string; msg an optional string")
    simulator.set_camera_health(_path_id(request), status, msg)
    return web.json_response(simulator.camera(_path_id(request)))


failure_route(ROUTES, "/_sim/findface/fail", _admin, one_message=True)


@ROUTES.post("/_sim/findface/expire-tokens")
@_admin
async def _admin_expire_tokens(
    request: web.Request, simulator: FindFaceSimulator
) -> web.StreamResponse:
    return web.json_response({"expired": simulator.expire_tokens()})
