"""Event burst: what a FindFace catch-up burst costs Home Assistant, recorder included.

Runs the demo stack (simulator generating nothing by itself, and a real ``hass`` process with
the recorder as users run it: SQLite, default commit interval) with a FindFace entry (no hooks
on the simulator), lets the recorder settle, then posts ``--events`` face events (50,000, then
100,000 on a fresh stack) to the entry's webhook (``?section=face_events``) in bodies of
``--batch`` (50) events over ``--connections`` (4) keep-alive connections, as a FindFace server
catching up after an outage would (cameras 1 to 3; matched events name card 1 to 3 by id). A
body answered 503 or cut off is sent again, a second later, as the sender would.

Measured, for each size:

- ``accept_s``: from the first body sent until the last one was answered;
- ``cpu_s``: CPU seconds of the ``hass`` process (``/proc/<pid>/stat`` utime + stime) from the
  first body until the recorder is idle again, and ``cpu_ms_per_event`` the same, net of the
  process's idle CPU rate (``idle_cpu_percent``, measured over ``--baseline`` seconds before the
  burst), per event;
- ``idle_after_last_answer_s``: from the last answer until the recorder is idle again, that is
  from the first of a run of polls (websocket ``recorder/info`` every second) that lasts at
  least ``--quiet`` (6) seconds, a commit interval, in which the recorder's queue backlog is 0
  and ``hass`` uses less than ``--quiet-cpu`` (30 %) of a core (the recorder commits what it
  took off its queue every 5 s, and a commit in progress leaves the queue empty: the CPU rate
  tells that apart). ``null`` when that did not happen within ``--idle-within`` seconds;
- RSS (VmRSS, MiB) before the burst, right after the last answer, ``--later`` seconds (120)
  after it, and when the recorder was idle again; ``rss_growth_mib`` is the larger of the last
  two minus the first;
- ``busiest_threads``: the ``hass`` threads that used the most CPU during the run (Linux thread
  id; Python 3.13 does not name its threads for the kernel: the recorder's thread is the one
  busy long after the last answer);
- ``recorded_states``: the state changes of the entry's event entities the recorder holds from
  the burst (websocket history API), read once everything else was measured.

The same burst is then sent to a second, fresh stack whose recorder excludes the event entities
(``recorder: exclude: entity_globs: ["event.*"]`` appended to ``configuration.yaml``; Home
Assistant logs a duplicate-key warning for it and uses the appended ``recorder``). That run is
the floor: what the events cost without the recorder writing them. ``cpu_ratio`` is the CPU per
event with the recorder over the floor's, measured in the same invocation.

Targets (issue 14), checked for every size: the recorder is idle again within ``--idle-target``
(60) seconds of the last answer, RSS grows less than ``--rss-target`` (40) MiB, the CPU per event
is within ``--ratio-target`` (2) times the floor's, every body was acknowledged, the recorder
still records, and every acknowledged event was recorded as a state change. Prints JSON and
exits 1 when a target is missed (``checks`` says which), 2 when the stack failed.

Usage: ``.venv/bin/python -m benchmarks.event_burst [--events N [N ...]]`` (defaults 50000
100000: two stacks per size, about 13 minutes in all, most of it the ``--later`` waits and the
stack start-ups).
``--events 2000`` is a smoke run of about a minute and a half (``--later`` defaults to 10 s when
every size is under 10,000 events).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, field
import random
import time
from typing import Any

import aiohttp

from .exactly_once import FINDFACE_FIRST_ID, Outcome, Sender, findface_event, send_all, split
from .hass_api import (
    QUIET_SIMULATOR,
    HassWebsocket,
    benchmark_parser,
    cpu_seconds,
    findface_webhook,
    history,
    memory,
    progress,
    recorder_info,
    run_and_report,
    running_stack,
    sitewatch_entities,
    thread_cpu,
    wait_for_recorder,
    with_checks,
)

EXCLUDE_EVENTS = """\
recorder:
  purge_keep_days: 1
  exclude:
    entity_globs:
      - event.*
