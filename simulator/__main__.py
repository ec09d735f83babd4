"""Command line entry point: ``python -m simulator --host 127.0.0.1 --port 8765``."""

import argparse
import asyncio
from collections.abc import Sequence
import signal
import sys

from aiohttp import web

from .app import create_app
from .camlytics import CamlyticsSettings
from .comap import ComapSettings
from .facespace import FaceSpaceSettings
from .findface import FINDFACE_SIMULATOR, FindFaceSettings
from .moonsense import MoonsenseSettings


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    defaults = ComapSettings()
    findface = FindFaceSettings()
    camlytics = CamlyticsSettings()
    facespace = FaceSpaceSettings()
    moonsense = MoonsenseSettings()
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Sitewatch provider simulator"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument("--port", type=int, default=8765, help="port to bind; 0 picks one")
    parser.add_argument("--comap-key", default=defaults.key, help="expected Comap-Key")
    parser.add_argument("--comap-client-id", default=defaults.client_id)
    parser.add_argument("--comap-secret", default=defaults.secret)
    parser.add_argument("--comap-login-id", default=defaults.login_id)
    parser.add_argument(
        "--comap-token-lifetime",
        type=int,
        default=defaults.token_lifetime,
        help="token lifetime in seconds",
    )
    parser.add_argument(
        "--comap-rate-limit",
        type=float,
        default=defaults.rate_limit,
        help="requests per second per Comap-Key; 0 disables",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=defaults.speed,
        help="simulated seconds per real second",
    )
    parser.add_argument("--comap-units", type=int, default=defaults.units, help="number of gensets")
    parser.add_argument("--findface-username", default=findface.username)
    parser.add_argument("--findface-password", default=findface.password)
    parser.add_argument(
        "--findface-token",
        default=findface.api_token,
        help="a fixed API token that never expires; empty disables it",
    )
    parser.add_argument(
        "--findface-verbose",
        action="store_true",
        help="VERBOSE_WEBHOOKS: embed cameras, cards and lists in webhook items",
    )
    parser.add_argument(
        "--findface-emit-interval",
        type=float,
        default=findface.emit_interval,
        help="seconds between automatic FindFace event batches; 0 disables",
    )
    parser.add_argument(
        "--camlytics-public-key", default=camlytics.public_key, help="expected X-Key"
    )
    parser.add_argument(
        "--camlytics-secret-key",
        default=camlytics.secret_key,
        help="secret key the X-Sign HMAC-SHA512 is checked with",
    )
    parser.add_argument(
        "--camlytics-rate-limit",
        type=float,
        default=camlytics.rate_limit,
        help="Camlytics requests per second per public key; 0 disables",
    )
    parser.add_argument(
        "--camlytics-event-interval",
        type=float,
        default=camlytics.event_interval,
        help="seconds between generated Camlytics analytic events; 0 disables",
    )
    parser.add_argument(
        "--facespace-api-key", default=facespace.api_key, help="expected FaceSpace x-api-key"
    )
    parser.add_argument(
        "--facespace-interval",
        type=float,
        default=facespace.recognition_interval,
        help="seconds between generated FaceSpace recognitions; 0 disables",
    )
    parser.add_argument(
        "--moonsense-token", default=moonsense.token, help="expected Moonsense bearer token"
    )
    parser.add_argument(
        "--moonsense-interval",
        type=float,
        default=moonsense.bundle_interval,
        help="seconds between generated Moonsense bundles (sessions come and go); 0 disables",
    )
    parser.add_argument(
        "--moonsense-camel-case",
        action="store_true",
        help="answer Moonsense calls and webhooks with lowerCamelCase keys",
    )
    args = parser.parse_args(argv)
    try:
        args.comap = ComapSettings(
            key=args.comap_key,
            client_id=args.comap_client_id,
            secret=args.comap_secret,
            login_id=args.comap_login_id,
            token_lifetime=args.comap_token_lifetime,
            rate_limit=args.comap_rate_limit,
            speed=args.speed,
            units=args.comap_units,
        )
        args.findface = FindFaceSettings(
            username=args.findface_username,
            password=args.findface_password,
            api_token=args.findface_token or None,
            verbose=args.findface_verbose,
            emit_interval=args.findface_emit_interval,
        )
        args.camlytics = CamlyticsSettings(
            public_key=args.camlytics_public_key,
            secret_key=args.camlytics_secret_key,
            rate_limit=args.camlytics_rate_limit,
            event_interval=args.camlytics_event_interval,
        )
        args.facespace = FaceSpaceSettings(
            api_key=args.facespace_api_key,
            recognition_interval=args.facespace_interval,
        )
        args.moonsense = MoonsenseSettings(
            token=args.moonsense_token,
            bundle_interval=args.moonsense_interval,
            camel_case=args.moonsense_camel_case,
        )
    except ValueError as err:
        parser.error(str(err))
    return args


async def serve(
    host: str,
    port: int,
    comap: ComapSettings,
    findface: FindFaceSettings | None = None,
    camlytics: CamlyticsSettings | None = None,
    facespace: FaceSpaceSettings | None = None,
    moonsense: MoonsenseSettings | None = None,
) -> None:
    """Serve the simulator until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    app = create_app(comap, findface, camlytics, facespace, moonsense)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        reachable = (
            "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else shown_host
        )
        app[FINDFACE_SIMULATOR].learn_base_url(f"http://{reachable}:{bound_port}")
        print(f"Simulator listening on http://{shown_host}:{bound_port}", flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator from the command line."""
    args = parse_args(argv)
    asyncio.run(
        serve(
            args.host,
            args.port,
            args.comap,
            args.findface,
            args.camlytics,
            args.facespace,
            args.moonsense,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
