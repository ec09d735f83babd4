"""The simulated providers: the one list the application, command line, demo and tests use."""

from typing import Any

from .camlytics import PLUGIN as CAMLYTICS
from .comap import PLUGIN as COMAP
from .facespace import PLUGIN as FACESPACE
from .findface import PLUGIN as FINDFACE
from .moonsense import PLUGIN as MOONSENSE
from .plugin import SimulatorPlugin

PLUGINS: tuple[SimulatorPlugin[Any, Any], ...] = (COMAP, FINDFACE, CAMLYTICS, FACESPACE, MOONSENSE)
"""Every simulated provider, in the order the application mounts them."""


def plugin_for(given: object) -> SimulatorPlugin[Any, Any]:
    """The plugin whose settings or simulator ``given`` is.

    Raises:
        TypeError: ``given`` belongs to no plugin.
    """
    for plugin in PLUGINS:
        if plugin.owns(given):
            return plugin
    raise TypeError(f"{type(given).__name__} is no simulator's settings or simulator")
