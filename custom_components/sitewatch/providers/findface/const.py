"""Constants of the FindFace Multi provider."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from homeassistant.const import (
    CONF_PASSWORD as CONF_PASSWORD,
    CONF_TOKEN as CONF_TOKEN,
    CONF_URL as CONF_URL,
    CONF_USERNAME as CONF_USERNAME,
    CONF_VERIFY_SSL as CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID as CONF_WEBHOOK_ID,
)

from ...webhook import CONF_CLOUDHOOK_URL as CONF_CLOUDHOOK_URL

PROVIDER_FINDFACE: Final = "findface"

CONF_HOOK_IDS: Final = "hook_ids"
CONF_CLIENT_UUID: Final = "client_uuid"
CONF_REGISTER_HOOKS: Final = "register_hooks"
CONF_BATCH_SIZE: Final = "batch_size"
CONF_SEND_ATTEMPTS: Final = "send_attempts"
CONF_MATCHED_ONLY: Final = "matched_only"
CONF_SECTIONS: Final = "sections"
"""Option: the kinds of notification received (``api.hooks.KINDS``: faces, bodies, ...)."""
CONF_CAMERAS: Final = "cameras"
CONF_CAMERA_GROUPS: Final = "camera_groups"
CONF_WATCH_LISTS: Final = "watch_lists"
CONF_MIN_CONFIDENCE: Final = "min_confidence"

CAMERAS_REFRESH_INTERVAL: Final = timedelta(minutes=5)
"""How often the cameras, areas and watch lists are read again."""
CARD_NAME_CACHE: Final = 1024
"""Card names kept in memory to name default-format events."""

SERVER: Final = "server"
"""The server's device in the entry's ids (``identity.scoped_id``); areas are on it."""


CAMERA_PREFIX: Final = "camera_"
"""What a camera's device starts with in the entry's ids (``camera_device``)."""


def camera_device(camera_id: int) -> str:
    """A camera's device in the entry's ids (``identity.scoped_id``): ``camera_<id>``."""
    return f"{CAMERA_PREFIX}{camera_id}"
