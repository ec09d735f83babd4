"""Exactly once: redelivered FindFace and Camlytics events, FaceSpace lines across restarts.

Runs the demo stack (simulator generating nothing by itself, and a real ``hass`` process) with a
FindFace entry (no hooks on the simulator), a Camlytics entry and a FaceSpace entry (see
below), then sends ``--findface`` face events (10,000 by default, batches of 10, cameras 1 to
3, matched ones naming a card by id) and ``--camlytics`` analytic events (2,000, batches of 5,
on the simulator's channels) to their webhooks, as the servers would. The events of each
provider are split evenly over five scenarios, and in each ``--resend-share`` (20 %) of the
batches are sent again:

- ``immediate``: right after the first copy was answered;
- ``concurrent``: both copies at the same time, on two connections;
- ``late``: after ``--late-gap`` (20,000) newer events of the same provider (sent, not resent,
  and counted with the scenario);
- ``restart_sigterm``: after Home Assistant was stopped with SIGTERM and started again;
- ``restart_sigkill``: after Home Assistant was killed (SIGKILL, ``--kill-after`` seconds after
  the last answer) and started again.

Like the real senders, a batch answered 503 or cut off is sent again (up to ``--attempts``
times, a second apart); a 200 acknowledges it.

Exactly once is proven by ids on what fired: each event entity's state changes are watched live
(websocket ``subscribe_events`` of ``state_changed``), and each firing carries the event's id
(``event_id`` for FindFace, ``record_id`` for Camlytics). A firing is a state write whose state
(the fire time, to the millisecond) it follows at once, named by its ``last_updated`` (to the
microsecond, so two firings in one millisecond stay two); the state Home Assistant restores at
start-up names an earlier firing and is none (see ``firing``). An event acknowledged but never
seen firing is lost; one that fired twice (two firings, on one entity or two) is duplicated.

What the recorder kept is checked by counts, since the ids are not recorded (the event entities'
``_unrecorded_attributes``, so a burst's rows share their attributes): after the last scenario
and once the recorder's queue is empty, every state change of the entries' event entities since
the first event is read back through the websocket history API
(``history/history_during_period``, without the state at the start time). Each firing is one
row, told from the others (restored at start-up, ``unavailable``, ``unknown``) as above, and
named by the same ``last_updated``: the recorded firings are matched to the watcher's, which
gives each scenario's recorded events. After a SIGKILL the recorder loses what it had not
committed (its last seconds, within its commit interval), so ``restart_sigkill`` may show
``fired_not_recorded`` while every event fired once.

FaceSpace lines across restarts (``--facespace`` lines per scenario, 300 by default, at
``--facespace-rate`` a second): a FaceSpace entry with pushes on (the simulated client forwards
each new line to the webhook, unless ``--no-facespace-push``; Home Assistant also polls the logs
every 5 s). In ``facespace_sigterm`` and ``facespace_sigkill`` the simulator logs lines with
unique names (``Line sigterm 00000``...) on its three cameras, one after another; after a third
of them Home Assistant is stopped (SIGTERM, or SIGKILL), stays down ``--down-for`` seconds and
is started again, and the lines keep coming all along (``produced_by_phase``: before the stop,
while it stops, while down, while it starts, after its entries are loaded). Every line must fire
once on its camera's event entity, carrying its name (recorded) and its time as
``recognized_at`` (live only): produced, fired (seen live or recorded), lost (by phase),
duplicated (two firings of one name, live or recorded), wrong time (seen live).

Prints JSON: in ``results``, per provider and scenario the events sent, acknowledged (their
batch answered 200), fired (seen live, by id), recorded (fired and one of its firings recorded),
lost (acknowledged, never fired), ``fired_not_recorded``, never acknowledged, duplicated (fired
more than once) and the answers; in ``recorder_counts``, per provider the firings seen live
(``fired``) and recorded (``recorded``), ``fired_not_recorded`` (fired minus recorded, when
positive), ``extra_records`` (recorded minus fired, when positive), ``recorded_not_seen_live``
and the history rows by kind; ``totals`` per provider; the FaceSpace lines; the restarts' stop
and start times; start-up and run times. Exits 1 when an event or line is lost, duplicated or
never acknowledged, when a scenario other than ``restart_sigkill`` has an event fired and not
recorded, or when a provider has extra records.

Usage: ``.venv/bin/python -m benchmarks.exactly_once [--findface N] [--camlytics N]
[--late-gap N] [--facespace N]`` (the default run takes several minutes; ``--findface 1000
--camlytics 300 --late-gap 2000 --facespace 100`` about four; ``--findface 0 --camlytics 0``
runs the FaceSpace scenarios alone).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
import random
import time
from typing import Any

import aiohttp

from simulator.demo import DemoError, DemoStack

from .hass_api import (
    QUIET_SIMULATOR,
    HassWebsocket,
    add_state_dir_argument,
    camlytics_channels,
    history,
    progress,
    run_and_report,
    running_stack,
    sitewatch_entities,
    wait_for_recorder,
    webhook_diagnostics,
)

SCENARIOS = ("immediate", "concurrent", "late", "restart_sigterm", "restart_sigkill")
PROVIDERS = ("findface", "camlytics")
ID_ATTRIBUTE = {"findface": "event_id", "camlytics": "record_id"}
FACESPACE_SCENARIOS = ("facespace_sigterm", "facespace_sigkill")
FACESPACE_CAMERAS = ("Entrance", "Lobby", "Parking")
FACESPACE_LINE_TIME = "%H:%M:%S %d/%m/%y"
FINDFACE_FIRST_ID = 5_000_000_000_000_000_000
CAMLYTICS_FIRST_ID = 3_000_000_000


# The fields every benchmark face event shares: no episode, unacknowledged, one face box.
FINDFACE_EVENT_FIXED: dict[str, Any] = {
    "episode": None,
    "acknowledged": False,
    "acknowledged_date": None,
    "acknowledged_by": None,
    "frame_coords_left": 693,
    "frame_coords_top": 479,
    "frame_coords_right": 809,
    "frame_coords_bottom": 595,
}


def findface_event(event_id: int, rng: random.Random) -> dict[str, Any]:
    """A default-format face event on camera 1 to 3; matched ones name card 1 to 3 by id."""
    matched = rng.random() < 0.7
    uploads = f"http://127.0.0.1:8765/uploads/face_event/{event_id}"
    return {
        "id": str(event_id),
        "created_date": datetime.now(UTC).isoformat(),
        "bs_type": "realtime",
        "camera": rng.randint(1, 3),
        "camera_group": 1,
        "thumbnail": f"{uploads}_thumbnail.jpg",
        "fullframe": f"{uploads}_fullframe.jpg",
        "matched": matched,
        "matched_card": rng.randint(1, 3) if matched else None,
        "matched_lists": [1] if matched else [],
        "confidence": round(rng.uniform(0.5, 0.99), 4),
        "quality": round(rng.uniform(0.3, 0.9), 4),
        **FINDFACE_EVENT_FIXED,
        "features": {"age": rng.randint(18, 80), "gender": rng.choice(("male", "female"))},
    }


def camlytics_event(record_id: int, rng: random.Random, channels: list[str]) -> dict[str, Any]:
    """An analytic event as Camlytics' event webhook sends it (UTC time without offset)."""
    return {
        "record_id": record_id,
        "event_type": rng.choice(("TripwireCrossed", "RegionJoin", "RegionLeave")),
        "snapshot_id": -record_id,
        "trigger_id": None,
        "origin": rng.choice(("Pedestrian", "Vehicle", "Face")),
        "suborigin": "Unknown",
        "age_range": "",
        "gender": "",
        "id": None,
        "channel_id": rng.choice(channels),
        "object_id": rng.randint(1, 10_000),
        "location_id": 32,
        "event_time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
    }


