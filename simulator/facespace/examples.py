"""Example FaceSpace payloads, as stored in tests/fixtures/facespace/."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..plugin import write_examples
from .model import UNKNOWN, FaceSpaceApiError
from .settings import FaceSpaceSettings
from .state import FaceSpaceSimulator

EXAMPLE_NOW = datetime(2023, 10, 24, 9, 0, 0, tzinfo=UTC)
_EXAMPLE_LINES: tuple[tuple[str, str, datetime], ...] = (
    ("Camera1", "Alice", datetime(2023, 10, 23, 0, 5, 22, tzinfo=UTC)),
    ("Camera1", "Bob", datetime(2023, 10, 23, 11, 15, 47, tzinfo=UTC)),
    ("Camera1", "Eve", datetime(2023, 10, 23, 23, 59, 59, tzinfo=UTC)),
    ("Camera2", "Charlie", datetime(2023, 10, 23, 7, 30, 0, tzinfo=UTC)),
    ("Camera2", "Dana", datetime(2023, 10, 23, 18, 45, 30, tzinfo=UTC)),
    ("Camera2", UNKNOWN, datetime(2023, 10, 24, 6, 12, 9, tzinfo=UTC)),
    ("Camera1", "Alice", datetime(2023, 10, 24, 8, 59, 57, tzinfo=UTC)),
    ("Camera2", "Charlie", datetime(2023, 10, 24, 8, 59, 58, tzinfo=UTC)),
    ("Camera1", "Bob", datetime(2023, 10, 24, 8, 59, 59, tzinfo=UTC)),
    ("Camera2", "Dana", EXAMPLE_NOW),
)


def example_simulator() -> FaceSpaceSimulator:
    """A simulator holding the fixtures' log lines, with fixed clocks at EXAMPLE_NOW."""
    simulator = FaceSpaceSimulator(
        FaceSpaceSettings(
            cameras=("Camera1", "Camera2"), people=("Alice", "Bob", "Charlie", "Dana", "Eve")
        ),
        clock=lambda: 0.0,
        wallclock=lambda: EXAMPLE_NOW,
    )
    for camera, name, moment in _EXAMPLE_LINES:
        simulator.recognize(camera, name, moment)
    return simulator


def example_payloads() -> dict[str, Any]:
    """Build the JSON files of tests/fixtures/facespace/, by file name.

    Two cameras over two days (23 and 24 October 2023, as in the client's
    README); at 09:00:00 on the 24th Alice and Bob are in view of Camera1,
    Charlie and Dana of Camera2.
    """
    simulator = example_simulator()
    payloads: dict[str, Any] = {
        "logs.json": simulator.logs(),
        "realtime.json": simulator.recognition(),
    }
    simulator.set_active(False)
    payloads["realtime_stop.json"] = simulator.recognition()
    payloads["error.json"] = FaceSpaceApiError(401, "Invalid API key").body()
    return payloads


def write_fixtures(directory: str | Path) -> list[Path]:
    """Write the example files into directory; return their paths."""
    return write_examples(directory, example_payloads())
