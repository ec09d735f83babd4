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
times, a second apart); a 200 acknowledges it. After the last scenario and once the recorder's
queue is empty, every state change of the entries' event entities is read back through the
websocket history API (``history/history_during_period``): each fired event is one state change
carrying the event's id (``event_id`` for FindFace, ``record_id`` for Camlytics). An event
recorded with two different event times was delivered twice; the state Home Assistant restores
at start-up carries the same time as before and is not counted again. (Two copies fired in the
same millisecond would have identical states, which Home Assistant does not record twice.)

FaceSpace lines across restarts (``--facespace`` lines per scenario, 300 by default, at
``--facespace-rate`` a second): a FaceSpace entry with pushes on (the simulated client forwards
each new line to the webhook, unless ``--no-facespace-push``; Home Assistant also polls the logs
every 5 s). In ``facespace_sigterm`` and ``facespace_sigkill`` the simulator logs lines with
unique names (``Line sigterm 00000``...) on its three cameras, one after another; after a third
of them Home Assistant is stopped (SIGTERM, or SIGKILL), stays down ``--down-for`` seconds and
is started again, and the lines keep coming all along (``produced_by_phase``: before the stop,
while it stops, while down, while it starts, after its entries are loaded). Every line must fire
once on its camera's event entity, carrying its name and its time as ``recognized_at``:
produced, fired (seen live or recorded), lost (by phase), duplicated, wrong time.

Each event entity's state changes are also watched live (websocket ``subscribe_events``), so
an event fired but never committed by the recorder (a SIGKILL within its 5 s commit interval)
is told apart from one never fired.

Prints JSON: per provider and scenario the events sent, acknowledged (their batch answered
200), fired (seen live), recorded (read back from the recorder), lost (acknowledged but never
recorded; ``acknowledged_not_fired`` and ``fired_not_recorded`` split it), never acknowledged,
duplicated (fired or recorded with two different event times; ``duplicated_recorded`` and
``duplicated_fired`` apart) and the answers; the restarts' stop and start times; start-up and
run times. Exits 1 when an event or line is lost, duplicated or never acknowledged.

Usage: ``.venv/bin/python -m benchmarks.exactly_once [--findface N] [--camlytics N]
[--late-gap N] [--facespace N]`` (the default run takes several minutes; ``--findface 1000
--camlytics 300 --late-gap 2000 --facespace 100`` about four; ``--findface 0 --camlytics 0``
runs the FaceSpace scenarios alone).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Callable, Hashable
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
                    change: tuple[str, ...] = (
                        new_state["entity_id"],
                        str(new_state.get("state")),
                    )
                    if self.extra is not None:
                        change += (str(attributes.get(self.extra)),)
                    self.fired.setdefault(event_id, set()).add(change)
        except (aiohttp.ClientError, DemoError, ConnectionError) as err:
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


async def recorded(
    socket: HassWebsocket,
    entity_ids: list[str],
    attribute: str,
    start: float,
    key: Callable[[Any], Hashable | None] = int_key,
    extra: str | None = None,
) -> dict[Any, set[tuple[str, ...]]]:
    """Event id → the distinct (entity, event time[, ``extra`` attribute]) it was recorded with.

    ``key`` turns the value of ``attribute`` into the event's id (None: not one of ours).
    """
    found: dict[Any, set[tuple[str, ...]]] = {}
    for entity_id in entity_ids:
        rows = (await history(socket, [entity_id], start)).get(entity_id, [])
        for row in rows:
            attributes = row.get("a") or {}
            event_id = key(attributes.get(attribute))
            if event_id is None:
                continue
            change: tuple[str, ...] = (entity_id, str(row.get("s")))
            if extra is not None:
                change += (str(attributes.get(extra)),)
            found.setdefault(event_id, set()).add(change)
    return found


