"""ComAp tests; ``VALUE_KEYS`` is shared with the simulator's tests."""

VALUE_KEYS = (
    "name",
    "valueGuid",
    "value",
    "unit",
    "highLimit",
    "lowLimit",
    "decimalPlaces",
    "timeStamp",
)
"""The keys of a value item (docs/providers/comap.md)."""
