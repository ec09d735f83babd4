"""Simulated FindFace Multi server: REST API (about version 2.1) and webhooks.

Wire behaviour follows docs/providers/findface.md: paths at the root
with trailing slashes, ``Authorization: Token <token>`` on every call but the
login, cursor-paged lists, and webhooks (``/hooks/``) that POST JSON arrays of
at most ``batch_size`` items of one section, retried with exponentially
growing intervals until the receiver answers 200.

No official webhook payload example exists. The items built here mirror the
REST serializers (face/body/car event, human/car episode, counter record,
area activation). In default mode cameras, camera groups, cards and watch
lists are ids; in verbose mode (``VERBOSE_WEBHOOKS``) those same keys hold the
full objects in place (``camera``, ``camera_group``, ``matched_card``,
``matched_lists``, and in episodes ``cameras`` and ``camera_groups`` too).
No ``verbose_*`` keys are added. The REST lists always use the default form.

Two clocks drive the simulator: tokens use the injected monotonic ``clock``;
time stamps in answers and payloads come from ``wallclock``. The webhook
sender and the automatic emitter run on the event loop in real time; the
retry base interval is a setting so tests can make it small.

Modules: ``settings`` (settings and options), ``model`` (constants, records, hook
filters), ``catalogue`` (cameras, groups, lists, cards), ``state`` (the world and
its generators), ``service`` (the simulator: API operations, test hooks),
``examples`` (fixture payloads), ``routes`` (the API) and ``admin``
(``/_sim/findface``).
"""

from ..plugin import DemoInterval, SimulatorPlugin
from . import admin as admin
from .examples import example_payloads, write_fixtures
from .model import JPEG, MAX_EMIT, SECTIONS, FindFaceApiError
from .routes import FINDFACE_SIMULATOR, ROUTES
from .service import FindFaceSimulator
from .settings import OPTIONS, FindFaceSettings

PLUGIN = SimulatorPlugin(
    "findface",
    FindFaceSettings,
    FindFaceSimulator,
    FINDFACE_SIMULATOR,
    ROUTES,
    OPTIONS,
    demo_interval=DemoInterval(
        flag="--findface-emit-interval", default=5.0, what="FindFace notifications"
    ),
    learn_base_url=FindFaceSimulator.learn_base_url,
)
"""The simulated provider, for the application, the command line, the demo and the tests."""

__all__ = [
    "FINDFACE_SIMULATOR",
    "JPEG",
    "MAX_EMIT",
    "PLUGIN",
    "ROUTES",
    "SECTIONS",
    "FindFaceApiError",
    "FindFaceSettings",
    "FindFaceSimulator",
    "example_payloads",
    "write_fixtures",
]
