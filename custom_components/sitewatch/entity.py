"""Base entity of the Sitewatch integration."""

from __future__ import annotations

from typing import Any

from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator


class SitewatchEntity[CoordinatorT: DataUpdateCoordinator[Any]](CoordinatorEntity[CoordinatorT]):
    """An entity fed by a provider coordinator, named by its translation key and its device."""

    _attr_has_entity_name = True
