"""Errors the FindFace client raises (every one a ``FindFaceError``)."""

from __future__ import annotations

from ....http import HttpApiError


class FindFaceError(Exception):
    """Base class of every error the FindFace client raises."""


class FindFaceAuthenticationError(FindFaceError):
    """The token or the user name and password were refused (HTTP 401 or 403)."""


class FindFaceConnectionError(FindFaceError):
    """The server could not be reached: connection failure, TLS failure or timeout."""


class FindFaceApiError(FindFaceError, HttpApiError):
    """The server answered another error status (``status``), or a body of an unexpected shape."""
