"""Behaviour every pushing simulator shares: a target that never answers."""

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from functools import partial
from typing import Any

import pytest

from . import (
    test_camlytics_simulator as camlytics,
    test_facespace_simulator as facespace,
    test_findface_simulator as findface,
    test_moonsense_simulator as moonsense,
)

UNREACHABLE = "http://127.0.0.1:1/hook"


async def _camlytics(api: camlytics.Api) -> None:
    api.simulator.add_webhook(UNREACHABLE, "occupancy")
    api.simulator.set_occupancy(32, 1)


async def _facespace(api: facespace.Api) -> None:
    api.simulator.add_push_target(UNREACHABLE, kind="realtime")
    api.simulator.recognize("Entrance", "Alice")


async def _findface(api: findface.Api) -> None:
    await api.create_hook(url=UNREACHABLE, send_attempts=1)
    api.simulator.emit("face_events")


async def _moonsense(api: moonsense.Api) -> None:
    api.simulator.add_webhook(UNREACHABLE)
    api.simulator.create_session()


@pytest.mark.parametrize(
    ("serve", "push"),
    [
        pytest.param(partial(camlytics.serve, send_attempts=1), _camlytics, id="camlytics"),
        pytest.param(partial(facespace.serve, send_attempts=1), _facespace, id="facespace"),
        pytest.param(findface.serve, _findface, id="findface"),
        pytest.param(partial(moonsense.serve, send_attempts=1), _moonsense, id="moonsense"),
    ],
)
async def test_unreachable_target_logs_the_error(
    serve: Callable[[], AbstractAsyncContextManager[Any]],
    push: Callable[[Any], Awaitable[None]],
) -> None:
    """A payload to a closed port is logged once: no status, an error, dropped."""
    async with serve() as api:
        await push(api)
        await api.drain()
        api.assert_unreachable()
