"""Command line of ``scripts/demo`` (``python -m simulator.demo``)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import socket
import sys
import time

import aiohttp

from ..plugins import PLUGINS
from .entries import DemoStack
from .processes import ROOT, USERNAME, DemoError


async def run_demo(stack: DemoStack) -> None:
    """Start everything, add the ComAp entry, print where to look, wait until cancelled."""
    started = time.monotonic()
    stack.start()
    async with aiohttp.ClientSession() as session:
        await stack.wait_until_up(session)
        await stack.onboard(session)
        entry_id = await stack.add_comap_entry(session, scan_interval=30)
        await stack.wait_for_entry(session, entry_id)
        elapsed = time.monotonic() - started
        await stack.add_push_providers(session)
        print(
            f"\nSitewatch demo is running ({elapsed:.1f} s from start to the ComAp entry loaded).\n"
            f"  Open:      {stack.hass_url}\n"
            f"  User name: {USERNAME}\n"
            f"  Password:  {stack.password}\n"
            f"  Simulator: {stack.simulator_url} (stats at /_sim/stats)\n"
            f"  Logs:      {stack.state_dir}/hass.log, {stack.state_dir}/simulator.log\n"
            "Open Settings > Devices & services > Sitewatch to see Genset Alpha and Genset Beta;\n"
            "press Start on Genset Alpha and watch its engine speed and power rise.\n"
            "The FindFace cameras (Entrance, Parking, Lobby) get recognitions every few seconds,\n"
            "the FaceSpace cameras recognitions, the Camlytics locations people counts,\n"
            "occupancy and events, and the Moonsense app sessions and readings: see the Logbook.\n"
            "Press Ctrl+C to stop.",
            flush=True,
        )
        while True:
            await asyncio.sleep(1)
            stack.check_running()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line of ``scripts/demo``: ports, state folder, generator intervals.

    Every simulated provider with a generator adds ``--<key>-interval`` (seconds between the
    things it generates), passed on to the simulator as the plugin's own option; the parsed
    result carries those options for the simulator as ``simulator_args``.
    """
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="Run Home Assistant with Sitewatch against the bundled provider simulator.",
    )
    parser.add_argument("--port", type=int, default=8123, help="Home Assistant port (8123)")
    parser.add_argument("--simulator-port", type=int, default=8765, help="simulator port (8765)")
    parser.add_argument(
        "--state-dir", type=Path, default=ROOT / ".demo", help="configuration and logs (.demo)"
    )
    intervals = {plugin.key: plugin.demo_interval for plugin in PLUGINS if plugin.demo_interval}
    for key, interval in intervals.items():
        parser.add_argument(
            f"--{key}-interval",
            type=float,
            default=interval.default,
            help=f"seconds between simulated {interval.what} ({interval.default:g})",
        )
    args = parser.parse_args(argv)
    args.simulator_args = [
        item
        for key, interval in intervals.items()
        for item in (interval.flag, str(getattr(args, f"{key}_interval")))
    ]
    return args


def main(argv: list[str] | None = None) -> int:
    """Run ``scripts/demo`` until Ctrl+C; 1 when a port is taken or a step fails."""
    args = parse_args(argv)
    args.state_dir.mkdir(parents=True, exist_ok=True)
    stack = DemoStack(
        state_dir=args.state_dir.resolve(),
        hass_port=args.port,
        simulator_port=args.simulator_port,
        simulator_args=args.simulator_args,
    )
    for port in (args.port, args.simulator_port):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                print(f"scripts/demo: port {port} is in use; see --port and --simulator-port")
                return 1
    try:
        asyncio.run(run_demo(stack))
    except KeyboardInterrupt:
        print("\nStopping Home Assistant and the simulator...", flush=True)
    except DemoError as err:
        print(f"scripts/demo: {err}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
    return 0