"""
MODES = {"recorded": "", "events_excluded": EXCLUDE_EVENTS}
MIB = 1024
SMOKE_EVENTS = 10_000
POLL_TIMEOUT = 30.0  # seconds a recorder/info call may take before the poll counts as missed


@dataclass
class Sample:
    """One poll after the burst: when, the recorder's backlog, the process's CPU seconds."""

    at: float
    backlog: int
    cpu: float


@dataclass
class IdleWatch:
    """Polls the recorder until it is idle again; samples RSS on the way.

    Attributes:
        idle_at: ``time.monotonic()`` when the quiet run began (None: not idle in time).
        gave_up_at: ``time.monotonic()`` at the deadline, when it was not idle in time.
        cpu_at_idle: the process's CPU seconds at ``idle_at`` (or at the deadline).
        rss_later_kib: VmRSS ``later`` seconds after the last answer.
        max_backlog: the largest backlog seen.
        unanswered_polls: ``recorder/info`` calls not answered within ``POLL_TIMEOUT`` s.
    """

    pid: int
    quiet_s: float
    quiet_cpu: float
    idle_at: float | None = None
    gave_up_at: float = 0.0
    cpu_at_idle: float = 0.0
    rss_later_kib: int | None = None
    max_backlog: int = 0
    unanswered_polls: int = 0
    samples: list[Sample] = field(default_factory=list)

    async def run(
        self, socket: HassWebsocket, last_answer: float, later: float, within: float
    ) -> None:
        """Poll every second until idle and ``later`` passed, or ``within`` s after the answer."""
        quiet_since: Sample | None = None
        previous: Sample | None = None
        deadline = last_answer + within
        while time.monotonic() < deadline:
            try:
                async with asyncio.timeout(POLL_TIMEOUT):
                    info = await recorder_info(socket)
            except TimeoutError:
                self.unanswered_polls += 1
                continue
            sample = Sample(time.monotonic(), int(info.get("backlog") or 0), cpu_seconds(self.pid))
            self.samples.append(sample)
            self.max_backlog = max(self.max_backlog, sample.backlog)
            if self.rss_later_kib is None and sample.at >= last_answer + later:
                self.rss_later_kib = memory(self.pid)["VmRSS"]
            if previous is not None and self.idle_at is None:
                rate = (sample.cpu - previous.cpu) / max(sample.at - previous.at, 1e-3)
                if sample.backlog or rate >= self.quiet_cpu:
                    quiet_since = None
                elif quiet_since is None:
                    quiet_since = previous
                elif sample.at - quiet_since.at >= self.quiet_s:
                    self.idle_at, self.cpu_at_idle = quiet_since.at, quiet_since.cpu
            previous = sample
            if self.idle_at is not None and self.rss_later_kib is not None:
                return
            await asyncio.sleep(1)
        if self.idle_at is None:
            self.gave_up_at, self.cpu_at_idle = time.monotonic(), cpu_seconds(self.pid)


def busiest(before: dict[str, float], after: dict[str, float], most: int = 3) -> dict[str, float]:
    """The threads that used the most CPU seconds between two ``thread_cpu`` readings."""
    used = {name: round(cpu - before.get(name, 0.0), 2) for name, cpu in after.items()}
    return dict(sorted(used.items(), key=lambda item: -item[1])[:most])


async def recorded_states(socket: HassWebsocket, entry_id: str, since: float) -> int:
    """State changes of the entry's event entities recorded since a Unix time."""
    entities = await sitewatch_entities(socket, entry_id, "event")
    rows = await history(socket, entities, since)
    return sum(len(rows.get(entity_id, [])) for entity_id in entities)


