"""Constants of the Moonsense provider."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from homeassistant.const import CONF_TOKEN as CONF_TOKEN, CONF_WEBHOOK_ID as CONF_WEBHOOK_ID

from ...const import PollingInterval

PROVIDER_MOONSENSE: Final = "moonsense"

CONF_ROOT: Final = "root_domain"
CONF_REGION: Final = "region"
POLLING: Final = PollingInterval(default=120, minimum=30, maximum=3600)
"""The polling interval option, in seconds."""
CONF_LABELS: Final = "labels"
CONF_JOURNEY: Final = "journey_id"
"""Option: the journey sessions must belong to (empty: any)."""
CONF_PLATFORMS: Final = "platforms"
"""Option: the platforms (``web``, ``ios``, ``android``) sessions must run on (none: any)."""
PLATFORMS: Final = ("android", "ios", "web")

ACTIVE_WINDOW: Final = timedelta(minutes=5)
"""A polled session whose newest event is this recent counts as active."""
MAX_ENDED_SESSIONS: Final = 10_000
"""Most ended session ids remembered (so a late bundle does not make one active again)."""

DEFAULT_TITLE: Final = "Moonsense"
"""Title of a new entry (numbered when another entry has it) and of the app's device."""
MAX_SESSIONS_KNOWN: Final = 10_000
"""Most sessions whose phone and platform are remembered (the oldest go first)."""
MAX_LOOKUPS: Final = 8
"""Most sessions looked up (``GET /v2/sessions/{id}``) for one webhook delivery."""
PHONE_DEVICE: Final = "phone"
"""A phone's part of the ids: device ``moonsense_<account>_phone_<digest>``."""
DEFAULT_PHONE_NAME: Final = "Phone"
"""A phone's name while its model is unknown (numbered when taken)."""
APP_DEVICE: Final = "app"
"""The app's part of the ids: device ``moonsense_<account>_app``, entity ``..._app_<key>``."""
