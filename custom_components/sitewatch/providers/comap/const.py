"""Constants of the ComAp WebSupervisor provider.

Value GUIDs from ``docs/providers/comap.md`` (the ``comap`` package's
``VALUE_GUID`` table), lower-cased: the API mixes cases and they compare case-insensitively.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from ...const import CONF_BASE_URL as CONF_BASE_URL, PollingInterval

PROVIDER_COMAP: Final = "comap"

CONF_COMAP_KEY: Final = "comap_key"
CONF_CLIENT_ID: Final = "client_id"
CONF_SECRET: Final = "secret"
CONF_LOGIN_ID: Final = "login_id"
CONF_ADVANCED: Final = "advanced"
POLLING: Final = PollingInterval(default=60, minimum=30, maximum=3600)
"""The polling interval option, in seconds."""

UNITS_REFRESH_INTERVAL: Final = timedelta(minutes=15)
"""How often the list of units is read again to find added and removed gensets."""
MAX_PARALLEL_UNIT_REQUESTS: Final = 4
"""Values and info requests in flight at once across the gensets of one account."""
SETUP_READS: Final = 4
"""Values and info requests the setup's refresh makes at most, after the token and the units
list: a small site is read whole at setup, a large one in a refresh that follows at once in the
background (the client's budget allows 10 requests a second)."""
INFO_READS_PER_REFRESH: Final = 10
"""Info requests one refresh makes at most, after the values: a large site's info arrives
over several refreshes."""
INFO_REFRESH_INTERVAL: Final = timedelta(days=1)
"""How long a genset's info is kept before it is read again (it names the controller model)."""
INFO_RETRY_INTERVAL: Final = timedelta(minutes=15)
"""How soon an info (or comments) request that failed is tried again."""
COMMENTS_REFRESH_INTERVAL: Final = timedelta(hours=1)
"""How long a genset's comments are kept before they are read again (only while its comments
sensor is enabled); they share the ``INFO_READS_PER_REFRESH`` cap with the info."""

FOLLOW_INTERVAL: Final = 2.0
"""Seconds between two reads of a genset after a command (until its state settles)."""
FOLLOW_WITHIN: Final = 60.0
"""Seconds a genset is read every ``FOLLOW_INTERVAL`` after a command, at most."""
FOLLOW_STEADY_READS: Final = 3
"""Reads without a change, after the state changed, that count as settled."""


class ValueGuid:
    """Well-known value GUIDs (lower-cased)."""

    GENSET_NAME: Final = "7b2ae258-65a8-40dd-bb42-5455753679f9"
    SERIAL_NUMBER: Final = "6253525d-cf01-4a15-a34b-6c232496e7b4"
    LAST_UPDATE: Final = "0c9117da-495a-11df-85eb-428556d89593"
    COMM_STATE: Final = "f0219c1c-1860-4b4d-8e6e-3cec96279d6f"
    UNIT_STATE: Final = "48ec10d1-7af8-4ce9-b5b3-a5315993feb3"
    UNIT_CHANGED: Final = "52c8c105-49e6-477b-b43d-33fd46f54640"
    CONTROLLER: Final = "b9ff3ce7-0a81-4d80-8029-99c24a0e764f"
    ALARM_LIST: Final = "7ede9575-feb5-4540-9153-a3b9cf60de9f"
    ALARM_LIST_EXT: Final = "5e36c1aa-a2b7-4264-96b5-bb975e48b547"
    MODE: Final = "6a12aed6-3be0-44c4-9110-9ea33cfe3ccc"
    NOMINAL_POWER: Final = "72d0295a-3e65-11df-892c-d6a856d89593"
    ACTUAL_POWER: Final = "ee83e7e9-7453-4e64-a5cb-c8c093fb2a2f"
    ENGINE_STATE: Final = "bb2d1ade-740e-488d-853b-6ba970d52e27"
    BREAKER_STATE: Final = "b7e5b9b1-9f5e-45c1-82f4-3a336f1f97fa"
    GCB_MODE: Final = "b0f910f3-14e4-4bd1-8db1-739e26680b9c"
    MCB_MODE: Final = "5bbc94e2-2497-4d2b-a3e6-1c798d0b6430"
    IMPORT_KWH: Final = "4c214d52-3d75-11df-8aa2-529056d89593"
    U_L1: Final = "4a2a2694-3049-4a8e-ba5f-cc6feeda9d59"
    U_L2: Final = "e0f2f0ff-0627-4d78-bc78-8973ae8b7cea"
    U_L3: Final = "201b5a65-e4b8-49e6-8f47-9144607eaf58"
    MODES_AVAILABLE: Final = "49424e2b-1009-471c-b8e3-3e84e9c16159"
    U_BATTERY: Final = "e707bcd1-2735-4ab7-8a8c-d75fd589052c"
    RPM: Final = "6629f84f-4b79-43c2-ab33-1f27f1f8c42b"
    NOMINAL_RPM: Final = "dfba9743-a4e9-4759-89a9-845e861ad9ff"
    FREQUENCY_GEN: Final = "1a3767fd-72e9-429b-a088-95318804ce8e"
    BASE_LOAD: Final = "d23d6768-aad0-11df-8c33-2a13dfd72085"
    P_MAINS: Final = "d61be5b5-56fa-4cd8-9fb7-00d2c01627ad"
    Q_MAINS: Final = "441ef9cc-fdec-4064-8939-825be28a97b0"
    OBJECT_P: Final = "87a22d69-b0b7-48ba-bf5f-c3979b462b50"
    FUEL_LEVEL: Final = "0dc2739f-0fc9-4a17-bc91-26e5dda19ed8"
    SERVICE_TIME_SD: Final = "4ef4bd3d-d8dd-45ff-93a0-b82320fddef2"
    SERVICE_TIME_1: Final = "57d26063-6237-489c-9e59-091c0ed13c47"
    SERVICE_TIME_3: Final = "b5719e22-2620-414b-b36b-54975efe3dd0"
    RUN_HOURS: Final = "74200d25-93f2-4328-b1d6-1a08923aa499"
    NUMBER_OF_STARTS: Final = "80042f38-a6d4-4767-a730-b573e7a0dae0"
    SERVICE_INFO: Final = "416e416a-ca43-4064-948e-479247b12411"


# Controller texts of the enum values, mapped to translation-friendly state keys.
ENGINE_STATES: Final[dict[str, str]] = {
    "init": "init",
    "ready": "ready",
    "notready": "not_ready",
    "prestart": "prestart",
    "cranking": "cranking",
    "pause": "pause",
    "starting": "starting",
    "running": "running",
    "loaded": "loaded",
    "soft unld": "soft_unload",
    "softunld": "soft_unload",
    "soft load": "soft_load",
    "softload": "soft_load",
    "cooling": "cooling",
    "stop": "stop",
    "shutdown": "shutdown",
    "ventil": "ventilation",
    "emergman": "emergency_manual",
    "waitstop": "wait_stop",
}
BREAKER_STATES: Final[dict[str, str]] = {
    "init": "init",
    "brksoff": "breakers_off",
    "islopr": "island_operation",
    "isloper": "island_operation",
    "mainsoper": "mains_operation",
    "paraloper": "parallel_operation",
    "revsync": "reverse_synchronising",
    "synchro": "synchronising",
    "mainsflt": "mains_failure",
    "validflt": "valid_failure",
    "mainsret": "mains_return",
    "multisloper": "multiple_island_operation",
    "multparoper": "multiple_parallel_operation",
    "emergman": "emergency_manual",
}
OPERATING_MODES: Final[dict[str, str]] = {
    "off": "off",
    "man": "man",
    "aut": "aut",
    "auto": "aut",
    "test": "test",
}
"""Controller mode texts (and the ``auto`` alias users write) to the mode the API expects."""