def int_key(value: Any) -> int | None:
    """An event id carried as a number or its text; None for anything else."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Batch:
    """One webhook body: its events' ids and, once sent, its JSON."""

    ids: list[int]
    body: bytes = b""


@dataclass
class Outcome:
    """What one provider's sender saw in one scenario."""

    sent: set[int] = field(default_factory=set)
    acknowledged: set[int] = field(default_factory=set)
    batches: int = 0
    resent_batches: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    retries: int = 0


class Sender:
    """Sends one provider's batches like its server would: a non-200 is retried."""

    def __init__(
        self,
        provider: str,
        url: str,
        make_event: Callable[[int], dict[str, Any]],
        attempts: int,
    ) -> None:
        """Send to ``url``; ``make_event(id)`` builds one event."""
        self.provider = provider
        self.url = url
        self.make_event = make_event
        self.attempts = attempts

    def build(self, batch: Batch) -> Batch:
        """Fill the batch's body (once: a resend is the same bytes)."""
        if not batch.body:
            batch.body = json.dumps([self.make_event(event_id) for event_id in batch.ids]).encode()
        return batch

    async def post(self, session: aiohttp.ClientSession, batch: Batch, outcome: Outcome) -> None:
        """POST until answered 200 (or the attempts are used up)."""
        self.build(batch)
        outcome.sent.update(batch.ids)
        for attempt in range(self.attempts):
            try:
                async with session.post(
                    self.url, data=batch.body, headers={"Content-Type": "application/json"}
                ) as response:
                    await response.read()
                    answer = str(response.status)
            except TimeoutError:
                answer = "timeout"
            except aiohttp.ClientError as err:
                answer = f"error:{type(err).__name__}"
            outcome.answers[answer] += 1
            if answer == "200":
                outcome.acknowledged.update(batch.ids)
                return
            if answer.startswith("4"):
                return  # refused for good: the sender would not retry
            if attempt + 1 < self.attempts:
                outcome.retries += 1
                await asyncio.sleep(1)


