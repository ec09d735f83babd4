"""Device registry housekeeping shared by the providers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo

from .const import DOMAIN, LOGGER
from .identity import scoped_id


@callback
def async_remove_stale_devices(
    hass: HomeAssistant,
    entry: ConfigEntry,
    current: set[str],
    managed: Callable[[str], bool] = lambda identifier: True,
) -> None:
    """Detach ``entry`` from its devices whose identifier the service no longer lists.

    Args:
        hass: Home Assistant.
        entry: the config entry whose devices are checked.
        current: the identifiers (second part of ``(DOMAIN, identifier)``) that still exist.
        managed: which identifiers this refresh is responsible for (others are left alone,
            for example a provider's server device).
    """
    device_registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id):
        identifiers = {
            identifier
            for domain, identifier in device.identifiers
            if domain == DOMAIN and managed(identifier)
        }
        if identifiers and not identifiers & current:
            LOGGER.info("Removing %s, which the service no longer lists", device.name)
            device_registry.async_remove_device(device.id)


@callback
def device_belongs_to(
    device_registry: dr.DeviceRegistry, device_id: str, config_entry_id: str
) -> bool:
    """Whether device ``device_id`` belongs to config entry ``config_entry_id``.

    Asked through ``async_entries_for_config_entry``, the one way that means the same on
    every supported Home Assistant (``DeviceEntry.config_entries`` is deprecated from 2026.x,
    ``DeviceEntry.config_entry_id`` does not exist in 2025.4).
    """
    return any(
        device.id == device_id
        for device in dr.async_entries_for_config_entry(device_registry, config_entry_id)
    )


def is_one_of(entry: ConfigEntry, identifiers: set[str], devices: Iterable[str | int]) -> bool:
    """Whether ``identifiers`` (second parts) name one of ``entry``'s ``devices`` (their parts).

    For ``Provider.device_current``: ``devices`` are what the service still has, as passed to
    ``identity.device_identifier`` (``camera_12``, ``server``...).
    """
    return bool(identifiers & {scoped_id(entry, device) for device in devices})


@callback
def device_has_available_entity(
    hass: HomeAssistant, entry: ConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Whether one of ``entry``'s entities on ``device`` has a state other than unavailable.

    What a device's removal is judged by when its provider has no better answer: an entity of a
    camera or genset the service dropped is unavailable, or was never added since the restart.
    """
    return any(
        (state := hass.states.get(entity.entity_id)) is not None
        and state.state != STATE_UNAVAILABLE
        for entity in er.async_entries_for_device(er.async_get(hass), device.id)
        if entity.config_entry_id == entry.entry_id
    )


def provider_device_name(name: str, provider: str) -> str:
    """A device name that says which service it comes from: ``Entrance (FindFace)``.

    Cameras are named after what they film, and several services film the same places; the
    service in brackets keeps their devices apart in the device picker and gives their entities
    distinct ids (``event.entrance_findface_recognition``).
    """
    return f"{name} ({provider})"


def child_name(parent: str, name: str) -> str:
    """A child device's name under its parent's: ``Main Street store Entrance``.

    A name that already starts with the parent's (``Main Street store entrance``) is kept.
    """
    return name if name.casefold().startswith(parent.casefold()) else f"{parent} {name}"


# Home Assistant 2026.8 replaced DeviceInfo's ``via_device`` (an identifier) with
# ``via_device_id`` (a registry id); 2025.4 knows only the former. Drop the fallback when the
# minimum in hacs.json reaches a version whose DeviceInfo has ``via_device_id``.
_HAS_VIA_DEVICE_ID = "via_device_id" in DeviceInfo.__optional_keys__


@callback
def child_device_info(
    hass: HomeAssistant, entry: ConfigEntry, parent: DeviceInfo, **child: Any
) -> DeviceInfo:
    """Device info of a device shown under ``parent`` (a camera under its server, say).

    The parent is registered first (``async_get_or_create`` is idempotent), so the child never
    points at a device that does not exist yet, and the link is made the way the running
    Home Assistant wants it: ``via_device_id`` where DeviceInfo has it, else ``via_device``.

    Args:
        hass: Home Assistant.
        entry: the config entry both devices belong to.
        parent: the parent's device info (identifiers and the fields to register it with).
        child: the child's DeviceInfo fields (identifiers, name, manufacturer, model, ...).
    """
    parent_device = dr.async_get(hass).async_get_or_create(config_entry_id=entry.entry_id, **parent)
    info: dict[str, Any] = dict(child)
    if _HAS_VIA_DEVICE_ID:
        info["via_device_id"] = parent_device.id
    else:
        info["via_device"] = next(iter(parent["identifiers"]))
    return cast(DeviceInfo, info)
