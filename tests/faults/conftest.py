"""Fixtures of the fault tests: the harness, each provider's entry and what a test watches.

Every provider is driven the same way: its entry is set up against the in-process simulator, a
fault is injected in front of its routes (``simulator.faults``), the next refresh's timer is
fired at once (``async_fire_time_changed``; the clock is not frozen, so client timeouts and the
simulator's senders work), and what the user would see (states, log lines, flows) is asserted.

Clients are built with a short timeout (so a hung request fails in a fraction of a second) and
without real waits between their retries, so no test sleeps through a timeout or a backoff.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
import inspect
import json
import logging
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.identity import account_digest
from custom_components.sitewatch.providers.camlytics.api import CamlyticsClient, RateLimiter
from custom_components.sitewatch.providers.camlytics.coordinator import LIMITERS
from custom_components.sitewatch.providers.comap.api import ComapClient
from custom_components.sitewatch.providers.facespace.api import FaceSpaceClient
from custom_components.sitewatch.providers.findface.api import FindFaceClient
from custom_components.sitewatch.providers.moonsense.api import MoonsenseClient
from simulator.faults import FaultHarness, harness_for

from ..conftest import SimulatorStack, comap_data

CLIENT_TIMEOUTS = timedelta(seconds=21)
"""Longer than every provider client's timeout (15 s; Moonsense 20 s): firing the timers due
within it times out a request the simulator holds."""

FIXTURES = Path(__file__).parent.parent / "fixtures"
LOGGER_PREFIX = "custom_components.sitewatch"
FACESPACE_KEY = "demo-facespace"
FACESPACE_SECRET = "shared-secret"


CLIENTS: tuple[type, ...] = (
    ComapClient,
    FindFaceClient,
    CamlyticsClient,
    FaceSpaceClient,
    MoonsenseClient,
)


async def _no_sleep(seconds: float) -> None:
    """Stand-in for ``asyncio.sleep`` in clients: retry at once."""
    await asyncio.sleep(0)


@pytest.fixture(autouse=True)
def no_retry_waits() -> Iterator[None]:
    """Build every provider client that waits between retries without waiting."""
    with ExitStack() as stack:
        for client in CLIENTS:
            if "sleep" in inspect.signature(client.__init__).parameters:
                stack.enter_context(patch.object(client, "__init__", _fast_init(client.__init__)))
        yield


def _fast_init(original: Callable[..., None]) -> Callable[..., None]:
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["sleep"] = _no_sleep
        original(self, *args, **kwargs)

    return init


class _FastLimiters(dict[str, RateLimiter]):
    """Camlytics limiters that space calls 1 ms apart and never wait out a Retry-After."""

    def setdefault(self, key: str, default: RateLimiter | None = None) -> RateLimiter:
        return super().setdefault(key, RateLimiter(interval=0.001, sleep=_no_sleep))


@pytest.fixture(autouse=True)
def fast_limiter(hass: HomeAssistant) -> None:
    hass.data[LIMITERS] = _FastLimiters()


@pytest.fixture
def faults(simulators: SimulatorStack) -> Iterator[FaultHarness]:
    """The fault harness in front of the simulator's provider routes; cleared after the test."""
    harness = harness_for(simulators.simulator)
    yield harness
    harness.reset()


OUTAGES: dict[str, dict[str, Any]] = {
    "500": {"kind": "status", "status": 500},
    "502": {"kind": "status", "status": 502},
    "503": {"kind": "status", "status": 503},
    "429": {"kind": "status", "status": 429, "retry_after": 0},
    "hang": {"kind": "hang"},
    "html": {"kind": "html"},
    "empty": {"kind": "empty"},
    "garbage": {"kind": "garbage"},
    "disconnect": {"kind": "disconnect"},
}
"""Every kind of fault, by name: the arguments of ``FaultHarness.inject`` but the provider."""


# What each provider's tests need to know.

type PushSender = Callable[[HomeAssistant, SimulatorStack, Any], Awaitable[int]]
"""Sends one push body for the provider (through the simulator's sender or directly); returns
the HTTP status Home Assistant answered."""


