"""Command line entry point: ``python -m simulator --host 127.0.0.1 --port 8765``."""

import argparse
import asyncio
from collections.abc import Mapping, Sequence
import signal
import sys

from aiohttp import web

from .app import create_app
from .plugins import PLUGINS


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line: the shared options, then every plugin's own.

    The result has each provider's settings under its key (``args.comap`` and so on).
    """
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Sitewatch provider simulator"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument("--port", type=int, default=8765, help="port to bind; 0 picks one")
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="simulated seconds per real second: genset time and every generator's rate",
    )
    for plugin in PLUGINS:
        plugin.add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        for plugin in PLUGINS:
            setattr(args, plugin.key, plugin.from_arguments(args))
    except ValueError as err:
        parser.error(str(err))
    return args


async def serve(host: str, port: int, settings: Mapping[str, object]) -> None:
    """Serve the simulator until SIGINT or SIGTERM; ``settings`` by provider key."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    app = create_app(*settings.values())
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        reachable = (
            "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else shown_host
        )
        for plugin in PLUGINS:
            if plugin.learn_base_url is not None:
                plugin.learn_base_url(app[plugin.app_key], f"http://{reachable}:{bound_port}")
        print(f"Simulator listening on http://{shown_host}:{bound_port}", flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator from the command line."""
    args = parse_args(argv)
    asyncio.run(
        serve(args.host, args.port, {plugin.key: getattr(args, plugin.key) for plugin in PLUGINS})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
