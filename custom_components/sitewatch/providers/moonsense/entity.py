"""The base entity of the Moonsense provider: every entity is on the device of the token's app."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo

from ...entity import SitewatchEntity
from ...identity import device_identifier, entity_unique_id
from .const import APP_DEVICE, DEFAULT_TITLE
from .coordinator import MoonsenseCoordinator


def device_name(title: str) -> str:
    """The app device's name from the entry's title: ``Moonsense`` followed by the rest of it.

    ``Moonsense`` and ``Moonsense 2`` (the titles Sitewatch gives) stay as they are; a title the
    user chose, ``Phones`` say, becomes ``Moonsense Phones``.
    """
    rest = title.removeprefix(DEFAULT_TITLE).strip()
    return f"{DEFAULT_TITLE} {rest}" if rest else DEFAULT_TITLE


class MoonsenseEntity(SitewatchEntity[MoonsenseCoordinator]):
    """An entity of the app device (``device_identifier(entry, "app")``), unique id by ``key``."""

    def __init__(self, coordinator: MoonsenseCoordinator, key: str) -> None:
        """Attach the entity to the app device; ``key`` makes its unique id."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_unique_id = entity_unique_id(entry, APP_DEVICE, key)
        self._attr_device_info = DeviceInfo(
            identifiers={device_identifier(entry, APP_DEVICE)},
            name=device_name(entry.title),
            manufacturer="Moonsense",
            model="App",
        )