@dataclass(frozen=True)
class ProviderCase:
    """One provider under test.

    Attributes:
        key: the provider's key in the simulator and the fault harness.
        data: its entry data, from the simulator's URL.
        options: its entry options.
        polled: an entity fed by polling (unavailable during an outage).
        pushed: an event entity fed by push, or None (ComAp).
        push: sends one push body and returns Home Assistant's status.
        unique_id: the entry's unique id.
        title: the entry's title (some entity ids derive from it).
    """

    key: str
    title: str
    data: Callable[[str], dict[str, Any]]
    polled: str
    options: dict[str, Any] = field(default_factory=dict)
    pushed: str | None = None
    push: PushSender | None = None
    unique_id: str | None = None


async def _push_findface(hass: HomeAssistant, server: SimulatorStack, client: Any) -> int:
    event = json.loads((FIXTURES / "findface" / "face_events_verbose.json").read_text())[0]
    body = [{**event, "id": "990001", "camera": 1}]
    response = await client.post("/api/webhook/findface-faults?section=face_events", json=body)
    return int(response.status)


async def _sender_status(deliveries: Callable[[], list[dict[str, Any]]]) -> int:
    """The status of the simulator sender's first answered delivery (a retried 503 waits)."""
    async with asyncio.timeout(5):
        while True:
            answered = [d for d in deliveries() if d.get("status") is not None]
            if any(d["ok"] for d in answered) or any(d.get("dropped") for d in answered):
                return int(answered[-1]["status"])
            await asyncio.sleep(0.01)


async def _push_camlytics(hass: HomeAssistant, server: SimulatorStack, client: Any) -> int:
    sim = server.camlytics
    location = sim.locations()[0]["id"]
    channel = sim.channels(location)[0]["id"]
    sim.add_webhook(
        str(client.make_url("/api/webhook/camlytics-faults")), "events", location_id=location
    )
    sim.emit_events(1, location_id=location, channel_id=channel, event_type="TripwireCrossed")
    return await _sender_status(lambda: sim.deliveries)


async def _push_facespace(hass: HomeAssistant, server: SimulatorStack, client: Any) -> int:
    sim = server.facespace
    sim.add_push_target(
        str(client.make_url("/api/webhook/facespace-faults")),
        {"X-Sitewatch-Secret": FACESPACE_SECRET},
        kind="logs",
    )
    sim.recognize("Parking", "Erin", dt_util.utcnow())
    return await _sender_status(lambda: sim.deliveries)


async def _push_moonsense(hass: HomeAssistant, server: SimulatorStack, client: Any) -> int:
    sim = server.moonsense
    sim.add_webhook(str(client.make_url("/api/webhook/moonsense-faults")))
    sim.create_session(labels=("fault-test",))
    return await _sender_status(lambda: sim.deliveries)


