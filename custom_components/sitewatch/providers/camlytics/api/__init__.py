"""The Camlytics Service API and webhooks, with no Home Assistant import (but ``bounds``).

``client`` (the signed REST client), ``signing`` (``X-Sign``, nonces, the 1 request/s limiter),
``models`` (typed, bounded wire models), ``payloads`` (webhook bodies), ``exceptions``. Wire
facts: ``docs/providers/camlytics.md``.
"""

from .client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, RATE_LIMIT_RETRIES, CamlyticsClient
from .exceptions import (
    CamlyticsApiError,
    CamlyticsAuthenticationError,
    CamlyticsConnectionError,
    CamlyticsError,
    CamlyticsRateLimitError,
    InvalidItem,
)
from .feeds import MAX_FEED_VALUE, feed_id, feed_value
from .models import (
    MAX_COUNT,
    MAX_ID_LENGTH,
    MAX_INT64,
    MAX_NAME_LENGTH,
    Channel,
    Event,
    Histogram,
    Location,
    Metric,
    Trigger,
    TriggerTotal,
    TypeTotal,
    as_int,
    event_key,
    ident,
    parse_items,
    parse_time,
)
from .payloads import MAX_ITEMS, MAX_METRIC, PayloadError, parse_item, parse_metric, parse_webhook
from .signing import MIN_INTERVAL, NonceSource, RateLimiter, encode_query, sign

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "MAX_COUNT",
    "MAX_FEED_VALUE",
    "MAX_ID_LENGTH",
    "MAX_INT64",
    "MAX_ITEMS",
    "MAX_METRIC",
    "MAX_NAME_LENGTH",
    "MIN_INTERVAL",
    "RATE_LIMIT_RETRIES",
    "CamlyticsApiError",
    "CamlyticsAuthenticationError",
    "CamlyticsClient",
    "CamlyticsConnectionError",
    "CamlyticsError",
    "CamlyticsRateLimitError",
    "Channel",
    "Event",
    "Histogram",
    "InvalidItem",
    "Location",
    "Metric",
    "NonceSource",
    "PayloadError",
    "RateLimiter",
    "Trigger",
    "TriggerTotal",
    "TypeTotal",
    "as_int",
    "encode_query",
    "event_key",
    "feed_id",
    "feed_value",
    "ident",
    "parse_item",
    "parse_items",
    "parse_metric",
    "parse_time",
    "parse_webhook",
    "sign",
]
