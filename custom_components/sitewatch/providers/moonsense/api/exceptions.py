"""Errors the Moonsense client and parsers raise (messages short and fixed, never a payload)."""

from __future__ import annotations

from ....http import HttpApiError


class MoonsenseError(Exception):
    """Base class of every error the Moonsense client raises."""


class MoonsenseAuthenticationError(MoonsenseError):
    """The secret token was refused (HTTP 401/403)."""


class MoonsenseConnectionError(MoonsenseError):
    """The service could not be reached: connection failure or timeout."""


class MoonsenseApiError(MoonsenseError, HttpApiError):
    """Another error status (``status``), or a body of an unexpected shape (a short, fixed text)."""


class BundleParseError(MoonsenseError):
    """One line of a chunk is not a SealedBundle JSON document.

    Attributes:
        line_number: the 1-based line number in the chunk.
        line: the line (cut to 200 characters).
    """

    def __init__(self, line_number: int, line: str) -> None:
        """Name the line."""
        super().__init__(f"Malformed bundle on line {line_number}: {line[:200]!r}")
        self.line_number = line_number
        self.line = line[:200]
