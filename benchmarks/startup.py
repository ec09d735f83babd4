"""Start-up: how long Home Assistant takes to start, and each provider's setup and reload.

Runs the demo stack (simulator generating nothing by itself, and a real ``hass`` process), then:

1. after ``--warmup`` (1) uncounted restarts (the first starts after onboarding are slower),
   ``--restarts`` (3) times: stops ``hass`` (SIGTERM), starts it again and measures the time
   from starting the process until Home Assistant reports ``RUNNING`` (``state`` of
   ``/api/config``, the same as the websocket ``get_config``; polled every 0.1 s), with no
   config entry;
2. adds a ComAp entry (``DemoStack.add_comap_entry``) and the FindFace, FaceSpace, Camlytics and
   Moonsense entries (``DemoStack.add_push_providers``) against the simulator, and measures each
   entry's setup: from Home Assistant announcing the new entry until it is ``loaded``
   (websocket ``config_entries/subscribe``), and for ComAp also the whole config flow
   (``created_s``);
3. reloads each entry ``--reloads`` (3) times (``POST /api/config/config_entries/entry/<id>/
   reload``, which answers once the entry is set up again) and measures each call;
4. ``--restarts`` times again with the five entries: the time to ``RUNNING``, and until every
   entry is ``loaded`` again.

Prints JSON: the start times (each, and their median) without and with the entries and the
difference of the medians; per provider the setup seconds and the reload seconds (each, and
their median). Targets (issue 14): every provider's setup and median reload under
``--setup-target`` (1) s, and Home Assistant's start with the five entries within
``--start-target`` (1) s of its start without. Exits 1 when a target is missed, 2 when the stack
failed.

Usage: ``.venv/bin/python -m benchmarks.startup [--restarts N] [--reloads N]`` (about 45 s,
most of it the restarts; a minute and a half while Camlytics' setup waited for its paced first
refresh); ``--restarts 1 --reloads 1`` is a smoke run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import aiohttp

from simulator.demo import DemoError, DemoStack

from .hass_api import (
    QUIET_SIMULATOR,
    benchmark_parser,
    get_json,
    progress,
    run_and_report,
    running_stack,
    watching_entries,
    with_checks,
)


async def restart_until_running(
    session: aiohttp.ClientSession, stack: DemoStack, entry_ids: list[str], within: float = 180
) -> dict[str, Any]:
    """Stop hass, start it, and time it until RUNNING and until every entry is loaded.

    Raises:
        DemoError: Home Assistant did not reach RUNNING within ``within`` seconds.
    """
    stopped = await stack.async_stop_hass(stop_within=60)
    started = time.monotonic()
    stack.start_hass()
    answered: float | None = None
    states: list[str] = []
    while True:
        stack.check_running()
        if time.monotonic() - started > within:
            raise DemoError(f"Home Assistant did not reach RUNNING within {within:.0f} s")
        try:
            config = await get_json(session, stack, "/api/config")
        except (aiohttp.ClientError, DemoError):
            await asyncio.sleep(0.1)
            continue
        answered = answered or time.monotonic()
        if not states or states[-1] != config.get("state"):
            states.append(str(config.get("state")))
        if config.get("state") == "RUNNING":
            break
        await asyncio.sleep(0.1)
    running = time.monotonic()
    for entry_id in entry_ids:
        await stack.wait_for_entry(session, entry_id, within=120)
    return {
        "running_s": round(running - started, 2),
        "api_answered_s": round(answered - started, 2),
        "entries_loaded_s": round(time.monotonic() - started, 2),
        "states_seen": states,
        "stop_s": stopped["stop_s"],
    }


async def starts(
    session: aiohttp.ClientSession, stack: DemoStack, entry_ids: list[str], count: int
) -> dict[str, Any]:
    """``count`` restarts; each and the median time to RUNNING."""
    each = [await restart_until_running(session, stack, entry_ids) for _ in range(count)]
    return {
        "median_running_s": round(statistics.median(r["running_s"] for r in each), 2),
        "restarts": each,
    }


async def add_entries(
    session: aiohttp.ClientSession, stack: DemoStack
) -> tuple[dict[str, str], dict[str, Any]]:
    """Add the five entries; their ids and setup figures, by provider."""
    async with watching_entries(session, stack) as watch:
        flow_started = time.monotonic()
        comap = await stack.add_comap_entry(session, scan_interval=30)
        created_s = round(time.monotonic() - flow_started, 2)
        await stack.wait_for_entry(session, comap)
        entries = {"comap": comap, **await stack.add_push_providers(session)}
        await asyncio.sleep(0.5)
    setups: dict[str, Any] = {
        provider: {"setup_s": watch.setup_s(entry_id)} for provider, entry_id in entries.items()
    }
    setups["comap"]["created_s"] = created_s
    return entries, setups


async def reload_times(
    session: aiohttp.ClientSession, stack: DemoStack, entry_id: str, count: int
) -> list[float]:
    """Seconds each of ``count`` reloads of the entry took (the REST call, answered when set up).

    Raises:
        DemoError: a reload was refused, or the entry was not loaded afterwards.
    """
    headers = {"Authorization": f"Bearer {stack.token}"}
    url = f"{stack.hass_url}/api/config/config_entries/entry/{entry_id}/reload"
    times = []
    for _ in range(count):
        started = time.monotonic()
        async with session.post(url, headers=headers) as response:
            if response.status != 200:
                raise DemoError(f"reload answered {response.status}")
            await response.read()
        times.append(round(time.monotonic() - started, 2))
        await stack.wait_for_entry(session, entry_id)
    return times


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """Restarts without entries, the five entries, reloads, restarts with them; the report."""
    report: dict[str, Any] = {"restarts": args.restarts, "reloads": args.reloads}
    async with running_stack(args.state_dir, simulator_args=QUIET_SIMULATOR) as run:
        stack, session = run.stack, run.session
        progress(f"startup: stack up in {run.since_start()} s")
        warmup = [await restart_until_running(session, stack, []) for _ in range(args.warmup)]
        report["warmup_running_s"] = [r["running_s"] for r in warmup]
        without = await starts(session, stack, [], args.restarts)
        progress(f"  without entries: {without['median_running_s']} s")
        entries, providers = await add_entries(session, stack)
        for provider, entry_id in entries.items():
            times = await reload_times(session, stack, entry_id, args.reloads)
            providers[provider] |= {
                "reload_s": times,
                "median_reload_s": round(statistics.median(times), 2),
            }
        progress(f"  setups and reloads: {providers}")
        with_five = await starts(session, stack, list(entries.values()), args.restarts)
        progress(f"  with five entries: {with_five['median_running_s']} s")
    report["log"] = run.log
    report["stack_total_s"] = run.total_s
    difference = with_five["median_running_s"] - without["median_running_s"]
    report["start"] = {
        "without_entries": without,
        "with_five_entries": with_five,
        "difference_of_medians_s": round(difference, 2),
    }
    report["providers"] = providers
    checks = {
        "start_within_target": difference <= args.start_target,
        **{
            # None: the setup was not seen; 0.0 (rounded) is a setup under 5 ms.
            f"{provider}_setup": figures["setup_s"] is not None
            and figures["setup_s"] < args.setup_target
            for provider, figures in providers.items()
        },
        **{
            f"{provider}_reload": figures["median_reload_s"] < args.setup_target
            for provider, figures in providers.items()
        },
    }
    return with_checks(report, checks)


def main() -> None:
    """Command line: run, print the report, exit 1 when a target is missed."""
    parser = benchmark_parser(__doc__)
    parser.add_argument("--restarts", type=int, default=3, help="restarts measured per case (3)")
    parser.add_argument("--reloads", type=int, default=3, help="reloads per entry (3)")
    parser.add_argument(
        "--warmup", type=int, default=1, help="uncounted restarts before the first case (1)"
    )
    parser.add_argument(
        "--setup-target", type=float, default=1.0, help="target: setup and reload, s (1)"
    )
    parser.add_argument(
        "--start-target",
        type=float,
        default=1.0,
        help="target: start with five entries minus without, s (1)",
    )
    run_and_report("startup", run, parser.parse_args())


if __name__ == "__main__":
    main()
