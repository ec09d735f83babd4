"""What the benchmarks ask a running Home Assistant: websocket calls, recorder, log, memory, CPU.

Shared by every benchmark against a real ``hass``: ``running_stack`` starts a ``DemoStack``
(simulator and Home Assistant, onboarded, with a long-lived token) and stops it again.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
import contextlib
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
import itertools
import json
import os
from pathlib import Path
import re
import sys
import tempfile
import time
from types import TracebackType
from typing import Any, NoReturn, Self

import aiohttp

from simulator.demo import DemoError, DemoStack

QUIET_SIMULATOR = [
    "--findface-emit-interval",
    "0",
    "--camlytics-event-interval",
    "0",
    "--facespace-interval",
    "0",
    "--moonsense-interval",
    "0",
]
"""Simulator options: no provider generates anything by itself (the benchmark sends)."""


class HassWebsocket:
    """One authenticated connection to Home Assistant's websocket API (``/api/websocket``)."""

    def __init__(self, session: aiohttp.ClientSession, stack: DemoStack) -> None:
        """Connect with ``session`` to ``stack``'s Home Assistant, as its token's user."""
        self._session = session
        self._stack = stack
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)

    async def __aenter__(self) -> Self:
        """Connect and authenticate; DemoError when the token is refused."""
        socket = await self._session.ws_connect(
            f"{self._stack.hass_url}/api/websocket", max_msg_size=0, heartbeat=None
        )
        self._socket = socket
        await socket.receive_json()  # auth_required
        await socket.send_json({"type": "auth", "access_token": self._stack.token})
        answer = await socket.receive_json()
        if answer.get("type") != "auth_ok":
            raise DemoError(f"websocket authentication failed: {answer}")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the connection."""
        if self._socket is not None:
            await self._socket.close()

    async def call(self, message_type: str, **data: Any) -> Any:
        """Send one command and return its result; DemoError when it fails."""
        assert self._socket is not None
        message_id = next(self._ids)
        await self._socket.send_json({"id": message_id, "type": message_type, **data})
        while True:
            answer = await self._socket.receive_json()
            if answer.get("id") != message_id or answer.get("type") != "result":
                continue
            if not answer.get("success"):
                raise DemoError(f"{message_type} failed: {answer.get('error')}")
            return answer.get("result")

    async def subscribe(self, event_type: str) -> None:
        """Subscribe to a bus event type; read the events with ``events``."""
        await self.call("subscribe_events", event_type=event_type)

    async def events(self) -> AsyncIterator[Any]:
        """The ``event`` of each subscription message, until the connection closes.

        A bus event (``subscribe_events``) is a dict; other subscriptions send their own shapes
        (``config_entries/subscribe``: a list of changes).
        """
        assert self._socket is not None
        async for message in self._socket:
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            answer = message.json()
            if answer.get("type") == "event":
                yield answer["event"]


class EntryWatch:
    """Config entries' changes as Home Assistant announces them (``config_entries/subscribe``).

    Attributes:
        added: per entry id, when it was announced as new (``time.monotonic()``).
        loaded: per entry id, when it was first ``loaded``.
        attempts: per entry id, how many setups began (``setup_in_progress``; retries count).
        states: per entry id, its states in the order seen (repeats folded).
        reasons: per entry id, the last reason Home Assistant gave for a failed setup.
    """

    def __init__(self) -> None:
        """Nothing seen yet."""
        self.added: dict[str, float] = {}
        self.loaded: dict[str, float] = {}
        self.attempts: Counter[str] = Counter()
        self.states: dict[str, list[str]] = {}
        self.reasons: dict[str, str] = {}

    async def watch(self, socket: HassWebsocket) -> None:
        """Follow the changes until the connection closes or the task is cancelled."""
        await socket.call("config_entries/subscribe")
        async for changes in socket.events():
            now = time.monotonic()
            for change in changes:
                entry = change["entry"]
                entry_id, state = entry["entry_id"], entry.get("state")
                if change["type"] == "added":
                    self.added.setdefault(entry_id, now)
                seen = self.states.setdefault(entry_id, [])
                if change["type"] is not None and (not seen or seen[-1] != state):
                    seen.append(state)
                    if state == "setup_in_progress":
                        self.attempts[entry_id] += 1
                if state == "loaded":
                    self.loaded.setdefault(entry_id, now)
                if entry.get("reason"):
                    self.reasons[entry_id] = str(entry["reason"])[:240]

    def setup_s(self, entry_id: str) -> float | None:
        """Seconds from the entry's announcement until it was loaded (None: not seen)."""
        if entry_id not in self.added or entry_id not in self.loaded:
            return None
        return round(self.loaded[entry_id] - self.added[entry_id], 2)


