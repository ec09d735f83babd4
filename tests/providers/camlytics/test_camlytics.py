"""Camlytics in-process against the simulator: flow, polling, webhooks, dedup, budget."""

from __future__ import annotations

import asyncio
from http import HTTPStatus
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.identity import account_digest
from custom_components.sitewatch.providers.camlytics import async_migrate_camlytics_identity_1_3
from custom_components.sitewatch.providers.camlytics.coordinator import LIMITERS

from ...conftest import SimulatorStack, diagnostics_without, provider_form
from .conftest import WEBHOOK_ID, entry_data, post

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("fast_limiter")]

FIXTURES = Path(__file__).parent.parent.parent / "fixtures" / "camlytics"


def _channel_event_entity(hass: HomeAssistant, name: str = "main_street_store_entrance") -> str:
    return f"event.{name}_analytics"


async def _flow(hass: HomeAssistant, url: str, **fields: Any) -> dict[str, Any]:
    return await hass.config_entries.flow.async_configure(
        await provider_form(hass, "camlytics"),
        {
            "public_key": "demo-public",
            "secret_key": "demo-secret",
            "base_url": f"{url}/service/api/v1/",
            **fields,
        },
    )


async def test_flow_creates_entry(hass: HomeAssistant, simulators: SimulatorStack) -> None:
    result = await _flow(hass, simulators.url)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == account_digest("demo-public")
    assert result["data"]["base_url"] == f"{simulators.url}/service/api/v1"
    assert result["options"] == {"scan_interval": 60, "locations": []}
    await hass.async_block_till_done()


async def test_devices_and_entities(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulators: SimulatorStack,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert len(devices) == 2 + 6
    # Each channel is shown under its location, which exists before the channel points at it.
    locations = {device.id for device in devices if device.model == "Location"}
    channels = [device for device in devices if device.model == "Channel"]
    assert len(locations) == 2
    assert all(channel.via_device_id in locations for channel in channels)
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    by_domain: dict[str, int] = {}
    for entity in entities:
        by_domain[entity.domain] = by_domain.get(entity.domain, 0) + 1
    # an occupancy per location, a queue per channel, a count per trigger; per channel an
    # analytic and a queue event entity, per location an occupancy event entity
    triggers = len(simulators.camlytics.triggers())
    assert by_domain == {"sensor": 2 + 6 + triggers, "event": 6 + 6 + 2}
    assert hass.states.get("sensor.main_street_store_occupancy") is not None
    assert hass.states.get("sensor.main_street_store_entrance_enter_today").state == "0"


async def test_polled_events_counts_and_occupancy(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    simulators: SimulatorStack,
) -> None:
    location = simulators.camlytics.locations()[0]["id"]
    channel = simulators.camlytics.channels(location)[0]["id"]
    simulators.camlytics.emit_events(
        3,
        location_id=location,
        channel_id=channel,
        trigger_name="Enter",
        event_type="TripwireCrossed",
    )
    simulators.camlytics.emit_events(
        1,
        location_id=location,
        channel_id=channel,
        trigger_name="Exit",
        event_type="TripwireCrossed",
    )
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    assert hass.states.get("sensor.main_street_store_entrance_enter_today").state == "3"
    assert hass.states.get("sensor.main_street_store_entrance_exit_today").state == "1"
    occupancy = hass.states.get("sensor.main_street_store_occupancy")
    assert occupancy.state == "2"
    assert occupancy.attributes["source"] == "polling"
    event = hass.states.get(_channel_event_entity(hass))
    assert event.attributes["event_type"] == "tripwire_crossed"
    assert event.attributes["trigger"] == "Exit"


async def test_webhooks_events_occupancy_queue_and_dedup(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulators: SimulatorStack,
    ha_client: Any,
) -> None:
    sim = simulators.camlytics
    location = sim.locations()[0]["id"]
    channel = sim.channels(location)[0]["id"]
    base = str(ha_client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    for kind in ("events", "occupancy", "queue"):
        sim.add_webhook(base, kind, location_id=location)
    events = sim.emit_events(
        2, location_id=location, channel_id=channel, event_type="FaceRecognized"
    )
    sim.set_occupancy(location, 7)
    sim.set_queue(channel, 4)
    async with asyncio.timeout(10):
        while len([d for d in sim.deliveries if d.get("ok")]) < 3:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    await hass.async_block_till_done()

    event = hass.states.get(_channel_event_entity(hass))
    assert event.attributes["event_type"] == "other"
    assert event.attributes["camlytics_event_type"] == "FaceRecognized"
    assert event.attributes["record_id"] == events[-1]["record_id"]
    occupancy = hass.states.get("sensor.main_street_store_occupancy")
    assert occupancy.state == "7"
    assert occupancy.attributes["source"] == "webhook"
    assert hass.states.get("sensor.main_street_store_entrance_queue").state == "4"

    # The same events polled afterwards are not fired again.
    fired: list[Any] = []
    hass.bus.async_listen(
        "state_changed",
        lambda e: fired.append(e) if e.data["entity_id"].startswith("event.") else None,
    )
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert fired == []
    # Occupancy from a fresh webhook is not overwritten by polling.
    assert hass.states.get("sensor.main_street_store_occupancy").state == "7"


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("events_webhook", HTTPStatus.OK),
        ("occupancy_webhook", HTTPStatus.OK),
        ("queue_webhook", HTTPStatus.OK),
    ],
)
async def test_fixture_bodies(
    hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any, name: str, status: int
) -> None:
    body = json.loads((FIXTURES / f"{name}.json").read_text())
    assert await post(ha_client, body) == status


