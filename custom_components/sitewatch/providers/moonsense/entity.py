"""Base entity of the Moonsense provider: on the app's device, or on one phone's device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo

from ...devices import child_device_info
from ...entity import SitewatchEntity
from ...identity import device_identifier, entity_unique_id
from ...models import SitewatchConfigEntry
from .const import APP_DEVICE, DEFAULT_PHONE_NAME, DEFAULT_TITLE, PHONE_DEVICE
from .coordinator import MoonsenseCoordinator, Phone


def device_name(title: str) -> str:
    """The app device's name from the entry's title: ``Moonsense`` followed by the rest of it.

    ``Moonsense`` and ``Moonsense 2`` (the titles Sitewatch gives) stay as they are; a title the
    user chose, ``Phones`` say, becomes ``Moonsense Phones``.
    """
    rest = title.removeprefix(DEFAULT_TITLE).strip()
    return f"{DEFAULT_TITLE} {rest}" if rest else DEFAULT_TITLE


def phone_device(key: str) -> str:
    """The device part of a phone's ids: ``phone_<digest>``."""
    return f"{PHONE_DEVICE}_{key}"


def app_device(entry: SitewatchConfigEntry) -> DeviceInfo:
    """The app's device: the parent of every phone's device."""
    return DeviceInfo(
        identifiers={device_identifier(entry, APP_DEVICE)},
        name=device_name(entry.title),
        manufacturer="Moonsense",
        model="App",
    )


class MoonsenseEntity(SitewatchEntity[MoonsenseCoordinator]):
    """An entity of the app device (``device_identifier(entry, "app")``), unique id by ``key``."""

    def __init__(self, coordinator: MoonsenseCoordinator, key: str) -> None:
        """Attach the entity to the app device; ``key`` makes its unique id."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_unique_id = entity_unique_id(entry, APP_DEVICE, key)
        self._attr_device_info = app_device(entry)


class MoonsensePhoneEntity(SitewatchEntity[MoonsenseCoordinator]):
    """An entity of one phone's device (under the app's device), fed by that phone's bundles.

    Device ``device_identifier(entry, "phone_<digest>")``, unique id ``..._phone_<digest>_<key>``;
    named after the phone's model (``Pixel 7``, ``Pixel 7 2`` for a second one). Always
    available: its readings come from webhooks, not from the REST poll.
    """

    def __init__(self, coordinator: MoonsenseCoordinator, phone: Phone, key: str) -> None:
        """Attach the entity to ``phone``'s device; ``key`` makes its unique id."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._phone_key = phone.key
        device = phone_device(phone.key)
        self._attr_unique_id = entity_unique_id(entry, device, key)
        self._attr_device_info = child_device_info(
            coordinator.hass,
            entry,
            app_device(entry),
            identifiers={device_identifier(entry, device)},
            name=phone.name or DEFAULT_PHONE_NAME,
            manufacturer=phone.manufacturer or None,
            model=phone.model or None,
        )

    @property
    def phone(self) -> Phone | None:
        """This entity's phone (None once forgotten)."""
        return self.coordinator.data.phones.get(self._phone_key)

    @property
    def available(self) -> bool:
        """Always: readings come from pushed bundles, not from the REST poll."""
        return True
