"""The simulated FindFace world: cameras, hooks and the event generators."""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
import random
import re
from typing import Any

from ..plugin import Simulated
from ..sender import (
    SendsWebhooks,
    Ticker,
    WebhookSender,
)
from .catalogue import FindFaceCatalogue
from .model import (
    _AREAS,
    _CAMERA_GROUPS,
    _CAR_BODIES,
    _CAR_CARDS,
    _CAR_COLORS,
    _CAR_MODELS,
    _CLOTHES_COLORS,
    _COUNTERS,
    _DEFAULT_CAMERAS,
    _EMOTIONS,
    _EVENT_KIND,
    _EXTRA_CAMERA_NAMES,
    _HUMAN_CARDS,
    _MIX,
    EPISODE_SECTIONS,
    EVENT_ID_BASE,
    EVENT_SECTIONS,
    MAX_EMIT,
    MAX_HISTORY,
    SECTIONS,
    USER_AGENT,
    _accepts,
    _Activation,
    _Camera,
    _Card,
    _Episode,
    _Hook,
    _iso,
    _Item,
    _not_found,
    _Queued,
)
from .settings import FindFaceSettings


class FindFaceState(
    Simulated[FindFaceSettings], FindFaceCatalogue, SendsWebhooks, settings=FindFaceSettings
):
    """The simulated server's world: cameras, hooks, and the generated events."""

    def _setup(self) -> None:
        """Create the default catalogue."""
        self._rng = random.Random(self.settings.seed)
        self._learned_address: str | None = None
        now = self._wallclock()
        self._created = now
        self._cameras: dict[int, _Camera] = {}
        self._camera_seq = 0
        self._human_cards = {card[0]: _Card(*card) for card in _HUMAN_CARDS}
        self._car_cards = {card[0]: _Card(*card) for card in _CAR_CARDS}
        self._counter_now: dict[int, tuple[int, int, int]] = {c[0]: (0, 0, 0) for c in _COUNTERS}
        self._tokens: dict[str, float] = {}
        self._ticker = Ticker(
            lambda: self.settings.emit_interval / self.settings.speed, self.emit_mix
        )
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

    # Test hooks

    def add_camera(self, name: str) -> int:
        """Add an active camera with GREEN health to camera group 1 and return its id."""
        if not name.strip():
            raise ValueError("A camera needs a name")
        offset = 0.0003 * (self._camera_seq + 1)
        return self._add_camera(name, 50.0755 + offset, 14.4378 + offset, 0.0).id

    def emit(
        self,
        section: str,
        count: int = 1,
        matched: bool | None = None,
        camera: int | None = None,
        counter: int | None = None,
    ) -> list[dict[str, Any]]:
        """Generate count items of a section and queue them to every hook that wants them.

        Args:
            section: one of SECTIONS.
            count: how many items (0 to MAX_EMIT).
            matched: for events and new episodes, force matched (True) or
                unmatched (False); random if None. Ignored for counters and areas.
            camera: the camera the items come from; random if None. For
                counters and areas, one whose counter or area covers the camera.
            counter: for counters, the counter the records are of (it must cover the
                camera given); random if None. Ignored for other sections.

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
        if counter is not None and section == "counters":
            covering = [entry for entry in _COUNTERS if entry[0] == counter]
            if not covering or (camera is not None and camera not in covering[0][2]):
                raise ValueError(f"Unknown counter {counter}, or not on camera {camera}")
        items = [self._generate(section, matched, camera, counter) for _ in range(count)]
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

    # Generators

    def _generate(
        self, section: str, matched: bool | None, camera: int | None, counter: int | None = None
    ) -> _Item:
        if section in EVENT_SECTIONS:
            chosen = self._pick_camera(camera)
            card = self._pick_card(section, matched)
            raw = self._event(section, chosen, card, None, self._wallclock())
            item = _Item(section, raw, raw, [chosen.id], [chosen.group])
        elif section in EPISODE_SECTIONS:
            item = self._episode_step(section, matched, camera)
        elif section == "counters":
            item = self._counter_record(camera, counter)
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
            # An unmatched event's closest card (below the match threshold): the same score.
            "looks_like_confidence": None if matched else round(confidence, 4),
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
        raw = self._episode_json(episode, now, closed=episode_type == "episode_close")
        return _Item(
            section, raw, raw, [episode.camera], [episode.camera_group], episode_type=episode_type
        )

    @staticmethod
    def _episode_json(episode: _Episode, now: datetime, *, closed: bool) -> dict[str, Any]:
        """An episode as FindFace serializes it, its events embedded; closed at now if closed."""
        kind = "car" if episode.section == "car_episodes" else "face"
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
        return raw

    def _covering[T: tuple[Any, ...]](
        self, table: Sequence[T], camera_id: int | None, what: str
    ) -> T:
        """A random counter or area of table that covers camera_id (or any existing camera).

        Raises:
            ValueError: none does ("No <what> covers that camera", or "No <what>").
        """
        covering = [
            entry
            for entry in table
            if any(camera in self._cameras for camera in entry[2])
            and (camera_id is None or camera_id in entry[2])
        ]
        if not covering:
            raise ValueError(f"No {what} covers that camera" if camera_id else f"No {what}")
        return self._rng.choice(covering)

    def _counter_record(self, camera_id: int | None, counter: int | None = None) -> _Item:
        rng = self._rng
        table = [entry for entry in _COUNTERS if counter is None or entry[0] == counter]
        counter_id, _, counter_cameras, cars_only = self._covering(table, camera_id, "counter")
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
        area_id, _, area_cameras = self._covering(_AREAS, camera_id, "area")
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

    def _hook(self, hook_id: int) -> _Hook:
        hook = self._hooks.get(hook_id)
        if hook is None:
            raise _not_found(f"Hook {hook_id} not found")
        return hook
