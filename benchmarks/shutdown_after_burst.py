"""Shutdown after a burst: FindFace face events posted as fast as they are taken, then SIGTERM.

Runs the demo stack (simulator generating nothing by itself, and a real ``hass`` process) with a
FindFace entry (no hooks on the simulator), then posts ``--batches`` (4) batches of
``--batch-events`` (10,000) face events each to its webhook (``?section=face_events``), as
FindFace would after an outage. A batch is split into bodies of ``--per-body`` events (1,250,
about 830 KB, within the webhook's 1 MiB body limit), posted over ``--connections`` (4)
connections; the next batch follows as soon as the previous one is answered. A body answered
503 or cut off is sent again (up to ``--attempts`` times, a second apart), as the sender would.

The moment the last body is answered, Home Assistant gets SIGTERM and the benchmark measures
how long the process takes to exit (SIGKILL follows after ``--stop-within`` seconds, 300, so the
real time is seen), its exit code, and the log lines written while it stopped (shutdown stage
timeouts, errors). Home Assistant is then started again and, once its recorder's queue is
empty, every state change of the entry's event entities since the first body is read back
through the websocket history API.

The events' ids are not recorded (the event entities' ``_unrecorded_attributes``), so what the
recorder kept is counted: each firing is one history row (a state write that follows the fire time
its state names at once; ``benchmarks.exactly_once.firing``), told apart from the rows that are none
(the state restored at start-up, ``unavailable``), and every acknowledged event (its body answered
200) must be recorded once. Unless ``--no-watch``, the event entities' state changes are also
watched live during the burst (websocket ``state_changed``, which carries each event's
``event_id``): lost (acknowledged, never fired) and duplicated (fired twice) are then by id, and the
recorder's count is checked against the firings seen. Without the watcher (or when Home Assistant
cut it off before the SIGTERM) they are counts: lost is acknowledged minus recorded, duplicated
recorded minus acknowledged, each when positive.

Prints JSON: in ``events``, the events sent, acknowledged, fired (seen live, by id), recorded
(firings counted in the history after the restart), lost, duplicated and ``counted_by`` (``id``
or ``count``), ``fired_not_recorded`` and ``extra_records`` (firings seen live minus recorded,
and the reverse, when positive), the history rows by kind, the answers; the posting time, the
recorder's backlog when the SIGTERM was sent, the stop (seconds, forced, exit code, shutdown log
lines) and the start. Exits 1 when Home Assistant did not exit with code 0 within
``--stop-target`` seconds (30: Home Assistant's final stages allow about 30 s), a shutdown stage
timed out, or an event was lost, duplicated, never acknowledged, fired and not recorded, or
recorded more often than fired.

Usage: ``.venv/bin/python -m benchmarks.shutdown_after_burst [--batches N] [--batch-events N]``
(the default run takes a few minutes; ``--batches 2 --batch-events 1000`` about one).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import time
from typing import Any

import aiohttp

from simulator.demo import DemoError

from .exactly_once import (
    FINDFACE_FIRST_ID,
    FiredWatcher,
    Outcome,
    Sender,
    findface_event,
    recorded,
    recorder_counts,
    send_all,
    split,
)
from .hass_api import (
    QUIET_SIMULATOR,
    HassWebsocket,
    add_state_dir_argument,
    findface_webhook,
    progress,
    recorder_info,
    run_and_report,
    running_stack,
    sitewatch_entities,
    wait_for_recorder,
)

SHUTDOWN_LINE = re.compile(
    r"timed out|shutdown|shutting down|stopping|did not|cancel|backlog|still running", re.I
)
LOG_LEVEL = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ (WARNING|ERROR|CRITICAL) ")


def stop_log_lines(log: str) -> dict[str, Any]:
    """Warning and error lines written while Home Assistant stopped, folded and counted.

    ``stage_timeouts`` counts Home Assistant's "Timed out waiting for ..." lines (a shutdown
    stage that did not finish in time).
    """
    lines: dict[str, int] = {}
    stage_timeouts = 0
    for line in log.splitlines():
        if not LOG_LEVEL.match(line):
            continue
        message = re.sub(r"\d+", "N", line.split(" ", 2)[-1])[:200]
        lines[message] = lines.get(message, 0) + 1
        if "timed out waiting" in line.lower():
            stage_timeouts += 1
    shutdown = {message: n for message, n in lines.items() if SHUTDOWN_LINE.search(message)}
    return {
        "warning_or_error_lines": sum(lines.values()),
        "stage_timeouts": stage_timeouts,
        "shutdown_lines": dict(sorted(shutdown.items(), key=lambda item: -item[1])[:10]),
        "other_lines": dict(
            sorted(
                ((m, n) for m, n in lines.items() if m not in shutdown), key=lambda item: -item[1]
            )[:10]
        ),
    }


async def backlog_now(socket: HassWebsocket) -> dict[str, Any]:
    """The recorder's backlog, asked with a short timeout (the event loop may be busy)."""
    try:
        async with asyncio.timeout(2):
            info = await recorder_info(socket)
    except (TimeoutError, aiohttp.ClientError, DemoError) as err:
        return {"error": type(err).__name__}
    return {"backlog": info.get("backlog"), "recording": info.get("recording")}


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """Start the stack, post the burst, stop, start, count; the report and whether it passed."""
    rng = random.Random(args.seed)
    report: dict[str, Any] = {
        "batches": args.batches,
        "events_per_batch": args.batch_events,
        "events_per_body": args.per_body,
        "connections": args.connections,
    }
    outcome = Outcome()
    timings: dict[str, float] = {}
    async with running_stack(args.state_dir, simulator_args=QUIET_SIMULATOR) as run:
        stack = run.stack
        entry_id, url = await findface_webhook(stack, run.session)
        timings["start_to_entry_loaded_s"] = run.since_start()
        progress(f"shutdown_after_burst: stack up in {timings['start_to_entry_loaded_s']} s")
        sender = Sender(
            "findface", url, lambda event_id: findface_event(event_id, rng), args.attempts
        )
        batches = [
            split(FINDFACE_FIRST_ID + number * args.batch_events, args.batch_events, args.per_body)
            for number in range(args.batches)
        ]
        for bodies in batches:  # built before the burst: posting is all that is timed
            for body in bodies:
                sender.build(body)
        report["largest_body_bytes"] = max(len(b.body) for bodies in batches for b in bodies)
        connector = aiohttp.TCPConnector(limit=args.connections)
        timeout = aiohttp.ClientTimeout(total=300)
        async with HassWebsocket(run.session, stack) as socket:
            entities = await sitewatch_entities(socket, entry_id, "event")
        watcher = FiredWatcher(stack, dict.fromkeys(entities, "event_id"))
        if not args.no_watch:
            # On the setup session: the burst's connections stay the burst's.
            await watcher.start(run.session)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            async with HassWebsocket(session, stack) as socket:
                first_sent = time.time()
                posting = time.monotonic()
                for bodies in batches:
                    await send_all(session, sender, bodies, outcome, args.connections)
                timings["post_s"] = round(time.monotonic() - posting, 2)
                report["at_sigterm"] = await backlog_now(socket)
                log_path = run.state_dir / "hass.log"
                log_before = log_path.stat().st_size
                sigterm_at = time.monotonic()
                stopped = await stack.async_stop_hass(stop_within=args.stop_within)
            await watcher.stop()
            with log_path.open(errors="replace") as log:
                log.seek(log_before)
                stopped["log"] = stop_log_lines(log.read())
            report["stop"] = stopped
            progress(
                f"  posted in {timings['post_s']} s, stopped in {stopped['stop_s']} s "
                f"(exit code {stopped['exit_code']})"
            )
            starting = time.monotonic()
            stack.start_hass()
            await stack.wait_until_up(session)
            await stack.wait_for_entry(session, entry_id, within=120)
            timings["start_s"] = round(time.monotonic() - starting, 1)
            async with HassWebsocket(session, stack) as socket:
                report["recorder"] = await wait_for_recorder(socket)
                entities = await sitewatch_entities(socket, entry_id, "event")
                records = await recorded(socket, entities, first_sent - 1)
    report["log"] = run.log
    timings["total_s"] = run.total_s
    acknowledged = len(outcome.acknowledged)
    counts = recorder_counts(entities, watcher.fired, records)
    # Watched to the end: Home Assistant did not cut the watcher off before the SIGTERM.
    by_id = not args.no_watch and (watcher.ended is None or watcher.ended >= sigterm_at)
    fired_ids = {event_id for event_id in outcome.sent if event_id in watcher.fired}
    report["events"] = {
        "sent": len(outcome.sent),
        "acknowledged": acknowledged,
        "fired": len(fired_ids) if by_id else None,
        "recorded": counts["recorded"],
        "counted_by": "id" if by_id else "count",
        "lost": len(outcome.acknowledged - fired_ids)
        if by_id
        else max(0, acknowledged - counts["recorded"]),
        "duplicated": sum(len(watcher.fired[event_id]) > 1 for event_id in fired_ids)
        if by_id
        else max(0, counts["recorded"] - acknowledged),
        "fired_not_recorded": counts["fired_not_recorded"] if by_id else None,
        "extra_records": counts["extra_records"] if by_id else None,
        "never_acknowledged": len(outcome.sent - outcome.acknowledged),
        **{key: counts[key] for key in ("history_rows", "other_rows")},
        "bodies": outcome.batches,
        "answers": dict(outcome.answers),
        "retries": outcome.retries,
    }
    report["timings"] = timings
    stop = report["stop"]
    checks = {
        "exit_code_0": stop["exit_code"] == 0,
        "not_forced": not stop["forced"],
        "within_stop_target": stop["stop_s"] <= args.stop_target,
        "no_stage_timeout": stop["log"]["stage_timeouts"] == 0,
        "nothing_lost": report["events"]["lost"] == 0,
        "nothing_duplicated": report["events"]["duplicated"] == 0,
        "all_fired_recorded": not report["events"]["fired_not_recorded"],
        "no_extra_records": not report["events"]["extra_records"],
        "all_acknowledged": report["events"]["never_acknowledged"] == 0,
    }
    report["checks"] = checks
    report["stop_target_s"] = args.stop_target
    passed = all(checks.values())
    report["passed"] = passed
    return report, passed


def main() -> None:
    """Command line: run, print the report, exit 1 when a target failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=4, help="batches (4)")
    parser.add_argument(
        "--batch-events", type=int, default=10_000, help="face events per batch (10000)"
    )
    parser.add_argument(
        "--per-body", type=int, default=1_250, help="events per body (1250, about 830 KB)"
    )
    parser.add_argument("--connections", type=int, default=4, help="connections (4)")
    parser.add_argument("--attempts", type=int, default=60, help="tries per body (60)")
    parser.add_argument(
        "--stop-target", type=float, default=30.0, help="seconds Home Assistant may take (30)"
    )
    parser.add_argument(
        "--stop-within",
        type=float,
        default=300.0,
        help="seconds after SIGTERM before SIGKILL (300)",
    )
    parser.add_argument(
        "--no-watch",
        action="store_true",
        help="no live watcher: lost and duplicated are counts from the recorder",
    )
    parser.add_argument("--seed", type=int, default=11, help="seed of the generator (11)")
    add_state_dir_argument(parser)
    run_and_report("shutdown_after_burst", run, parser.parse_args())


if __name__ == "__main__":
    main()
