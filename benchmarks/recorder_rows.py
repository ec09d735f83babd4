"""Recorder rows: what one recorded state change costs, by commit size and attribute sharing.

Writes ``--rows`` state rows of ``--entities`` event entities (round robin) with Home Assistant's
own recorder schema (``homeassistant.components.recorder.db_schema``) into a fresh SQLite file in
WAL mode, as the recorder does: a row whose entity already has a row pending in the same commit
points at it through the ``old_state`` relationship (the chain the unit of work sorts), else it
takes the committed row's id. For each commit size (rows per commit; Sitewatch asks for a commit
every ``recording.COMMIT_EVERY`` delivered items during a burst, the recorder commits every 5 s
otherwise) and with shared or per-event attribute rows, it prints the CPU milliseconds per row.

This is the part of ``benchmarks/event_burst.py``'s cost that no integration choice removes while
every event stays one recorded state change: the figures show why commits of about 100 rows are
the cheapest and what a row costs at best on this machine.

Usage: ``.venv/bin/python -m benchmarks.recorder_rows [--rows N] [--entities N]`` (about 40 s).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import tempfile
import time
from typing import Any

from homeassistant.components.recorder.db_schema import (
    Base,
    StateAttributes,
    States,
    StatesMeta,
)
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session

COMMIT_SIZES = (25, 50, 100, 200, 400, 1000, 5000)


def cost_per_row(rows: int, per_commit: int, entities: int, *, shared_attributes: bool) -> float:
    """CPU milliseconds per row for ``rows`` rows committed ``per_commit`` at a time."""
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'recorder.db'}")

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: object) -> None:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")

        Base.metadata.create_all(engine)
        with Session(engine, expire_on_commit=False) as session:
            metas = [StatesMeta(entity_id=f"event.camera_{index}") for index in range(entities)]
            shared = [
                StateAttributes(
                    shared_attrs=f'{{"event_type":"matched","camera":{index}}}', hash=index
                )
                for index in range(entities)
            ]
            session.add_all([*metas, *shared])
            session.commit()
            pending: dict[int, States] = {}
            committed: dict[int, int] = {}
            started = time.process_time()
            for index in range(rows):
                entity = index % entities
                row = States(state=str(index), last_updated_ts=index, last_changed_ts=index)
                row.metadata_id = metas[entity].metadata_id
                if shared_attributes:
                    row.attributes_id = shared[entity].attributes_id
                else:
                    attributes = StateAttributes(
                        shared_attrs=f'{{"event_id":{index}}}', hash=entities + index
                    )
                    session.add(attributes)
                    row.state_attributes = attributes
                if (previous := pending.pop(entity, None)) is not None:
                    row.old_state = previous
                elif entity in committed:
                    row.old_state_id = committed[entity]
                pending[entity] = row
                session.add(row)
                if (index + 1) % per_commit == 0:
                    session.commit()
                    committed.update({key: value.state_id for key, value in pending.items()})
                    pending.clear()
            session.commit()
            return 1000 * (time.process_time() - started) / rows


def main() -> None:
    """Print the cost per row for each commit size, shared and per-event attributes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows per measurement (10000)")
    parser.add_argument("--entities", type=int, default=3, help="event entities (3)")
    arguments = parser.parse_args()
    figures = {
        "rows": arguments.rows,
        "entities": arguments.entities,
        "ms_per_row": {
            attributes: {
                str(size): round(
                    cost_per_row(
                        arguments.rows,
                        size,
                        arguments.entities,
                        shared_attributes=attributes == "shared_attributes",
                    ),
                    3,
                )
                for size in COMMIT_SIZES
            }
            for attributes in ("shared_attributes", "per_event_attributes")
        },
        "note": "rows per commit -> CPU ms per row; the recorder's own per-event work is extra",
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
