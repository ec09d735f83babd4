"""Constants shared by every Sitewatch provider."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "sitewatch"
LOGGER: Final = logging.getLogger(__package__)

CONF_PROVIDER: Final = "provider"
"""Config entry data key naming the provider of the entry (for example ``comap``)."""

MINOR_VERSION: Final = 3
"""Minor version of the config entries this Sitewatch writes (``async_migrate_entry``)."""