CASES: dict[str, ProviderCase] = {
    case.key: case
    for case in (
        ProviderCase(
            key="comap",
            title="ComAp WebSupervisor demo",
            data=comap_data,
            options={"scan_interval": 60},
            polled="sensor.genset_alpha_engine_speed",
            unique_id=account_digest("demo"),
        ),
        ProviderCase(
            key="findface",
            title="FindFace 127.0.0.1",
            data=lambda url: {
                "provider": "findface",
                "url": url,
                "verify_ssl": True,
                "token": "demo-token",
                "webhook_id": "findface-faults",
                "client_uuid": "uuid-1",
                "hook_ids": [],
            },
            polled="binary_sensor.entrance_findface_connectivity",
            pushed="event.entrance_findface_face",
            push=_push_findface,
            unique_id="findface-faults",
        ),
        ProviderCase(
            key="camlytics",
            title="Camlytics",
            data=lambda url: {
                "provider": "camlytics",
                "public_key": "demo-public",
                "secret_key": "demo-secret",
                "base_url": f"{url}/service/api/v1",
                "webhook_id": "camlytics-faults",
            },
            options={"scan_interval": 60, "locations": []},
            polled="sensor.main_street_store_entrance_enter_today",
            pushed="event.main_street_store_entrance_analytics",
            push=_push_camlytics,
            unique_id=account_digest("demo-public"),
        ),
        ProviderCase(
            key="facespace",
            title="FaceSpace",
            data=lambda url: {
                "provider": "facespace",
                "api_key": FACESPACE_KEY,
                "base_url": f"{url}/facespace",
                "webhook_id": "facespace-faults",
            },
            options={"scan_interval": 5, "accept_push": True, "push_secret": FACESPACE_SECRET},
            polled="sensor.lobby_facespace_people_in_view",
            pushed="event.parking_facespace_recognition",
            push=_push_facespace,
            unique_id=account_digest(FACESPACE_KEY),
        ),
        ProviderCase(
            key="moonsense",
            title="Moonsense app-demo",
            data=lambda url: {
                "provider": "moonsense",
                "token": "demo-moonsense",
                "root_domain": f"{url}/moonsense",
                "region": "us-central1.gcp",
                "webhook_id": "moonsense-faults",
            },
            options={"scan_interval": 120, "labels": []},
            polled="sensor.moonsense_app_demo_sessions_today",
            pushed="event.moonsense_app_demo_session",
            push=_push_moonsense,
            unique_id=account_digest("proj-demo/app-demo"),
        ),
    )
}
PUSH_CASES = [key for key, case in CASES.items() if case.push is not None]


async def setup_provider(hass: HomeAssistant, server: SimulatorStack, key: str) -> MockConfigEntry:
    """Add and set up ``key``'s entry against the simulator; it must load and refresh once."""
    case = CASES[key]
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=case.title,
        unique_id=case.unique_id,
        minor_version=2,
        data=case.data(server.url),
        options=case.options,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    # The first refresh of a slow provider (Camlytics) runs in the background after setup.
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


def poll_interval(entry: MockConfigEntry) -> timedelta:
    """The entry's coordinator's current refresh interval."""
    interval = entry.runtime_data.coordinator.update_interval
    assert interval is not None
    return interval


async def next_refresh(hass: HomeAssistant, entry: MockConfigEntry, faults: FaultHarness) -> None:
    """Run the coordinator's next scheduled refresh now and wait until it has finished."""
    await fire_after(hass, poll_interval(entry), faults)


async def fire_after(hass: HomeAssistant, delay: timedelta, faults: FaultHarness) -> None:
    """Run the timers due within ``delay`` now, and wait for what they start.

    Home Assistant's clock is not frozen here: requests and the simulator's senders run in real
    time (fractions of a second), and only timers are brought forward. Each time the simulator
    starts holding a request (a ``hang`` fault), the timers due within ``CLIENT_TIMEOUTS`` are
    run too, which times the client's request out as if that long had passed.
    """
    async_fire_time_changed(hass, dt_util.utcnow() + delay)
    held = faults.held
    waiting = asyncio.ensure_future(hass.async_block_till_done(wait_background_tasks=True))
    # A guard, not a timer fired with the clients' (it is due after CLIENT_TIMEOUTS).
    async with asyncio.timeout(CLIENT_TIMEOUTS.total_seconds() * 3):
        while not waiting.done():
            await asyncio.wait({waiting}, timeout=0.005)
            if faults.held > held:
                held = faults.held
                async_fire_time_changed(hass, dt_util.utcnow() + CLIENT_TIMEOUTS)
    await waiting


def sitewatch_records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    """Sitewatch's log records (its coordinators log through it) at ``level`` or above."""
    return [
        record
        for record in caplog.records
        if record.name.startswith(LOGGER_PREFIX) and record.levelno >= level
    ]


def event_entity_firings(hass: HomeAssistant, entity_id: str) -> list[Event]:
    """Collect the state changes of ``entity_id`` that fire an event (not unavailable)."""
    fired: list[Event] = []

    def listener(event: Event) -> None:
        new = event.data.get("new_state")
        if event.data["entity_id"] == entity_id and new is not None and new.state != "unavailable":
            fired.append(event)

    hass.bus.async_listen("state_changed", listener)
    return fired
