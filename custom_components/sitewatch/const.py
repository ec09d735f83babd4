"""Constants shared by every Sitewatch provider."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
import logging
from typing import Any, Final

DOMAIN: Final = "sitewatch"
LOGGER: Final = logging.getLogger(__package__)

CONF_PROVIDER: Final = "provider"
"""Config entry data key naming the provider of the entry (for example ``comap``)."""

MINOR_VERSION: Final = 4
"""Minor version of the config entries this Sitewatch writes (``async_migrate_entry``)."""

CONF_BASE_URL: Final = "base_url"
"""Data key of a cloud provider's API address (its default is the provider's own)."""
CONF_SCAN_INTERVAL: Final = "scan_interval"
"""Option key of a provider's polling interval, in seconds."""


@dataclass(frozen=True, kw_only=True)
class PollingInterval:
    """A provider's polling interval option: its default and bounds, in seconds."""

    default: int
    minimum: int
    maximum: int

    def of(self, options: Mapping[str, Any]) -> timedelta:
        """The interval an entry's ``options`` choose (the default when they choose none)."""
        return timedelta(seconds=options.get(CONF_SCAN_INTERVAL, self.default))
