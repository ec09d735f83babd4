"""Moonsense test scaffolding: entries, and the client mocked at the client boundary.

Unit tests use ``mock_client`` (the ``MoonsenseClient`` that ``client_from_data`` makes, replaced
by a mock answering with the hand-written JSON of ``fixtures/``) and ``mock_entry``; the
simulator-backed tests use ``add_entry`` with the simulator's address.
"""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, MagicMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.identity import account_digest
from custom_components.sitewatch.providers.moonsense.api import (
    DEFAULT_REGION,
    DEFAULT_ROOT,
    MoonsenseApiError,
    MoonsenseClient,
    Session,
)

FIXTURES = Path(__file__).parent / "fixtures"
NOON = "2026-11-23T12:00:00+00:00"
"""The frozen time of the unit tests (the fixtures' sessions were created that morning)."""
TOKEN = "s3cret-token"
WEBHOOK_ID = "moonsense-unit-webhook"
ACCOUNT = account_digest("proj-one/app-one")
"""The unique id of the fixtures' app (``tokens_self.json``)."""
SIM_TOKEN = "demo-moonsense"
SIM_ACCOUNT = account_digest("proj-demo/app-demo")
"""The unique id of the simulator's app."""
SIM_TITLE = "Moonsense app-demo"
"""A title naming the app device ``Moonsense app-demo``: entity ids ``*.moonsense_app_demo_*``."""
SIM_BUNDLE: dict[str, Any] = {
    "battery": (81, "CHARGING"),
    "activity": ("WALKING", 92),
    "location": (50.0755, 14.4378, 12.0),
    "temperature": 21.5,
    "light": 300.0,
    "pressure": 1013.2,
    "humidity": 45.0,
    "steps": 9,
    "heart_rate": 71,
    "accelerometer": (0.0, 0.6, -0.8),
    "orientation": (0.0, 0.1, 0.0),
    "pointer": 2,
}
"""A bundle with every reading, for the simulator's ``send_bundle``."""


def load_fixture(name: str) -> Any:
    """A JSON payload of ``fixtures/``."""
    return json.loads((FIXTURES / name).read_text())


def add_entry(
    hass: HomeAssistant,
    *,
    root: str,
    webhook_id: str,
    token: str = SIM_TOKEN,
    unique_id: str = SIM_ACCOUNT,
    title: str = SIM_TITLE,
    **options: Any,
) -> MockConfigEntry:
    """A Moonsense entry (current version) added to Home Assistant, not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=unique_id,
        minor_version=MINOR_VERSION,
        data={
            "provider": "moonsense",
            "token": token,
            "root_domain": root,
            "region": DEFAULT_REGION,
            "webhook_id": webhook_id,
        },
        options={"scan_interval": 120, "labels": [], **options},
    )
    entry.add_to_hass(hass)
    return entry


async def async_setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Set ``entry`` up; it must load."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
def mock_client() -> Iterator[MagicMock]:
    """The client every entry and flow makes, answering with the fixtures."""
    client = MagicMock(spec=MoonsenseClient)
    client.whoami = AsyncMock(return_value=load_fixture("tokens_self.json"))
    client.sessions = AsyncMock(
        return_value=[Session.from_api(raw) for raw in load_fixture("sessions.json")["sessions"]]
    )
    sessions = {
        session.session_id: session
        for session in (Session.from_api(raw) for raw in load_fixture("sessions.json")["sessions"])
    }

    async def one_session(session_id: str, view: str = "minimal") -> Session:
        if session_id not in sessions:
            raise MoonsenseApiError("Moonsense answered HTTP 404", 404)
        return sessions[session_id]

    client.session = AsyncMock(side_effect=one_session)
    client.default_region = DEFAULT_REGION
    client.control_url = f"https://api.{DEFAULT_ROOT}"
    client.data_url.return_value = f"https://{DEFAULT_REGION}.data-api.{DEFAULT_ROOT}"
    client.request_count = 1
    with patch(
        "custom_components.sitewatch.providers.moonsense.coordinator.MoonsenseClient",
        return_value=client,
    ):
        yield client


@pytest.fixture
def mock_entry(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    """An entry of the fixtures' app as the config flow makes it (title ``Moonsense``), at noon."""
    freezer.move_to(NOON)
    return add_entry(
        hass,
        root=DEFAULT_ROOT,
        webhook_id=WEBHOOK_ID,
        token=TOKEN,
        unique_id=ACCOUNT,
        title="Moonsense",
    )
