"""The shipped dashboard in a real ``hass`` with the demo stack, seen by headless Chromium.

One Home Assistant (with the simulator, all five providers as ``scripts/demo`` adds them) serves
every check: the dashboard's cards show live values, Start on Genset Alpha turns its engine
state to Running (the seconds it took are printed), the Logbook lists recognitions, and the
automation editor lists a camera's and a genset's device triggers. Screenshots go to
``artifacts/screenshots/`` (git ignores ``artifacts/``).

Needs Debian's ``chromium`` (``scripts/setup-browser`` installs it; ``CHROMIUM`` may name another
binary) and ``playwright`` (``requirements_test.txt``), driven with ``executable_path``: no
browser is downloaded. Runs in the min lane only (``scripts/test`` deselects the ``browser``
marker in the latest lane, whose chroot has no browser).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import json
import os
from pathlib import Path
import re
import shutil
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
import yaml

from benchmarks.hass_api import HassWebsocket, StackRun, get_json, running_stack
from simulator.demo import DemoStack
from simulator.demo.cli import parse_args
from simulator.demo.processes import USERNAME

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.usefixtures("socket_enabled")]

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboards" / "sitewatch.yaml"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
SENTENCE = re.compile(r"recognised at \w+ \((FindFace|FaceSpace)\)|Unknown (face|body|car) at \w+")
"""A recognition's Logbook sentence ("Alice recognised at Entrance (FindFace)...")."""
URL_PATH = "dashboard-sitewatch"
CONFIGURATION = f"""\
automation:
lovelace:
  dashboards:
    {URL_PATH}:
      mode: yaml
      title: Sitewatch
      icon: mdi:engine
      show_in_sidebar: true
      filename: sitewatch.yaml
"""
"""The dashboard installed as the README says: a YAML-mode dashboard in configuration.yaml."""
TIMEOUT_MS = 30_000
RUNNING = re.compile(r"Engine\s+(Running|Loaded)")


def chromium() -> str:
    """The Chromium binary: ``$CHROMIUM``, else ``chromium`` on PATH; fails the test if none."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail(
            "Chromium is not installed: run scripts/setup-browser (apt-get install chromium)"
        )
    return found


def dashboard_entities(node: Any = None) -> set[str]:
    """Every entity id the dashboard's cards and rows name (``entity``, ``entities``)."""
    if node is None:
        node = yaml.safe_load(DASHBOARD.read_text())
    if isinstance(node, list):
        return {found for item in node for found in dashboard_entities(item)}
    if not isinstance(node, dict):
        return set()
    named = {node["entity"]} if isinstance(node.get("entity"), str) else set()
    named |= {item for item in node.get("entities", []) if isinstance(item, str)}
    return named | {found for value in node.values() for found in dashboard_entities(value)}


async def _wait_for_entities(run: StackRun, wanted: set[str], within: float) -> None:
    """Wait until every entity of ``wanted`` has a state (Camlytics adds its own a bit later)."""
    deadline = time.monotonic() + within
    missing = wanted
    while missing and time.monotonic() < deadline:
        states = await get_json(run.session, run.stack, "/api/states")
        missing = wanted - {state["entity_id"] for state in states}
        await asyncio.sleep(0.5)
    assert not missing, f"the demo has no {sorted(missing)}"


async def _tokens(session: aiohttp.ClientSession, stack: DemoStack) -> dict[str, Any]:
    """Log the demo user in through the login flow API; the frontend's ``hassTokens``."""
    client_id = f"{stack.hass_url}/"
    async with session.post(
        f"{stack.hass_url}/auth/login_flow",
        json={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{client_id}?auth_callback=1",
        },
    ) as response:
        flow = await response.json()
    async with session.post(
        f"{stack.hass_url}/auth/login_flow/{flow['flow_id']}",
        json={"client_id": client_id, "username": USERNAME, "password": stack.password},
    ) as response:
        code = (await response.json())["result"]
    async with session.post(
        f"{stack.hass_url}/auth/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": client_id},
    ) as response:
        token = await response.json()
    return {
        "hassUrl": stack.hass_url,
        "clientId": client_id,
        "access_token": token["access_token"],
        "refresh_token": token["refresh_token"],
        "expires_in": token["expires_in"],
        "expires": int(time.time() * 1000) + token["expires_in"] * 1000,
    }


