"""The simulator's aiohttp application: every plugin's routes plus the admin routes."""

from aiohttp import web

from .faults import ROUTES as FAULT_ROUTES, FaultHarness, attach
from .plugins import PLUGINS, plugin_for

ADMIN_ROUTES = web.RouteTableDef()


def create_app(
    *simulators: object, faults: FaultHarness | None = None, **by_key: object
) -> web.Application:
    """Build the simulator application.

    Args:
        simulators: settings or ready simulators (for example one with an injected clock) of
            any providers, each recognised by its type; defaults apply to the others.
        faults: the fault harness in front of every provider route (see
            ``simulator.faults``), or None for a new one. Tests reach it with
            ``simulator.faults.harness_for(<any of the simulators>)``, other
            processes through ``/_sim/faults``.
        by_key: settings or a simulator by provider key (``comap=ComapSettings(units=4)``).

    Returns:
        The application, with each provider's simulator (under its plugin's ``app_key``)
        and the fault harness stored on it. Simulators that send webhooks run their
        senders and generators while the application runs.

    Raises:
        TypeError: a simulator or settings object of no provider, or an unknown key.
    """
    given = dict(by_key)
    for simulator in simulators:
        given[plugin_for(simulator).key] = simulator
    unknown = set(given) - {plugin.key for plugin in PLUGINS}
    if unknown:
        raise TypeError(f"no simulated provider {', '.join(sorted(unknown))}")
    app = web.Application()
    harness = faults if faults is not None else FaultHarness()
    built = [plugin.install(app, harness, given.get(plugin.key)) for plugin in PLUGINS]
    app.add_routes(ADMIN_ROUTES)
    app.add_routes(FAULT_ROUTES)
    attach(app, harness, built)
    return app


def _stats(app: web.Application) -> dict[str, object]:
    return {plugin.key: app[plugin.app_key].stats() for plugin in PLUGINS}


@ADMIN_ROUTES.get("/_sim/health")
async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@ADMIN_ROUTES.get("/_sim/stats")
async def _get_stats(request: web.Request) -> web.Response:
    return web.json_response(_stats(request.app))


@ADMIN_ROUTES.post("/_sim/stats/reset")
async def _reset_stats(request: web.Request) -> web.Response:
    for plugin in PLUGINS:
        request.app[plugin.app_key].reset_stats()
    return web.json_response(_stats(request.app))
