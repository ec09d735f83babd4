"""Device trackers of Sitewatch; each provider supplies its own."""

from __future__ import annotations

from homeassistant.const import Platform

from .models import platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_setup(Platform.DEVICE_TRACKER)
"""Add the provider's device trackers."""
