"""Constants of the FaceSpace provider."""

from __future__ import annotations

from typing import Final

from homeassistant.const import CONF_API_KEY as CONF_API_KEY, CONF_WEBHOOK_ID as CONF_WEBHOOK_ID

from ...const import CONF_BASE_URL as CONF_BASE_URL, PollingInterval

PROVIDER_FACESPACE: Final = "facespace"

POLLING: Final = PollingInterval(default=5, minimum=2, maximum=300)
"""The polling interval option, in seconds."""
CONF_ACCEPT_PUSH: Final = "accept_push"
CONF_PUSH_SECRET: Final = "push_secret"

PUSH_SECRET_HEADER: Final = "X-Sitewatch-Secret"
STORAGE_VERSION: Final = 1
ACCOUNT_DEVICE: Final = "account"
"""The account's device in the entry's ids (``identity.scoped_id``); the cameras are under it."""
UNKNOWN_NAMES: Final = ("unknown", "unknown person")
