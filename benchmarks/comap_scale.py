"""ComAp at scale: sites of many gensets behind the simulator's rate limit.

For each size in ``--gensets`` (20, 50, 200) a fresh demo stack runs: the simulator with that
many gensets (``--comap-units``) and its default ComAp rate limit (10 requests a second per
Comap-Key, answered 429 with ``Retry-After: 1`` beyond it), and a real ``hass`` process. First
``hass``'s idle CPU is measured over ``--baseline`` seconds (no entry yet), then a ComAp entry is
added through the config flow with the shortest polling interval (30 s) and the benchmark waits
up to ``--load-within`` seconds (240) for it:

- ``created_s``: the config flow, from its start until the entry was created (Home Assistant
  runs the entry's first setup within it);
- ``loaded_s``: from the flow's start until the entry is ``loaded``;
- ``all_gensets_s``: until every genset has its entities: as many devices of the entry as there
  are gensets have an entity whose state is not ``unavailable`` (registries and states through
  the websocket API, every 3 s);
- a setup that does not get there in time is reported as such (``loaded: false``, the entry's
  state, the setups Home Assistant began (``setup_attempts``, retries included) and the last
  setup error, from the websocket ``config_entries/subscribe``, the requests made by call) and
  the benchmark goes on with the next size.

Once loaded, ``--cycles`` (3) polling cycles are measured between cycle starts (a cycle starts
with the first values request after a pause of at least 3 s; the simulator's counters are read
every half second): the cycle's period, requests per cycle by call (the simulator counts every
request it receives, refused ones too), values requests per genset per cycle, ``hass``'s CPU
per cycle as a percentage of one core (``/proc/<pid>/stat``; ``net``: less the idle rate), and
its RSS before the entry and after the cycles.

Targets (issue 14), checked for every size: the entry loads with every genset's entities within
``--load-within`` seconds, then makes one values request per genset per cycle, and costs less
than ``--cpu-target`` (5) % of a core per cycle (net of idle). Prints JSON; exits 1 when a
target is missed, 2 when the stack failed.

Usage: ``.venv/bin/python -m benchmarks.comap_scale [--gensets N [N ...]]`` (each size takes
its start-up, the baseline, the load (under half a minute) and the cycles (a cycle of 200
gensets lasts about 52 s: 22 s of paced requests, then the 30 s interval): about 11 minutes for
the defaults); ``--gensets 2 --baseline 5 --cycles 1`` is a smoke run of about two minutes.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
import time
from typing import Any

import aiohttp

from simulator.demo import DemoStack

from .hass_api import (
    QUIET_SIMULATOR,
    HassWebsocket,
    benchmark_parser,
    cpu_seconds,
    get_json,
    memory,
    progress,
    run_and_report,
    running_stack,
    simulator_stats,
    watching_entries,
    with_checks,
)

INTERVAL = 30  # the shortest ComAp polling interval, s
CYCLE_GAP = 3.0  # seconds without a values request that separate two cycles
MIB = 1024


async def entry_state(session: aiohttp.ClientSession, stack: DemoStack, entry_id: str) -> str:
    """The config entry's state (``loaded``, ``setup_retry``...)."""
    entries = await get_json(session, stack, "/api/config/config_entries/entry?domain=sitewatch")
    return str(next((e["state"] for e in entries if e["entry_id"] == entry_id), "missing"))


async def gensets_with_entities(socket: HassWebsocket, entry_id: str) -> tuple[int, int]:
    """Devices of the entry, and how many of them have an entity that is not unavailable."""
    devices = {
        device["id"]
        for device in await socket.call("config/device_registry/list")
        if entry_id in device.get("config_entries", [])
    }
    available = {
        state["entity_id"]
        for state in await socket.call("get_states")
        if state.get("state") != "unavailable"
    }
    served = {
        entity["device_id"]
        for entity in await socket.call("config/entity_registry/list")
        if entity.get("config_entry_id") == entry_id
        and entity.get("device_id") in devices
        and entity["entity_id"] in available
    }
    return len(devices), len(served)


@dataclass
class Reading:
    """The simulator's ComAp counters and hass's CPU at one moment."""

    at: float
    cpu: float
    total: int
    by_call: dict[str, int]


async def reading(session: aiohttp.ClientSession, stack: DemoStack) -> Reading:
    """Read the counters and the CPU now."""
    stats = (await simulator_stats(session, stack))["comap"]
    return Reading(
        time.monotonic(), cpu_seconds(stack.hass_pid), int(stats["total"]), dict(stats["by_call"])
    )


async def cycle_starts(
    session: aiohttp.ClientSession, stack: DemoStack, count: int, within: float
) -> list[Reading]:
    """Readings taken just before each of the next ``count`` cycles began (fewer on timeout)."""
    starts: list[Reading] = []
    previous = await reading(session, stack)
    last_rise = previous.at
    deadline = time.monotonic() + within
    while len(starts) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        current = await reading(session, stack)
        if current.by_call["values"] > previous.by_call["values"]:
            if current.at - last_rise >= CYCLE_GAP:
                starts.append(previous)
            last_rise = current.at
        previous = current
    return starts


async def wait_loaded(
    run_session: aiohttp.ClientSession,
    stack: DemoStack,
    entry_id: str,
    gensets: int,
    started: float,
    within: float,
) -> dict[str, Any]:
    """Poll until the entry is loaded and every genset has entities, or ``within`` s passed."""
    result: dict[str, Any] = {"loaded_s": None, "all_gensets_s": None}
    async with HassWebsocket(run_session, stack) as socket:
        while time.monotonic() - started < within:
            stack.check_running()
            state = await entry_state(run_session, stack, entry_id)
            if state == "loaded" and result["loaded_s"] is None:
                result["loaded_s"] = round(time.monotonic() - started, 1)
            devices, served = await gensets_with_entities(socket, entry_id)
            result |= {"devices": devices, "gensets_with_entities": served}
            if state == "loaded" and served >= gensets:
                result["all_gensets_s"] = round(time.monotonic() - started, 1)
                break
            await asyncio.sleep(3)
    result["loaded"] = result["all_gensets_s"] is not None
    return result