@asynccontextmanager
async def logged_in_page(run: StackRun) -> AsyncIterator[Page]:
    """A headless Chromium page logged in as the demo user (tokens in local storage)."""
    from playwright.async_api import async_playwright

    tokens = await _tokens(run.session, run.stack)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            context = await browser.new_context(viewport={"width": 1400, "height": 1000})
            await context.add_init_script(
                f"window.localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"
            )
            page = await context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            yield page
        finally:
            await browser.close()


async def _shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


DEEP_TEXT = """element => {
  const collect = node => {
    let text = node.shadowRoot ? collect(node.shadowRoot) : "";
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += " " + child.textContent;
      else if (child.nodeType === Node.ELEMENT_NODE && child.localName !== "style") {
        text += collect(child);
      }
    }
    return text;
  };
  return collect(element).replace(/\\s+/g, " ").trim();
}"""
"""The text an element shows, its shadow roots' included (``innerText`` stops at them)."""


async def deep_text(locator: Locator) -> str:
    """What the element shows as one line of text, through its shadow roots."""
    text: str = await locator.evaluate(DEEP_TEXT)
    return text


async def _wait_for_text(locator: Locator, pattern: re.Pattern[str], within: float) -> str:
    """Poll the locator's text until it matches; the match. Fails the test after ``within`` s."""
    deadline = time.monotonic() + within
    text = ""
    while time.monotonic() < deadline:
        text = await deep_text(locator)
        if found := pattern.search(text):
            return found[0]
        await asyncio.sleep(0.1)
    await _shot(locator.page, "failed")
    pytest.fail(f"{pattern.pattern!r} not shown within {within:.0f} s; last text: {text!r}")


async def _device_ids(run: StackRun, *names: str) -> list[str]:
    async with HassWebsocket(run.session, run.stack) as socket:
        devices = await socket.call("config/device_registry/list")
    by_name = {device["name"]: device["id"] for device in devices}
    return [by_name[name] for name in names]


async def _show_trigger_list(page: Page, url: str, name: str) -> list[str]:
    """Open the editor of an automation with one device trigger and that trigger's type list.

    Screenshots the open list as ``name``; returns its items' texts.
    """
    await page.goto(url)
    row = page.locator("ha-automation-trigger-row").first
    await row.wait_for()
    picker = row.locator("ha-device-trigger-picker")
    if not await picker.is_visible():  # the editor may show a trigger collapsed: expand it
        await row.locator("ha-expansion-panel").first.click(position={"x": 200, "y": 24})
    await picker.locator("ha-select, mwc-select").first.click()
    items = picker.locator("mwc-list-item, ha-list-item")
    await items.first.wait_for(state="visible")
    await asyncio.sleep(0.5)  # the menu's opening animation
    await _shot(page, name)
    return [await deep_text(item) for item in await items.all()]