class FiredWatcher:
    """Event entities' state changes as they happen (``subscribe_events`` on the websocket).

    Sees what was fired even when the recorder never commits it (a SIGKILL within its commit
    interval). Reconnect with ``start`` after each restart; changes fired in the instant
    before a SIGKILL may not reach the watcher.
    """

    def __init__(
        self,
        stack: DemoStack,
        attributes: dict[str, str],
        key: Callable[[Any], Hashable | None] = int_key,
        extra: str | None = None,
    ) -> None:
        """Watch the entities of ``attributes`` (entity id → attribute carrying the event id).

        ``key`` turns the attribute's value into the event's id (None: not one of ours);
        ``extra`` names an attribute whose value is kept with each change.
        """
        self.stack = stack
        self.attributes = attributes
        self.key = key
        self.extra = extra
        self.fired: dict[Any, set[tuple[str, ...]]] = {}
        self.ended: float | None = None
        """When (``time.monotonic()``) Home Assistant last ended the watch (None: not yet)."""
        self._task: asyncio.Task[None] | None = None

    async def start(self, session: aiohttp.ClientSession) -> None:
        """Connect and subscribe; returns once subscribed."""
        subscribed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._watch(session, subscribed))
        await subscribed

    async def stop(self) -> None:
        """Stop watching (after letting the last changes arrive)."""
        await asyncio.sleep(1)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, aiohttp.ClientError):
                await self._task
            self._task = None

    async def _watch(
        self, session: aiohttp.ClientSession, subscribed: asyncio.Future[None]
    ) -> None:
        try:
            async with HassWebsocket(session, self.stack) as socket:
                await socket.subscribe("state_changed")
                subscribed.set_result(None)
                async for event in socket.events():
                    new_state = event.get("data", {}).get("new_state") or {}
                    attribute = self.attributes.get(new_state.get("entity_id", ""))
                    if attribute is None:
                        continue
                    attributes = new_state.get("attributes") or {}
                    event_id = self.key(attributes.get(attribute))
                    if event_id is None:
                        continue
                    try:
                        last_updated = datetime.fromisoformat(new_state["last_updated"])
                    except (KeyError, TypeError, ValueError):
                        continue
                    fired = firing(new_state.get("state"), last_updated)
                    if fired is None:
                        continue  # a restored state, not a firing
                    change: tuple[str, ...] = (new_state["entity_id"], fired)
                    if self.extra is not None:
                        change += (str(attributes.get(self.extra)),)
                    self.fired.setdefault(event_id, set()).add(change)
            self.ended = time.monotonic()
        except (aiohttp.ClientError, DemoError, ConnectionError) as err:
            self.ended = time.monotonic()
            if not subscribed.done():
                subscribed.set_exception(err)


def split(first_id: int, count: int, size: int) -> list[Batch]:
    """``count`` consecutive ids from ``first_id`` in batches of ``size``."""
    return [
        Batch(list(range(start, min(start + size, first_id + count))))
        for start in range(first_id, first_id + count, size)
    ]


async def send_all(
    session: aiohttp.ClientSession,
    sender: Sender,
    batches: list[Batch],
    outcome: Outcome,
    connections: int,
    resend: Callable[[Batch], bool] | None = None,
    mode: str = "",
) -> list[Batch]:
    """Send the batches over ``connections`` workers; returns those chosen for a later resend.

    ``mode`` ``immediate`` resends a chosen batch right after its first answer, ``concurrent``
    sends both copies at once; otherwise the chosen batches are returned.
    """
    queue = iter(batches)
    later: list[Batch] = []

    async def worker() -> None:
        for batch in queue:
            outcome.batches += 1
            chosen = resend is not None and resend(batch)
            if chosen and mode == "concurrent":
                outcome.resent_batches += 1
                sender.build(batch)
                await asyncio.gather(
                    sender.post(session, batch, outcome), sender.post(session, batch, outcome)
                )
                continue
            await sender.post(session, batch, outcome)
            if chosen and mode == "immediate":
                outcome.resent_batches += 1
                await sender.post(session, batch, outcome)
            elif chosen:
                later.append(batch)

    await asyncio.gather(*(worker() for _ in range(connections)))
    return later


async def resend_later(
    session: aiohttp.ClientSession,
    sender: Sender,
    batches: list[Batch],
    outcome: Outcome,
    connections: int,
) -> None:
    """Send the chosen batches again."""
    outcome.resent_batches += len(batches)
    queue = iter(batches)

    async def worker() -> None:
        for batch in queue:
            await sender.post(session, batch, outcome)

    await asyncio.gather(*(worker() for _ in range(connections)))


FIRING_WITHIN = 1.0
"""Seconds: a state written this long after the fire time it names is no firing (a restore)."""


def fire_time(state: Any) -> float | None:
    """The Unix time an event entity's state names; None for a state that is no time."""
    try:
        return datetime.fromisoformat(str(state)).timestamp()
    except ValueError:
        return None


