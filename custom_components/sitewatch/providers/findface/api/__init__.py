"""The FindFace Multi API as Sitewatch uses it: REST client, wire models, webhook payloads.

No Home Assistant import. Wire facts: ``docs/providers/findface.md``.
"""

from __future__ import annotations

from .client import DEFAULT_TIMEOUT, FindFaceClient, basic_authorization
from .exceptions import (
    FindFaceApiError,
    FindFaceAuthenticationError,
    FindFaceConnectionError,
    FindFaceError,
)
from .models import (
    SECTIONS,
    Camera,
    CounterInfo,
    HealthStatus,
    Hook,
    NamedObject,
    optional_float,
    optional_int,
    parse_datetime,
)
from .payloads import AttributeValue, PayloadError, PushItem, parse_batch

__all__ = [
    "DEFAULT_TIMEOUT",
    "SECTIONS",
    "AttributeValue",
    "Camera",
    "CounterInfo",
    "FindFaceApiError",
    "FindFaceAuthenticationError",
    "FindFaceClient",
    "FindFaceConnectionError",
    "FindFaceError",
    "HealthStatus",
    "Hook",
    "NamedObject",
    "PayloadError",
    "PushItem",
    "basic_authorization",
    "optional_float",
    "optional_int",
    "parse_batch",
    "parse_datetime",
]
