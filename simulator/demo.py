"""Run the provider simulator and a real Home Assistant with Sitewatch, driven over HTTP.

``python -m simulator.demo`` (what ``scripts/demo`` runs) starts both processes, completes
Home Assistant's onboarding through its HTTP API, adds a ComAp entry against the simulator
through the config flow HTTP API (as the frontend would), prints the address, user name and
password, and keeps running until interrupted. The end-to-end test uses the same ``DemoStack``.
"""

from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parent.parent
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


def _created_entry(result: dict[str, Any], provider: str) -> str:
    """The entry id of a config flow result; DemoError when the flow did not create one."""
    if result.get("type") != "create_entry":
        raise DemoError(f"The {provider} config flow did not create an entry: {result}")
    entry_id: str = result["result"]["entry_id"]
    return entry_id


@dataclass
class DemoStack:
    """The simulator and a Home Assistant process sharing a state folder.

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

    async def add_comap_entry(
        self,
        session: aiohttp.ClientSession,
        *,
        credentials: str = "demo",
        scan_interval: int | None = None,
    ) -> str:
        """Add a ComAp entry against the simulator through the config flow; return its id."""
        path = await self._start_flow(session, "comap")
        result = await self._call(
            session,
            "POST",
            path,
            json={
                "comap_key": credentials,
                "client_id": credentials,
                "secret": credentials,
                "login_id": credentials,
                "advanced": {"base_url": self.simulator_url},
            },
        )
        entry_id = _created_entry(result, "ComAp")
        if scan_interval is not None:
            options = await self._call(
                session,
                "POST",
                "/api/config/config_entries/options/flow",
                json={"handler": entry_id},
            )
            await self._call(
                session,
                "POST",
                f"/api/config/config_entries/options/flow/{options['flow_id']}",
                json={"scan_interval": scan_interval},
            )
        return entry_id

    async def add_findface_entry(
        self, session: aiohttp.ClientSession, *, register_hooks: bool = True
    ) -> str:
        """Add a FindFace entry against the simulator (hooks created on it); return its id."""
        path = await self._start_flow(session, "findface")
        form = await self._call(
            session,
            "POST",
            path,
            json={"url": self.simulator_url, "verify_ssl": True, "token": "demo-token"},
        )
        if form.get("step_id") != "findface_webhook":
            raise DemoError(f"Unexpected FindFace flow step: {form}")
        result = await self._call(
            session,
            "POST",
            path,
            json={
                "register_hooks": register_hooks,
                "matched_only": False,
                "batch_size": 10,
                "send_attempts": 0,
            },
        )
        return _created_entry(result, "FindFace")

    async def add_camlytics_entry(self, session: aiohttp.ClientSession) -> str:
        """Add a Camlytics entry with the simulator's demo keys; return its id."""
        path = await self._start_flow(session, "camlytics")
        result = await self._call(
            session,
            "POST",
            path,
            json={
                "public_key": "demo-public",
                "secret_key": "demo-secret",
                "base_url": f"{self.simulator_url}/service/api/v1",
            },
        )
        return _created_entry(result, "Camlytics")

    async def add_facespace_entry(self, session: aiohttp.ClientSession) -> str:
        """Add a FaceSpace entry with the simulator's demo key; return its id."""
        path = await self._start_flow(session, "facespace")
        result = await self._call(
            session,
            "POST",
            path,
            json={"api_key": "demo-facespace", "base_url": f"{self.simulator_url}/facespace"},
        )
        return _created_entry(result, "FaceSpace")

    async def add_moonsense_entry(self, session: aiohttp.ClientSession) -> str:
        """Add a Moonsense entry with the simulator's demo token; return its id."""
        path = await self._start_flow(session, "moonsense")
        result = await self._call(
            session,
            "POST",
            path,
            json={
                "token": "demo-moonsense",
                "root_domain": f"{self.simulator_url}/moonsense",
                "region": "us-central1.gcp",
            },
        )
        return _created_entry(result, "Moonsense")

    async def add_push_providers(self, session: aiohttp.ClientSession) -> dict[str, str]:
        """Add the FindFace, FaceSpace, Camlytics and Moonsense entries, each loaded.

        Also points the simulator's Camlytics and Moonsense webhooks at Home Assistant (in the
        real services these are set up in their portals).

        Returns:
            The entry id of each, by provider (``findface``, ``facespace``...).

        Raises:
            DemoError: a flow did not create its entry or the simulator refused a webhook.
        """
        findface = await self.add_findface_entry(session)
        await self.wait_for_entry(session, findface)
        facespace = await self.add_facespace_entry(session)
        await self.wait_for_entry(session, facespace)
        camlytics = await self.add_camlytics_entry(session)
        await self.wait_for_entry(session, camlytics)
        moonsense = await self.add_moonsense_entry(session)
        await self.wait_for_entry(session, moonsense)
        camlytics_url = await self._webhook_url(camlytics)
        hooks = [
            ("moonsense", {"url": await self._webhook_url(moonsense)}),
            *(
                ("camlytics", {"url": camlytics_url, "kind": kind})
                for kind in ("events", "occupancy", "queue")
            ),
        ]
        for provider, body in hooks:
            async with session.post(
                f"{self.simulator_url}/_sim/{provider}/webhooks", json=body
            ) as response:
                if response.status >= 400:
                    raise DemoError(f"Could not add the {provider} webhook {body}")
        return {
            "findface": findface,
            "facespace": facespace,
            "camlytics": camlytics,
            "moonsense": moonsense,
        }

    async def set_options(
        self, session: aiohttp.ClientSession, entry_id: str, options: dict[str, Any]
    ) -> None:
        """Run an entry's options flow over HTTP with ``options`` as its (only) form's answer.

        Raises:
            DemoError: the flow did not finish with those options.
        """
        flow = await self._call(
            session, "POST", "/api/config/config_entries/options/flow", json={"handler": entry_id}
        )
        result = await self._call(
            session,
            "POST",
            f"/api/config/config_entries/options/flow/{flow['flow_id']}",
            json=options,
        )
        if result.get("type") != "create_entry":
            raise DemoError(f"The options flow did not finish: {result}")

    async def enable_facespace_push(self, session: aiohttp.ClientSession, entry_id: str) -> str:
        """Turn pushes on for a FaceSpace entry (options flow), wait until it is loaded again.

        Returns:
            The shared secret the ``X-Sitewatch-Secret`` header must carry.

        Raises:
            DemoError: the options flow failed, or the entry did not come back loaded.
        """
        await self.set_options(session, entry_id, {"scan_interval": 5, "accept_push": True})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            options = (self.stored_entry(entry_id) or {}).get("options", {})
            if options.get("accept_push") and options.get("push_secret"):
                await asyncio.sleep(1)  # the reload the options started
                await self.wait_for_entry(session, entry_id)
                return str(options["push_secret"])
            await asyncio.sleep(0.25)
        raise DemoError("The FaceSpace push options were not saved within 30 s")

    async def add_facespace_push_target(
        self, session: aiohttp.ClientSession, entry_id: str, secret: str, kind: str = "logs"
    ) -> int:
        """Make the simulated FaceSpace client forward to the entry's webhook (pushes on).

        Args:
            session: a client session for the simulator's admin route.
            entry_id: a FaceSpace entry with pushes on (see ``enable_facespace_push``).
            secret: its shared secret, sent as ``X-Sitewatch-Secret``.
            kind: ``logs`` (each new line) or ``realtime`` (who is in view).

        Returns:
            The simulator's push target id.

        Raises:
            DemoError: the simulator refused the target.
        """
        body = {
            "url": await self._webhook_url(entry_id),
            "kind": kind,
            "headers": {"X-Sitewatch-Secret": secret},
        }
        async with session.post(
            f"{self.simulator_url}/_sim/facespace/push-targets", json=body
        ) as response:
            if response.status >= 400:
                raise DemoError(f"Could not add the FaceSpace push target: {response.status}")
            answer = await response.json()
        return int(answer["id"])

    async def _webhook_url(self, entry_id: str) -> str:
        return f"{self.hass_url}/api/webhook/{await self.wait_for_webhook_id(entry_id)}"

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


