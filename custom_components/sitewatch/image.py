"""Image entities of Sitewatch: each provider's last recognition pictures (``thumbnails.py``)."""

from __future__ import annotations

from homeassistant.const import Platform

from .models import platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_setup(Platform.IMAGE)
"""Add the provider's image entities."""
