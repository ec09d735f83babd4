"""Simulated Camlytics cloud service: signed REST API, report feeds and webhooks.

Wire behaviour follows docs/providers/camlytics.md. Every call under
``/service/api/v1/`` carries ``X-Key`` (the public key) and ``X-Sign``, the
lowercase hex HMAC-SHA512 of the request URI exactly as received (path plus
raw query string) keyed with the secret key, and a query ``nonce`` that must
be greater than the last one accepted for the key. At most ``rate_limit``
requests per key are admitted in any one-second window; beyond that the
service answers 429, or 503 every third time, both with ``Retry-After: 1``.
Answers are envelopes ``{"msg": "success", "result": [...], "code": 0}``.

Report feeds (``/feed/report/<32 hex>``) need no headers: one per location,
answering ``{"report": {"data": {"counter": <current occupancy>}}}``, and one per
channel whose counter is its current queue length.

Webhooks are registered through the admin routes. Event webhooks POST a JSON
array of events shaped like ``/events`` but with ``"id": null`` and the event
time in UTC without an offset (``"2026-11-23 10:00:00.000"``). The occupancy
and queue payloads are not documented by Camlytics; the shapes sent here are
assumptions (see ``tests/fixtures/camlytics/README.md``).

Generated analytic events drive the state: each location has a current
occupancy (Enter minus Exit line crossings of the location's local day, never
below 0) and each channel a queue length (objects inside its "Queue zone"
region). Histograms are assumed too: for a region, ``counting_data[n]`` holds
the seconds of the hour during which the region held ``n`` objects and
``lifetime_data`` counts the objects that left by how long they stayed (under
1 min, 1-5 min, 5-15 min, 15 min or more); for a line, ``counting_data`` is
the hour's crossing count and ``lifetime_data`` is empty.

Two clocks drive the simulator: the rate limit uses the injected monotonic
``clock``; event times and the local day come from ``wallclock``. The
webhook sender and the automatic event generator run on the event loop in
real time; the retry base interval is a setting so tests can make it small.

Modules: ``settings`` (settings and options), ``model`` (constants, signing,
records), ``state`` (the world and its generator), ``service`` (the simulator:
API operations, request gate, counters), ``examples`` (fixture payloads),
``routes`` (the API and feeds) and ``admin`` (``/_sim/camlytics``).
"""

from ..plugin import DemoInterval, SimulatorPlugin
from . import admin as admin
from .examples import example_payloads, write_fixtures
from .model import API_PREFIX, MAX_EMIT, MAX_EVENTS, CamlyticsApiError, sign
from .routes import CAMLYTICS_SIMULATOR, ROUTES
from .service import CamlyticsSimulator
from .settings import OPTIONS, CamlyticsSettings

PLUGIN = SimulatorPlugin(
    "camlytics",
    CamlyticsSettings,
    CamlyticsSimulator,
    CAMLYTICS_SIMULATOR,
    ROUTES,
    OPTIONS,
    demo_interval=DemoInterval(
        flag="--camlytics-event-interval", default=5.0, what="Camlytics events"
    ),
)
"""The simulated provider, for the application, the command line, the demo and the tests."""

__all__ = [
    "API_PREFIX",
    "CAMLYTICS_SIMULATOR",
    "MAX_EMIT",
    "MAX_EVENTS",
    "PLUGIN",
    "ROUTES",
    "CamlyticsApiError",
    "CamlyticsSettings",
    "CamlyticsSimulator",
    "example_payloads",
    "sign",
    "write_fixtures",
]
