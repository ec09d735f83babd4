"""The ComAp login id (an account identifier) and the credentials never reach a log line."""

from __future__ import annotations

import json
import logging
from unittest.mock import patch

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_IGNORE, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.const import CONF_PROVIDER, DOMAIN, MINOR_VERSION
from custom_components.sitewatch.identity import account_digest
from custom_components.sitewatch.providers.comap.api import ComapClient, ComapConnectionError
from custom_components.sitewatch.providers.comap.const import ValueGuid
from simulator.comap import ALPHA_GUID

from ...conftest import SimulatorStack, async_tick, comap_data, provider_form
from .conftest import LOGIN, assert_nothing_private, our_log


@pytest.mark.integration
async def test_no_log_line_holds_the_login_id(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulators: SimulatorStack,
    private_entry_unloaded: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Setup, polls, an outage of every kind and the recovery, at debug level."""
    caplog.set_level(logging.DEBUG)
    entry = private_entry_unloaded
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = entry.runtime_data.coordinator
    assert LOGIN not in coordinator.name
    assert entry.entry_id in coordinator.name

    simulator = simulators.simulator
    for status, body in ((500, None), (200, "<html>maintenance</html>"), (404, None)):
        simulator.fail_next(status, count=2, body=body)
        await async_tick(hass, freezer, 60)
        assert not coordinator.last_update_success
        await async_tick(hass, freezer, 30)
        assert coordinator.last_update_success
    with patch.object(
        aiohttp.ClientSession, "_request", side_effect=aiohttp.ClientConnectionError(LOGIN)
    ):
        await async_tick(hass, freezer, 60)
    assert not coordinator.last_update_success
    await async_tick(hass, freezer, 30)
    assert coordinator.last_update_success
    simulator.fail_next(403, count=10)
    await async_tick(hass, freezer, 60)
    await hass.async_block_till_done()

    log = our_log(caplog)
    assert "ComAp" in log  # the lines are there, without the account in them
    assert_nothing_private(log)


@pytest.mark.integration
async def test_diagnostics_redact_the_login_id(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    private_entry: MockConfigEntry,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, private_entry)
    assert_nothing_private(json.dumps(diagnostics))
    assert diagnostics["entry"]["data"]["login_id"] == "**REDACTED**"
    assert diagnostics["entry"]["unique_id"] == "**REDACTED**"


@pytest.mark.integration
async def test_an_old_entry_is_migrated_to_digests_keeping_its_entity_ids(
    hass: HomeAssistant, private_entry_unloaded: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """Entry 1.1 had the login id in its unique id and in 90 entity unique ids (issue 11)."""
    entry = private_entry_unloaded
    hass.config_entries.async_update_entry(entry, unique_id=LOGIN, minor_version=1)
    old = entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"comap_{LOGIN}_{ALPHA_GUID}_{ValueGuid.ACTUAL_POWER}".lower(),
        config_entry=entry,
        suggested_object_id="my_power",
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    digest = account_digest(LOGIN)
    assert (entry.minor_version, entry.unique_id) == (MINOR_VERSION, digest)
    migrated = entity_registry.async_get(old.entity_id)
    assert migrated is not None
    assert migrated.unique_id == f"comap_{digest}_{ALPHA_GUID}_{ValueGuid.ACTUAL_POWER}".lower()
    assert hass.states.get("sensor.my_power") is not None  # same entity id, same history
    unique_ids = [
        entity.unique_id
        for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    ]
    assert len(unique_ids) > 40
    assert_nothing_private(entry.unique_id, *unique_ids)


@pytest.mark.integration
async def test_new_entries_get_a_neutral_title(
    hass: HomeAssistant, simulators: SimulatorStack
) -> None:
    for title, unique_id in (("ComAp WebSupervisor", "a"), ("ComAp WebSupervisor 2", "b")):
        MockConfigEntry(
            domain=DOMAIN, title=title, unique_id=unique_id, source=SOURCE_IGNORE
        ).add_to_hass(hass)
    flow_id = await provider_form(hass, "comap")
    data = comap_data(simulators.url)
    data.pop(CONF_PROVIDER)
    with patch("custom_components.sitewatch.async_setup_entry", return_value=True) as setup_entry:
        result = await hass.config_entries.flow.async_configure(flow_id, data)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "ComAp WebSupervisor 3"
    assert result["result"].unique_id == account_digest("demo")  # never the login id
    assert setup_entry.called
    assert result["result"].state is ConfigEntryState.LOADED


async def test_client_errors_never_carry_the_url(hass: HomeAssistant) -> None:
    """aiohttp puts the URL (with the login id) in some error texts; the client does not."""
    session = aiohttp.ClientSession()
    client = ComapClient(
        session,
        comap_key="k",
        client_id="c",
        secret="s",
        login_id=LOGIN,
        base_url="http://127.0.0.1:9",
    )
    client._token, client._token_valid_until = "t", float("inf")
    redirects = aiohttp.TooManyRedirects(
        aiohttp.RequestInfo(
            url=client._base_url / "v1.1" / LOGIN / "units",  # type: ignore[arg-type]
            method="GET",
            headers={},  # type: ignore[arg-type]
        ),
        (),
    )
    try:
        with (
            patch.object(aiohttp.ClientSession, "_request", side_effect=redirects),
            pytest.raises(ComapConnectionError) as err,
        ):
            await client.units()
        assert_nothing_private(str(err.value))
        # Not chained either: a logged traceback would print the cause's text.
        assert err.value.__cause__ is None
        assert err.value.__suppress_context__
    finally:
        await session.close()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (f"ComAp WebSupervisor {LOGIN}", "ComAp WebSupervisor 2"),
        ("Site generators", "Site generators"),
    ],
)
@pytest.mark.integration
async def test_generated_title_with_the_login_id_is_made_neutral(
    hass: HomeAssistant,
    private_entry_unloaded: MockConfigEntry,
    title: str,
    expected: str,
) -> None:
    """Entries made before kept ``ComAp WebSupervisor <login>``; a title the user chose stays."""
    MockConfigEntry(
        domain=DOMAIN, title="ComAp WebSupervisor", unique_id="other", source=SOURCE_IGNORE
    ).add_to_hass(hass)
    hass.config_entries.async_update_entry(private_entry_unloaded, title=title)
    assert await hass.config_entries.async_setup(private_entry_unloaded.entry_id)
    await hass.async_block_till_done()
    assert private_entry_unloaded.title == expected
    assert private_entry_unloaded.unique_id == account_digest(LOGIN)