def firing(state: Any, last_updated: datetime) -> str | None:
    """The firing a state write of an event entity is, or None when it is none.

    An event entity's state is the time it last fired, to the millisecond (``unknown`` before
    its first event, ``unavailable`` while it is), and each firing writes it at once: the write's
    ``last_updated`` follows that time within ``FIRING_WITHIN``. Two firings in one millisecond
    share their state but not their ``last_updated``, which names the firing (ISO text, to the
    microsecond). The state Home Assistant restores at start-up, or writes again when the
    entity becomes available, names an earlier firing and is none.
    """
    fired_at = fire_time(state)
    if fired_at is None or not 0 <= last_updated.timestamp() - fired_at < FIRING_WITHIN:
        return None
    return last_updated.isoformat()


@dataclass
class Recorded:
    """What the recorder kept of some event entities since a time (their history rows).

    Each firing is one row (see ``firing``); the other rows are restored states, availability
    changes and the like.
    """

    rows: int = 0
    """History rows returned, of every kind."""
    changes: set[tuple[str, str]] = field(default_factory=set)
    """The firings recorded since the start: (entity id, ``firing``)."""
    other_rows: Counter[str] = field(default_factory=Counter)
    """Rows that are no firing since the start, by kind: ``restored`` (a state naming an
    earlier firing, as at start-up), ``before_start``, or the state (``unavailable``...)."""
    by_key: dict[Any, set[tuple[str, str]]] = field(default_factory=dict)
    """Per key of the recorded ``attribute`` (when given), the firings carrying it."""

    def report(self) -> dict[str, Any]:
        """The rows by kind, as printed."""
        return {"history_rows": self.rows, "other_rows": dict(self.other_rows)}


async def recorded(
    socket: HassWebsocket,
    entity_ids: list[str],
    start: float,
    attribute: str | None = None,
    key: Callable[[Any], Hashable | None] = int_key,
) -> Recorded:
    """The firings of the entities recorded since the Unix time ``start`` (history API).

    With ``attribute`` (a recorded one, such as FaceSpace's ``name``), the firings are also
    grouped by ``key`` of its value (None: not one of ours). Per-event ids are not recorded
    (``_unrecorded_attributes``), so the recorder is checked by counts and by firings, not by
    ids.
    """
    found = Recorded()
    for entity_id in entity_ids:
        rows = (await history(socket, [entity_id], start)).get(entity_id, [])
        found.rows += len(rows)
        for row in rows:
            state, last_updated = row.get("s"), float(row.get("lu") or 0)
            # As Home Assistant makes the state's last_updated from its Unix time: the same text.
            fired = firing(state, datetime.fromtimestamp(last_updated, UTC))
            if fired is None or last_updated < start:
                kind = "before_start" if last_updated < start else "restored"
                found.other_rows[kind if fire_time(state) else str(state)[:20]] += 1
                continue
            change = (entity_id, fired)
            found.changes.add(change)
            if attribute is not None:
                event_key = key((row.get("a") or {}).get(attribute))
                if event_key is not None:
                    found.by_key.setdefault(event_key, set()).add(change)
    return found


def tally(
    outcome: Outcome, fired: dict[Any, set[tuple[str, ...]]], records: Recorded
) -> dict[str, Any]:
    """Sent, acknowledged, fired, lost, duplicated and recorded events of one scenario.

    Lost and duplicated are by id, from what fired (the watcher). An event counts as recorded
    when one of its firings (entity and ``last_updated``) is among the recorder's.
    """
    fired_ids = {event_id for event_id in outcome.sent if event_id in fired}
    duplicated = {event_id for event_id in fired_ids if len(fired[event_id]) > 1}
    recorded_ids = {
        event_id
        for event_id in fired_ids
        if any(change[:2] in records.changes for change in fired[event_id])
    }
    return {
        "sent": len(outcome.sent),
        "batches": outcome.batches,
        "resent_batches": outcome.resent_batches,
        "acknowledged": len(outcome.acknowledged),
        "fired": len(fired_ids),
        "recorded": len(recorded_ids),
        "lost": len(outcome.acknowledged - fired_ids),
        "fired_not_recorded": len(fired_ids - recorded_ids),
        "never_acknowledged": len(outcome.sent - outcome.acknowledged),
        "duplicated": len(duplicated),
        "answers": dict(outcome.answers),
        "retries": outcome.retries,
    }


def recorder_counts(
    entity_ids: list[str], fired: dict[Any, set[tuple[str, ...]]], records: Recorded
) -> dict[str, Any]:
    """The recorder's firings of the entities against those fired to them (the watcher's).

    ``recorded``: firings recorded; ``fired``: firings seen live; ``fired_not_recorded`` and
    ``extra_records``: their difference either way (0 when not positive);
    ``recorded_not_seen_live``: recorded firings the watcher did not see (by entity and
    ``last_updated``), plus the history rows by kind.
    """
    entities = set(entity_ids)
    fired_changes = {
        change[:2] for changes in fired.values() for change in changes if change[0] in entities
    }
    recorded_changes = {change for change in records.changes if change[0] in entities}
    return {
        "fired": len(fired_changes),
        "recorded": len(recorded_changes),
        "fired_not_recorded": max(0, len(fired_changes) - len(recorded_changes)),
        "extra_records": max(0, len(recorded_changes) - len(fired_changes)),
        "recorded_not_seen_live": len(recorded_changes - fired_changes),
        **records.report(),
    }


