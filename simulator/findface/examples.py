"""Example FindFace webhook payloads, as stored in tests/fixtures/findface/."""

from datetime import UTC, datetime, timedelta
import itertools
import json
from pathlib import Path
from typing import Any

from .model import EPISODE_SECTIONS, EVENT_SECTIONS, SECTIONS
from .service import FindFaceSimulator
from .settings import FindFaceSettings

EXAMPLE_START = datetime(2024, 5, 30, 14, 13, 43, tzinfo=UTC)
EXAMPLE_ADDRESS = "http://127.0.0.1:8765"


def example_payloads(section: str, verbose: bool = False) -> list[dict[str, Any]]:
    """Build the example items of a section, as stored in tests/fixtures/findface/.

    A fresh simulator with a fixed seed and a wallclock that moves 2.5 s per
    reading makes them deterministic. Events: matched, unmatched, matched;
    episodes (of length 2): open, event, close; counters: one record per
    counter; areas: an activation starting and ending.
    """
    ticks = itertools.count()
    simulator = FindFaceSimulator(
        FindFaceSettings(
            verbose=verbose, seed=7, episode_length=2, external_address=EXAMPLE_ADDRESS
        ),
        clock=lambda: 0.0,
        wallclock=lambda: EXAMPLE_START + timedelta(seconds=2.5 * next(ticks)),
    )
    if section in EVENT_SECTIONS:
        return [
            *simulator.emit(section, matched=True, camera=1),
            *simulator.emit(section, matched=False, camera=2),
            *simulator.emit(section, matched=True, camera=3),
        ]
    if section in EPISODE_SECTIONS:
        return simulator.emit(section, count=3, matched=True, camera=1)
    if section == "counters":
        return [*simulator.emit(section, camera=3, counter=1), *simulator.emit(section, camera=2)]
    if section == "areas":
        return simulator.emit(section, count=2, camera=1)
    raise ValueError(f"section must be one of {', '.join(SECTIONS)}")


def write_fixtures(directory: str | Path) -> list[Path]:
    """Write ``<section>_<default|verbose>.json`` example files; return their paths."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for section in SECTIONS:
        for mode in ("default", "verbose"):
            path = folder / f"{section}_{mode}.json"
            items = example_payloads(section, verbose=mode == "verbose")
            path.write_text(json.dumps(items, indent=2) + "\n", encoding="utf-8")
            written.append(path)
    return written