async def scale(args: argparse.Namespace, gensets: int) -> dict[str, Any]:
    """One stack with ``gensets`` gensets; its figures."""
    state_dir = args.state_dir / f"gensets_{gensets}" if args.state_dir else None
    report: dict[str, Any] = {"gensets": gensets}
    async with running_stack(
        state_dir, simulator_args=[*QUIET_SIMULATOR, "--comap-units", str(gensets)]
    ) as run:
        stack, session = run.stack, run.session
        pid = stack.hass_pid
        progress(f"comap_scale: {gensets} gensets: stack up in {run.since_start()} s")
        cpu_idle = cpu_seconds(pid)
        await asyncio.sleep(args.baseline)
        idle_rate = (cpu_seconds(pid) - cpu_idle) / args.baseline
        report["idle_cpu_percent"] = round(100 * idle_rate, 2)
        rss_before = memory(pid)["VmRSS"]
        async with watching_entries(session, stack) as watch:
            started = time.monotonic()
            entry_id = await stack.add_comap_entry(session, scan_interval=INTERVAL)
            report["created_s"] = round(time.monotonic() - started, 1)
            report |= await wait_loaded(
                session, stack, entry_id, gensets, started, args.load_within
            )
        report["setup_attempts"] = watch.attempts[entry_id]
        report["entry_states_seen"] = watch.states.get(entry_id, [])
        if entry_id in watch.reasons:
            report["last_setup_error"] = watch.reasons[entry_id]
        stats = (await simulator_stats(session, stack))["comap"]
        report["requests_until_now"] = {
            "total": stats["total"],
            "by_call": {call: n for call, n in stats["by_call"].items() if n},
        }
        if report["loaded"] and args.cycles:
            starts = await cycle_starts(
                session, stack, args.cycles + 1, (args.cycles + 2) * INTERVAL * 3
            )
            report["cycles"] = cycle_figures(starts, gensets, idle_rate)
        report["rss_mib"] = {
            "before_entry": round(rss_before / MIB, 1),
            "after": round(memory(pid)["VmRSS"] / MIB, 1),
        }
    report["log"] = run.log
    report["stack_total_s"] = run.total_s
    return report


def cycle_figures(starts: list[Reading], gensets: int, idle_rate: float) -> dict[str, Any]:
    """Per-cycle figures between the first and the last cycle start."""
    if len(starts) < 2:
        return {"measured": 0, "note": "fewer than two cycle starts were seen"}
    first, last = starts[0], starts[-1]
    cycles = len(starts) - 1
    seconds = last.at - first.at
    cpu = last.cpu - first.cpu
    by_call = {
        call: round((last.by_call[call] - first.by_call.get(call, 0)) / cycles, 2)
        for call in last.by_call
        if last.by_call[call] - first.by_call.get(call, 0)
    }
    return {
        "measured": cycles,
        "cycle_s": round(seconds / cycles, 1),
        "requests_per_cycle": round((last.total - first.total) / cycles, 2),
        "requests_per_cycle_by_call": by_call,
        "values_per_genset_per_cycle": round(by_call.get("values", 0) / gensets, 3),
        "cpu_s_per_cycle": round(cpu / cycles, 3),
        "cpu_percent_of_core": round(100 * cpu / seconds, 2),
        "net_cpu_percent_of_core": round(100 * (cpu / seconds - idle_rate), 2),
    }


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """Every size on its own stack; the report and whether every target was met."""
    report: dict[str, Any] = {
        "interval_s": INTERVAL,
        "rate_limit": "the simulator's default: 10 requests/s per Comap-Key, then 429",
        "note": "CPU is hass's own (user + system); wall times depend on the machine's load",
        "sizes": {},
    }
    checks: dict[str, bool] = {}
    for gensets in args.gensets:
        result = await scale(args, gensets)
        report["sizes"][str(gensets)] = result
        cycles = result.get("cycles", {})
        checks |= {
            f"{gensets}_loaded": result["loaded"],
            f"{gensets}_one_values_request_per_genset_per_cycle": abs(
                cycles.get("values_per_genset_per_cycle", 0) - 1
            )
            <= 0.05,
            f"{gensets}_cpu_per_cycle": cycles.get("net_cpu_percent_of_core", 100)
            < args.cpu_target,
        }
        progress(
            f"  {gensets} gensets: loaded {result['loaded']} ({result['all_gensets_s']} s), "
            f"cycles {cycles}"
        )
    return with_checks(report, checks)


def main() -> None:
    """Command line: run, print the report, exit 1 when a target is missed."""
    parser = benchmark_parser(__doc__)
    parser.add_argument(
        "--gensets",
        type=int,
        nargs="+",
        default=[20, 50, 200],
        help="site sizes, each on a fresh stack (20 50 200)",
    )
    parser.add_argument(
        "--load-within", type=float, default=240.0, help="seconds to wait for the load (240)"
    )
    parser.add_argument("--cycles", type=int, default=3, help="cycles measured (3)")
    parser.add_argument(
        "--baseline", type=float, default=30.0, help="seconds hass's idle CPU is measured (30)"
    )
    parser.add_argument(
        "--cpu-target", type=float, default=5.0, help="target: %% of a core per cycle (5)"
    )
    run_and_report("comap_scale", run, parser.parse_args())


if __name__ == "__main__":
    main()