@dataclass
class Produced:
    """One log line the simulated FaceSpace wrote: its camera, text, expected event time."""

    camera: str
    line: str
    recognized_at: str
    phase: str


class LineProducer:
    """Makes the simulated FaceSpace log one line after another at a steady rate.

    Uses the admin route ``POST /_sim/facespace/recognize`` (camera and name given; the time
    is the simulator's now), so the line is logged (``GET /facespace/logs``) and pushed to the
    simulator's push targets. Every name is unique (``<prefix> <number>``), so each line is
    one event that can be found again by its ``name`` attribute. ``phase`` tells what Home
    Assistant was doing when each line was made.
    """

    def __init__(
        self, session: aiohttp.ClientSession, stack: DemoStack, prefix: str, rate: float
    ) -> None:
        """Produce ``rate`` lines a second named ``<prefix> 00000``, ``<prefix> 00001``..."""
        self.session = session
        self.stack = stack
        self.prefix = prefix
        self.rate = rate
        self.phase = "before_stop"
        self.produced: dict[str, Produced] = {}
        self.failures: Counter[str] = Counter()
        self.milestone = asyncio.Event()
        """Set once ``milestone_at`` lines were asked for (see ``run``)."""

    async def run(self, count: int, milestone_at: int = 0) -> None:
        """Make ``count`` lines, cameras in turn, at the producer's rate.

        Sets ``milestone`` once ``milestone_at`` lines were asked for (or at the end).
        """
        started = time.monotonic()
        for index in range(count):
            if index >= milestone_at:
                self.milestone.set()
            name = f"{self.prefix} {index:05d}"
            camera = FACESPACE_CAMERAS[index % len(FACESPACE_CAMERAS)]
            try:
                async with self.session.post(
                    f"{self.stack.simulator_url}/_sim/facespace/recognize",
                    json={"camera": camera, "name": name},
                ) as response:
                    answer = await response.json()
                    if response.status == 200:
                        line = str(answer["line"])
                        moment = datetime.strptime(
                            line.rpartition(" @ ")[2], FACESPACE_LINE_TIME
                        ).replace(tzinfo=UTC)
                        self.produced[name] = Produced(camera, line, moment.isoformat(), self.phase)
                    else:
                        self.failures[str(response.status)] += 1
            except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as err:
                self.failures[type(err).__name__] += 1
            delay = started + (index + 1) / self.rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        self.milestone.set()


def name_key(prefix: str) -> Callable[[Any], str | None]:
    """The ``name`` attribute when it is one of the benchmark's lines (starts with prefix)."""

    def key(value: Any) -> str | None:
        return value if isinstance(value, str) and value.startswith(prefix) else None

    return key


