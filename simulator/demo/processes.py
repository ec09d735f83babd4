"""The demo's processes: the simulator and Home Assistant, their state folder and HTTP API."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any, TextIO

import aiohttp

ROOT = Path(__file__).resolve().parents[2]  # the repository
CLIENT_NAME = "Sitewatch demo"
USERNAME = "demo"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


CONFIGURATION = """\
homeassistant:
  name: Sitewatch demo
  internal_url: http://127.0.0.1:{port}
  time_zone: UTC
  country: CZ
  currency: EUR
  unit_system: metric
  latitude: 50.0755
  longitude: 14.4378
http:
  server_host: 127.0.0.1
  server_port: {port}
api:
config:
frontend:
onboarding:
recorder:
  purge_keep_days: 1
history:
logbook:
logger:
  default: warning
  logs:
    custom_components.sitewatch: info
"""


class DemoError(Exception):
    """A step of the demo failed; the message says which and why."""


@dataclass
class DemoProcesses:
    """The simulator and a Home Assistant process sharing a state folder, driven over HTTP.

    Attributes:
        state_dir: where the Home Assistant configuration and the logs go (recreated on start).
        hass_port: Home Assistant's HTTP port on 127.0.0.1.
        simulator_port: the simulator's HTTP port on 127.0.0.1.
        simulator_args: extra command-line options for ``python -m simulator``.
    """

    state_dir: Path
    hass_port: int = field(default_factory=free_port)
    simulator_port: int = field(default_factory=free_port)
    simulator_args: list[str] = field(default_factory=list)
    extra_components: dict[str, Path] = field(default_factory=dict)
    """Further custom integrations to link into the configuration, by domain."""
    extra_configuration: str = ""
    """YAML appended to configuration.yaml (for example to load an extra component)."""
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    token: str | None = None
    _processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: dict[str, TextIO] = field(default_factory=dict)

    @property
    def hass_url(self) -> str:
        """Home Assistant's base URL."""
        return f"http://127.0.0.1:{self.hass_port}"

    @property
    def simulator_url(self) -> str:
        """The simulator's base URL."""
        return f"http://127.0.0.1:{self.simulator_port}"

    @property
    def config_dir(self) -> Path:
        """Home Assistant's configuration folder."""
        return self.state_dir / "config"

    @property
    def hass_pid(self) -> int:
        """The process id of the running Home Assistant; DemoError when it is not running."""
        process = self._processes.get("hass")
        if process is None or process.poll() is not None:
            raise DemoError("Home Assistant is not running")
        return process.pid

    def start(self) -> None:
        """Write a fresh configuration and start the simulator and Home Assistant."""
        if self.config_dir.exists():
            shutil.rmtree(self.config_dir)
        (self.config_dir / "custom_components").mkdir(parents=True)
        (self.config_dir / "custom_components" / "sitewatch").symlink_to(
            ROOT / "custom_components" / "sitewatch"
        )
        for domain, path in self.extra_components.items():
            (self.config_dir / "custom_components" / domain).symlink_to(path.resolve())
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(port=self.hass_port) + self.extra_configuration
        )
        self._spawn(
            "simulator",
            [
                sys.executable,
                "-m",
                "simulator",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.simulator_port),
                *self.simulator_args,
            ],
        )
        self.start_hass(append_log=False)

    def start_hass(self, *, append_log: bool = True) -> None:
        """Start Home Assistant on the existing configuration folder and port.

        Used by ``start`` and, after ``stop_hass``, to restart it: the configuration, its
        ``.storage`` and the database are kept, and the log is appended to ``hass.log``.
        """
        self._spawn(
            "hass",
            [
                sys.executable,
                "-m",
                "homeassistant",
                "--config",
                str(self.config_dir),
                "--skip-pip",
            ],
            # Not the repository root: its custom_components would shadow the configuration's.
            cwd=self.config_dir,
            append_log=append_log,
        )

    def _spawn(
        self, name: str, command: list[str], cwd: Path = ROOT, *, append_log: bool = False
    ) -> None:
        log = (self.state_dir / f"{name}.log").open("a" if append_log else "w")
        self._logs[name] = log
        self._processes[name] = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def stop_hass(self, *, kill: bool = False, timeout: float = 30) -> tuple[float, bool]:
        """Stop Home Assistant only (the simulator keeps running).

        Args:
            kill: send SIGKILL at once (a crash) instead of SIGTERM (a graceful stop).
            timeout: seconds to wait after SIGTERM before sending SIGKILL.

        Returns:
            Seconds until the process exited, and whether SIGKILL had to follow the SIGTERM.
        """
        process = self._processes.pop("hass", None)
        started = time.monotonic()
        forced = False
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                forced = True
                process.kill()
                process.wait()
        if (log := self._logs.pop("hass", None)) is not None:
            log.close()
        return time.monotonic() - started, forced

    async def async_stop_hass(
        self, *, kill: bool = False, stop_within: float = 30
    ) -> dict[str, Any]:
        """Stop Home Assistant only, without blocking the event loop (the simulator keeps running).

        Args:
            kill: send SIGKILL at once (a crash) instead of SIGTERM (a graceful stop).
            stop_within: seconds to wait after SIGTERM before sending SIGKILL.

        Returns:
            ``stop_s`` (seconds until the process exited), ``forced`` (SIGKILL had to follow the
            SIGTERM) and ``exit_code`` (the process's return code; negative: the signal that
            ended it; None when it was not running).
        """
        process = self._processes.pop("hass", None)
        started = time.monotonic()
        forced = False
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            deadline = started + stop_within
            while process.poll() is None:
                if time.monotonic() > deadline and not forced:
                    forced = True
                    process.kill()
                await asyncio.sleep(0.05)
        if (log := self._logs.pop("hass", None)) is not None:
            log.close()
        return {
            "stop_s": round(time.monotonic() - started, 2),
            "forced": forced,
            "exit_code": None if process is None else process.returncode,
        }

    async def restart_hass(
        self,
        session: aiohttp.ClientSession,
        entry_ids: list[str],
        *,
        kill: bool = False,
        stop_within: float = 30,
        down_for: float = 0,
    ) -> dict[str, Any]:
        """Stop Home Assistant (SIGTERM, or SIGKILL with ``kill``), start it again, wait for it.

        The event loop keeps running meanwhile (other tasks may keep sending). Waits
        ``down_for`` seconds between the exit and the start, then until Home Assistant answers
        and every entry of ``entry_ids`` is loaded again.

        Returns:
            ``stop_s`` (seconds to exit), ``forced`` (SIGKILL followed a SIGTERM that was not
            obeyed within ``stop_within`` s), ``exit_code``, ``down_s`` and ``start_s`` (seconds
            from the start until every entry was loaded).

        Raises:
            DemoError: Home Assistant did not come back or an entry failed to load.
        """
        stopped = await self.async_stop_hass(kill=kill, stop_within=stop_within)
        await asyncio.sleep(down_for)
        started = time.monotonic()
        self.start_hass()
        await self.wait_until_up(session)
        for entry_id in entry_ids:
            await self.wait_for_entry(session, entry_id, within=120)
        return {
            **stopped,
            "down_s": down_for,
            "start_s": round(time.monotonic() - started, 2),
        }

    def stop(self) -> None:
        """Stop both processes (SIGTERM, then SIGKILL after 30 s) and close the logs."""
        processes = list(self._processes.values())
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._processes.clear()
        for log in self._logs.values():
            log.close()
        self._logs.clear()

    def check_running(self) -> None:
        """Raise DemoError when a process has exited."""
        for name, process in self._processes.items():
            if process.poll() is not None:
                raise DemoError(
                    f"{name} exited with code {process.returncode}; "
                    f"see {self.state_dir / (name + '.log')}"
                )

    async def wait_until_up(self, session: aiohttp.ClientSession, within: float = 120) -> None:
        """Wait until both answer HTTP.

        Before onboarding Home Assistant is up when ``/api/onboarding`` answers; after it (a
        restart), when ``/api/`` answers the stack's token.
        """
        deadline = time.monotonic() + within
        hass_check = "/api/" if self.token else "/api/onboarding"
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        for url in (f"{self.simulator_url}/_sim/health", f"{self.hass_url}{hass_check}"):
            while True:
                self.check_running()
                try:
                    async with session.get(url, headers=headers) as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if time.monotonic() > deadline:
                    raise DemoError(f"{url} did not answer within {within:.0f} s")
                await asyncio.sleep(0.25)

    async def onboard(self, session: aiohttp.ClientSession) -> None:
        """Create the owner account and finish onboarding; keeps an access token."""
        client_id = f"{self.hass_url}/"
        answer = await self._call(
            session,
            "POST",
            "/api/onboarding/users",
            json={
                "client_id": client_id,
                "name": "Demo",
                "username": USERNAME,
                "password": self.password,
                "language": "en",
            },
            authorized=False,
        )
        async with session.post(
            f"{self.hass_url}/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": answer["auth_code"],
                "client_id": client_id,
            },
        ) as response:
            if response.status != 200:
                raise DemoError(f"/auth/token answered {response.status}")
            self.token = (await response.json())["access_token"]
        await self._call(session, "POST", "/api/onboarding/core_config", json={})
        await self._call(session, "POST", "/api/onboarding/analytics", json={})
        await self._call(
            session,
            "POST",
            "/api/onboarding/integration",
            json={"client_id": client_id, "redirect_uri": f"{client_id}?auth_callback=1"},
        )

    def stored_entry(self, entry_id: str) -> dict[str, Any] | None:
        """The entry as saved in ``.storage/core.config_entries`` (``data``, ``options``...)."""
        path = self.config_dir / ".storage" / "core.config_entries"
        try:
            stored = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        for entry in stored.get("data", {}).get("entries", []):
            if entry.get("entry_id") == entry_id:
                return dict(entry)
        return None

    def stored_webhook_id(self, entry_id: str) -> str | None:
        """The entry's webhook id from ``.storage/core.config_entries``, once it is saved."""
        entry = self.stored_entry(entry_id)
        webhook_id = (entry or {}).get("data", {}).get("webhook_id")
        return str(webhook_id) if webhook_id else None

    async def wait_for_webhook_id(self, entry_id: str, within: float = 30) -> str:
        """Wait until Home Assistant saved the entry, and return its webhook id."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if (webhook_id := self.stored_webhook_id(entry_id)) is not None:
                return webhook_id
            self.check_running()
            await asyncio.sleep(0.25)
        raise DemoError(f"The entry's webhook id was not saved within {within:.0f} s")

    async def wait_for_entry(
        self, session: aiohttp.ClientSession, entry_id: str, within: float = 60
    ) -> None:
        """Wait until the config entry is loaded (Home Assistant may still be starting)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            self.check_running()
            try:
                entries = await self._call(
                    session, "GET", "/api/config/config_entries/entry?domain=sitewatch"
                )
            except (DemoError, aiohttp.ClientError):
                # While Home Assistant starts, the API may not be there yet.
                await asyncio.sleep(0.5)
                continue
            state = next((e["state"] for e in entries if e["entry_id"] == entry_id), None)
            if state == "loaded":
                return
            if state in ("setup_error", "migration_error", "failed_unload"):
                raise DemoError(f"The Sitewatch entry failed to load: {state}")
            await asyncio.sleep(0.25)
        raise DemoError(f"The Sitewatch entry was not loaded within {within:.0f} s")

    async def state(self, session: aiohttp.ClientSession, entity_id: str) -> dict[str, Any]:
        """The state of an entity from ``/api/states``."""
        result: dict[str, Any] = await self._call(session, "GET", f"/api/states/{entity_id}")
        return result

    async def call_service(
        self, session: aiohttp.ClientSession, domain: str, service: str, data: dict[str, Any]
    ) -> Any:
        """Call an action through the REST API."""
        return await self._call(session, "POST", f"/api/services/{domain}/{service}", json=data)

    async def _start_flow(self, session: aiohttp.ClientSession, provider: str) -> str:
        """Start a Sitewatch config flow, pick ``provider`` in the menu; return the flow's path."""
        flow = await self._call(
            session, "POST", "/api/config/config_entries/flow", json={"handler": "sitewatch"}
        )
        path = f"/api/config/config_entries/flow/{flow['flow_id']}"
        form = await self._call(session, "POST", path, json={"next_step_id": provider})
        if form.get("step_id") != provider:
            raise DemoError(f"Unexpected flow step: {form}")
        return path

    async def _call(
        self,
        session: aiohttp.ClientSession,
        method: str,
        path: str,
        *,
        json: Any = None,
        authorized: bool = True,
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if authorized else {}
        async with session.request(
            method, f"{self.hass_url}{path}", json=json, headers=headers
        ) as response:
            if response.status >= 400:
                raise DemoError(
                    f"{method} {path} answered {response.status}: {await response.text()}"
                )
            return await response.json()
