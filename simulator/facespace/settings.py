"""Settings of the simulated FaceSpace service and their command-line options."""

from dataclasses import dataclass

from ..common import PushDefaults, check_push_settings
from ..plugin import Option, interval_option, not_negative
from .model import _check_camera_name, _check_person_name


@dataclass
class FaceSpaceSettings(PushDefaults):
    """Key, cameras, people and behaviour of the simulated FaceSpace service."""

    api_key: str = "demo-facespace"
    cameras: tuple[str, ...] = ("Entrance", "Lobby", "Parking")
    people: tuple[str, ...] = ("Alice", "Bob", "Carol", "Dave")
    recognition_interval: float = 0.0  # seconds between generated recognitions; 0 = off
    unknown_ratio: float = 0.2  # share of generated recognitions named "Unknown"
    presence: float = 5.0  # seconds a person stays in view after a recognition
    active: bool = True  # False: /recognition answers the stop signal
    gone: bool = False  # True: every API request answers 410 Gone (the service was shut down)

    def __post_init__(self) -> None:
        """Normalise sequences to tuples and reject settings the simulator cannot honour."""
        self.cameras = tuple(self.cameras)
        self.people = tuple(self.people)
        if not self.api_key:
            raise ValueError("api_key must not be empty")
        for camera in self.cameras:
            _check_camera_name(camera)
        if len(set(self.cameras)) != len(self.cameras):
            raise ValueError("camera names must be unique")
        for person in self.people:
            _check_person_name(person)
        not_negative(recognition_interval=self.recognition_interval)
        if not 0 <= self.unknown_ratio <= 1:
            raise ValueError("unknown_ratio must be between 0 and 1")
        check_push_settings(self, presence=self.presence)


OPTIONS = (
    Option(flag="--facespace-api-key", field="api_key", help="expected FaceSpace x-api-key"),
    interval_option(
        "--facespace-interval", "recognition_interval", "generated FaceSpace recognitions"
    ),
)
"""The FaceSpace command-line options."""
