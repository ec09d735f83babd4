"""The FindFace catalogue (cameras, groups, watch lists, cards) and its JSON."""

from datetime import datetime
from typing import Any

from .model import (
    _CAMERA_GROUPS,
    _WATCH_LISTS,
    EPISODE_SECTIONS,
    EVENT_SECTIONS,
    _Camera,
    _Card,
    _iso,
    _not_found,
)
from .settings import FindFaceSettings


class FindFaceCatalogue:
    """Cameras, groups, watch lists and cards, and their JSON."""

    settings: FindFaceSettings
    _cameras: dict[int, _Camera]
    _human_cards: dict[int, _Card]
    _car_cards: dict[int, _Card]
    _created: datetime
    _learned_address: str | None

    # Addresses

    @property
    def base_url(self) -> str:
        """The server root used in image URLs (no trailing slash)."""
        address = self.settings.external_address or self._learned_address
        return (address or "http://127.0.0.1").rstrip("/")

    def learn_base_url(self, origin: str) -> None:
        """Remember where the server is reached, unless an address is already known."""
        if self._learned_address is None:
            self._learned_address = origin.rstrip("/")

    # Serialisers

    def _camera_json(self, camera: _Camera) -> dict[str, Any]:
        return {
            "id": camera.id,
            "name": camera.name,
            "group": camera.group,
            "active": camera.active,
            "comment": camera.comment,
            "url": camera.url,
            "screenshot": f"{self.base_url}/cameras/{camera.id}/screenshot/",
            "health_status": {
                "enabled": camera.active,
                "status": camera.health,
                "msg": camera.health_msg,
            },
            "latitude": camera.latitude,
            "longitude": camera.longitude,
            "azimuth": camera.azimuth,
            "face_count": camera.face_count,
            "body_count": camera.body_count,
            "car_count": camera.car_count,
            "created_date": _iso(camera.created),
            "modified_date": _iso(camera.modified),
        }

    def _group_json(self, group_id: int) -> dict[str, Any]:
        names = dict(_CAMERA_GROUPS)
        return {
            "id": group_id,
            "name": names.get(group_id, f"Camera group {group_id}"),
            "comment": "",
            "active": True,
            "created_date": _iso(self._created),
            "modified_date": _iso(self._created),
        }

    def _list_json(self, list_id: int) -> dict[str, Any]:
        lists = {entry[0]: entry for entry in _WATCH_LISTS}
        _, name, color = lists.get(list_id, (list_id, f"Watch list {list_id}", "9e9e9e"))
        return {
            "id": list_id,
            "name": name,
            "color": color,
            "comment": "",
            "active": True,
            "notify": list_id == 2,
            "acknowledge": list_id == 2,
            "created_date": _iso(self._created),
            "modified_date": _iso(self._created),
        }

    def _card_json(self, card: _Card) -> dict[str, Any]:
        return {
            "id": card.id,
            "name": card.name,
            "comment": "",
            "active": True,
            "watch_lists": list(card.watch_lists),
            "created_date": _iso(self._created),
            "modified_date": _iso(self._created),
        }

    def _verbose_camera(self, camera_id: int) -> dict[str, Any]:
        camera = self._cameras.get(camera_id)
        return self._camera_json(camera) if camera else {"id": camera_id, "name": None}

    def _verbose_event(self, section: str, raw: dict[str, Any]) -> dict[str, Any]:
        cards = self._car_cards if section == "car_events" else self._human_cards
        card = cards.get(raw["matched_card"]) if raw["matched_card"] is not None else None
        return raw | {
            "camera": self._verbose_camera(raw["camera"]),
            "camera_group": self._group_json(raw["camera_group"]),
            "matched_card": self._card_json(card) if card else None,
            "matched_lists": [self._list_json(list_id) for list_id in raw["matched_lists"]],
        }

    def _verbose(self, section: str, raw: dict[str, Any]) -> dict[str, Any]:
        """Render an item in the VERBOSE_WEBHOOKS form: objects in place of ids."""
        if section in EVENT_SECTIONS:
            return self._verbose_event(section, raw)
        if section in EPISODE_SECTIONS:
            event_section = "car_events" if section == "car_episodes" else "face_events"
            cards = self._car_cards if section == "car_episodes" else self._human_cards
            card = cards.get(raw["matched_card"]) if raw["matched_card"] is not None else None
            verbose = raw | {
                "cameras": [self._verbose_camera(camera) for camera in raw["cameras"]],
                "camera_groups": [self._group_json(group) for group in raw["camera_groups"]],
                "matched_card": self._card_json(card) if card else None,
                "matched_lists": [self._list_json(list_id) for list_id in raw["matched_lists"]],
            }
            for key, value in raw.items():
                if key.endswith("_event") and isinstance(value, dict):
                    verbose[key] = self._verbose_event(event_section, value)
            return verbose
        if section == "counters":
            return raw | {
                "camera": self._verbose_camera(raw["camera"]),
                "camera_group": self._group_json(raw["camera_group"]),
            }
        return dict(raw)  # area activations name no camera, card or list

    def _camera(self, camera_id: int) -> _Camera:
        camera = self._cameras.get(camera_id)
        if camera is None:
            raise _not_found(f"Camera {camera_id} not found")
        return camera

    def _group_of(self, camera_id: int) -> int:
        camera = self._cameras.get(camera_id)
        return camera.group if camera else _CAMERA_GROUPS[0][0]
