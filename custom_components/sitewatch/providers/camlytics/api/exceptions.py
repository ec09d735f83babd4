"""Errors of the Camlytics client; ``InvalidItem`` names why one item of an answer was dropped."""

from __future__ import annotations


class CamlyticsError(Exception):
    """Base class of every error the Camlytics client raises."""


class CamlyticsAuthenticationError(CamlyticsError):
    """The keys were refused (HTTP 401/403, or a signature the service rejected)."""


class CamlyticsConnectionError(CamlyticsError):
    """The service could not be reached: connection failure or timeout."""


class CamlyticsRateLimitError(CamlyticsError):
    """The service kept answering 429/503 after the client backed off and retried."""


class CamlyticsApiError(CamlyticsError):
    """An error status, a non-zero ``code`` in the body, or a body of an unexpected shape.

    Attributes:
        code: the body's ``code`` (or the HTTP status when there was no envelope).
    """

    def __init__(self, message: str, code: int | None = None) -> None:
        """Store the message and the error code."""
        super().__init__(message)
        self.code = code


class InvalidItem(CamlyticsError):
    """One item of an answer or a webhook body cannot be used; the message is a short, fixed reason.

    The reason never quotes the item (it is counted and logged as it is).
    """
