"""Simulated Moonsense Cloud: control plane, regional data planes and webhooks.

Wire behaviour follows docs/providers/moonsense.md (the ``moonsense``
Python package's contract) and the vendor's webhook and bundle schemas. The
real service has a control plane (``https://api.moonsense.cloud``) and one
data plane per region (``https://{region}.data-api.moonsense.cloud``). Given
a root ``BASE`` that is a full URL, Sitewatch uses ``BASE`` as the control
plane and ``BASE/data/{region}`` as a data plane, so this simulator serves:

* control plane under ``/moonsense/v2/...``: ``regions`` (no auth),
  ``tokens/self``, ``sessions``, ``sessions/{id}``, ``sessions/{id}/labels``;
* data plane under ``/moonsense/data/{region}/v2/...``: the same token,
  session and label calls (as the package makes them on its default region)
  plus ``sessions/{id}/chunks`` and ``sessions/{id}/chunks/{chunk_id}``,
  which answer 404 unless the session lives in that region.

Every call but ``regions`` needs ``Authorization: Bearer <token>``; errors are
``{"error": "<message>"}`` with a non-200 status. JSON follows the protobuf
JSON mapping: int64 fields are strings, enums are names, timestamps RFC 3339;
keys are snake_case, or lowerCamelCase with ``camel_case`` (both are legal
protobuf JSON). With ``emit_defaults`` off, fields holding their default
value (0, "", empty lists, enum 0) are left out as protobuf does.

Sessions are listed newest first, ``per_page`` at a time: ``pagination``
gives ``current_page``, ``next_page`` (0 on the last page), ``last_page``,
``total_pages``, ``per_page`` and ``total_count``; a page past the end has no
sessions. Filters: ``filter[min_created_at]`` and ``filter[max_created_at]``
(RFC 3339, inclusive), ``filter[labels][]`` (repeatable, any label matches),
``filter[journey_id]`` and ``filter[platforms][]`` (repeatable).

A session's bundles go into its current chunk; persisting closes the chunk,
which the data plane then lists and serves as one SealedBundle JSON per line.
Webhooks get ``{project_id, app_id, session_id, event_type, bundle,
client_session_group_id, session_labels, journey_id}`` (``bundle`` only for
BUNDLE_RECEIVED); a non-2xx answer is retried with growing delays, then the
payload is dropped. Every attempt is recorded in ``deliveries``.

Times come from ``wallclock`` (aware UTC); the bundles' client timers from
the monotonic ``clock``. The sender and the optional session generator
(``bundle_interval``) run on the event loop in real time; the retry base
interval is a setting so tests can make it small.

Modules: ``settings`` (settings and options), ``model`` (constants, wire
helpers, records), ``state`` (the world and its generator), ``service`` (the
simulator: API operations, test hooks, counters), ``render`` (session JSON),
``examples`` (fixture payloads), ``routes`` (the APIs) and ``admin``
(``/_sim/moonsense``).
"""

from ..plugin import DemoInterval, SimulatorPlugin
from . import admin as admin
from .examples import EXAMPLE_READINGS, example_payloads, write_fixtures
from .model import (
    CONTROL_PREFIX,
    MAX_PER_PAGE,
    MoonsenseApiError,
    camelize,
    parse_rfc3339,
    prune_defaults,
    rfc3339,
    to_camel,
)
from .routes import MOONSENSE_SIMULATOR, ROUTES
from .service import MoonsenseSimulator
from .settings import OPTIONS, MoonsenseSettings

PLUGIN = SimulatorPlugin(
    "moonsense",
    MoonsenseSettings,
    MoonsenseSimulator,
    MOONSENSE_SIMULATOR,
    ROUTES,
    OPTIONS,
    demo_interval=DemoInterval(flag="--moonsense-interval", default=5.0, what="Moonsense bundles"),
)
"""The simulated provider, for the application, the command line, the demo and the tests."""

__all__ = [
    "CONTROL_PREFIX",
    "EXAMPLE_READINGS",
    "MAX_PER_PAGE",
    "MOONSENSE_SIMULATOR",
    "PLUGIN",
    "ROUTES",
    "MoonsenseApiError",
    "MoonsenseSettings",
    "MoonsenseSimulator",
    "camelize",
    "example_payloads",
    "parse_rfc3339",
    "prune_defaults",
    "rfc3339",
    "to_camel",
    "write_fixtures",
]
