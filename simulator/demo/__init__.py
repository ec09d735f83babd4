"""Run the provider simulator and a real Home Assistant with Sitewatch, driven over HTTP.

``python -m simulator.demo`` (what ``scripts/demo`` runs) starts both processes, completes
Home Assistant's onboarding through its HTTP API, adds a ComAp entry against the simulator
through the config flow HTTP API (as the frontend would), prints the address, user name and
password, and keeps running until interrupted. The end-to-end test uses the same ``DemoStack``.

Modules: ``processes`` (starting and stopping the two processes, Home Assistant's HTTP API),
``entries`` (the config flows that add each provider's entry) and ``cli`` (the command line
of ``scripts/demo``).
"""

from .cli import main, run_demo
from .entries import DemoStack
from .processes import DemoError, free_port

__all__ = ["DemoError", "DemoStack", "free_port", "main", "run_demo"]
