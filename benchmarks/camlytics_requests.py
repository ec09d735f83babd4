"""Requests per minute Sitewatch makes to Camlytics with the default options.

Runs the real stack (simulator plus a ``hass`` process) with the simulator's default account
(two locations of three channels each, 1 request/s enforced), adds a Camlytics entry through
the config flow with the default options (60 s polling, every location) and no webhooks (so
events are polled too), waits ``--minutes`` after the entry loaded and prints the simulator's
counters: requests by path, requests per minute, and how many were rate limited (should be 0).
Usage: ``.venv/bin/python -m benchmarks.camlytics_requests [--minutes 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

import aiohttp

from simulator.demo import DemoStack

from .hass_api import running_stack, simulator_stats

POLL_SECONDS = 60  # the default polling interval


async def stats(session: aiohttp.ClientSession, stack: DemoStack) -> dict[str, Any]:
    result: dict[str, Any] = (await simulator_stats(session, stack))["camlytics"]
    return result


async def measure(minutes: float) -> dict[str, Any]:
    async with running_stack() as run:
        stack, session = run.stack, run.session
        entry_id = await stack.add_camlytics_entry(session)
        await stack.wait_for_entry(session, entry_id)
        at_load = await stats(session, stack)
        started = time.monotonic()
        while time.monotonic() - started < minutes * 60:
            await asyncio.sleep(1)
            stack.check_running()
        at_end = await stats(session, stack)
    window = {
        path: count - at_load["by_path"].get(path, 0)
        for path, count in at_end["by_path"].items()
        if count - at_load["by_path"].get(path, 0)
    }
    requests = at_end["total"] - at_load["total"]
    locations = at_load["by_path"].get("/service/api/v1/totals/triggers", 1)
    polls = window.get("/service/api/v1/totals/triggers", 0) / locations
    per_poll = requests / polls if polls else 0.0
    return {
        "minutes": minutes,
        "setup_requests_by_path": at_load["by_path"],
        "requests_after_setup": requests,
        "requests_per_minute": round(requests / minutes, 2),
        "polls": polls,
        "requests_per_poll": round(per_poll, 2),
        "steady_requests_per_minute": round(per_poll * 60 / POLL_SECONDS + 3 / 30, 2),
        "requests_by_path": window,
        "rate_limited": at_end["rate_limited_429"] + at_end["rate_limited_503"],
        "rejected_nonces": at_end["rejected_nonces"],
        "note": "the config flow's check adds 1 locations request to the setup figures; "
        "steady = requests per poll at one poll a minute plus locations, channels and triggers "
        "every 30 minutes",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.minutes)), indent=2))


if __name__ == "__main__":
    main()