async def run_demo(stack: DemoStack) -> None:
    """Start everything, add the ComAp entry, print where to look, wait until cancelled."""
    started = time.monotonic()
    stack.start()
    async with aiohttp.ClientSession() as session:
        await stack.wait_until_up(session)
        await stack.onboard(session)
        entry_id = await stack.add_comap_entry(session, scan_interval=30)
        await stack.wait_for_entry(session, entry_id)
        elapsed = time.monotonic() - started
        await stack.add_push_providers(session)
        print(
            f"\nSitewatch demo is running ({elapsed:.1f} s from start to the ComAp entry loaded).\n"
            f"  Open:      {stack.hass_url}\n"
            f"  User name: {USERNAME}\n"
            f"  Password:  {stack.password}\n"
            f"  Simulator: {stack.simulator_url} (stats at /_sim/stats)\n"
            f"  Logs:      {stack.state_dir}/hass.log, {stack.state_dir}/simulator.log\n"
            "Open Settings > Devices & services > Sitewatch to see Genset Alpha and Genset Beta;\n"
            "press Start on Genset Alpha and watch its engine speed and power rise.\n"
            "The FindFace cameras (Entrance, Parking, Lobby) get recognitions every few seconds,\n"
            "the FaceSpace cameras recognitions, the Camlytics locations people counts,\n"
            "occupancy and events, and the Moonsense app sessions and readings: see the Logbook.\n"
            "Press Ctrl+C to stop.",
            flush=True,
        )
        while True:
            await asyncio.sleep(1)
            stack.check_running()


