"""Errors the FindFace client raises (every one a ``FindFaceError``)."""

from __future__ import annotations


class FindFaceError(Exception):
    """Base class of every error the FindFace client raises."""


class FindFaceAuthenticationError(FindFaceError):
    """The token or the user name and password were refused (HTTP 401 or 403)."""


class FindFaceConnectionError(FindFaceError):
    """The server could not be reached: connection failure, TLS failure or timeout."""


class FindFaceApiError(FindFaceError):
    """The server answered another error status, or a body of an unexpected shape.

    Attributes:
        status: the HTTP status, or None when the status was fine but the body was not.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        """Store the message and the HTTP status (None for a malformed body)."""
        super().__init__(message)
        self.status = status
