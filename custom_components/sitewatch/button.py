"""Buttons of Sitewatch; each provider supplies its own entity descriptions."""

from __future__ import annotations

from homeassistant.const import Platform

from .models import platform_setup

PARALLEL_UPDATES = 1

async_setup_entry = platform_setup(Platform.BUTTON)
"""Add the provider's buttons."""
