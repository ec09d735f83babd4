"""Coordinator of a FindFace Multi server: its cameras, areas and watch lists."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import UpdateFailed

from ...const import DOMAIN
from ...coordinator import SitewatchCoordinator
from ...devices import async_remove_stale_devices
from ...models import SitewatchConfigEntry
from .api import Camera, FindFaceAuthenticationError, FindFaceClient, FindFaceError
from .const import CAMERAS_REFRESH_INTERVAL


@dataclass(slots=True)
class FindFaceData:
    """What the server has, by id.

    Attributes:
        cameras: the cameras (each a device).
        areas: area names (each area activation entity is named after one).
        watch_lists: watch list names, to name default-format events.
    """

    cameras: dict[int, Camera] = field(default_factory=dict)
    areas: dict[int, str] = field(default_factory=dict)
    watch_lists: dict[int, str] = field(default_factory=dict)


class FindFaceCoordinator(SitewatchCoordinator[FindFaceData]):
    """Reads the cameras, areas and watch lists every five minutes.

    Raises (from a refresh): ``ConfigEntryAuthFailed`` when the token or credentials are
    refused; ``UpdateFailed`` when the server cannot be reached, which marks the camera
    entities unavailable until a later refresh succeeds.
    """

    def __init__(
        self, hass: HomeAssistant, config_entry: SitewatchConfigEntry, client: FindFaceClient
    ) -> None:
        """Set up the coordinator of one server."""
        super().__init__(
            hass,
            config_entry,
            name=f"{DOMAIN} FindFace {client.base_url}",
            poll_interval=CAMERAS_REFRESH_INTERVAL,
        )
        self.client = client
        self.push_targets: Counter[tuple[str, int]] = Counter()
        """Entities listening for pushed items, per (section, camera or area id)."""

    async def _async_poll(self) -> FindFaceData:
        """Read cameras, areas and watch lists."""
        try:
            cameras = await self.client.cameras()
            areas = await self.client.areas()
            watch_lists = await self.client.watch_lists()
        except FindFaceAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="findface_auth_failed"
            ) from err
        except FindFaceError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        prefix = f"findface_{self.config_entry.entry_id}_camera_"
        async_remove_stale_devices(
            self.hass,
            self.config_entry,
            {f"{prefix}{camera.id}" for camera in cameras},
            lambda identifier: identifier.startswith(prefix),
        )
        return FindFaceData(
            cameras={camera.id: camera for camera in cameras},
            areas={area.id: area.name for area in areas},
            watch_lists={watch_list.id: watch_list.name for watch_list in watch_lists},
        )
