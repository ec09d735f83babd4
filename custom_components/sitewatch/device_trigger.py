"""Device triggers of Sitewatch (the automation editor's "Device" triggers).

Provider-agnostic: the device's config entry names its provider, whose ``Provider.triggers``
(declared in ``providers/<key>/triggers.py``) say what each trigger listens to
(``triggers.py``). A device is offered the triggers whose entity it has and is enabled.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_ENTITY_ID,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import CALLBACK_TYPE, Context, HassJob, HomeAssistant, callback
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .const import CONF_PROVIDER, DOMAIN
from .devices import device_belongs_to
from .providers import PROVIDERS
from .schema import vol
from .triggers import Attachment, DeviceTrigger

CONF_SUBTYPE = "subtype"

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {vol.Required(CONF_TYPE): cv.string, vol.Optional(CONF_SUBTYPE): cv.string},
    extra=vol.ALLOW_EXTRA,
)
"""The shape every Sitewatch device trigger has; its own fields are checked after."""


@callback
def _entry_of(hass: HomeAssistant, device_id: str) -> ConfigEntry | None:
    """The Sitewatch config entry of the device (None: none has it)."""
    device_registry = dr.async_get(hass)
    for entry in hass.config_entries.async_entries(DOMAIN):
        if device_belongs_to(device_registry, device_id, entry.entry_id):
            return entry
    return None


@callback
def _triggers_of(entry: ConfigEntry) -> tuple[DeviceTrigger, ...]:
    """The triggers the entry's provider declares."""
    provider = PROVIDERS.get(entry.data.get(CONF_PROVIDER, ""))
    return provider.triggers if provider is not None else ()


@callback
def _entity_of(hass: HomeAssistant, device_id: str, trigger: DeviceTrigger) -> str | None:
    """The entity id of the trigger's entity on the device, when it exists and is enabled."""
    suffix = f"_{trigger.key}"
    for entity in er.async_entries_for_device(er.async_get(hass), device_id):
        if (
            entity.platform == DOMAIN
            and entity.domain == trigger.domain
            and entity.unique_id.endswith(suffix)
            and entity.disabled_by is None
        ):
            return entity.entity_id
    return None


@callback
def _declared(hass: HomeAssistant, config: ConfigType) -> tuple[ConfigEntry, DeviceTrigger]:
    """The device's entry and the trigger ``config`` names.

    Raises:
        InvalidDeviceAutomationConfig: the device has no Sitewatch entry, or its provider
            declares no such trigger.
    """
    if (entry := _entry_of(hass, config[CONF_DEVICE_ID])) is None:
        raise InvalidDeviceAutomationConfig(f"Device {config[CONF_DEVICE_ID]} is not Sitewatch's")
    wanted = (config[CONF_TYPE], config.get(CONF_SUBTYPE))
    for trigger in _triggers_of(entry):
        if trigger.id == wanted:
            return entry, trigger
    raise InvalidDeviceAutomationConfig(f"No Sitewatch trigger {'/'.join(filter(None, wanted))}")


async def async_validate_trigger_config(hass: HomeAssistant, config: ConfigType) -> ConfigType:
    """Check the configuration: a trigger the device's provider declares, with its fields.

    Raises:
        vol.Invalid: a field is missing or of the wrong type.
        InvalidDeviceAutomationConfig: the device or the trigger is unknown.
    """
    config = TRIGGER_SCHEMA(config)
    _, trigger = _declared(hass, config)
    schema = DEVICE_TRIGGER_BASE_SCHEMA.extend(
        {
            vol.Required(CONF_TYPE): cv.string,
            vol.Optional(CONF_SUBTYPE): cv.string,
            **trigger.fields,
        }
    )
    validated: ConfigType = schema(config)
    return validated


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    """The triggers of the device: those of its provider whose entity it has, enabled."""
    if (entry := _entry_of(hass, device_id)) is None:
        return []
    offered: list[dict[str, Any]] = []
    for trigger in _triggers_of(entry):
        if _entity_of(hass, device_id, trigger) is None:
            continue
        offer = {
            CONF_PLATFORM: "device",
            CONF_DOMAIN: DOMAIN,
            CONF_DEVICE_ID: device_id,
            CONF_TYPE: trigger.type,
        }
        if trigger.subtype is not None:
            offer[CONF_SUBTYPE] = trigger.subtype
        offered.append(offer)
    return offered


async def async_get_trigger_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """The trigger's extra fields as the editor shows them (a person list, a number...)."""
    entry, trigger = _declared(hass, config)
    fields = await trigger.async_extra_fields(hass, entry)
    return {"extra_fields": vol.Schema(dict(fields))} if fields else {}


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Listen to the trigger's entity; run ``action`` each time it triggers.

    Raises:
        InvalidDeviceAutomationConfig: the device or the trigger is unknown, or its entity is
            missing or disabled.
    """
    _, trigger = _declared(hass, config)
    device_id = config[CONF_DEVICE_ID]
    if (entity_id := _entity_of(hass, device_id, trigger)) is None:
        raise InvalidDeviceAutomationConfig(
            f"Device {device_id} has no enabled entity for trigger {trigger.type}"
        )
    job = HassJob(action, f"sitewatch device trigger {trigger.type}")
    base = {
        **trigger_info["trigger_data"],
        CONF_PLATFORM: "device",
        CONF_DOMAIN: DOMAIN,
        CONF_DEVICE_ID: device_id,
        CONF_TYPE: trigger.type,
        CONF_SUBTYPE: trigger.subtype,
        CONF_ENTITY_ID: entity_id,
        "description": f"{trigger.type} of {entity_id}",
    }

    @callback
    def fire(variables: dict[str, Any], context: Context | None) -> None:
        hass.async_run_hass_job(job, {"trigger": {**base, **variables}}, context)

    return await trigger.async_attach(
        hass, Attachment(entity_id, config, action, trigger_info, fire)
    )