def main(argv: list[str] | None = None) -> int:
    """Command line of ``scripts/demo``."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="Run Home Assistant with Sitewatch against the bundled provider simulator.",
    )
    parser.add_argument("--port", type=int, default=8123, help="Home Assistant port (8123)")
    parser.add_argument("--simulator-port", type=int, default=8765, help="simulator port (8765)")
    parser.add_argument(
        "--state-dir", type=Path, default=ROOT / ".demo", help="configuration and logs (.demo)"
    )
    parser.add_argument(
        "--findface-interval",
        type=float,
        default=5.0,
        help="seconds between simulated FindFace notifications (5)",
    )
    parser.add_argument(
        "--camlytics-interval",
        type=float,
        default=5.0,
        help="seconds between simulated Camlytics events (5)",
    )
    parser.add_argument(
        "--facespace-interval",
        type=float,
        default=7.0,
        help="seconds between simulated FaceSpace recognitions (7)",
    )
    parser.add_argument(
        "--moonsense-interval",
        type=float,
        default=5.0,
        help="seconds between simulated Moonsense bundles (5)",
    )
    args = parser.parse_args(argv)
    args.state_dir.mkdir(parents=True, exist_ok=True)
    stack = DemoStack(
        state_dir=args.state_dir.resolve(),
        hass_port=args.port,
        simulator_port=args.simulator_port,
        simulator_args=[
            "--findface-emit-interval",
            str(args.findface_interval),
            "--camlytics-event-interval",
            str(args.camlytics_interval),
            "--facespace-interval",
            str(args.facespace_interval),
            "--moonsense-interval",
            str(args.moonsense_interval),
        ],
    )
    for port in (args.port, args.simulator_port):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                print(f"scripts/demo: port {port} is in use; see --port and --simulator-port")
                return 1
    try:
        asyncio.run(run_demo(stack))
    except KeyboardInterrupt:
        print("\nStopping Home Assistant and the simulator...", flush=True)
    except DemoError as err:
        print(f"scripts/demo: {err}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
