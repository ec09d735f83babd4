"""Binary sensors of Sitewatch: the provider's own, and the persons' presence (``presence.py``)."""

from __future__ import annotations

from homeassistant.const import Platform

from .presence import platform_with_presence

PARALLEL_UPDATES = 0

async_setup_entry = platform_with_presence(Platform.BINARY_SENSOR)
"""Add the provider's binary sensors, and the person entities this entry hosts."""
