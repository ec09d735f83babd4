"""Simulated ComAp identity and WebSupervisor v1.1 API.

Wire behaviour follows docs/providers/comap.md: a Comap-Key plus client id
and secret buy a bearer token, and every ``/v1.1/{login_id}/...`` call needs
both the key and an unexpired token.

Two clocks drive the simulator. Tokens and the rate limit use the injected
monotonic ``clock`` directly; the gensets run on simulated time, which is the
clock's elapsed time multiplied by ``ComapSettings.speed``. Time stamps in
answers come from ``wallclock``.

Modules: ``settings`` (settings and options), ``model`` (value specifications,
genset profiles, the API error), ``state`` (the simulator), ``routes`` (the
API) and ``admin`` (``/_sim/comap``).
"""

from ..plugin import SimulatorPlugin
from . import admin as admin
from .model import ALPHA_GUID, BETA_GUID, VALUE_GUIDS, VALUE_SPECS, ComapApiError
from .routes import COMAP_SIMULATOR, ROUTES
from .settings import OPTIONS, ComapSettings
from .state import ComapSimulator

PLUGIN = SimulatorPlugin("comap", ComapSettings, ComapSimulator, COMAP_SIMULATOR, ROUTES, OPTIONS)
"""The simulated ComAp cloud."""

__all__ = [
    "ALPHA_GUID",
    "BETA_GUID",
    "COMAP_SIMULATOR",
    "PLUGIN",
    "ROUTES",
    "VALUE_GUIDS",
    "VALUE_SPECS",
    "ComapApiError",
    "ComapSettings",
    "ComapSimulator",
]