async def burst(args: argparse.Namespace, events: int, mode: str) -> dict[str, Any]:
    """One stack, one burst of ``events``; the figures of that run."""
    rng = random.Random(args.seed)
    state_dir = args.state_dir / f"{mode}_{events}" if args.state_dir else None
    report: dict[str, Any] = {"mode": mode, "events": events}
    outcome = Outcome()
    async with running_stack(
        state_dir, simulator_args=QUIET_SIMULATOR, extra_configuration=MODES[mode]
    ) as run:
        stack = run.stack
        entry_id, url = await findface_webhook(stack, run.session)
        sender = Sender("findface", url, lambda event_id: findface_event(event_id, rng), 60)
        bodies = [sender.build(body) for body in split(FINDFACE_FIRST_ID, events, args.batch)]
        report["bodies"] = len(bodies)
        report["largest_body_bytes"] = max(len(body.body) for body in bodies)
        pid = stack.hass_pid
        async with HassWebsocket(run.session, stack) as socket:
            await wait_for_recorder(socket)
        cpu_idle = cpu_seconds(pid)
        await asyncio.sleep(args.baseline)
        idle_rate = (cpu_seconds(pid) - cpu_idle) / args.baseline
        report["idle_cpu_percent"] = round(100 * idle_rate, 1)
        rss_before = memory(pid)["VmRSS"]
        progress(f"event_burst: {mode}, {events} events: stack up in {run.since_start()} s")
        connector = aiohttp.TCPConnector(limit=args.connections)
        timeout = aiohttp.ClientTimeout(total=300)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            threads_before = thread_cpu(pid)
            first_sent = time.time()
            cpu_start = cpu_seconds(pid)
            started = time.monotonic()
            await send_all(session, sender, bodies, outcome, args.connections)
            last_answer = time.monotonic()
            cpu_accepted = cpu_seconds(pid)
            rss_after = memory(pid)["VmRSS"]
            async with HassWebsocket(session, stack) as socket:
                watch = IdleWatch(pid, args.quiet, args.quiet_cpu)
                await watch.run(socket, last_answer, args.later, args.idle_within)
                rss_idle = memory(pid)["VmRSS"]
                threads_after = thread_cpu(pid)
                info = await recorder_info(socket)
                report["recorder_after"] = {
                    key: info.get(key) for key in ("backlog", "recording", "thread_running")
                }
                if mode == "recorded" and watch.idle_at is not None:
                    report["recorded_states"] = await recorded_states(
                        socket, entry_id, first_sent - 1
                    )
    report["log"] = run.log
    idle_at = watch.idle_at
    until = idle_at if idle_at is not None else watch.gave_up_at
    cpu_s = watch.cpu_at_idle - cpu_start
    net_cpu = cpu_s - idle_rate * (until - started)
    rss_later = watch.rss_later_kib or rss_idle
    report.update(
        {
            "acknowledged": len(outcome.acknowledged),
            "answers": dict(outcome.answers),
            "retries": outcome.retries,
            "accept_s": round(last_answer - started, 2),
            "events_per_s": round(events / max(last_answer - started, 1e-3)),
            "cpu_while_accepting_s": round(cpu_accepted - cpu_start, 2),
            "recorder_idle": idle_at is not None,
            "idle_after_last_answer_s": (
                round(idle_at - last_answer, 1) if idle_at is not None else None
            ),
            "waited_s": round(until - last_answer, 1),
            "max_backlog": watch.max_backlog,
            "unanswered_polls": watch.unanswered_polls,
            "cpu_s": round(cpu_s, 2),
            "cpu_ms_per_event": round(1000 * net_cpu / events, 3),
            "cpu_note": (
                "until the recorder was idle"
                if idle_at is not None
                else f"lower bound: the recorder was not idle within {args.idle_within:.0f} s"
            ),
            "rss_mib": {
                "before": round(rss_before / MIB, 1),
                "after_burst": round(rss_after / MIB, 1),
                f"later_{args.later:.0f}s": round(rss_later / MIB, 1),
                "at_idle": round(rss_idle / MIB, 1),
            },
            "rss_growth_mib": round((max(rss_later, rss_idle) - rss_before) / MIB, 1),
            "busiest_threads_cpu_s": busiest(threads_before, threads_after),
            "stack_total_s": run.total_s,
        }
    )
    return report


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """Every size, recorded and floor; the report and whether every target was met."""
    if args.later is None:
        args.later = 10.0 if max(args.events) < SMOKE_EVENTS else 120.0
    report: dict[str, Any] = {
        "batch": args.batch,
        "connections": args.connections,
        "targets": {
            "idle_after_last_answer_s": args.idle_target,
            "rss_growth_mib": args.rss_target,
            "cpu_ratio": args.ratio_target,
        },
        "note": "CPU is hass's own (user + system); wall times depend on the machine's load",
        "sizes": {},
    }
    checks: dict[str, bool] = {}
    for events in args.events:
        runs = {mode: await burst(args, events, mode) for mode in MODES}
        recorded, floor = runs["recorded"], runs["events_excluded"]
        ratio = recorded["cpu_ms_per_event"] / max(floor["cpu_ms_per_event"], 1e-6)
        report["sizes"][str(events)] = {"cpu_ratio": round(ratio, 2), **runs}
        idle_after = recorded["idle_after_last_answer_s"]
        checks |= {
            f"{events}_recorder_idle_in_time": idle_after is not None
            and idle_after <= args.idle_target,
            f"{events}_rss_growth": recorded["rss_growth_mib"] < args.rss_target,
            f"{events}_cpu_ratio": ratio <= args.ratio_target,
            f"{events}_all_acknowledged": all(r["acknowledged"] == events for r in runs.values()),
            f"{events}_still_recording": bool(recorded["recorder_after"]["recording"]),
            f"{events}_every_event_recorded": recorded.get("recorded_states", 0)
            >= recorded["acknowledged"],
        }
        progress(
            f"  {events} events: accepted in {recorded['accept_s']} s, idle after "
            f"{idle_after} s, CPU {recorded['cpu_ms_per_event']} ms/event "
            f"(floor {floor['cpu_ms_per_event']}, x{ratio:.1f})"
        )
    return with_checks(report, checks)


