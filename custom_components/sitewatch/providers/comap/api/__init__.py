"""Async client of the ComAp Cloud Identity and WebSupervisor (WSV) API v1.1.

Pure aiohttp, no Home Assistant imports: ``client`` (the calls and the token), ``models`` (the
wire models and their decoding), ``exceptions``. Wire facts: ``docs/providers/comap.md``.
"""

from .client import DEFAULT_BASE_URL, ComapClient
from .exceptions import (
    ComapApiError,
    ComapAuthenticationError,
    ComapCommandNotConfirmedError,
    ComapConnectionError,
    ComapError,
    ComapFileTooLargeError,
    ComapRateLimitError,
)
from .models import (
    COMMAND_MODES,
    COMMAND_SUCCESS_RESULT,
    ComapCommand,
    Comment,
    Connection,
    File,
    HistoryEntry,
    Position,
    Token,
    Unit,
    UnitInfo,
    Value,
    ValueHistory,
    check_command_answer,
)

__all__ = [
    "COMMAND_MODES",
    "COMMAND_SUCCESS_RESULT",
    "DEFAULT_BASE_URL",
    "ComapApiError",
    "ComapAuthenticationError",
    "ComapClient",
    "ComapCommand",
    "ComapCommandNotConfirmedError",
    "ComapConnectionError",
    "ComapError",
    "ComapFileTooLargeError",
    "ComapRateLimitError",
    "Comment",
    "Connection",
    "File",
    "HistoryEntry",
    "Position",
    "Token",
    "Unit",
    "UnitInfo",
    "Value",
    "ValueHistory",
    "check_command_answer",
]
