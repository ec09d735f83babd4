"""Tests of what every simulated provider shares: plugins, options and ``--speed``."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from simulator.__main__ import parse_args
from simulator.app import create_app
from simulator.faults import PROVIDERS
from simulator.findface import SECTIONS
from simulator.plugins import PLUGINS

GENERATED: dict[str, tuple[str, Callable[[Any], int]]] = {
    "findface": (
        "emit_interval",
        lambda sim: sum(len(sim.history(section)) for section in SECTIONS),
    ),
    "camlytics": ("event_interval", lambda sim: sim.state()["events"]),
    "facespace": ("recognition_interval", lambda sim: sum(sim.state()["lines"].values())),
    "moonsense": ("bundle_interval", lambda sim: len(sim.events)),
}
"""Per provider with a generator: its interval setting, and how much it has generated.

ComAp has none; its gensets run on simulated time (``test_speed_scales_simulated_time``).
"""


def test_every_plugin_has_its_own_key_options_and_routes() -> None:
    keys = [plugin.key for plugin in PLUGINS]
    assert keys == ["comap", "findface", "camlytics", "facespace", "moonsense"]
    assert tuple(keys) == PROVIDERS
    flags = [option.flag for plugin in PLUGINS for option in plugin.options]
    assert len(flags) == len(set(flags))
    for plugin in PLUGINS:
        assert all(option.flag.startswith(f"--{plugin.key}-") for option in plugin.options)
    app = create_app()
    for plugin in PLUGINS:
        assert isinstance(app[plugin.app_key], plugin.simulator)
        assert plugin.create(app[plugin.app_key]) is app[plugin.app_key]
    with pytest.raises(TypeError):
        create_app(nothing=None)
    with pytest.raises(TypeError):
        create_app(object())


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda plugin: plugin.key)
def test_speed_reaches_every_provider(plugin: Any) -> None:
    assert getattr(parse_args([]), plugin.key).speed == 1.0
    assert getattr(parse_args(["--speed", "8"]), plugin.key).speed == 8.0
    with pytest.raises(ValueError, match="speed must be positive"):
        plugin.settings(speed=0)


@pytest.mark.parametrize("key", sorted(GENERATED))
async def test_speed_scales_the_generator_rate(key: str) -> None:
    """A 20 s interval at speed 400 ticks every 50 ms; at speed 1 not once in 0.3 s."""
    plugin = next(plugin for plugin in PLUGINS if plugin.key == key)
    field, generated = GENERATED[key]
    counts = {}
    for speed in (1.0, 400.0):
        simulator = plugin.create(plugin.settings(**{field: 20.0, "speed": speed}))
        before = generated(simulator)
        await simulator.start()
        try:
            await asyncio.sleep(0.3)
        finally:
            await simulator.stop()
        counts[speed] = generated(simulator) - before
    assert counts[1.0] == 0
    assert counts[400.0] >= 2
