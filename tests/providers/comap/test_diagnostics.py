"""Diagnostics: the entry and the provider state, with no secret in them."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.providers.comap.api import ComapClient

from ...conftest import SimulatorStack, comap_data, diagnostics_without

pytestmark = pytest.mark.integration


async def test_diagnostics_redact_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulators: SimulatorStack,
) -> None:
    entry = MockConfigEntry(
        domain="sitewatch",
        unique_id="operator-login",
        data=comap_data(
            simulators.url,
            comap_key="key-123456",
            client_id="client-abcdef",
            secret="secret-987654",
            login_id="operator-login",
        ),
    )
    simulators.simulator.settings.key = "key-123456"
    simulators.simulator.settings.client_id = "client-abcdef"
    simulators.simulator.settings.secret = "secret-987654"
    simulators.simulator.settings.login_id = "operator-login"
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    client: ComapClient = entry.runtime_data.coordinator.client
    assert client._token is not None
    secrets = ("key-123456", "client-abcdef", "secret-987654", "operator-login", client._token)
    diagnostics = await diagnostics_without(hass, hass_client, entry, *secrets)
    assert diagnostics["entry"]["data"]["secret"] == "**REDACTED**"
    gensets = diagnostics["provider"]["gensets"]
    assert set(gensets) == {simulators.alpha, simulators.beta}
    alpha = gensets[simulators.alpha]
    assert alpha["online"] is True
    assert alpha["info"]["position"]["latitude"] == "**REDACTED**"
    assert len(alpha["values"]) > 30