def main() -> None:
    """Command line: run, print the report, exit 1 when a target is missed."""
    parser = benchmark_parser(__doc__)
    parser.add_argument(
        "--events",
        type=int,
        nargs="+",
        default=[50_000, 100_000],
        help="burst sizes, each on fresh stacks (50000 100000)",
    )
    parser.add_argument("--batch", type=int, default=50, help="events per body (50)")
    parser.add_argument("--connections", type=int, default=4, help="connections (4)")
    parser.add_argument(
        "--later",
        type=float,
        help="seconds after the last answer for the later RSS (120; 10 when every size < 10000)",
    )
    parser.add_argument(
        "--idle-within",
        type=float,
        default=900.0,
        help="seconds after the last answer to wait for the recorder (900)",
    )
    parser.add_argument(
        "--quiet", type=float, default=6.0, help="seconds of empty queue and low CPU (6)"
    )
    parser.add_argument(
        "--quiet-cpu", type=float, default=0.3, help="low CPU: below this share of a core (0.3)"
    )
    parser.add_argument(
        "--baseline", type=float, default=5.0, help="seconds the idle CPU is measured (5)"
    )
    parser.add_argument(
        "--idle-target", type=float, default=60.0, help="target: idle within, s (60)"
    )
    parser.add_argument("--rss-target", type=float, default=40.0, help="target: MiB (40)")
    parser.add_argument(
        "--ratio-target", type=float, default=2.0, help="target: CPU x the floor (2)"
    )
    parser.add_argument("--seed", type=int, default=11, help="seed of the generator (11)")
    run_and_report("event_burst", run, parser.parse_args())


if __name__ == "__main__":
    main()
