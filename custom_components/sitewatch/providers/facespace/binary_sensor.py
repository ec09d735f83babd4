"""Binary sensors of FaceSpace: one "in view" per known person, none per camera.

Who each camera sees now (``GET /recognition`` and pushed real-time bodies) goes to the shared
presence registry (``FaceSpaceCoordinator._report_in_view``), which gives every person FaceSpace
names one ``binary_sensor.people_<name>_in_view`` on the People device, on while any camera of
any FaceSpace entry lists them (``places``: which). One per person rather than per person and
camera: "is Alice here" is what automations ask, and cameras times persons would be hundreds of
entities. The binary sensor platform of a FaceSpace entry hosts them (``presence.py``); a camera
has none of its own.
"""

from __future__ import annotations

from homeassistant.helpers.entity import Entity

from .coordinator import FaceSpaceCoordinator


def camera_binary_sensors(coordinator: FaceSpaceCoordinator, camera: str) -> list[Entity]:
    """A camera's own binary sensors: none (the persons' are added by ``presence``)."""
    return []
