"""The simulated FaceSpace HTTP API under ``/facespace``."""

from collections.abc import AsyncIterator

from aiohttp import web

from .model import LOGS_PATH, RECOGNITION_PATH, FaceSpaceApiError
from .state import FaceSpaceSimulator

FACESPACE_SIMULATOR = web.AppKey("FACESPACE_SIMULATOR", FaceSpaceSimulator)
ROUTES = web.RouteTableDef()


async def facespace_context(app: web.Application) -> AsyncIterator[None]:
    """Run the pusher and generator while the application runs (for ``app.cleanup_ctx``)."""
    simulator = app[FACESPACE_SIMULATOR]
    await simulator.start()
    yield
    await simulator.stop()


@ROUTES.get(LOGS_PATH)
async def _logs(request: web.Request) -> web.StreamResponse:
    simulator = request.app[FACESPACE_SIMULATOR]
    query = request.query
    try:
        simulator.admit(request.headers)
        try:
            answer = simulator.logs(
                query.get("start_time"), query.get("end_time"), query.get("camera_id")
            )
        except FaceSpaceApiError:
            simulator.count_bad_date()
            raise
        response = web.json_response(answer)
    except FaceSpaceApiError as err:
        response = err.response()
    simulator.count_request(request.path, response.status)
    return response


@ROUTES.get(RECOGNITION_PATH)
async def _recognition(request: web.Request) -> web.StreamResponse:
    simulator = request.app[FACESPACE_SIMULATOR]
    try:
        simulator.admit(request.headers)
        response = web.json_response(simulator.recognition())
    except FaceSpaceApiError as err:
        response = err.response()
    simulator.count_request(request.path, response.status)
    return response