@asynccontextmanager
async def watching_entries(
    session: aiohttp.ClientSession, stack: DemoStack
) -> AsyncIterator[EntryWatch]:
    """An ``EntryWatch`` following the stack's config entries while the block runs."""
    watch = EntryWatch()
    async with HassWebsocket(session, stack) as socket:
        watcher = asyncio.create_task(watch.watch(socket))
        await asyncio.sleep(0.5)  # subscribed
        try:
            yield watch
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


async def long_lived_token(session: aiohttp.ClientSession, stack: DemoStack) -> str:
    """A long-lived access token for the stack's user (the onboarding one expires in 30 min)."""
    async with HassWebsocket(session, stack) as socket:
        token: str = await socket.call(
            "auth/long_lived_access_token", client_name="Sitewatch benchmark", lifespan=7
        )
    return token


async def recorder_info(socket: HassWebsocket) -> dict[str, Any]:
    """``recorder/info``: backlog, recording, thread_running..."""
    info: dict[str, Any] = await socket.call("recorder/info")
    return info


async def wait_for_recorder(socket: HassWebsocket, within: float = 600) -> dict[str, Any]:
    """Wait until the recorder's queue is empty and one commit interval (5 s) has passed.

    Returns:
        The last ``recorder/info`` with ``drain_s``, the seconds it took.
    """
    started = time.monotonic()
    info = await recorder_info(socket)
    while info.get("backlog", 0) and time.monotonic() - started < within:
        await asyncio.sleep(1)
        info = await recorder_info(socket)
    await asyncio.sleep(6)  # the last batch is committed within the commit interval (5 s)
    info = await recorder_info(socket)
    return {**info, "drain_s": round(time.monotonic() - started, 1)}


def iso(moment: float) -> str:
    """A Unix time as the ISO 8601 text the history API takes."""
    return datetime.fromtimestamp(moment, UTC).isoformat()


