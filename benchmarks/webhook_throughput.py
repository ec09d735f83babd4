"""Webhook throughput: Sitewatch's FindFace webhook against a no-op webhook (the ceiling).

Runs the real stack (simulator plus a ``hass`` process, as ``scripts/demo`` does) with a helper
integration, ``benchmarks/noop_webhook``, whose webhook only reads the body and answers 200.
Adds a FindFace entry without hooks on the simulator (which emits nothing), reads the entry's
webhook id from ``.storage/core.config_entries``, then POSTs batches of matched face events
(camera 1, a unique id per item) of 1 and 50 items, one request after the other on one
keep-alive connection, to the no-op webhook and to Sitewatch's. Sitewatch gets both formats,
alternating request by request so that both see the same background load (the recorder writing
the states of earlier requests): verbose-style items (``matched_card`` is an object with a
name, no lookup) and default-format items (``matched_card`` is an id, named from the card
cache, which the warm-up fills). Each series starts with uncounted warm-up requests. Prints
JSON: per target and batch size the requests, items, failures, total seconds (sum of the
latencies), events per second and p50/p99 latency.
Usage: ``.venv/bin/python -m benchmarks.webhook_throughput [--requests N]`` (about 1 min).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
import itertools
import json
from pathlib import Path
import statistics
import time
from typing import Any

import aiohttp

from simulator.demo import DemoError, DemoStack

from .exactly_once import FINDFACE_EVENT_FIXED
from .hass_api import get_json, running_stack, simulator_stats

NOOP_COMPONENT = Path(__file__).resolve().parent / "noop_webhook"
NOOP_WEBHOOK_ID = "noop-benchmark"
BATCH_SIZES = (1, 50)
DEFAULT_REQUESTS = {1: 300, 50: 100}
JSON_HEADERS = {"Content-Type": "application/json"}
FIRST_EVENT_ID = 4355024961160386400


def face_event(event_id: int, *, verbose: bool) -> dict[str, Any]:
    """A matched face event on camera 1 (card 1, watch list 1), shaped like the fixtures."""
    now = datetime.now(UTC).isoformat()
    uploads = f"http://127.0.0.1:8765/uploads/face_event/{event_id}"
    return {
        "id": str(event_id),
        "created_date": now,
        "bs_type": "realtime",
        "camera": 1,
        "camera_group": 1,
        "thumbnail": f"{uploads}_thumbnail.jpg",
        "fullframe": f"{uploads}_fullframe.jpg",
        "matched": True,
        "matched_card": {"id": 1, "name": "Alice"} if verbose else 1,
        "matched_lists": [{"id": 1, "name": "Employees"}] if verbose else [1],
        "confidence": 0.9431,
        "quality": 0.7355,
        **FINDFACE_EVENT_FIXED,
        "features": {
            "age": 53,
            "gender": "female",
            "emotions": "neutral",
            "glasses": "none",
            "beard": "none",
            "medmask": "none",
            "liveness": 0.864,
        },
    }


def batch_body(ids: Iterator[int], size: int, *, verbose: bool) -> bytes:
    """A JSON body of ``size`` face events, every item with a fresh id."""
    return json.dumps([face_event(next(ids), verbose=verbose) for _ in range(size)]).encode()


def sitewatch_ok(status: int, body: bytes) -> bool:
    """Sitewatch answered 200 itself (an unregistered webhook also gets 200, with no body)."""
    if status != 200:
        return False
    try:
        return bool(json.loads(body).get("message") == "OK")
    except (ValueError, AttributeError):
        return False


def noop_ok(status: int, body: bytes) -> bool:
    return status == 200


@dataclass(frozen=True)
class Target:
    """A webhook to measure: its path, the item format it gets and how to check an answer."""

    name: str
    path: str
    verbose: bool
    accept: Callable[[int, bytes], bool]


@dataclass
class Series:
    """One target's measured latencies (s) and answers by status."""

    latencies: list[float] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)


async def post_interleaved(
    session: aiohttp.ClientSession,
    base_url: str,
    requests: list[tuple[Target, bytes]],
) -> dict[str, Series]:
    """POST the bodies one after the other; latencies (s) and answers by target."""
    results: dict[str, Series] = {}
    for target, payload in requests:
        series = results.setdefault(target.name, Series())
        sent = time.perf_counter()
        try:
            async with session.post(
                f"{base_url}{target.path}", data=payload, headers=JSON_HEADERS
            ) as response:
                body = await response.read()
                status = response.status
        except aiohttp.ClientError as err:
            status, body = 0, type(err).__name__.encode()
        series.latencies.append(time.perf_counter() - sent)
        ok = target.accept(status, body)
        series.answers[str(status) if ok or status != 200 else "200-unexpected"] += 1
    return results


