"""The shape of a simulated provider: one ``SimulatorPlugin`` per provider package.

The application (``app.py``), the command line (``__main__.py``), the demo (``demo.py``) and the
tests iterate over ``simulator.plugins.PLUGINS`` and learn from each plugin what they need: its
settings and their command-line options, how to build its simulator, its routes and where the
application keeps it.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
from pathlib import Path
import time
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

from .sender import SendsWebhooks

if TYPE_CHECKING:
    from .faults import FaultHarness


class Simulator(Protocol):
    """What every simulated provider offers the application: counters for ``/_sim/stats``."""

    def stats(self) -> dict[str, Any]:
        """The request (and webhook) counters."""
        ...

    def reset_stats(self) -> None:
        """Zero the counters."""
        ...


def check_speed(speed: float) -> None:
    """Reject a speed (simulated seconds per real second) that is not positive with ValueError."""
    if speed <= 0:
        raise ValueError("speed must be positive")


def not_negative(**values: float) -> None:
    """Reject with ValueError the first value below 0: "<name> must not be negative"."""
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"{name} must not be negative")


@dataclass(frozen=True, kw_only=True)
class Option:
    """A command-line option that sets one field of a provider's settings.

    The option's default and type are those of the field's default; ``switch`` makes it a
    flag that sets the field to True, and ``empty_is_none`` turns an empty value into None.
    """

    flag: str
    field: str
    help: str | None = None
    switch: bool = False
    empty_is_none: bool = False

    @property
    def dest(self) -> str:
        """The attribute of the parsed arguments that holds the option's value."""
        return self.flag.removeprefix("--").replace("-", "_")


def interval_option(flag: str, field: str, what: str) -> Option:
    """The option flag setting field: "seconds between <what>; 0 disables"."""
    return Option(flag=flag, field=field, help=f"seconds between {what}; 0 disables")


@dataclass(frozen=True, kw_only=True)
class DemoInterval:
    """The demo's ``--<key>-interval`` option: how often the provider's generator runs."""

    flag: str
    """The simulator option the demo passes the interval to."""
    default: float
    """The demo's default, in seconds."""
    what: str
    """What the generator produces, for the help text ("FindFace notifications")."""


@dataclass(frozen=True)
class SimulatorPlugin[SettingsT, SimulatorT: Simulator]:
    """One simulated provider: settings, options, simulator, routes and application key.

    Attributes:
        key: the provider's key (``comap``): fault harness, ``/_sim/stats`` and
            ``create_app`` keyword.
        settings: the settings dataclass; every one has ``speed`` (simulated seconds per
            real second), set by the shared ``--speed`` option.
        simulator: the simulator class, built as ``simulator(settings, clock=..., wallclock=...)``.
        app_key: where the application stores the simulator.
        routes: the provider's API and admin routes.
        options: the provider's own command-line options.
        demo_interval: the generator interval the demo sets, if the provider has a generator.
        learn_base_url: tells the simulator the address it is served at, if it needs it.
    """

    key: str
    settings: type[SettingsT]
    simulator: type[SimulatorT]
    app_key: web.AppKey[SimulatorT]
    routes: web.RouteTableDef
    options: tuple[Option, ...]
    demo_interval: DemoInterval | None = field(default=None, kw_only=True)
    learn_base_url: Callable[[SimulatorT, str], None] | None = field(default=None, kw_only=True)

    def create(
        self,
        given: object = None,
        *,
        clock: Callable[[], float] | None = None,
        wallclock: Callable[[], datetime] | None = None,
    ) -> SimulatorT:
        """The simulator: ``given`` if it is one, else a new one from ``given`` settings.

        Raises:
            TypeError: ``given`` is neither this provider's settings nor its simulator.
        """
        if isinstance(given, self.simulator):
            return given
        if given is not None and not isinstance(given, self.settings):
            raise TypeError(f"{type(given).__name__} is not a {self.key} simulator or settings")
        clocks: dict[str, Any] = {"clock": clock, "wallclock": wallclock}
        factory: Callable[..., SimulatorT] = self.simulator
        return factory(given, **{name: c for name, c in clocks.items() if c is not None})

    def owns(self, given: object) -> bool:
        """Whether ``given`` is this provider's settings or simulator."""
        return isinstance(given, (self.settings, self.simulator))

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the provider's options, in a group of their own, with the settings' defaults."""
        group = parser.add_argument_group(self.key)
        defaults = self.settings()
        for option in self.options:
            default = getattr(defaults, option.field)
            if option.switch:
                group.add_argument(option.flag, action="store_true", help=option.help)
            else:
                group.add_argument(
                    option.flag, type=type(default), default=default, help=option.help
                )

    def from_arguments(self, args: argparse.Namespace) -> SettingsT:
        """The settings the parsed options (and ``--speed``) give; ValueError if refused."""
        values: dict[str, Any] = {"speed": args.speed}
        for option in self.options:
            value = getattr(args, option.dest)
            values[option.field] = None if option.empty_is_none and not value else value
        return self.settings(**values)

    def install(
        self, app: web.Application, harness: FaultHarness, given: object = None
    ) -> SimulatorT:
        """Store the simulator on ``app`` and add its routes behind the fault harness.

        A simulator that sends webhooks runs its sender (and generator) while ``app`` runs.
        """
        simulator = self.create(given)
        app[self.app_key] = simulator
        harness.mount(self.key, app.add_routes(self.routes))
        runner: object = simulator
        if isinstance(runner, SendsWebhooks):
            app.cleanup_ctx.append(_running(runner))
        return simulator


def _running(
    simulator: SendsWebhooks,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A ``cleanup_ctx`` entry that runs the simulator's sender while the application runs."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        await simulator.start()
        yield
        await simulator.stop()

    return context


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Simulated[SettingsT]:
    """A simulator's settings and clocks; a subclass names its settings class and builds its world.

    ``class XState(Simulated[XSettings], settings=XSettings)`` makes ``XState()`` use default
    ``XSettings``; the subclass's ``_setup`` builds the simulated world after the settings and
    clocks are in place.
    """

    _settings_type: type[Any]

    def __init_subclass__(cls, *, settings: type[Any] | None = None, **kwargs: Any) -> None:
        """Remember the subclass's settings class, for a simulator built without settings."""
        super().__init_subclass__(**kwargs)
        if settings is not None:
            cls._settings_type = settings

    def __init__(
        self,
        settings: SettingsT | None = None,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], datetime] = _utc_now,
    ) -> None:
        """Build the simulator; clock is monotonic seconds, wallclock aware UTC."""
        self.settings: SettingsT = self._settings_type() if settings is None else settings
        self._clock = clock
        self._wallclock = wallclock
        self._setup()

    def _setup(self) -> None:
        """Build the simulated world (settings and clocks are set)."""


def write_examples(directory: str | Path, examples: Mapping[str, Any]) -> list[Path]:
    """Write examples (file name to JSON content, or text) into directory; return the paths."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in examples.items():
        path = folder / name
        text = content if isinstance(content, str) else json.dumps(content, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