async def history(
    socket: HassWebsocket, entity_ids: list[str], start: float, end: float | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every recorded state of the entities between two Unix times, with attributes.

    The compressed history format: per entity a list of ``{"s": state, "a": attributes,
    "lu": last updated (Unix time)}``.
    """
    if not entity_ids:
        return {}
    message: dict[str, Any] = {
        "start_time": iso(start),
        "entity_ids": entity_ids,
        "include_start_time_state": False,
        "significant_changes_only": False,
        "minimal_response": False,
        "no_attributes": False,
    }
    if end is not None:
        message["end_time"] = iso(end)
    result: dict[str, list[dict[str, Any]]] = await socket.call(
        "history/history_during_period", **message
    )
    return result


async def recorder_alive(
    session: aiohttp.ClientSession, socket: HassWebsocket, stack: DemoStack, within: float = 60
) -> dict[str, Any]:
    """Whether a state set now is recorded and readable through the history API.

    Sets ``sensor.sitewatch_benchmark_probe`` through the REST API to a fresh value and reads
    it back from the recorder's history.
    """
    value = f"probe-{time.time_ns()}"
    started = time.time()
    headers = {"Authorization": f"Bearer {stack.token}"}
    async with session.post(
        f"{stack.hass_url}/api/states/sensor.sitewatch_benchmark_probe",
        json={"state": value},
        headers=headers,
    ) as response:
        set_status = response.status
    deadline = time.monotonic() + within
    found = False
    while not found and time.monotonic() < deadline:
        await asyncio.sleep(2)
        rows = await history(socket, ["sensor.sitewatch_benchmark_probe"], started - 1)
        found = any(
            row.get("s") == value for row in rows.get("sensor.sitewatch_benchmark_probe", [])
        )
    info = await recorder_info(socket)
    return {
        "probe_set_status": set_status,
        "probe_recorded": found,
        "probe_wait_s": round(time.time() - started, 1),
        "thread_running": info.get("thread_running"),
        "recording": info.get("recording"),
        "backlog": info.get("backlog"),
        "alive": bool(found and info.get("thread_running") and info.get("recording")),
    }


async def sitewatch_entities(
    socket: HassWebsocket, entry_id: str, domain: str | None = None
) -> list[str]:
    """The entity ids of a Sitewatch entry (of one domain, when given), from the registry."""
    entries = await socket.call("config/entity_registry/list")
    return sorted(
        entry["entity_id"]
        for entry in entries
        if entry.get("config_entry_id") == entry_id
        and (domain is None or entry["entity_id"].startswith(f"{domain}."))
    )


async def get_json(session: aiohttp.ClientSession, stack: DemoStack, path: str) -> Any:
    """GET a Home Assistant REST API path with the stack's token; DemoError unless 200."""
    headers = {"Authorization": f"Bearer {stack.token}"}
    async with session.get(f"{stack.hass_url}{path}", headers=headers) as response:
        if response.status != 200:
            raise DemoError(f"GET {path} answered {response.status}")
        return await response.json()


async def simulator_stats(session: aiohttp.ClientSession, stack: DemoStack) -> dict[str, Any]:
    """The simulator's request counters by provider (``/_sim/stats``)."""
    async with session.get(f"{stack.simulator_url}/_sim/stats") as response:
        stats: dict[str, Any] = await response.json()
    return stats


async def camlytics_channels(session: aiohttp.ClientSession, stack: DemoStack) -> list[str]:
    """The simulator's Camlytics channel ids (from its admin state)."""
    async with session.get(f"{stack.simulator_url}/_sim/camlytics/state") as response:
        state = await response.json()
    return sorted(state.get("queues", {}))


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in KiB, from ``/proc/<pid>/status``."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process has used (``/proc/<pid>/stat`` utime + stime)."""
    return _stat_cpu(Path(f"/proc/{pid}/stat").read_text())


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of each thread of a process, by ``<tid> <name>`` (``/proc/<pid>/task``).

    The name is the kernel's (``comm``); the main thread (Home Assistant's event loop) is marked.
    Threads that ended meanwhile are left out.
    """
    threads: dict[str, float] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if task.name == str(pid):
            name += " (main thread)"
        threads[f"{task.name} {name}"] = _stat_cpu(stat)
    return threads


def _stat_cpu(stat: str) -> float:
    # After the name in parentheses: state is field 3, utime and stime fields 14 and 15.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ (?P<level>[A-Z]+) ")
LOGGER_NAME = re.compile(r"\[([\w.]+)\]")


def log_problems(log: str) -> dict[str, Any]:
    """Tracebacks and error lines in a Home Assistant log, those mentioning Sitewatch apart.

    A traceback belongs to the log line before it; it "mentions sitewatch" when that line or
    the traceback does. Grouped by their last line (the exception) or message.
    """
    tracebacks: Counter[str] = Counter()
    other_tracebacks: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    header = ""
    block: list[str] = []

    def close_block() -> None:
        if not block:
            return
        text = header + "\n" + "\n".join(block)
        logger = LOGGER_NAME.search(header)
        exception = f"[{logger[1] if logger else '?'}] {block[-1].strip()[:160]}"
        (tracebacks if "sitewatch" in text.lower() else other_tracebacks)[exception] += 1
        block.clear()

    for line in log.splitlines():
        if LOG_LINE.match(line):
            close_block()
            header = line
            level = LOG_LINE.match(line)
            if level and level["level"] in ("ERROR", "CRITICAL") and "sitewatch" in line.lower():
                # The message without its time stamp, numbers folded, for grouping.
                message = re.sub(r"\d+", "N", line.split(" ", 3)[-1])[:200]
                errors[message] += 1
        elif line.startswith("Traceback (most recent call last)") or block:
            block.append(line)
    close_block()
    return {
        "tracebacks_mentioning_sitewatch": sum(tracebacks.values()),
        "traceback_exceptions": dict(tracebacks.most_common(10)),
        "other_tracebacks": sum(other_tracebacks.values()),
        "other_traceback_exceptions": dict(other_tracebacks.most_common(5)),
        "error_lines_mentioning_sitewatch": sum(errors.values()),
        "error_messages": dict(errors.most_common(10)),
    }


async def webhook_diagnostics(
    session: aiohttp.ClientSession, stack: DemoStack, entry_id: str
) -> dict[str, Any] | None:
    """The ``webhook`` counters of an entry's diagnostics (answers, delivered, dropped...)."""
    headers = {"Authorization": f"Bearer {stack.token}"}
    try:
        async with session.get(
            f"{stack.hass_url}/api/diagnostics/config_entry/{entry_id}", headers=headers
        ) as response:
            if response.status != 200:
                return {"diagnostics_status": response.status}
            document = await response.json()
    except aiohttp.ClientError as err:
        return {"diagnostics_error": type(err).__name__}
    return _find_key(document, "webhook")


def _find_key(node: Any, key: str) -> dict[str, Any] | None:
    if isinstance(node, dict):
        if isinstance(node.get(key), dict) and "answers" in node[key]:
            found: dict[str, Any] = node[key]
            return found
        children: Any = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        if (found_child := _find_key(child, key)) is not None:
            return found_child
    return None


