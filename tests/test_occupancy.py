"""The shared occupancy rules: which count fires what, hostile counts, the Logbook sentence."""

from __future__ import annotations

import math

from hypothesis import given, strategies as st
import pytest

from custom_components.sitewatch.occupancy import (
    MAX_OCCUPANCY,
    OccupancyTracker,
    occupancy_count,
    occupancy_sentence,
)


def _events(
    values: list[object], bases: list[object] | None = None
) -> list[tuple[str, int, int, int]]:
    tracker = OccupancyTracker()
    fired = []
    for index, value in enumerate(values):
        basis = bases[index] if bases else None
        if (change := tracker.update("Lobby", value, basis)) is not None:
            fired.append((change.event_type, change.occupancy, change.entered, change.exited))
    return fired


def test_first_count_is_the_baseline_and_only_changes_fire() -> None:
    assert _events([30]) == []
    assert _events([30, 30, 33, 33, 31, 0]) == [
        ("entered", 33, 3, 0),
        ("exited", 31, 0, 2),
        ("exited", 0, 0, 31),
    ]


def test_a_new_basis_is_a_change_not_people_moving() -> None:
    assert _events([30, 0, 0, 2], ["day 1", "day 2", "day 2", "day 2"]) == [
        ("changed", 0, 0, 0),
        ("entered", 2, 2, 0),
    ]
    # The same count on another basis is no change at all.
    assert _events([5, 5], ["webhook", "polling"]) == []


HOSTILE = [
    math.nan,
    math.inf,
    -math.inf,
    -1,
    -0.5,
    10**300,
    float(MAX_OCCUPANCY) + 1,
    True,
    "3",
    None,
    [3],
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_counts_neither_fire_nor_become_the_baseline(value: object) -> None:
    assert occupancy_count(value) is None
    assert _events([value, 4, value, 6]) == [("entered", 6, 2, 0)]


@given(
    st.lists(
        st.one_of(
            st.integers(min_value=-(10**300), max_value=10**300),
            st.floats(allow_nan=True, allow_infinity=True),
            st.booleans(),
            st.text(max_size=5),
            st.none(),
        ),
        max_size=30,
    )
)
def test_any_counts_fire_bounded_consistent_events(values: list[object]) -> None:
    tracker = OccupancyTracker()
    last: int | None = None
    for value in values:
        change = tracker.update("x" * 300, value)
        if (count := occupancy_count(value)) is None:
            assert change is None
            continue
        if last is None or count == last:
            assert change is None
        else:
            assert change is not None
            data = change.as_data()
            assert 0 <= change.occupancy <= MAX_OCCUPANCY
            assert change.occupancy == change.previous + change.entered - change.exited
            assert (change.entered > 0) != (change.exited > 0)
            assert len(str(data["place"])) <= 255
        last = count


@pytest.mark.parametrize(
    ("event_type", "data", "sentence"),
    [
        (
            "entered",
            {"place": "Main Street store", "occupancy": 5, "entered": 3},
            "3 people entered Main Street store",
        ),
        ("entered", {"place": "Lobby", "occupancy": 1, "entered": 1}, "1 person entered Lobby"),
        (
            "exited",
            {"place": "Lobby counter", "occupancy": 0, "exited": 2},
            "2 people left Lobby counter",
        ),
        (
            "changed",
            {"place": "Lobby counter", "occupancy": 12},
            "Occupancy of Lobby counter is 12",
        ),
        # Stored data of the wrong shape reads as unknown, never fails.
        (
            "entered",
            {"place": None, "occupancy": "x", "entered": math.nan},
            "Occupancy of an unknown place is unknown",
        ),
        ("surprise", {}, "Occupancy of an unknown place is unknown"),
    ],
)
def test_the_logbook_sentence(event_type: str, data: dict[str, object], sentence: str) -> None:
    assert occupancy_sentence(event_type, data) == sentence
