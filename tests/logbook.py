"""Reading Home Assistant's Logbook in tests, as the frontend does (``logbook/get_events``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.entity import EVENT_SITEWATCH


async def sitewatch_rows(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    *,
    entity_ids: list[str] | None = None,
    device_ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The Logbook rows Sitewatch described (its ``sitewatch_event``s), oldest first.

    Asked with ``logbook/get_events`` for the last hour, optionally for some entities or
    devices only (as the more-info dialog and the device page ask).
    """
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    client = await hass_ws_client(hass)
    request: dict[str, Any] = {
        "type": "logbook/get_events",
        "start_time": (dt_util.utcnow() - timedelta(hours=1)).isoformat(),
    }
    if entity_ids is not None:
        request["entity_ids"] = entity_ids
    if device_ids is not None:
        request["device_ids"] = device_ids
    await client.send_json_auto_id(request)
    answer = await client.receive_json()
    assert answer["success"], answer
    await client.close()
    return [row for row in answer["result"] if row.get("domain") == DOMAIN]


def bus_events(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Start collecting the data of every ``sitewatch_event`` put on the bus (returned list)."""
    fired: list[dict[str, Any]] = []

    @callback  # in the event loop as it fires (a plain function would run in the executor)
    def take(event: Event) -> None:
        fired.append(dict(event.data))

    hass.bus.async_listen(EVENT_SITEWATCH, take)
    return fired
