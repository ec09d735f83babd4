"""Log lines that do not flood the log when the same problem repeats."""

from __future__ import annotations

import logging
from typing import Final

from .const import LOGGER

MAX_REASONS_REMEMBERED: Final = 100
"""Distinct reasons remembered; beyond them a reason is logged at warning each time it occurs."""


class WarnOnce:
    """Logs a problem at warning the first time its reason is seen, then at debug."""

    def __init__(self) -> None:
        """No reason seen yet."""
        self._seen: set[str] = set()

    def __call__(self, reason: str, message: str) -> None:
        """Log ``message``; ``reason`` (short, fixed) decides whether it was seen before."""
        level = logging.DEBUG if reason in self._seen else logging.WARNING
        if len(self._seen) < MAX_REASONS_REMEMBERED:
            self._seen.add(reason)
        LOGGER.log(level, "%s", message)