async def test_dashboard_logbook_and_trigger_editor_in_chromium(tmp_path: Path) -> None:
    started = time.monotonic()
    demo = parse_args([])  # what scripts/demo runs: the simulator generating events
    async with running_stack(
        tmp_path / "stack", simulator_args=demo.simulator_args, extra_configuration=CONFIGURATION
    ) as run:
        stack, session = run.stack, run.session
        shutil.copy(DASHBOARD, stack.config_dir / "sitewatch.yaml")
        comap = await stack.add_comap_entry(session, scan_interval=30)
        await stack.wait_for_entry(session, comap)
        await stack.add_push_providers(session)
        # Every entity the dashboard names is one the demo has.
        wanted = dashboard_entities()
        assert len(wanted) > 40
        await _wait_for_entities(run, wanted, 60)
        camera, genset = await _device_ids(run, "Entrance (FindFace)", "Genset Alpha")
        for device, trigger in ((camera, "person_recognized"), (genset, "mains_failed")):
            automation = {
                "alias": f"Browser test {trigger}",
                "triggers": [
                    {
                        "trigger": "device",
                        "domain": "sitewatch",
                        "device_id": device,
                        "type": trigger,
                    }
                ],
                "actions": [],
            }
            async with session.post(
                f"{stack.hass_url}/api/config/automation/config/{trigger}",
                json=automation,
                headers={"Authorization": f"Bearer {stack.token}"},
            ) as response:
                assert response.status == 200, await response.text()
        setup_s = round(time.monotonic() - started, 1)

        async with logged_in_page(run) as page:
            # The dashboard: gauges with numbers, the engine state, the site view.
            await page.goto(f"{stack.hass_url}/{URL_PATH}/gensets")
            gauges = page.locator("hui-gauge-card")
            await gauges.nth(5).wait_for()
            await _wait_for_text(gauges.nth(2), re.compile(r"\d+\s*%"), 30)  # Alpha's fuel
            alpha = page.locator("hui-entities-card").filter(has_text="Genset Alpha").first
            assert await _wait_for_text(alpha, re.compile(r"Engine\s+Ready"), 30)
            assert "Operating mode" not in await deep_text(alpha)  # named "Mode" here
            await _wait_for_text(alpha, re.compile(r"Mode Manual"), 30)  # the translated select
            await _shot(page, "dashboard-gensets")

            # Start Genset Alpha; the seconds until the page shows it running.
            start = page.locator("hui-button-card").filter(has_text="Start").first
            await start.click()
            pressed = time.monotonic()
            shown = await _wait_for_text(alpha, RUNNING, 90)
            start_to_running = round(time.monotonic() - pressed, 1)
            await _wait_for_text(gauges.nth(1), re.compile(r"1,?[45]\d\d rpm"), 60)  # RPM
            await _shot(page, "dashboard-gensets-running")

            await page.goto(f"{stack.hass_url}/{URL_PATH}/site")
            # Recognitions arrive every few seconds: the cameras' last face and the logbook
            # card's rows show them.
            site = page.locator("hui-root")
            await _wait_for_text(site, re.compile(r"Last face \(FindFace\) \d+ seconds? ago"), 60)
            # The logbook card reads each recognition as a sentence (logbook platform).
            recognitions = page.locator("hui-logbook-card")
            await _wait_for_text(recognitions, SENTENCE, 60)
            # The picture card of a camera shows its last recognition's thumbnail.
            picture = page.locator("hui-picture-entity-card img").first
            await picture.wait_for(state="visible", timeout=60_000)
            await _shot(page, "dashboard-site")

            # The Logbook lists the cameras' recognitions as sentences.
            await page.goto(f"{stack.hass_url}/logbook")
            await _wait_for_text(page.locator("ha-logbook"), SENTENCE, 60)
            await _shot(page, "logbook")

            # The automation editor: the device trigger lists of a camera and a genset.
            editor = f"{stack.hass_url}/config/automation/edit"
            camera_triggers = await _show_trigger_list(
                page, f"{editor}/person_recognized", "triggers-camera"
            )
            genset_triggers = await _show_trigger_list(
                page, f"{editor}/mains_failed", "triggers-genset"
            )

    print(
        f"\nbrowser test: Start -> {shown} shown after {start_to_running} s; "
        f"stack set up in {setup_s} s; whole test {round(time.monotonic() - started, 1)} s; "
        f"screenshots in {SCREENSHOTS}"
    )
    assert any("Person recognised" in text for text in camera_triggers), camera_triggers
    assert any("Unknown face" in text for text in camera_triggers), camera_triggers
    assert any("Mains failed" in text for text in genset_triggers), genset_triggers
    assert any("Engine started" in text for text in genset_triggers), genset_triggers
    assert run.log["tracebacks_mentioning_sitewatch"] == 0, run.log