async def findface_webhook(stack: DemoStack, session: aiohttp.ClientSession) -> tuple[str, str]:
    """Add a FindFace entry (no hooks on the simulator), wait until it is loaded.

    Returns:
        Its entry id, and its webhook's URL for face events (``?section=face_events``).
    """
    entry_id = await stack.add_findface_entry(session, register_hooks=False)
    await stack.wait_for_entry(session, entry_id)
    url = (
        f"{stack.hass_url}/api/webhook/{await stack.wait_for_webhook_id(entry_id)}"
        "?section=face_events"
    )
    return entry_id, url


def progress(text: str) -> None:
    """A progress line on standard error (the report goes to standard output)."""
    print(text, file=sys.stderr, flush=True)


def benchmark_parser(doc: str) -> argparse.ArgumentParser:
    """A command line whose ``--help`` shows the module docstring; ``--state-dir`` included."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_state_dir_argument(parser)
    return parser


def with_checks(report: dict[str, Any], checks: dict[str, bool]) -> tuple[dict[str, Any], bool]:
    """The report with its ``checks`` and ``passed`` (every check true), and that verdict."""
    report["checks"] = checks
    report["passed"] = all(checks.values())
    return report, report["passed"]


def add_state_dir_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--state-dir`` option every benchmark against a real hass has."""
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="keep Home Assistant's configuration and logs here (default: a temporary folder)",
    )


@dataclass
class StackRun:
    """A running demo stack, onboarded, with a long-lived token (see ``running_stack``).

    Attributes:
        stack: the simulator and Home Assistant processes.
        session: a client session open while the stack runs.
        state_dir: the configuration and logs folder (``hass.log``, ``simulator.log``).
        started: ``time.monotonic()`` just before the processes were started.
        log: ``log_problems`` of ``hass.log``, filled once the stack has stopped.
        total_s: seconds from the start until the stack had stopped, filled then too.
    """

    stack: DemoStack
    session: aiohttp.ClientSession
    state_dir: Path
    started: float
    log: dict[str, Any] = field(default_factory=dict)
    total_s: float = 0.0

    def since_start(self) -> float:
        """Seconds since the processes were started, to a tenth."""
        return round(time.monotonic() - self.started, 1)


@asynccontextmanager
async def running_stack(
    state_dir: Path | None = None,
    *,
    simulator_args: Sequence[str] = (),
    extra_configuration: str = "",
    extra_components: Mapping[str, Path] | None = None,
) -> AsyncIterator[StackRun]:
    """Start a ``DemoStack``, onboard it, get a long-lived token; stop it on the way out.

    Args:
        state_dir: keep the configuration and logs there (recreated); None: a temporary
            folder, removed afterwards.
        simulator_args: command-line options of ``python -m simulator``.
        extra_configuration: YAML appended to Home Assistant's ``configuration.yaml``.
        extra_components: further custom integrations to link in, by domain.

    Yields:
        The running stack; its ``log`` and ``total_s`` are filled once both processes stopped.

    Raises:
        DemoError: a process exited or did not answer in time, or onboarding failed.
    """
    with tempfile.TemporaryDirectory() as temporary:
        folder = _state_folder(state_dir or Path(temporary))
        stack = DemoStack(
            state_dir=folder,
            simulator_args=list(simulator_args),
            extra_configuration=extra_configuration,
            extra_components=dict(extra_components or {}),
        )
        started = time.monotonic()
        stack.start()
        run: StackRun | None = None
        try:
            async with aiohttp.ClientSession() as session:
                await stack.wait_until_up(session)
                await stack.onboard(session)
                stack.token = await long_lived_token(session, stack)
                run = StackRun(stack, session, folder, started)
                yield run
        finally:
            stack.stop()
            if run is not None:
                log = folder / "hass.log"
                run.log = log_problems(log.read_text(errors="replace") if log.exists() else "")
                run.total_s = run.since_start()


def _state_folder(path: Path) -> Path:
    """``path`` made absolute and created."""
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def run_and_report(
    name: str,
    run: Callable[[argparse.Namespace], Coroutine[Any, Any, tuple[dict[str, Any], bool]]],
    args: argparse.Namespace,
) -> NoReturn:
    """Run a benchmark, print its report as JSON; exit 0 (targets met), 1 (missed), 2 (failed)."""
    try:
        report, passed = asyncio.run(run(args))
    except DemoError as err:
        print(f"{name}: {err}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    sys.exit(0 if passed else 1)