async def facespace_restart(
    session: aiohttp.ClientSession,
    stack: DemoStack,
    entity_ids: list[str],
    entry_ids: list[str],
    scenario: str,
    args: argparse.Namespace,
) -> tuple[LineProducer, FiredWatcher, dict[str, Any]]:
    """Produce FaceSpace lines while Home Assistant is stopped, down, started again.

    A third of ``args.facespace`` lines are made before the stop (SIGTERM, or SIGKILL for
    ``facespace_sigkill``); the producer keeps going while Home Assistant stops, during
    ``args.down_for`` seconds down, while it starts, and after its entries are loaded.
    Then waits ``args.settle`` seconds for the last poll.

    Returns:
        The producer (lines made, by phase), the live watcher of the cameras' event entities,
        and the restart's times and exit code.
    """
    kill = scenario.endswith("sigkill")
    producer = LineProducer(session, stack, f"Line {scenario[10:]}", args.facespace_rate)
    watcher = FiredWatcher(
        stack,
        dict.fromkeys(entity_ids, "name"),
        key=name_key(producer.prefix),
        extra="recognized_at",
    )
    await watcher.start(session)
    producing = asyncio.create_task(producer.run(args.facespace, args.facespace // 3))
    await producer.milestone.wait()
    producer.phase = "stopping"
    restart = await stack.async_stop_hass(kill=kill)
    await watcher.stop()
    producer.phase = "down"
    await asyncio.sleep(args.down_for)
    restart["down_s"] = args.down_for
    producer.phase = "starting"
    started = time.monotonic()
    stack.start_hass()
    await stack.wait_until_up(session)
    # Watch from the moment the API answers: the entries' lines fire while they load.
    await watcher.start(session)
    for entry_id in entry_ids:
        await stack.wait_for_entry(session, entry_id, within=120)
    restart["start_s"] = round(time.monotonic() - started, 2)
    producer.phase = "after_start"
    await producing
    restart["produced_until_s"] = round(time.monotonic() - started, 2)
    await asyncio.sleep(args.settle)
    await watcher.stop()
    return producer, watcher, restart


def facespace_tally(
    producer: LineProducer, records: Recorded, fired: dict[Any, set[tuple[str, ...]]]
) -> dict[str, Any]:
    """Produced, fired, recorded, lost, duplicated lines of one FaceSpace restart.

    Lines are told apart by their ``name`` (recorded); a firing is an entity and its write's
    ``last_updated`` (see ``firing``). A line counts as fired when it was seen live or recorded.
    Duplicated: fired twice (two different firings), counting what was seen live and what was
    recorded together (around a SIGKILL the recorder may miss the first firing, uncommitted, and the
    watcher the second, fired before it reconnected). Wrong time: a firing seen live whose
    ``recognized_at`` (not recorded) is not the line's time. Unknown: an event named like the
    scenario's lines but never produced. ``duplicated_examples``: up to five duplicated lines with
    their firings' ``last_updated`` (all, and those recorded).
    """
    recorded_lines = records.by_key
    produced = set(producer.produced)
    ours = {name for name in (*recorded_lines, *fired) if str(name).startswith(producer.prefix)}
    recorded_names = produced & set(recorded_lines)
    live_names = produced & set(fired)
    fired_names = recorded_names | live_names
    lost = produced - fired_names

    def doubled(changes: Mapping[Any, Iterable[tuple[str, ...]]]) -> set[str]:
        return {
            name
            for name in produced & set(changes)
            if len({change[:2] for change in changes[name]}) > 1
        }

    duplicated_recorded = doubled(recorded_lines)
    duplicated_fired = doubled(fired)
    duplicated = doubled(
        {name: {*recorded_lines.get(name, ()), *fired.get(name, ())} for name in fired_names}
    )
    wrong_time = {
        name
        for name in live_names
        for change in fired[name]
        if change[2] != producer.produced[name].recognized_at
    }
    by_phase = Counter(line.phase for line in producer.produced.values())
    lost_by_phase = Counter(producer.produced[name].phase for name in lost)
    return {
        "produced": len(produced),
        "produced_by_phase": dict(by_phase),
        "producer_failures": dict(producer.failures),
        "fired": len(fired_names),
        "fired_live": len(live_names),
        "recorded": len(recorded_names),
        "fired_not_recorded": len(live_names - recorded_names),
        "lost": len(lost),
        "lost_by_phase": dict(lost_by_phase),
        "lost_examples": sorted(producer.produced[name].line for name in lost)[:5],
        "duplicated": len(duplicated),
        "duplicated_recorded": len(duplicated_recorded),
        "duplicated_fired": len(duplicated_fired),
        "duplicated_by_phase": dict(Counter(producer.produced[name].phase for name in duplicated)),
        "duplicated_examples": [
            {
                "line": producer.produced[name].line,
                "phase": producer.produced[name].phase,
                "fired_at": sorted(
                    {change[1] for change in (*recorded_lines.get(name, ()), *fired.get(name, ()))}
                ),
                "recorded": sorted(change[1] for change in recorded_lines.get(name, ())),
            }
            for name in sorted(duplicated)[:5]
        ],
        "wrong_time": len(wrong_time),
        "unknown_fired": len(ours - produced),
    }


async def facespace_push_counters(
    session: aiohttp.ClientSession, stack: DemoStack
) -> list[dict[str, Any]]:
    """The simulator's push targets with their delivery counters (sent, failed, dropped)."""
    async with session.get(f"{stack.simulator_url}/_sim/facespace/push-targets") as response:
        targets: list[dict[str, Any]] = await response.json()
    return targets


async def wait_for_event_entities(
    session: aiohttp.ClientSession, stack: DemoStack, entry_id: str, count: int, within: float = 60
) -> list[str]:
    """The entry's event entities once there are ``count`` of them; DemoError after ``within``."""
    deadline = time.monotonic() + within
    while True:
        async with HassWebsocket(session, stack) as socket:
            found = await sitewatch_entities(socket, entry_id, "event")
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise DemoError(f"{len(found)} event entities after {within:.0f} s, not {count}")
        await asyncio.sleep(0.5)


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """Start the stack, run the scenarios, count; the report and whether nothing went wrong."""
    rng = random.Random(args.seed)
    report: dict[str, Any] = {
        "events": {
            "findface": args.findface,
            "camlytics": args.camlytics,
            "facespace": args.facespace,
        },
        "resend_share": args.resend_share,
        "late_gap": args.late_gap,
        "seed": args.seed,
    }
    outcomes = {(p, s): Outcome() for p in PROVIDERS for s in SCENARIOS}
    timings: dict[str, float] = {}
    restarts: dict[str, Any] = {}
    async with running_stack(args.state_dir, simulator_args=QUIET_SIMULATOR) as run:
        stack, setup = run.stack, run.session
        entries = {
            "findface": await stack.add_findface_entry(setup, register_hooks=False),
            "camlytics": await stack.add_camlytics_entry(setup),
        }
        for entry_id in entries.values():
            await stack.wait_for_entry(setup, entry_id)
        urls = {
            provider: f"{stack.hass_url}/api/webhook/"
            f"{await stack.wait_for_webhook_id(entry_id)}"
            + ("?section=face_events" if provider == "findface" else "")
            for provider, entry_id in entries.items()
        }
        channels = await camlytics_channels(setup, stack)
        async with HassWebsocket(setup, stack) as socket:
            event_entities = {
                "findface": await sitewatch_entities(socket, entries["findface"], "event")
            }
        # Camlytics' channels (one event entity each) come after setup, in the background.
        event_entities["camlytics"] = await wait_for_event_entities(
            setup, stack, entries["camlytics"], len(channels)
        )
        all_entries = list(entries.values())
        facespace_entry: str | None = None
        if args.facespace:
            facespace_entry = await stack.add_facespace_entry(setup)
            await stack.wait_for_entry(setup, facespace_entry)
            secret = await stack.enable_facespace_push(setup, facespace_entry)
            if not args.no_facespace_push:
                await stack.add_facespace_push_target(setup, facespace_entry, secret)
            all_entries.append(facespace_entry)
            facespace_entities = await wait_for_event_entities(
                setup, stack, facespace_entry, len(FACESPACE_CAMERAS)
            )
        timings["start_to_entries_loaded_s"] = run.since_start()
        progress(f"exactly_once: stack up in {timings['start_to_entries_loaded_s']} s")
        senders = {
            "findface": Sender(
                "findface",
                urls["findface"],
                lambda event_id: findface_event(event_id, rng),
                args.attempts,
            ),
            "camlytics": Sender(
                "camlytics",
                urls["camlytics"],
                lambda event_id: camlytics_event(event_id, rng, channels),
                args.attempts,
            ),
        }
        counts = {"findface": args.findface, "camlytics": args.camlytics}
        sizes = {"findface": args.findface_batch, "camlytics": args.camlytics_batch}
        next_id = {"findface": FINDFACE_FIRST_ID, "camlytics": CAMLYTICS_FIRST_ID}
        watcher = FiredWatcher(
            stack,
            {
                entity_id: ID_ATTRIBUTE[p]
                for p, entity_ids in event_entities.items()
                for entity_id in entity_ids
            },
        )
        first_sent = time.time()

        def batches_of(provider: str, count: int) -> list[Batch]:
            first = next_id[provider]
            next_id[provider] += count
            return split(first, count, sizes[provider])

        resend_share: float = args.resend_share

        def choose(_: Batch) -> bool:
            return rng.random() < resend_share

        connector = aiohttp.TCPConnector(limit=4 * args.connections)
        timeout = aiohttp.ClientTimeout(total=120)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            await watcher.start(session)
            for scenario in SCENARIOS if args.findface or args.camlytics else ():
                if scenario.startswith("restart"):
                    # The late gap's backlog is written first: the restart is about the
                    # redelivery, not about stopping while the recorder catches up.
                    async with HassWebsocket(session, stack) as socket:
                        drained = await wait_for_recorder(socket)
                    timings[f"recorder_drain_before_{scenario}_s"] = drained["drain_s"]
                scenario_started = time.monotonic()
                share = {
                    p: counts[p] // len(SCENARIOS)
                    + (1 if SCENARIOS.index(scenario) < counts[p] % len(SCENARIOS) else 0)
                    for p in PROVIDERS
                }
                mode = scenario if scenario in ("immediate", "concurrent") else "later"
                chosen = await asyncio.gather(
                    *(
                        send_all(
                            session,
                            senders[p],
                            batches_of(p, share[p]),
                            outcomes[p, scenario],
                            args.connections,
                            choose,
                            mode,
                        )
                        for p in PROVIDERS
                    )
                )
                later = dict(zip(PROVIDERS, chosen, strict=True))
                if scenario == "late":
                    await asyncio.gather(
                        *(
                            send_all(
                                session,
                                senders[p],
                                batches_of(p, args.late_gap),
                                outcomes[p, scenario],
                                args.connections,
                            )
                            for p in PROVIDERS
                        )
                    )
                elif scenario.startswith("restart"):
                    kill = scenario == "restart_sigkill"
                    if kill:
                        await asyncio.sleep(args.kill_after)
                    if not kill:
                        await watcher.stop()
                    restarts[scenario] = await stack.restart_hass(session, all_entries, kill=kill)
                    await watcher.stop()
                    await watcher.start(session)
                if later:
                    await asyncio.gather(
                        *(
                            resend_later(
                                session,
                                senders[p],
                                later[p],
                                outcomes[p, scenario],
                                args.connections,
                            )
                            for p in PROVIDERS
                        )
                    )
                timings[f"{scenario}_s"] = round(time.monotonic() - scenario_started, 1)
                progress(f"  {scenario} done ({timings[f'{scenario}_s']} s)")
            facespace_runs: dict[str, tuple[LineProducer, FiredWatcher]] = {}
            if facespace_entry is not None:
                for scenario in FACESPACE_SCENARIOS:
                    scenario_started = time.monotonic()
                    producer, facespace_watcher, restarts[scenario] = await facespace_restart(
                        session, stack, facespace_entities, all_entries, scenario, args
                    )
                    facespace_runs[scenario] = (producer, facespace_watcher)
                    timings[f"{scenario}_s"] = round(time.monotonic() - scenario_started, 1)
                    progress(f"  {scenario} done ({timings[f'{scenario}_s']} s)")
                # The main watcher's connection ended with the restarts.
                await watcher.stop()
                await watcher.start(session)
            stack.check_running()
            await watcher.stop()
            async with HassWebsocket(session, stack) as socket:
                report["recorder"] = await wait_for_recorder(socket)
                counted_started = time.monotonic()
                recorded_entities = {
                    p: await sitewatch_entities(socket, entries[p], "event") for p in PROVIDERS
                }
                records = {
                    p: await recorded(socket, recorded_entities[p], first_sent - 1)
                    for p in PROVIDERS
                }
                facespace_records = (
                    await recorded(
                        socket, facespace_entities, first_sent - 1, "name", name_key("Line ")
                    )
                    if facespace_entry is not None
                    else Recorded()
                )
                timings["count_s"] = round(time.monotonic() - counted_started, 1)
            report["webhook_counters"] = {
                p: await webhook_diagnostics(session, stack, entries[p]) for p in PROVIDERS
            }
            if facespace_entry is not None:
                report["webhook_counters"]["facespace"] = await webhook_diagnostics(
                    session, stack, facespace_entry
                )
                report["facespace_pushes"] = await facespace_push_counters(session, stack)
    report["log"] = run.log
    timings["total_s"] = run.total_s
    results: dict[str, dict[str, Any]] = {}
    failed = False
    recorder: dict[str, dict[str, Any]] = {}
    for provider in PROVIDERS:
        results[provider] = {}
        for scenario in SCENARIOS:
            row = tally(outcomes[provider, scenario], watcher.fired, records[provider])
            results[provider][scenario] = row
            failed |= bool(
                row["lost"]
                or row["duplicated"]
                or row["never_acknowledged"]
                # A SIGKILL loses the recorder's uncommitted seconds; any other miss is a defect.
                or (row["fired_not_recorded"] and scenario != "restart_sigkill")
            )
        recorder[provider] = recorder_counts(
            recorded_entities[provider], watcher.fired, records[provider]
        )
        failed |= bool(recorder[provider]["extra_records"])
    report["results"] = results
    report["recorder_counts"] = recorder
    if facespace_runs:
        report["facespace"] = {
            "lines_per_scenario": args.facespace,
            "rate_per_s": args.facespace_rate,
            "pushes": not args.no_facespace_push,
        }
    for scenario, (producer, facespace_watcher) in facespace_runs.items():
        row = facespace_tally(producer, facespace_records, facespace_watcher.fired)
        report["facespace"][scenario] = row
        failed |= bool(
            row["lost"]
            or row["duplicated"]
            or row["wrong_time"]
            or row["unknown_fired"]
            or row["producer_failures"]
        )
    report["totals"] = {
        provider: {
            key: sum(results[provider][s][key] for s in SCENARIOS)
            for key in (
                "sent",
                "acknowledged",
                "fired",
                "recorded",
                "lost",
                "fired_not_recorded",
                "duplicated",
            )
        }
        for provider in PROVIDERS
    }
    report["restarts"] = restarts
    report["timings"] = timings
    report["passed"] = not failed
    return report, not failed


def main() -> None:
    """Command line: run, print the report, exit 1 when an event was lost or doubled."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findface", type=int, default=10_000, help="FindFace events (10000)")
    parser.add_argument("--camlytics", type=int, default=2_000, help="Camlytics events (2000)")
    parser.add_argument("--findface-batch", type=int, default=10, help="events per batch (10)")
    parser.add_argument("--camlytics-batch", type=int, default=5, help="events per batch (5)")
    parser.add_argument(
        "--resend-share", type=float, default=0.2, help="share of batches resent (0.2)"
    )
    parser.add_argument(
        "--late-gap",
        type=int,
        default=20_000,
        help="newer events per provider before the late resends (20000)",
    )
    parser.add_argument(
        "--kill-after",
        type=float,
        default=1.0,
        help="seconds between the last answer and SIGKILL (1)",
    )
    parser.add_argument(
        "--facespace",
        type=int,
        default=300,
        help="FaceSpace lines per restart scenario (300; 0: no FaceSpace scenarios)",
    )
    parser.add_argument(
        "--facespace-rate", type=float, default=4.0, help="FaceSpace lines a second (4)"
    )
    parser.add_argument(
        "--no-facespace-push",
        action="store_true",
        help="the simulated FaceSpace client does not forward lines: polling alone",
    )
    parser.add_argument(
        "--down-for",
        type=float,
        default=5.0,
        help="seconds Home Assistant stays down in the FaceSpace restarts (5)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=15.0,
        help="seconds after the last FaceSpace line before the next step (15)",
    )
    parser.add_argument("--connections", type=int, default=4, help="connections per provider")
    parser.add_argument("--attempts", type=int, default=60, help="tries per batch (60)")
    parser.add_argument("--seed", type=int, default=11, help="seed of the generator (11)")
    add_state_dir_argument(parser)
    run_and_report("exactly_once", run, parser.parse_args())


if __name__ == "__main__":
    main()
