"""HTTP requests Sitewatch makes to the ComAp simulator over N polling cycles (two gensets).

Runs the real stack (simulator plus a ``hass`` process, as ``scripts/demo`` does), adds the
ComAp entry with the shortest polling interval (30 s), waits for N refreshes and prints the
simulator's request counters, the time from start to the entry being loaded and the time per
cycle. Usage: ``.venv/bin/python -m benchmarks.comap_requests [--cycles 10]`` (about 5 min).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from .hass_api import running_stack, simulator_stats

GENSETS = 2


async def measure(cycles: int, interval: int) -> dict[str, object]:
    async with running_stack() as run:
        stack, session = run.stack, run.session
        entry_id = await stack.add_comap_entry(session, scan_interval=interval)
        await stack.wait_for_entry(session, entry_id)
        loaded_after = time.monotonic() - run.started
        first_cycle = time.monotonic()
        while True:
            stats = (await simulator_stats(session, stack))["comap"]
            if stats["by_call"]["values"] >= cycles * GENSETS:
                break
            await asyncio.sleep(1)
            stack.check_running()
        cycle_time = (time.monotonic() - first_cycle) / max(cycles - 1, 1)
    return {
        "cycles": cycles,
        "gensets": GENSETS,
        "interval_s": interval,
        "requests_total": stats["total"],
        "requests_by_call": {k: v for k, v in stats["by_call"].items() if v},
        "values_by_unit": stats["values_by_unit"],
        "note": "the config flow's check adds 1 authenticate + 1 units; the entry makes the rest",
        "start_to_entry_loaded_s": round(loaded_after, 2),
        "measured_cycle_s": round(cycle_time, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--interval", type=int, default=30, help="polling interval, s (>= 30)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.cycles, args.interval)), indent=2))


if __name__ == "__main__":
    main()
