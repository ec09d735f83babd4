"""A request budget for tests: its clock moves only when it sleeps, and it records the sleeps."""

from __future__ import annotations

from custom_components.sitewatch.http import RequestBudget


class ManualBudget(RequestBudget):
    """``RequestBudget`` on a hand-moved clock: ``sleep`` moves the clock on and returns at once.

    ``slept`` lists every wait asked for, in seconds; nothing really sleeps.
    """

    def __init__(
        self, limit: int, window: float = 1.0, *, max_wait: float = 30.0, patience: float = 60.0
    ) -> None:
        """A budget as ``RequestBudget``'s, its clock at 1000 s."""
        super().__init__(
            limit,
            window,
            max_wait=max_wait,
            patience=patience,
            clock=self._now,
            sleep=self._advance,
        )
        self.now = 1000.0
        self.slept: list[float] = []

    def _now(self) -> float:
        return self.now

    async def _advance(self, seconds: float) -> None:
        """Record the wait and move the clock on by it."""
        self.slept.append(seconds)
        self.now += seconds
