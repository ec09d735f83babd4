"""The schema library Home Assistant validates with: probatio from 2026.x, voluptuous before.

Probatio keeps voluptuous's API (``vol.Schema``, ``vol.Required``, ``vol.Invalid``...), so the
code reads the same on both; only the types differ. Forms, service schemas and the errors they
raise must come from the library the running Home Assistant uses, so every module imports
``vol`` from here. mypy checks each lane against its own branch (scripts/test passes
``--always-false PROBATIO`` in the 2025.4 lane and ``--always-true PROBATIO`` in the latest).
Drop the fallback when the minimum in hacs.json reaches a release that ships probatio.
"""

from __future__ import annotations

from importlib.util import find_spec

PROBATIO = find_spec("probatio") is not None

if PROBATIO:
    import probatio as vol
else:
    import voluptuous as vol

__all__ = ["PROBATIO", "vol"]
