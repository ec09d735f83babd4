"""The account form of the providers' add flows: each failure shows its error; one entry an account.

The same rules for every provider (the shared account flow), checked against the simulator.
ComAp's other errors are in its package (checked with the recovery that follows); FindFace's
server form is followed by its webhook step (its own tests create its entries).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from ..conftest import SimulatorStack, provider_form
from .facespace.conftest import KEY as FACESPACE_KEY
from .moonsense.conftest import SIM_TOKEN as MOONSENSE_TOKEN

pytestmark = pytest.mark.integration

ACCOUNTS: dict[str, Callable[[str], dict[str, Any]]] = {
    "comap": lambda url: {
        "comap_key": "demo",
        "client_id": "demo",
        "secret": "demo",
        "login_id": "demo",
        "advanced": {"base_url": url},
    },
    "findface": lambda url: {"url": url, "verify_ssl": False, "token": "demo-token"},
    "camlytics": lambda url: {
        "public_key": "demo-public",
        "secret_key": "demo-secret",
        "base_url": f"{url}/service/api/v1/",
    },
    "facespace": lambda url: {"api_key": FACESPACE_KEY, "base_url": f"{url}/facespace/"},
    "moonsense": lambda url: {
        "token": MOONSENSE_TOKEN,
        "root_domain": f"{url}/moonsense/",
        "region": "us-central1.gcp",
    },
}
"""The simulator's demo account on each provider's form, by the simulator's URL."""


async def _submit(
    hass: HomeAssistant, provider: str, server: str, /, **fields: Any
) -> dict[str, Any]:
    """``provider``'s form submitted with its demo account on ``server``, ``fields`` changed."""
    flow_id = await provider_form(hass, provider)
    # FaceSpace retries an unreachable server after a pause: no pause here.
    with patch("custom_components.sitewatch.providers.facespace.api.BACKOFF", 0):
        return await hass.config_entries.flow.async_configure(
            flow_id, {**ACCOUNTS[provider](server), **fields}
        )


@pytest.mark.parametrize(
    ("provider", "fields", "error"),
    [
        # An empty field is no field: FindFace without a token has no credentials.
        ("findface", {"token": ""}, {"base": "missing_credentials"}),
        ("findface", {"token": "wrong"}, {"base": "invalid_auth"}),
        (
            "findface",
            {"token": "", "username": "demo", "password": "wrong"},
            {"base": "invalid_auth"},
        ),
        ("findface", {"url": "http://127.0.0.1:9"}, {"base": "cannot_connect"}),
        ("findface", {"url": "ftp://x"}, {"url": "invalid_url"}),
        ("findface", {"url": "http://["}, {"url": "invalid_url"}),
        ("camlytics", {"secret_key": "wrong"}, {"base": "invalid_auth"}),
        ("camlytics", {"public_key": "nobody"}, {"base": "invalid_auth"}),
        (
            "camlytics",
            {"base_url": "http://127.0.0.1:9/service/api/v1"},
            {"base": "cannot_connect"},
        ),
        ("camlytics", {"base_url": "nonsense"}, {"base_url": "invalid_url"}),
        ("camlytics", {"base_url": "http://["}, {"base_url": "invalid_url"}),
        ("facespace", {"api_key": "wrong"}, {"base": "invalid_auth"}),
        ("facespace", {"base_url": "http://127.0.0.1:9/facespace"}, {"base": "cannot_connect"}),
        ("facespace", {"base_url": "ftp://x"}, {"base_url": "invalid_url"}),
        ("facespace", {"base_url": "http://["}, {"base_url": "invalid_url"}),
        ("moonsense", {"token": "wrong"}, {"base": "invalid_auth"}),
        ("moonsense", {"root_domain": "http://127.0.0.1:9/moonsense"}, {"base": "cannot_connect"}),
    ],
)
async def test_a_refused_or_unreachable_account_shows_its_error(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    provider: str,
    fields: dict[str, Any],
    error: dict[str, str],
) -> None:
    result = await _submit(hass, provider, simulators.url, **fields)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == error


@pytest.mark.parametrize(
    ("provider", "status"),
    [("comap", 500), ("findface", 500), ("camlytics", 500), ("facespace", 404), ("moonsense", 500)],
)
async def test_an_unexpected_answer_is_unknown(
    hass: HomeAssistant, simulators: SimulatorStack, provider: str, status: int
) -> None:
    """An answer the client does not expect (not a refusal, not an outage) is ``unknown``."""
    # ComAp's simulator is the stack's ``simulator``; the others are named by their provider.
    server = simulators.simulator if provider == "comap" else getattr(simulators, provider)
    server.fail_next(status)
    result = await _submit(hass, provider, simulators.url)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}


@pytest.mark.parametrize("provider", ["comap", "camlytics", "facespace", "moonsense"])
async def test_the_same_account_twice_aborts(
    hass: HomeAssistant, simulators: SimulatorStack, provider: str
) -> None:
    result = await _submit(hass, provider, simulators.url)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    result = await _submit(hass, provider, simulators.url)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
