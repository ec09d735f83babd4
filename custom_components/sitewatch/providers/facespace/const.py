"""Constants of the FaceSpace provider."""

from __future__ import annotations

from typing import Final

PROVIDER_FACESPACE: Final = "facespace"

CONF_API_KEY: Final = "api_key"
CONF_BASE_URL: Final = "base_url"
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_SCAN_INTERVAL: Final = "scan_interval"
CONF_ACCEPT_PUSH: Final = "accept_push"
CONF_PUSH_SECRET: Final = "push_secret"

DEFAULT_SCAN_INTERVAL: Final = 5
MIN_SCAN_INTERVAL: Final = 2
MAX_SCAN_INTERVAL: Final = 300
PUSH_SECRET_HEADER: Final = "X-Sitewatch-Secret"
STORAGE_VERSION: Final = 1
UNKNOWN_NAMES: Final = ("unknown", "unknown person")
