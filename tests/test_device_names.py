"""The five providers set up together against the simulator, as in the demo: devices a user tells
apart (names, areas, parents) and numbers shown as they should be."""

from __future__ import annotations

from collections import Counter
from typing import Any

from homeassistant.components.sensor import ATTR_STATE_CLASS
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN, MINOR_VERSION
from custom_components.sitewatch.identity import account_digest

from .conftest import SimulatorStack, comap_data
from .providers.camlytics.conftest import add_entry as camlytics_entry, fast_limiter  # noqa: F401
from .providers.facespace.conftest import simulator_entry as facespace_entry
from .providers.findface.common import config_entry as findface_entry
from .providers.moonsense.conftest import add_entry as moonsense_entry

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("fast_limiter")]


@pytest.fixture
async def every_provider(
    hass: HomeAssistant, simulators: SimulatorStack, ha_client: Any
) -> list[MockConfigEntry]:
    """One entry of each provider on the simulator, titled as the config flows title them."""
    url = simulators.url
    comap = MockConfigEntry(
        domain=DOMAIN,
        title="ComAp WebSupervisor",
        unique_id=account_digest("demo"),
        minor_version=MINOR_VERSION,
        data=comap_data(url),
        options={"scan_interval": 60},
    )
    comap.add_to_hass(hass)
    findface = findface_entry(url, title="FindFace 127.0.0.1")
    findface.add_to_hass(hass)
    entries = [
        comap,
        findface,
        camlytics_entry(hass, url),
        facespace_entry(hass, url),
        moonsense_entry(
            hass, root=f"{url}/moonsense", webhook_id="moonsense-names", title="Moonsense"
        ),
    ]
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done(wait_background_tasks=True)
    return entries


def _devices(hass: HomeAssistant, entries: list[MockConfigEntry]) -> list[dr.DeviceEntry]:
    """The entries' devices, each once (the People device may belong to several entries)."""
    registry = dr.async_get(hass)
    return list(
        {
            device.id: device
            for entry in entries
            for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        }.values()
    )


async def test_no_two_devices_share_a_name(
    hass: HomeAssistant, every_provider: list[MockConfigEntry]
) -> None:
    devices = _devices(hass, every_provider)
    names = Counter(device.name for device in devices)
    assert len(devices) == 23  # Moonsense: the app and its three phones seen today; People
    assert {name: count for name, count in names.items() if count > 1} == {}


async def test_devices_say_what_and_where_they_are(
    hass: HomeAssistant, every_provider: list[MockConfigEntry]
) -> None:
    """Each camera names its service or location, sits in its area, under its parent."""
    device_registry = dr.async_get(hass)
    areas = ar.async_get(hass)

    def where(device: dr.DeviceEntry) -> tuple[str | None, str | None]:
        area = areas.async_get_area(device.area_id) if device.area_id else None
        parent = device_registry.async_get(device.via_device_id) if device.via_device_id else None
        return (area.name if area else None, parent.name if parent else None)

    shown = {device.name: where(device) for device in _devices(hass, every_provider)}
    assert shown["Entrance (FindFace)"] == ("Main building", "FindFace 127.0.0.1")
    assert shown["Entrance (FaceSpace)"] == (None, "FaceSpace")
    assert shown["Main Street store"] == ("Main Street store", None)
    assert shown["Main Street store Entrance"] == ("Main Street store", "Main Street store")
    assert shown["Riverside mall Checkout"] == ("Riverside mall", "Riverside mall")
    assert shown["Genset Alpha"] == (None, None)
    # A new install gets entity ids without ``_2``: they come from the distinct device names.
    assert hass.states.get("event.entrance_findface_face") is not None
    assert hass.states.get("event.entrance_facespace_recognition") is not None
    assert hass.states.get("sensor.riverside_mall_entrance_enter_today") is not None


async def test_every_numeric_sensor_has_a_display_precision_and_counts_are_whole(
    hass: HomeAssistant, every_provider: list[MockConfigEntry]
) -> None:
    """Every sensor enabled by default with a state class; counts read ``3``, never ``3.0``."""
    entity_registry = er.async_get(hass)
    numeric = [
        entity
        for config_entry in every_provider
        for entity in er.async_entries_for_config_entry(entity_registry, config_entry.entry_id)
        if entity.domain == "sensor"
        and not entity.disabled_by
        and (entity.capabilities or {}).get(ATTR_STATE_CLASS)
    ]
    assert len(numeric) > 40
    missing = [
        entity.entity_id
        for entity in numeric
        if entity.options.get("sensor", {}).get("suggested_display_precision") is None
    ]
    assert missing == []
    for entity in numeric:
        state = hass.states.get(entity.entity_id)
        assert state is not None
        precision = entity.options["sensor"]["suggested_display_precision"]
        counted = entity.original_device_class is None and precision == 0
        if counted and state.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            assert "." not in state.state, (entity.entity_id, state.state)