def tally(
    outcome: Outcome,
    records: dict[Any, set[tuple[str, ...]]],
    fired: dict[Any, set[tuple[str, ...]]],
) -> dict[str, Any]:
    """Sent, acknowledged, fired, recorded, lost and duplicated events of one scenario."""
    recorded_ids = {event_id for event_id in outcome.sent if event_id in records}
    fired_ids = {event_id for event_id in outcome.sent if event_id in fired}
    duplicated_recorded = {event_id for event_id in recorded_ids if len(records[event_id]) > 1}
    duplicated_fired = {event_id for event_id in fired_ids if len(fired[event_id]) > 1}
    return {
        "sent": len(outcome.sent),
        "batches": outcome.batches,
        "resent_batches": outcome.resent_batches,
        "acknowledged": len(outcome.acknowledged),
        "fired": len(fired_ids),
        "recorded": len(recorded_ids),
        "lost": len(outcome.acknowledged - recorded_ids),
        "acknowledged_not_fired": len(outcome.acknowledged - fired_ids),
        "fired_not_recorded": len(fired_ids - recorded_ids),
        "never_acknowledged": len(outcome.sent - outcome.acknowledged),
        "duplicated": len(duplicated_recorded | duplicated_fired),
        "duplicated_recorded": len(duplicated_recorded),
        "duplicated_fired": len(duplicated_fired),
        "extra_records": sum(len(records[event_id]) - 1 for event_id in duplicated_recorded),
        "answers": dict(outcome.answers),
        "retries": outcome.retries,
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
    producer: LineProducer,
    records: dict[Any, set[tuple[str, ...]]],
    fired: dict[Any, set[tuple[str, ...]]],
) -> dict[str, Any]:
    """Produced, fired, recorded, lost, duplicated lines of one FaceSpace restart.

    A line counts as fired when it was seen live or recorded. Duplicated: fired with two
    different event times, counting what was seen live and what was recorded together (around a
    SIGKILL the recorder may miss the first firing, uncommitted, and the watcher the second,
    fired before it reconnected). Wrong time: an event whose ``recognized_at`` is not the
    line's time. Unknown: an event named like the scenario's lines but never produced.
    """
    produced = set(producer.produced)
    ours = {name for name in (*records, *fired) if str(name).startswith(producer.prefix)}
    recorded_names = produced & set(records)
    live_names = produced & set(fired)
    fired_names = recorded_names | live_names
    lost = produced - fired_names

    def doubled(changes: dict[Any, set[tuple[str, ...]]]) -> set[str]:
        return {
            name
            for name in produced & set(changes)
            if len({change[:2] for change in changes[name]}) > 1
        }

    duplicated_recorded = doubled(records)
    duplicated_fired = doubled(fired)
    duplicated = doubled(
        {name: records.get(name, set()) | fired.get(name, set()) for name in fired_names}
    )
    wrong_time = {
        name
        for name in fired_names
        for change in (*records.get(name, ()), *fired.get(name, ()))
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
                p: await sitewatch_entities(socket, entry_id, "event")
                for p, entry_id in entries.items()
            }
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
                records = {
                    p: await recorded(
                        socket,
                        await sitewatch_entities(socket, entries[p], "event"),
                        ID_ATTRIBUTE[p],
                        first_sent - 1,
                    )
                    for p in PROVIDERS
                }
                facespace_records = (
                    await recorded(
                        socket,
                        facespace_entities,
                        "name",
                        first_sent - 1,
                        key=name_key("Line "),
                        extra="recognized_at",
                    )
                    if facespace_entry is not None
                    else {}
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
    for provider in PROVIDERS:
        results[provider] = {}
        for scenario in SCENARIOS:
            row = tally(outcomes[provider, scenario], records[provider], watcher.fired)
            results[provider][scenario] = row
            failed |= bool(row["lost"] or row["duplicated"] or row["never_acknowledged"])
    report["results"] = results
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
                "acknowledged_not_fired",
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
