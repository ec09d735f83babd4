"""Constants of the Camlytics provider."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from homeassistant.const import CONF_WEBHOOK_ID as CONF_WEBHOOK_ID

from ...const import CONF_BASE_URL as CONF_BASE_URL, PollingInterval

PROVIDER_CAMLYTICS: Final = "camlytics"

CONF_PUBLIC_KEY: Final = "public_key"
CONF_SECRET_KEY: Final = "secret_key"
POLLING: Final = PollingInterval(default=60, minimum=30, maximum=3600)
"""The polling interval option, in seconds."""
CONF_LOCATIONS: Final = "locations"
CONF_REPORT_FEEDS: Final = "report_feeds"
"""Report feeds read each poll: entries ``<location or channel> = <feed id>``."""

METADATA_REFRESH_INTERVAL: Final = timedelta(minutes=30)
"""How often locations, channels and triggers are read again."""
PUSH_FRESHNESS: Final = timedelta(minutes=10)
"""While a webhook of a kind arrived this recently, polling does not override it."""
NONCE_STORAGE_VERSION: Final = 1

EVENT_TYPES: Final = {
    "TripwireCrossed": "tripwire_crossed",
    "RegionJoin": "region_join",
    "RegionLeave": "region_leave",
    "Loitering": "loitering",
    "Abandoned": "abandoned",
    "Removed": "removed",
    "Crowd": "crowd",
    "Enter": "enter",
    "Exit": "exit",
}
"""Camlytics event types (and the rule names of flat webhooks) to event entity types."""
OTHER_EVENT_TYPE: Final = "other"
"""Event type for anything not listed above; the original name is in the event data."""
ENTER_TRIGGERS: Final = ("enter", "in", "entrance")
EXIT_TRIGGERS: Final = ("exit", "out")
