"""Helpers of the device trigger tests: the triggers a device offers, automations that count.

Each automation built here fires the event ``sitewatch_test_run`` with its label when its
trigger runs; ``Runs`` counts them by label.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)

from custom_components.sitewatch import device_trigger
from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.identity import device_identifier, entity_unique_id
from custom_components.sitewatch.schema import PROBATIO

from .conftest import device_by_identifier

RUN_EVENT = "sitewatch_test_run"


def device_of(hass: HomeAssistant, entry: MockConfigEntry, device: str) -> str:
    """The device id of the entry's ``device`` (``camera_1``, ``location_7``...; not its name)."""
    found = device_by_identifier(dr.async_get(hass), entry, device_identifier(entry, device))
    assert found is not None, device
    return found.id


def entity_of(
    hass: HomeAssistant, entry: MockConfigEntry, domain: str, device: str, key: str
) -> str:
    """The entity id of the entry's entity ``key`` of ``device`` (found by its unique id)."""
    entity_id = er.async_get(hass).async_get_entity_id(
        domain, DOMAIN, entity_unique_id(entry, device, key)
    )
    assert entity_id is not None, (device, key)
    return entity_id


async def async_offered(hass: HomeAssistant, device_id: str) -> list[tuple[str, str | None]]:
    """The Sitewatch device triggers of the device, as (type, subtype), sorted."""
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, device_id)
    ours = [trigger for trigger in triggers if trigger["domain"] == DOMAIN]
    assert all(trigger["device_id"] == device_id for trigger in ours)
    return sorted((trigger["type"], trigger.get("subtype")) for trigger in ours)


async def async_capabilities(
    hass: HomeAssistant, device_id: str, type_: str, **trigger: Any
) -> list[dict[str, Any]]:
    """The extra fields the automation editor gets for the trigger, serialized as its websocket
    command (``device_automation/trigger/capabilities``) serializes them."""
    config = {"platform": "device", "domain": DOMAIN, "device_id": device_id, "type": type_}
    capabilities = await device_trigger.async_get_trigger_capabilities(hass, config | trigger)
    if (fields := capabilities.get("extra_fields")) is None:
        return []
    if PROBATIO:  # Home Assistant 2026.x serializes with probatio
        import probatio

        serialized: list[dict[str, Any]] = probatio.to_field_list(
            fields, custom_serializer=cv.custom_serializer
        )
    else:
        import voluptuous_serialize

        serialized = voluptuous_serialize.convert(fields, custom_serializer=cv.custom_serializer)
    return serialized


class Runs:
    """How many times each labelled automation ran, and the trigger variables of each run."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Count from now on."""
        self.counts: Counter[str] = Counter()
        self.triggers: list[dict[str, Any]] = []
        hass.bus.async_listen(RUN_EVENT, self._run)

    @callback
    def _run(self, event: Event) -> None:
        self.counts[event.data["label"]] += 1
        self.triggers.append(dict(event.data))

    def __call__(self) -> dict[str, int]:
        """The runs so far by label (labels that never ran are left out)."""
        return dict(+self.counts)


async def async_automate(
    hass: HomeAssistant, device_id: str, triggers: dict[str, dict[str, Any]]
) -> Runs:
    """One automation per label, on the device trigger ``triggers[label]``; their runs.

    A trigger is of ``device_id`` unless its configuration names another. Automations are set
    up once per test: every one of the test goes in this one call.
    """
    automations = [
        {
            "alias": label,
            "triggers": [{"trigger": "device", "domain": DOMAIN, "device_id": device_id, **config}],
            "actions": [
                {
                    "event": RUN_EVENT,
                    "event_data": {
                        "label": label,
                        "type": "{{ trigger.type }}",
                        "entity_id": "{{ trigger.entity_id }}",
                        "new_alarms": "{{ trigger.new_alarms | default([]) }}",
                    },
                }
            ],
        }
        for label, config in triggers.items()
    ]
    runs = Runs(hass)
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()
    return runs


def recognitions(person: str) -> dict[str, dict[str, Any]]:
    """Automations on a camera's recognitions, by label: ``anyone`` recognised, ``person``
    recognised (written as a user might: another case, spacing), ``unknown`` face."""
    return {
        "anyone": {"type": "person_recognized"},
        "person": {"type": "person_recognized", "person": person},
        "unknown": {"type": "unknown_face"},
    }
