"""Helpers of the FindFace tests: fixtures on disk, entry data, posting to the webhook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

FIXTURES = Path(__file__).parent.parent.parent / "fixtures" / "findface"
WEBHOOK_ID = "findface-test-webhook"


def fixture(name: str) -> list[dict[str, Any]]:
    """The items of a generated payload fixture (``tests/fixtures/findface/<name>.json``)."""
    data: list[dict[str, Any]] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def entry_data(url: str, **overrides: Any) -> dict[str, Any]:
    """Config entry data of a FindFace entry against the simulator at ``url``."""
    return {
        "provider": "findface",
        "url": url,
        "verify_ssl": True,
        "token": "demo-token",
        "webhook_id": WEBHOOK_ID,
        "client_uuid": "uuid-1",
        "hook_ids": [],
        **overrides,
    }


async def post(hass_client: ClientSessionGenerator, body: Any, section: str | None) -> int:
    """POST ``body`` as JSON to the entry's webhook (with ``?section=``); the HTTP status."""
    client = await hass_client()
    url = f"/api/webhook/{WEBHOOK_ID}" + (f"?section={section}" if section else "")
    response = await client.post(url, json=body)
    return response.status
