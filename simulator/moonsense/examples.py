"""Example Moonsense payloads, as stored in tests/fixtures/moonsense/."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..plugin import write_examples
from .service import MoonsenseSimulator
from .settings import MoonsenseSettings

EXAMPLE_NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
EXAMPLE_READINGS: dict[str, Any] = {
    "battery": (80, "CHARGING"),
    "activity": ("WALKING", 90),
    "location": (50.8503, 4.3517, 8.5, 56.0, 1.4, 270.0),
    "temperature": 21.5,
    "light": 300.0,
    "pressure": 1013.2,
    "humidity": 45.0,
    "steps": 12,
    "heart_rate": 72,
    "accelerometer": (0.01, -0.02, -1.0),
    "linear_accelerometer": (0.05, 0.0, -0.03),
    "gyroscope": (0.1, -0.2, 0.05),
    "magnetometer": (22.5, -5.25, -40.0),
    "orientation": (1.5708, 0.1, -0.05),
    "pointer": 2,
    "key_press": 1,
    "focus_change": 1,
    "text_change": 1,
    "markers": 1,
}


def _example_run(*, camel_case: bool) -> tuple[MoonsenseSimulator, dict[str, Any]]:
    """The fixtures' scenario, with fixed clocks; returns the simulator and the files."""
    start = EXAMPLE_NOW - timedelta(minutes=30)
    wall = [start]
    simulator = MoonsenseSimulator(
        MoonsenseSettings(sessions=0, camel_case=camel_case),
        clock=lambda: 5000.0 + (wall[0] - start).total_seconds(),
        wallclock=lambda: wall[0],
    )
    files: dict[str, Any] = {}
    first = simulator.create_session(["office"], None, "android", "us-central1.gcp")
    for capacity in (64, 63):
        wall[0] += timedelta(seconds=1)
        simulator.send_bundle(first, battery=(capacity, "DISCHARGING"), pressure=1009.8)
    wall[0] += timedelta(seconds=1)
    simulator.end_session(first)
    wall[0] = start + timedelta(minutes=10)
    second = simulator.create_session([], "journey-onboarding", "web", "europe-west1.gcp")
    wall[0] += timedelta(seconds=1)
    simulator.send_bundle(second, location=(50.8466, 4.3528, 35.0))
    wall[0] = EXAMPLE_NOW
    session_id = simulator.create_session(
        ["commute", "field-test"], "journey-delivery", "ios", "europe-west1.gcp"
    )
    files["webhook_session_created.json"] = simulator.events[-1]
    wall[0] += timedelta(seconds=1, milliseconds=250)
    simulator.send_bundle(session_id, **EXAMPLE_READINGS)
    files["webhook_bundle_received.json"] = simulator.events[-1]
    wall[0] += timedelta(seconds=1)
    simulator.send_bundle(session_id, battery=(79, "DISCHARGING"), location=(50.8504, 4.3519, 12.0))
    wall[0] += timedelta(seconds=1)
    simulator.send_bundle(session_id, activity=("STILL", 70), temperature=21.4)
    wall[0] += timedelta(seconds=1)
    simulator.set_numeric_event_types(True)
    chunk_id = simulator.persist_chunk(session_id)
    files["webhook_numeric_event_type.json"] = simulator.events[-1]
    simulator.set_numeric_event_types(False)
    region = "europe-west1.gcp"
    files["sessions_page1.json"] = simulator.render(simulator.list_sessions(1, 2))
    files["chunk.jsonl"] = simulator.read_chunk(region, session_id, chunk_id)
    return simulator, files


def example_payloads() -> dict[str, Any]:
    """Build the files of tests/fixtures/moonsense/, by file name.

    JSON files hold parsed JSON; ``chunk.jsonl`` holds its text. Three
    sessions; the newest (iOS, europe-west1.gcp, labels commute and
    field-test) records three bundles, the first with every reading, and
    persists them as one chunk (CHUNK_PERSISTED sent with its number, 3).
    """
    _, files = _example_run(camel_case=False)
    _, camel = _example_run(camel_case=True)
    files["webhook_bundle_received_camel.json"] = camel["webhook_bundle_received.json"]
    return dict(sorted(files.items()))


def write_fixtures(directory: str | Path) -> list[Path]:
    """Write the example files into directory; return their paths."""
    return write_examples(directory, example_payloads())
