"""Coordinator of a FindFace Multi server: its cameras, areas and watch lists."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from ...bounds import parse_time
from ...const import LOGGER
from ...coordinator import SitewatchCoordinator
from ...devices import async_remove_stale_devices
from ...entity import async_push
from ...identity import scoped_id
from ...models import SitewatchConfigEntry
from ...presence import MAX_PERSONS, Sighting, presence_registry
from .api import (
    Camera,
    CounterInfo,
    FindFaceApiError,
    FindFaceAuthenticationError,
    FindFaceClient,
    FindFaceError,
    PushItem,
)
from .const import (
    CAMERA_PREFIX,
    CAMERAS_REFRESH_INTERVAL,
    CONF_CLIENT_UUID,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    camera_device,
)

PERSON_SECTIONS: Final = ("face_events", "body_events")
"""Sections whose matched cards are persons seen at a camera (``presence``)."""


def client_from_data(hass: HomeAssistant, data: Mapping[str, Any]) -> FindFaceClient:
    """A client on Home Assistant's session (one that skips TLS checks when asked)."""
    return FindFaceClient(
        async_get_clientsession(hass, verify_ssl=data.get(CONF_VERIFY_SSL, True)),
        data[CONF_URL],
        token=data.get(CONF_TOKEN),
        username=data.get(CONF_USERNAME),
        password=data.get(CONF_PASSWORD),
        client_uuid=data.get(CONF_CLIENT_UUID),
    )


@dataclass(slots=True)
class FindFaceData:
    """What the server has, by id.

    Attributes:
        cameras: the cameras (each a device).
        areas: area names (each area activation entity is named after one).
        watch_lists: watch list names, to name default-format events.
        camera_groups: camera group names (a group is where its cameras are: their area).
        counters: the counters (``GET /counters/``): each names the entities of its records
            on each of its cameras.
    """

    cameras: dict[int, Camera] = field(default_factory=dict)
    areas: dict[int, str] = field(default_factory=dict)
    watch_lists: dict[int, str] = field(default_factory=dict)
    camera_groups: dict[int, str] = field(default_factory=dict)
    counters: dict[int, CounterInfo] = field(default_factory=dict)

    def counters_of(self, camera_id: int) -> list[int]:
        """The ids of the counters that count on camera ``camera_id``, in the server's order."""
        return [cid for cid, counter in self.counters.items() if camera_id in counter.cameras]

    def area_of(self, camera: Camera) -> str | None:
        """The area a camera's device is suggested for: its group's name.

        None when the camera has no group, the group is not listed, or it is the server's
        catch-all group (``Default Camera Group``), which says nothing about where it is.
        """
        name = self.camera_groups.get(camera.group) if camera.group is not None else None
        return None if name is None or name.casefold().startswith("default") else name

    def lists(self, target: tuple[str, int] | None) -> bool:
        """Whether the server lists the camera (or area) of a push target."""
        if target is None:
            return False
        section, target_id = target
        return target_id in (self.areas if section == "areas" else self.cameras)


class FindFaceCoordinator(SitewatchCoordinator[FindFaceData]):
    """Reads the cameras, camera groups, areas and watch lists every five minutes.

    Raises (from a refresh): ``ConfigEntryAuthFailed`` when the token or credentials are
    refused; ``UpdateFailed`` when the server cannot be reached, which marks the camera
    entities unavailable until a later refresh succeeds.
    """

    title = "FindFace"
    client: FindFaceClient
    polling = CAMERAS_REFRESH_INTERVAL
    auth_error = FindFaceAuthenticationError
    client_error = FindFaceError

    def __init__(
        self, hass: HomeAssistant, config_entry: SitewatchConfigEntry, client: FindFaceClient
    ) -> None:
        """Set up the coordinator of one server."""
        super().__init__(hass, config_entry, client)
        self.push_targets: Counter[tuple[str, int]] = Counter()
        """Entities listening for pushed items, per (section, camera or area id)."""

    @callback
    def push(self, items: Sequence[PushItem]) -> None:
        """Hand delivered webhook items to the entry's entities (``entity.async_push``).

        Matched face and body recognitions also move their person's last seen (``presence``).
        """
        async_push(self.hass, self.config_entry.entry_id, items)
        presence_registry(self.hass).async_seen(
            self.config_entry.entry_id,
            [sighting for item in items if (sighting := self._sighting(item)) is not None],
        )

    def _sighting(self, item: PushItem) -> Sighting | None:
        """A matched face or body recognition of a named card on a listed camera, as a sighting."""
        if item.section not in PERSON_SECTIONS or item.card_name is None:
            return None
        camera = self.data.cameras.get(item.camera_id) if item.camera_id is not None else None
        if camera is None:
            return None
        seen_at = parse_time(item.data.get("detected_at")) or dt_util.utcnow()
        return Sighting(
            person=item.card_name, place=camera.name, provider="FindFace", seen_at=seen_at
        )

    async def _async_poll(self) -> FindFaceData:
        """Read cameras, areas, watch lists, camera groups, counters and the first human cards.

        ``GET /cameras/``, ``/areas/``, ``/watch-lists/``, ``/camera-groups/``, ``/counters/``
        and ``/cards/humans/`` (the first ``presence.MAX_PERSONS``).

        Camera groups only suggest the cameras' areas, and counters only name the entities of
        their records: a server that refuses them (``FindFaceApiError``, for example a token
        without that permission) leaves the cameras without an area, or the counters as they
        were, instead of failing the refresh. The cards are the known persons (``presence``);
        a server that cannot list them leaves the persons known so far.
        """
        cameras = await self.client.cameras()
        areas = await self.client.areas()
        watch_lists = await self.client.watch_lists()
        try:
            camera_groups = await self.client.camera_groups()
        except FindFaceApiError as err:
            LOGGER.debug("FindFace camera groups not read: %s", err)
            camera_groups = []
        try:
            counters = {counter.id: counter for counter in await self.client.counters()}
        except FindFaceApiError as err:
            LOGGER.debug("FindFace counters not read: %s", err)
            counters = self.data.counters if self.data is not None else {}
        try:
            cards = await self.client.cards("humans", MAX_PERSONS)
        except FindFaceError as err:
            LOGGER.debug("FindFace cards not read: %s", err)
        else:
            presence_registry(self.hass).async_known(
                self.config_entry.entry_id, [card.name for card in cards]
            )
        cameras_prefix = scoped_id(self.config_entry, CAMERA_PREFIX)
        async_remove_stale_devices(
            self.hass,
            self.config_entry,
            {scoped_id(self.config_entry, camera_device(camera.id)) for camera in cameras},
            lambda identifier: identifier.startswith(cameras_prefix),
        )
        return FindFaceData(
            cameras={camera.id: camera for camera in cameras},
            areas={area.id: area.name for area in areas},
            watch_lists={watch_list.id: watch_list.name for watch_list in watch_lists},
            camera_groups={group.id: group.name for group in camera_groups},
            counters=counters,
        )
