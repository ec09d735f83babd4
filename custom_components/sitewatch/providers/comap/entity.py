"""Base entity of the ComAp provider: one genset device per unit, ``<account>_<unit GUID>``."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription

from ...entity import SitewatchEntity
from ...identity import device_identifier, entity_unique_id
from .clean import name_text
from .const import ValueGuid
from .coordinator import ComapCoordinator, Genset

MANUFACTURER = "ComAp"
"""The manufacturer of every genset device (the genset actions' device filter names it)."""


class ComapEntity(SitewatchEntity[ComapCoordinator]):
    """An entity of one genset; unavailable while the genset is missing or offline."""

    def __init__(
        self,
        coordinator: ComapCoordinator,
        unit_guid: str,
        key: str,
        description: EntityDescription | None = None,
    ) -> None:
        """Attach the entity to the genset ``unit_guid``; ``key`` makes its unique id.

        ``description``, when given, becomes the entity's description.
        """
        super().__init__(coordinator)
        if description is not None:
            self.entity_description = description
        entry = coordinator.config_entry
        self.unit_guid = unit_guid.lower()
        self._attr_unique_id = entity_unique_id(entry, self.unit_guid, key)
        genset = coordinator.data[self.unit_guid]
        serial = genset.value(ValueGuid.SERIAL_NUMBER)
        self._attr_device_info = DeviceInfo(
            identifiers={device_identifier(entry, self.unit_guid)},
            name=genset.name,
            manufacturer=MANUFACTURER,
            model=genset.model,
            serial_number=name_text(serial.value if serial else None),
            configuration_url=genset.unit.url,
        )

    @property
    def genset(self) -> Genset | None:
        """The genset's latest data, or None when it left the account."""
        return self.coordinator.data.get(self.unit_guid)

    @property
    def available(self) -> bool:
        """Available while the coordinator succeeds and the genset answered its last read."""
        genset = self.genset
        return super().available and genset is not None and genset.online
