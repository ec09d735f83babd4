"""Config flow: every path of the user, reauth, reconfigure and options steps."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import CONF_PROVIDER
from custom_components.sitewatch.identity import account_digest

from ...budget import ManualBudget
from ...conftest import SimulatorStack, provider_form

pytestmark = pytest.mark.integration

UNREACHABLE = "http://127.0.0.1:9"


def user_input(url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "comap_key": "demo",
        "client_id": "demo",
        "secret": "demo",
        "login_id": "demo",
        "advanced": {"base_url": url},
        **overrides,
    }


async def test_user_flow_creates_entry(hass: HomeAssistant, simulators: SimulatorStack) -> None:
    flow_id = await provider_form(hass, "comap")
    result = await hass.config_entries.flow.async_configure(
        flow_id, user_input(simulators.url + "/", login_id=" demo ")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "ComAp WebSupervisor"
    assert result["data"] == {
        CONF_PROVIDER: "comap",
        **user_input(simulators.url),
    }
    assert result["options"] == {"scan_interval": 60}
    assert result["result"].unique_id == account_digest("demo")
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"secret": "wrong"}, {"base": "invalid_auth"}),
        ({"login_id": "someone-else"}, {"base": "invalid_auth"}),
        ({"advanced": {"base_url": UNREACHABLE}}, {"base": "cannot_connect"}),
        ({"advanced": {"base_url": "not a url"}}, {"advanced": "invalid_url"}),
        ({"advanced": {"base_url": "ftp://example.com"}}, {"advanced": "invalid_url"}),
        ({"advanced": {"base_url": "http://["}}, {"advanced": "invalid_url"}),
    ],
)
async def test_user_flow_errors_then_recovers(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    change: dict[str, Any],
    error: dict[str, str],
) -> None:
    flow_id = await provider_form(hass, "comap")
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**user_input(simulators.url), **change}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == error

    result = await hass.config_entries.flow.async_configure(flow_id, user_input(simulators.url))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_user_flow_rate_limited_is_cannot_connect(
    hass: HomeAssistant, simulators: SimulatorStack, budgets: list[ManualBudget]
) -> None:
    """Rate limited past the client's patience (a minute of 429s) is ``cannot_connect``.

    Other answers: test_account_flow.
    """
    simulators.simulator.fail_next(429, count=100)
    flow_id = await provider_form(hass, "comap")
    result = await hass.config_entries.flow.async_configure(flow_id, user_input(simulators.url))
    assert result["errors"] == {"base": "cannot_connect"}
    assert sum(budget.slept.count(1.0) for budget in budgets) == 60


async def test_user_flow_waits_out_a_short_rate_limit(
    hass: HomeAssistant, simulators: SimulatorStack, budgets: list[ManualBudget]
) -> None:
    simulators.simulator.fail_next(429)
    flow_id = await provider_form(hass, "comap")
    result = await hass.config_entries.flow.async_configure(flow_id, user_input(simulators.url))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert budgets[0].slept == [1.0]  # the flow's client waited out Retry-After: 1
    await hass.async_block_till_done()


async def test_reauth(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    simulators.simulator.settings.secret = "rotated"
    result = await loaded_comap_entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "comap_reauth"
    assert result["description_placeholders"]["login_id"] == "demo"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"comap_key": "demo", "secret": "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"comap_key": "demo", "secret": "rotated"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert loaded_comap_entry.data["secret"] == "rotated"
    assert loaded_comap_entry.data["client_id"] == "demo"
    await hass.async_block_till_done()


async def test_reconfigure(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    result = await loaded_comap_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "comap_reconfigure"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(UNREACHABLE)
    )
    assert result["errors"] == {"base": "cannot_connect"}

    simulators.simulator.settings.client_id = "new-client"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(simulators.url, client_id="new-client")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_comap_entry.data["client_id"] == "new-client"
    await hass.async_block_till_done()


async def test_reconfigure_to_another_account_aborts(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    result = await loaded_comap_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(simulators.url, login_id="other")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_options_flow_sets_the_polling_interval(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry
) -> None:
    result = await hass.config_entries.options.async_init(loaded_comap_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"

    coordinator = loaded_comap_entry.runtime_data.coordinator
    reload = hass.config_entries.async_reload
    with patch.object(hass.config_entries, "async_reload", side_effect=reload) as reloads:
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"scan_interval": 120}
        )
        await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_comap_entry.options == {"scan_interval": 120}
    # Applied to the running coordinator by the flow: no reload, no update listener.
    reloads.assert_not_called()
    assert loaded_comap_entry.runtime_data.coordinator is coordinator
    assert coordinator.update_interval.total_seconds() == 120
    assert loaded_comap_entry.update_listeners == []


async def test_options_flow_rejects_a_too_short_interval(
    hass: HomeAssistant, loaded_comap_entry: MockConfigEntry
) -> None:
    from homeassistant.data_entry_flow import InvalidData

    result = await hass.config_entries.options.async_init(loaded_comap_entry.entry_id)
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(result["flow_id"], {"scan_interval": 5})
