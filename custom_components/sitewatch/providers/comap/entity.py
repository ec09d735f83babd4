"""Base entity of the ComAp provider: one genset device per unit."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo

from ...entity import SitewatchEntity
from ...identity import account_digest
from .clean import name_text
from .const import PROVIDER_COMAP, ValueGuid
from .coordinator import ComapCoordinator, Genset, device_identifier


def unique_id(account: str, unit_guid: str, key: str) -> str:
    """An entity's unique id: the account's digest, the unit GUID and the entity's key."""
    return f"{PROVIDER_COMAP}_{account}_{unit_guid}_{key}".lower()


class ComapEntity(SitewatchEntity[ComapCoordinator]):
    """An entity of one genset; unavailable while the genset is missing or offline."""

    def __init__(self, coordinator: ComapCoordinator, unit_guid: str, key: str) -> None:
        """Attach the entity to the genset ``unit_guid``; ``key`` makes its unique id."""
        super().__init__(coordinator)
        self.unit_guid = unit_guid.lower()
        self._attr_unique_id = unique_id(
            account_digest(coordinator.client.login_id), self.unit_guid, key
        )
        genset = coordinator.data[self.unit_guid]
        serial = genset.value(ValueGuid.SERIAL_NUMBER)
        controller = genset.value(ValueGuid.CONTROLLER)
        self._attr_device_info = DeviceInfo(
            identifiers={device_identifier(self.unit_guid)},
            name=genset.name,
            manufacturer="ComAp",
            model=(genset.info.application_type if genset.info else None)
            or name_text(controller.value if controller else None),
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
