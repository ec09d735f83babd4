"""Simulated FaceSpace (Automa) service: logs and real-time API, plus the client-side pusher.

Wire behaviour follows docs/providers/facespace.md (the ``facespace`` 0.1.x
Python client's contract, release 0.1.2 layout): the API lives under a base
path (``/facespace``), every call carries ``x-api-key``, and errors are
``{"error": "<message>"}`` with a non-200 status.

``GET /facespace/logs`` takes optional ``start_time``, ``end_time`` (each
``%H:%M %d/%m/%y``, minute precision, or ``%d/%m/%y``, a whole day; UTC) and
``camera_id``, and answers ``{"Camera": ["Name @ HH:MM:SS DD/MM/YY", ...]}``
with each camera's lines in time order. Both bounds are inclusive to their
precision: start ``10:05`` includes an entry at 10:05:30, end ``10:05``
includes entries up to 10:05:59, a date-only start is 00:00 of that day and a
date-only end the end of that day. Without a start the answer begins with the
oldest entry, without an end it runs to the newest, without a camera it covers
every camera; cameras without entries in range are left out, so an unknown
camera answers ``{}``. A time in any other format (seconds included) answers
400 ``{"error": "Invalid date format: <value>"}``.

``GET /facespace/recognition`` answers the names each camera sees now,
``{"Camera": ["Alice", ...]}``: a person stays in view for ``presence``
seconds after each recognition, measured on the injected monotonic
``clock``. With no camera active it answers ``{"stop": "No cameras active"}``
(status 200), which the client treats as a stop signal, not an error.

What the FaceSpace client calls its "webhook" is client-side forwarding: it
re-POSTs each answer it got to a URL of the user's choosing with the headers
it sent to FaceSpace (``x-api-key`` included) plus ``additional_headers``.
The simulator plays that client: push targets registered through the test
hooks or admin routes get, after each recognition, either the new log line
(kind "logs": ``{"Camera": ["Name @ ..."]}``) or the whole real-time answer
(kind "realtime": ``{"Camera": [names in view], ...}``). Unlike the real
client (which logs a failed POST and moves on), the pusher retries a non-200
answer with growing delays, then drops the payload; every attempt is
recorded in ``deliveries``.

Log times come from ``wallclock`` (aware UTC); presence from ``clock``. The
pusher and the automatic recognition generator run on the event loop in real
time; the retry base interval is a setting so tests can make it small.

Modules: ``settings`` (settings and options), ``model`` (constants, log
lines, time helpers), ``state`` (the simulator), ``examples`` (fixture
payloads), ``routes`` (the API) and ``admin`` (``/_sim/facespace``).
"""

from ..plugin import DemoInterval, SimulatorPlugin
from . import admin as admin
from .examples import example_payloads, write_fixtures
from .model import (
    LOGS_PATH,
    RECOGNITION_PATH,
    FaceSpaceApiError,
    format_line,
    parse_bound,
    parse_line,
)
from .routes import FACESPACE_SIMULATOR, ROUTES
from .settings import OPTIONS, FaceSpaceSettings
from .state import FaceSpaceSimulator

PLUGIN = SimulatorPlugin(
    "facespace",
    FaceSpaceSettings,
    FaceSpaceSimulator,
    FACESPACE_SIMULATOR,
    ROUTES,
    OPTIONS,
    demo_interval=DemoInterval(
        flag="--facespace-interval", default=7.0, what="FaceSpace recognitions"
    ),
)
"""The simulated provider, for the application, the command line, the demo and the tests."""

__all__ = [
    "FACESPACE_SIMULATOR",
    "LOGS_PATH",
    "PLUGIN",
    "RECOGNITION_PATH",
    "ROUTES",
    "FaceSpaceApiError",
    "FaceSpaceSettings",
    "FaceSpaceSimulator",
    "example_payloads",
    "format_line",
    "parse_bound",
    "parse_line",
    "write_fixtures",
]
