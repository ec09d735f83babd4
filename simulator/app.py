"""The simulator's aiohttp application: provider routes plus admin routes."""

from aiohttp import web

from .camlytics import (
    CAMLYTICS_SIMULATOR,
    ROUTES as CAMLYTICS_ROUTES,
    CamlyticsSettings,
    CamlyticsSimulator,
    camlytics_context,
)
from .comap import COMAP_SIMULATOR, ROUTES as COMAP_ROUTES, ComapSettings, ComapSimulator
from .facespace import (
    FACESPACE_SIMULATOR,
    ROUTES as FACESPACE_ROUTES,
    FaceSpaceSettings,
    FaceSpaceSimulator,
    facespace_context,
)
from .faults import ROUTES as FAULT_ROUTES, FaultHarness, attach
from .findface import (
    FINDFACE_SIMULATOR,
    ROUTES as FINDFACE_ROUTES,
    FindFaceSettings,
    FindFaceSimulator,
    findface_context,
)
from .moonsense import (
    MOONSENSE_SIMULATOR,
    ROUTES as MOONSENSE_ROUTES,
    MoonsenseSettings,
    MoonsenseSimulator,
    moonsense_context,
)

ADMIN_ROUTES = web.RouteTableDef()


def create_app(
    comap: ComapSettings | ComapSimulator | None = None,
    findface: FindFaceSettings | FindFaceSimulator | None = None,
    camlytics: CamlyticsSettings | CamlyticsSimulator | None = None,
    facespace: FaceSpaceSettings | FaceSpaceSimulator | None = None,
    moonsense: MoonsenseSettings | MoonsenseSimulator | None = None,
    faults: FaultHarness | None = None,
) -> web.Application:
    """Build the simulator application.

    Args:
        comap: Settings for the simulated ComAp cloud, or a ready simulator
            (for example one with an injected clock). Defaults apply if None.
        findface: Settings for the simulated FindFace Multi server, or a ready
            simulator. Defaults apply if None. Its webhook sender runs while
            the application runs.
        camlytics: Settings for the simulated Camlytics cloud, or a ready
            simulator. Defaults apply if None. Its webhook sender and event
            generator run while the application runs.
        facespace: Settings for the simulated FaceSpace service (under
            ``/facespace``), or a ready simulator. Defaults apply if None. Its
            pusher and recognition generator run while the application runs.
        moonsense: Settings for the simulated Moonsense Cloud (control plane
            under ``/moonsense/v2``, data planes under
            ``/moonsense/data/{region}/v2``), or a ready simulator. Defaults
            apply if None. Its webhook sender and session generator run while
            the application runs.
        faults: The fault harness in front of every provider route (see
            ``simulator.faults``), or None for a new one. Tests reach it with
            ``simulator.faults.harness_for(<any of the simulators>)``, other
            processes through ``/_sim/faults``.

    Returns:
        The application, with each provider's simulator and the fault harness
        stored on it.
    """
    app = web.Application()
    app[COMAP_SIMULATOR] = comap if isinstance(comap, ComapSimulator) else ComapSimulator(comap)
    app[FINDFACE_SIMULATOR] = (
        findface if isinstance(findface, FindFaceSimulator) else FindFaceSimulator(findface)
    )
    app[CAMLYTICS_SIMULATOR] = (
        camlytics if isinstance(camlytics, CamlyticsSimulator) else CamlyticsSimulator(camlytics)
    )
    app[FACESPACE_SIMULATOR] = (
        facespace if isinstance(facespace, FaceSpaceSimulator) else FaceSpaceSimulator(facespace)
    )
    app[MOONSENSE_SIMULATOR] = (
        moonsense if isinstance(moonsense, MoonsenseSimulator) else MoonsenseSimulator(moonsense)
    )
    harness = faults if faults is not None else FaultHarness()
    harness.mount("comap", app.add_routes(COMAP_ROUTES))
    harness.mount("findface", app.add_routes(FINDFACE_ROUTES))
    harness.mount("camlytics", app.add_routes(CAMLYTICS_ROUTES))
    harness.mount("facespace", app.add_routes(FACESPACE_ROUTES))
    harness.mount("moonsense", app.add_routes(MOONSENSE_ROUTES))
    app.add_routes(ADMIN_ROUTES)
    app.add_routes(FAULT_ROUTES)
    attach(
        app,
        harness,
        (
            app[COMAP_SIMULATOR],
            app[FINDFACE_SIMULATOR],
            app[CAMLYTICS_SIMULATOR],
            app[FACESPACE_SIMULATOR],
            app[MOONSENSE_SIMULATOR],
        ),
    )
    app.cleanup_ctx.append(findface_context)
    app.cleanup_ctx.append(camlytics_context)
    app.cleanup_ctx.append(facespace_context)
    app.cleanup_ctx.append(moonsense_context)
    return app


def _stats(app: web.Application) -> dict[str, object]:
    return {
        "comap": app[COMAP_SIMULATOR].stats(),
        "findface": app[FINDFACE_SIMULATOR].stats(),
        "camlytics": app[CAMLYTICS_SIMULATOR].stats(),
        "facespace": app[FACESPACE_SIMULATOR].stats(),
        "moonsense": app[MOONSENSE_SIMULATOR].stats(),
    }


@ADMIN_ROUTES.get("/_sim/health")
async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@ADMIN_ROUTES.get("/_sim/stats")
async def _get_stats(request: web.Request) -> web.Response:
    return web.json_response(_stats(request.app))


@ADMIN_ROUTES.post("/_sim/stats/reset")
async def _reset_stats(request: web.Request) -> web.Response:
    request.app[COMAP_SIMULATOR].reset_stats()
    request.app[FINDFACE_SIMULATOR].reset_stats()
    request.app[CAMLYTICS_SIMULATOR].reset_stats()
    request.app[FACESPACE_SIMULATOR].reset_stats()
    request.app[MOONSENSE_SIMULATOR].reset_stats()
    return web.json_response(_stats(request.app))
