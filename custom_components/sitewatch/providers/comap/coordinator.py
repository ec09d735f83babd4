"""Coordinator of a ComAp WebSupervisor account: its gensets and their values."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
import time

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import UpdateFailed

from ...const import DOMAIN, LOGGER
from ...coordinator import SitewatchCoordinator
from ...devices import async_remove_stale_devices
from ...models import SitewatchConfigEntry
from .api import (
    ComapAuthenticationError,
    ComapClient,
    ComapError,
    ComapRateLimitError,
    Unit,
    UnitInfo,
    Value,
)
from .clean import clean_info, clean_unit, clean_value
from .const import (
    CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    MAX_PARALLEL_UNIT_REQUESTS,
    UNITS_REFRESH_INTERVAL,
)


@dataclass(slots=True)
class Genset:
    """One genset as the coordinator last saw it.

    Attributes:
        unit: the unit from the units list (name, unit GUID, WebSupervisor URL).
        info: the unit's info (application type, timezone...), None until it could be read.
        values: the values of the last successful values call, by lower-cased value GUID.
        online: whether the last values call for this genset succeeded.
    """

    unit: Unit
    info: UnitInfo | None = None
    values: dict[str, Value] = field(default_factory=dict)
    online: bool = False

    @property
    def name(self) -> str:
        """The genset's name (bounded), or ``Genset <unit GUID>`` when the API gave none."""
        return self.unit.name or f"Genset {self.unit.unit_guid}"

    def value(self, value_guid: str) -> Value | None:
        """Return the value with this (lower-cased) GUID, or None when the genset lacks it."""
        return self.values.get(value_guid)


type ComapData = dict[str, Genset]
"""Gensets of the account by lower-cased unit GUID."""


def device_identifier(unit_guid: str) -> tuple[str, str]:
    """Device registry identifier of a genset: the unit GUID is unique across accounts."""
    return (DOMAIN, unit_guid.lower())


class ComapCoordinator(SitewatchCoordinator[ComapData]):
    """Polls one account: the units list every 15 minutes, every genset's values each interval.

    A refresh makes one values request per genset (at most ``MAX_PARALLEL_UNIT_REQUESTS`` at
    once). The first read of a genset asks for every value, so that its generic sensors can be
    created; later reads ask only for the values that enabled entities need.

    Raises (from a refresh): ``ConfigEntryAuthFailed`` when the credentials are refused, which
    starts reauthentication; ``UpdateFailed`` when the API cannot be reached, is rate limiting us
    or every genset failed, which marks the entities unavailable until a later refresh succeeds.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: SitewatchConfigEntry,
        client: ComapClient,
        needed_value_guids: frozenset[str],
    ) -> None:
        """Set up the coordinator; ``needed_value_guids`` are the lower-cased GUIDs entities use."""
        super().__init__(
            hass,
            config_entry,
            # Log lines name the entry, never the account (the login id is private).
            name=f"{DOMAIN} ComAp {config_entry.entry_id}",
            poll_interval=timedelta(
                seconds=config_entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
            ),
        )
        self.client = client
        self._needed_value_guids = needed_value_guids
        self.enabled_generic_value_guids: dict[str, set[str]] = {}
        """Value GUIDs of enabled generic sensors, by unit GUID; the entities keep this."""
        self._units_read_at: float | None = None
        self._rate_limited_until = 0.0
        self._semaphore = asyncio.Semaphore(MAX_PARALLEL_UNIT_REQUESTS)
        self.data = {}

    def request_units_refresh(self) -> None:
        """Read the units list again on the next refresh (for example after a 404)."""
        self._units_read_at = None

    async def _async_poll(self) -> ComapData:
        """Read the units list when due, then every genset's values."""
        now = time.monotonic()
        if now < self._rate_limited_until:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": f"{self._rate_limited_until - now:.0f}"},
            )
        try:
            gensets = await self._gensets()
            results = await asyncio.gather(*(self._read_values(g) for g in gensets.values()))
        except ComapAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="comap_auth_failed"
            ) from err
        except ComapRateLimitError as err:
            self._rate_limited_until = time.monotonic() + err.retry_after
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": f"{err.retry_after:.0f}"},
            ) from err
        except ComapError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        errors = [error for error in results if error is not None]
        if gensets and len(errors) == len(gensets):
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(errors[0])},
            ) from errors[0]
        return gensets

    async def _gensets(self) -> ComapData:
        """Return the gensets, reading the units list (and new units' info) when it is due."""
        now = time.monotonic()
        if (
            self._units_read_at is not None
            and now - self._units_read_at < UNITS_REFRESH_INTERVAL.total_seconds()
        ):
            return self.data
        units = [clean_unit(unit) for unit in await self.client.units()]
        self._units_read_at = now
        gensets: ComapData = {}
        for unit in units:
            key = unit.unit_guid.lower()
            known = self.data.get(key)
            if known is None or known.info is None:
                gensets[key] = Genset(unit=unit, info=await self._read_info(unit))
                if known is not None:
                    gensets[key].values, gensets[key].online = known.values, known.online
            else:
                known.unit = unit
                gensets[key] = known
        async_remove_stale_devices(self.hass, self.config_entry, set(gensets))
        return gensets

    async def _read_info(self, unit: Unit) -> UnitInfo | None:
        """Read a unit's info; a failure leaves it for the next units refresh."""
        try:
            return clean_info(await self.client.info(unit.unit_guid))
        except (ComapAuthenticationError, ComapRateLimitError):
            raise
        except ComapError as err:
            LOGGER.debug("Could not read the info of genset %s: %s", unit.unit_guid, err)
            return None

    async def _read_values(self, genset: Genset) -> ComapError | None:
        """Read one genset's values into it; returns the error when that genset failed."""
        unit_guid = genset.unit.unit_guid
        value_guids: list[str] | None = None
        if genset.values:
            wanted = self._needed_value_guids | self.enabled_generic_value_guids.get(
                unit_guid.lower(), set()
            )
            value_guids = sorted(wanted)
        try:
            async with self._semaphore:
                values = await self.client.values(unit_guid, value_guids)
        except (ComapAuthenticationError, ComapRateLimitError):
            raise
        except ComapError as err:
            if genset.online:
                LOGGER.info("Genset %s is unavailable: %s", genset.name, err)
            genset.online = False
            self.request_units_refresh()
            return err
        if not genset.online and genset.values:
            LOGGER.info("Genset %s is available again", genset.name)
        genset.values = {value.value_guid.lower(): clean_value(value) for value in values}
        genset.online = True
        return None
