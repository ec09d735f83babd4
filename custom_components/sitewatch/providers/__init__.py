"""The registry of the providers Sitewatch brings into Home Assistant, one package each.

Adding a provider: a package here that exports ``PROVIDER`` (a ``models.Provider``), one line
in ``PROVIDERS`` below, and its strings in ``translations/en.json``. The shared modules reach
providers only through this list.
"""

from __future__ import annotations

from typing import Final

from ..models import Provider
from . import camlytics, comap, facespace, findface, moonsense

PROVIDERS: Final[dict[str, Provider]] = {
    provider.key: provider
    for provider in (
        comap.PROVIDER,
        findface.PROVIDER,
        camlytics.PROVIDER,
        facespace.PROVIDER,
        moonsense.PROVIDER,
    )
}
"""Every provider by its key (the ``provider`` of an entry's data), in the user menu's order."""
