"""Errors of the ComAp client; every call of ``ComapClient`` raises one of these."""

from __future__ import annotations

from ....http import HttpApiError


class ComapError(Exception):
    """Base class of every error the ComAp client raises."""


class ComapAuthenticationError(ComapError):
    """The Comap-Key, client id, secret or login id was refused (HTTP 401 or 403)."""


class ComapConnectionError(ComapError):
    """The API could not be reached: connection failure or timeout."""


class ComapRateLimitError(ComapError):
    """The API answered 429 Too Many Requests.

    Attributes:
        retry_after: seconds to wait before the next call, from the ``Retry-After`` header
            (60 when the header is missing or not a number of seconds).
    """

    def __init__(self, retry_after: float) -> None:
        """Store how long the API asked us to wait, in seconds."""
        super().__init__(f"Rate limited by the ComAp API, retry after {retry_after:g} s")
        self.retry_after = retry_after


class ComapApiError(ComapError, HttpApiError):
    """The API answered another error status (``status``), or a body of an unexpected shape."""


class ComapCommandNotConfirmedError(ComapError):
    """A command was answered 2xx, but not with the documented success answer.

    Attributes:
        reason: a short text saying what the answer was instead (empty, not JSON, a failure
            result...), with at most a short printable excerpt of the provider's own words.
    """

    def __init__(self, reason: str) -> None:
        """Keep the reason; the message is the reason."""
        super().__init__(reason)
        self.reason = reason


class ComapFileTooLargeError(ComapError):
    """A downloaded file is larger than the caller's limit (nothing more of it is read).

    Attributes:
        limit: the limit, in bytes.
    """

    def __init__(self, limit: int) -> None:
        """Keep the limit."""
        super().__init__(f"The file is larger than {limit} bytes")
        self.limit = limit
