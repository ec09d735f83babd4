"""Example Camlytics payloads, as stored in tests/fixtures/camlytics/."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..plugin import write_examples
from .model import KINDS, EventFilter, envelope
from .service import CamlyticsSimulator
from .settings import CamlyticsSettings

EXAMPLE_START = datetime(2026, 11, 23, 9, 58, 20, 125000, tzinfo=UTC)


def example_payloads() -> dict[str, Any]:
    """Build the files of tests/fixtures/camlytics/, by file name.

    A fresh simulator with a fixed seed and a wallclock that moves 7.25 s
    per reading makes them deterministic. Location 32 sees a pedestrian
    entering, a car entering, the pedestrian leaving, a face joining the
    checkout queue and an unusual FaceRecognized event.
    """
    ticks = iter(range(1_000_000))
    simulator = CamlyticsSimulator(
        CamlyticsSettings(seed=7),
        clock=lambda: 0.0,
        wallclock=lambda: EXAMPLE_START + timedelta(seconds=7.25 * next(ticks)),
    )
    entrance, lobby, checkout = (channel["id"] for channel in simulator.channels(32)[:3])
    for kind in KINDS:
        simulator.add_webhook("http://127.0.0.1:8123/api/webhook/camlytics", kind, 32)
    events = [
        *simulator.emit_events(1, 32, entrance, trigger_name="Enter", origin="Pedestrian"),
        *simulator.emit_events(1, 32, entrance, trigger_name="Enter", origin="Vehicle"),
        *simulator.emit_events(1, 32, entrance, trigger_name="Exit", origin="Pedestrian"),
        *simulator.emit_events(1, 32, checkout, "RegionJoin", origin="Face"),
        *simulator.emit_events(1, 32, lobby, "FaceRecognized"),
    ]
    queued = {webhook.kind: list(webhook.queue) for webhook in simulator._webhooks.values()}
    return {
        "events_api.json": envelope(events),
        "events_webhook.json": [item for batch in queued["events"] for item in batch],
        "occupancy_webhook.json": queued["occupancy"][-1],
        "queue_webhook.json": queued["queue"][-1],
        "locations.json": envelope(simulator.locations()),
        "channels.json": envelope(simulator.channels()),
        "triggers.json": envelope(simulator.triggers()),
        "totals_triggers.json": envelope(simulator.totals_by_trigger(EventFilter(location_id=32))),
    }


def write_fixtures(directory: str | Path) -> list[Path]:
    """Write the example files into directory; return their paths."""
    return write_examples(directory, example_payloads())
