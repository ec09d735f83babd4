"""The Moonsense Cloud API v2: client, wire models and parsing, errors (no Home Assistant import).

``client`` talks to the control and data planes; ``models`` holds the typed, bounded wire models
(sessions, bundle readings, webhook events, chunks) built by the readers of ``parsing``;
``exceptions`` the errors. Answers follow the protobuf JSON mapping: keys may be snake_case or
lowerCamelCase and int64 fields may arrive as strings; both are accepted. Every parser reads only
the fields Sitewatch uses, at a fixed depth (no recursion over the payload, so any nesting is
harmless), and turns each into a value of its type within range (``bounds``), or None. JSON is
decoded with orjson, which refuses nesting deeper than 1,024 levels with a decode error instead
of recursing without end. Wire facts: ``docs/providers/moonsense.md``.
"""

from __future__ import annotations

from .client import (
    DEFAULT_REGION,
    DEFAULT_ROOT,
    DEFAULT_TIMEOUT,
    MAX_PAGES,
    PER_PAGE,
    MoonsenseClient,
)
from .exceptions import (
    BundleParseError,
    MoonsenseApiError,
    MoonsenseAuthenticationError,
    MoonsenseConnectionError,
    MoonsenseError,
)
from .models import (
    ACTIVITY_LISTS,
    ACTIVITY_TYPES,
    BATTERY_STATES,
    EVENT_TYPES,
    MAX_COUNTED,
    READING_RANGES,
    STANDARD_GRAVITY,
    Chunk,
    Readings,
    Session,
    WebhookEvent,
)
from .parsing import (
    MAX_ID_TEXT,
    MAX_LABELS,
    MAX_RAW_ENUM_TEXT,
    as_float,
    as_int,
    as_time,
    enum_value,
    label_names,
    snake_key,
    snake_keys,
    text_id,
)

__all__ = [
    "ACTIVITY_LISTS",
    "ACTIVITY_TYPES",
    "BATTERY_STATES",
    "DEFAULT_REGION",
    "DEFAULT_ROOT",
    "DEFAULT_TIMEOUT",
    "EVENT_TYPES",
    "MAX_COUNTED",
    "MAX_ID_TEXT",
    "MAX_LABELS",
    "MAX_PAGES",
    "MAX_RAW_ENUM_TEXT",
    "PER_PAGE",
    "READING_RANGES",
    "STANDARD_GRAVITY",
    "BundleParseError",
    "Chunk",
    "MoonsenseApiError",
    "MoonsenseAuthenticationError",
    "MoonsenseClient",
    "MoonsenseConnectionError",
    "MoonsenseError",
    "Readings",
    "Session",
    "WebhookEvent",
    "as_float",
    "as_int",
    "as_time",
    "enum_value",
    "label_names",
    "snake_key",
    "snake_keys",
    "text_id",
]