def interleave(
    targets: list[Target], ids: Iterator[int], count: int, size: int
) -> list[tuple[Target, bytes]]:
    """``count`` requests per target, alternating between the targets."""
    return [
        (target, batch_body(ids, size, verbose=target.verbose))
        for _ in range(count)
        for target in targets
    ]


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def summarize(series: Series, size: int) -> dict[str, Any]:
    latencies, answers = series.latencies, series.answers
    ordered = sorted(latencies)
    requests = len(latencies)
    total = sum(latencies)
    failures = requests - answers.get("200", 0)
    return {
        "requests": requests,
        "items": requests * size,
        "failures": failures,
        **({"answers": dict(answers)} if failures else {}),
        "total_s": round(total, 3),
        "requests_per_s": round(requests / total, 1),
        "events_per_s": round(requests * size / total, 1),
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 2),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2),
    }


async def card_lookups(session: aiohttp.ClientSession, stack: DemoStack) -> int:
    """Card requests the simulator has answered so far."""
    stats = (await simulator_stats(session, stack))["findface"]
    return int(stats["by_call"].get("human_cards", 0))


async def last_event_seen(session: aiohttp.ClientSession, stack: DemoStack, event_id: int) -> bool:
    """Whether an event entity's state carries the last event sent (it was delivered)."""
    states = await get_json(session, stack, "/api/states")
    return any(
        state["entity_id"].startswith("event.")
        and state["attributes"].get("event_id") == str(event_id)
        for state in states
    )


async def measure(requests: dict[int, int], warmup: int, settle: float) -> dict[str, Any]:
    async with running_stack(
        simulator_args=["--findface-emit-interval", "0"],
        extra_components={"noop_webhook": NOOP_COMPONENT},
        extra_configuration="noop_webhook:\n",
    ) as run:
        stack, session = run.stack, run.session
        entry_id = await stack.add_findface_entry(session, register_hooks=False)
        await stack.wait_for_entry(session, entry_id)
        webhook_id = await stack.wait_for_webhook_id(entry_id)
        hass_config = await get_json(session, stack, "/api/config")
        if "noop_webhook" not in hass_config["components"]:
            raise DemoError("noop_webhook was not set up; see hass.log")
        loaded_after = time.monotonic() - run.started
        lookups_before = await card_lookups(session, stack)

        sitewatch_path = f"/api/webhook/{webhook_id}?section=face_events"
        groups = [
            [Target("noop", f"/api/webhook/{NOOP_WEBHOOK_ID}", True, noop_ok)],
            [
                Target("sitewatch_verbose", sitewatch_path, True, sitewatch_ok),
                Target("sitewatch_default", sitewatch_path, False, sitewatch_ok),
            ],
        ]
        ids = itertools.count(FIRST_EVENT_ID)
        results: dict[str, dict[str, Any]] = {
            target.name: {} for group in groups for target in group
        }
        delivered: dict[str, bool] = {}
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(connector=connector) as poster:
            for size in BATCH_SIZES:
                for group in groups:
                    await asyncio.sleep(settle)
                    await post_interleaved(
                        poster, stack.hass_url, interleave(group, ids, warmup, size)
                    )
                    plan = interleave(group, ids, requests[size], size)
                    measured = await post_interleaved(poster, stack.hass_url, plan)
                    for name, series in measured.items():
                        results[name][f"batch_{size}"] = summarize(series, size)
                    stack.check_running()
                    if group[0].accept is sitewatch_ok:
                        last = json.loads(plan[-1][1])[-1]["id"]
                        delivered[f"sitewatch_batch_{size}"] = await last_event_seen(
                            session, stack, int(last)
                        )
        lookups = await card_lookups(session, stack) - lookups_before
    return {
        "warmup_requests_per_series": warmup,
        "start_to_entry_loaded_s": round(loaded_after, 2),
        "results": results,
        "last_event_reached_an_entity": delivered,
        "card_lookups_during_runs": lookups,
        "note": (
            "sequential POSTs on one keep-alive connection to a real hass process; latency is "
            "client-side (request sent to answer read), total_s the sum of a series' latencies; "
            "the two sitewatch formats alternate request by request; sitewatch_default names "
            "card 1 from its cache (filled by the warm-up)"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests",
        type=int,
        help="measured requests per series (default 300 for batches of 1, 100 for 50)",
    )
    parser.add_argument("--warmup", type=int, default=20, help="uncounted requests per series")
    parser.add_argument(
        "--settle",
        type=float,
        default=3.0,
        help="pause before each series, s (start-up and recorder catch-up)",
    )
    args = parser.parse_args()
    requests = (
        dict.fromkeys(BATCH_SIZES, args.requests) if args.requests else dict(DEFAULT_REQUESTS)
    )
    print(json.dumps(asyncio.run(measure(requests, args.warmup, args.settle)), indent=2))


if __name__ == "__main__":
    main()
