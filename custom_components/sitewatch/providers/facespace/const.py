"""Constants of the FaceSpace provider."""

from __future__ import annotations

from typing import Final

from ...const import PollingInterval

PROVIDER_FACESPACE: Final = "facespace"

CONF_API_KEY: Final = "api_key"
CONF_BASE_URL: Final = "base_url"
CONF_WEBHOOK_ID: Final = "webhook_id"
POLLING: Final = PollingInterval(default=5, minimum=2, maximum=300)
"""The polling interval option, in seconds."""
CONF_ACCEPT_PUSH: Final = "accept_push"
CONF_PUSH_SECRET: Final = "push_secret"

PUSH_SECRET_HEADER: Final = "X-Sitewatch-Secret"
STORAGE_VERSION: Final = 1
UNKNOWN_NAMES: Final = ("unknown", "unknown person")