async def test_bad_bodies(hass: HomeAssistant, entry: MockConfigEntry, ha_client: Any) -> None:
    assert await post(ha_client, {"hello": "world"}) == HTTPStatus.BAD_REQUEST
    assert await post(ha_client, [1, 2]) == HTTPStatus.BAD_REQUEST
    assert await post(ha_client, {"occupancy": "many", "location_id": 1}) == HTTPStatus.BAD_REQUEST
    # A flat community-style event and a bad item together: the good one is kept.
    flat = {
        "id": 5,
        "channel_id": "x",
        "rule_name": "Enter",
        "event_time": "2026-11-23 10:00:00.000",
    }
    assert await post(ha_client, [flat, {"junk": 1}]) == HTTPStatus.OK


async def test_options_limit_locations_and_show_the_url(
    hass: HomeAssistant, entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "camlytics_options"
    assert result["description_placeholders"]["webhook_url"].endswith(WEBHOOK_ID)
    first = next(iter(entry.runtime_data.coordinator.data.locations))
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"scan_interval": 120, "locations": [str(first)]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.coordinator.included_locations == [first]
    assert entry.runtime_data.coordinator.update_interval.total_seconds() == 120
    assert hass.states.get("sensor.riverside_mall_occupancy") is None or hass.states.get(
        "sensor.riverside_mall_occupancy"
    ).state in ("unavailable", STATE_UNKNOWN)


async def test_options_store_report_feeds_by_their_id(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    feed = "0123456789ABCDEF0123456789abcdef"
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "scan_interval": 60,
            "report_feeds": [
                f" Main Street  store = https://cloud.camlytics.com/feed/report/{feed}",
                "Lobby = not a feed",
                "",
            ],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["report_feeds"] == [f"Main Street store = {feed.lower()}"]


async def test_reauth_and_reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "camlytics_reauth"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"public_key": "demo-public", "secret_key": "bad"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"public_key": "demo-public", "secret_key": "demo-secret"}
    )
    assert result["reason"] == "reauth_successful"
    # The reload's first refresh runs in the background: let it end, as the fast test limiter
    # would let its requests and the flow's overtake each other (the nonce must grow).
    await hass.async_block_till_done(wait_background_tasks=True)

    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "camlytics_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"public_key": "other", "secret_key": "x", "base_url": entry.data["base_url"]},
    )
    assert result["reason"] == "wrong_account"
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "public_key": "demo-public",
            "secret_key": "demo-secret",
            "base_url": entry.data["base_url"],
        },
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_refused_keys_start_reauth(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=account_digest("demo-public"),
        minor_version=2,
        data=entry_data(simulators.url, secret_key="old"),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert [
        f["context"]["source"] for f in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    ] == ["reauth"]


async def test_update_failure_and_recovery(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    simulators.camlytics.fail_next(500, count=1)
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.main_street_store_entrance_enter_today").state == "unavailable"
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.main_street_store_entrance_enter_today").state == "0"


async def test_nonces_survive_a_reload(
    hass: HomeAssistant, entry: MockConfigEntry, simulators: SimulatorStack
) -> None:
    # Many requests in the same second push the nonce past the clock; a reload must not
    # start again from the clock (the simulator rejects a nonce that does not grow).
    for _ in range(3):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
    assert simulators.camlytics.stats()["rejected_nonces"] == 0


async def test_diagnostics(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> None:
    diagnostics = await diagnostics_without(hass, hass_client, entry, "demo-secret", WEBHOOK_ID)
    assert len(diagnostics["provider"]["channels"]) == 6


async def test_one_limiter_keeps_the_budget(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    ha_client: Any,
) -> None:
    """With the real 1 request/s limit on both sides, concurrent refreshes never get a 429."""
    hass.data[LIMITERS] = {}
    simulators.camlytics.set_rate_limit(1.0)
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=account_digest("demo-public"),
        minor_version=2,
        data=entry_data(simulators.url),
        options={
            "scan_interval": 60,
            "locations": [str(simulators.camlytics.locations()[0]["id"])],
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = entry.runtime_data.coordinator
    await asyncio.gather(
        coordinator.async_refresh(),
        coordinator.client.events(),
        coordinator.client.trigger_totals(),
    )
    stats = simulators.camlytics.stats()
    assert stats["rate_limited_429"] + stats["rate_limited_503"] == 0, stats
    assert stats["total"] >= 7


CHANNEL = "1caf1bf9-f74a8-f32eb-0bbab_4A104796"


async def test_an_old_entry_is_migrated_to_digests_keeping_its_entity_ids(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    ha_client: Any,
    entity_registry: er.EntityRegistry,
) -> None:
    """Entry 1.1 had the public key as its unique id and in its entities' unique ids."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Camlytics",
        unique_id="demo-public",
        data=entry_data(simulators.url),
        options={"scan_interval": 60, "locations": []},
    )
    entry.add_to_hass(hass)
    queue = entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"demo-public_channel_{CHANNEL}_queue",
        config_entry=entry,
        suggested_object_id="front_door_queue",
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    digest = account_digest("demo-public")
    assert (entry.minor_version, entry.unique_id) == (MINOR_VERSION, digest)
    migrated = entity_registry.async_get(queue.entity_id)
    assert migrated is not None
    assert migrated.unique_id == f"camlytics_{digest}_channel_{CHANNEL}_queue"
    assert hass.states.get("sensor.front_door_queue") is not None  # same entity id and history
    unique_ids = [
        entity.unique_id
        for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    ]
    assert len(unique_ids) > 20
    assert not [unique_id for unique_id in unique_ids if "demo-public" in unique_id]


async def test_an_entry_1_2_arrives_at_the_one_id_scheme_with_the_same_entity_ids(
    hass: HomeAssistant,
    simulators: SimulatorStack,
    ha_client: Any,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Entry 1.2: ``<digest>_<key>`` unique ids, ``camlytics_<entry id>_<device>`` devices."""
    digest = account_digest("demo-public")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Camlytics",
        unique_id=digest,
        minor_version=2,
        data=entry_data(simulators.url),
        options={"scan_interval": 60, "locations": []},
    )
    entry.add_to_hass(hass)
    location = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, f"camlytics_{entry.entry_id}_location_32")},
        name="Main Street store",
    )
    channel = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, f"camlytics_{entry.entry_id}_channel_{CHANNEL}")},
        name="Front door",
    )
    old = {
        ("sensor", f"{digest}_location_32_occupancy", location.id): "shop_inside",
        ("sensor", f"{digest}_channel_{CHANNEL}_queue", channel.id): "front_door_queue",
        ("event", f"{digest}_channel_{CHANNEL}_events", channel.id): "front_door_events",
    }
    for (domain, unique_id, device_id), object_id in old.items():
        entity_registry.async_get_or_create(
            domain,
            DOMAIN,
            unique_id,
            config_entry=entry,
            device_id=device_id,
            suggested_object_id=object_id,
        )

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert (entry.minor_version, entry.unique_id) == (MINOR_VERSION, digest)
    for (domain, unique_id, device_id), object_id in old.items():
        entity_id = f"{domain}.{object_id}"
        migrated = entity_registry.async_get(entity_id)
        assert migrated is not None
        assert migrated.unique_id == f"camlytics_{unique_id}"  # same entity id and history
        assert migrated.device_id == device_id
        assert hass.states.get(entity_id) is not None
    assert device_registry.async_get(location.id).identifiers == {
        (DOMAIN, f"camlytics_{digest}_location_32")
    }
    assert device_registry.async_get(channel.id).identifiers == {
        (DOMAIN, f"camlytics_{digest}_channel_{CHANNEL}")
    }
    # Every entity and device of the entry is on the new scheme; none was made twice.
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert all(e.unique_id.startswith(f"camlytics_{digest}_") for e in entities)
    assert len({e.unique_id for e in entities}) == len(entities) > 20
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert len(devices) == 2 + 6
    assert all(
        identifier.startswith(f"camlytics_{digest}_")
        for device in devices
        for _, identifier in device.identifiers
    )

    # Migrating again changes nothing.
    before = {e.entity_id: e.unique_id for e in entities}
    await async_migrate_camlytics_identity_1_3(hass, entry)
    after = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert {e.entity_id: e.unique_id for e in after} == before
