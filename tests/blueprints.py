"""Helpers of the blueprint tests: the shipped blueprints installed, automations made from them.

``async_automate_from`` copies ``blueprints/automation/sitewatch/`` into a configuration folder
of the test, makes Home Assistant use that folder, mocks the notify action ``notify.phone`` and
sets up one automation per blueprint use, the way a user who imported the blueprint would.
"""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_mock_service

ROOT = Path(__file__).resolve().parents[1]
BLUEPRINTS = ROOT / "blueprints" / "automation" / "sitewatch"
"""The shipped automation blueprints."""
NOTIFY = "notify.phone"
"""The notify action every automation of the tests sends with (mocked)."""


async def async_automate_from(
    hass: HomeAssistant, config_dir: Path, uses: dict[str, tuple[str, dict[str, Any]]]
) -> list[ServiceCall]:
    """Set up one automation per label from a shipped blueprint; the notify calls they make.

    Args:
        hass: Home Assistant of the test (its Sitewatch entries already set up).
        config_dir: an empty folder, made Home Assistant's configuration folder.
        uses: per automation label, the blueprint's file name (without ``.yaml``) and its
            inputs (``notify_action`` is ``NOTIFY`` unless given).

    Returns:
        The calls of ``notify.phone`` (filled as the automations run).
    """
    shutil.copytree(BLUEPRINTS, config_dir / "blueprints" / "automation" / "sitewatch")
    hass.config.config_dir = str(config_dir)
    calls = async_mock_service(hass, "notify", NOTIFY.removeprefix("notify."))
    automations = [
        {
            "id": label,
            "alias": label,
            "use_blueprint": {
                "path": f"sitewatch/{name}.yaml",
                "input": {"notify_action": NOTIFY, **inputs},
            },
        }
        for label, (name, inputs) in uses.items()
    ]
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()
    # An automation whose blueprint or inputs do not validate is set up unavailable.
    assert {state.entity_id: state.state for state in hass.states.async_all("automation")} == {
        f"automation.{label}": "on" for label in uses
    }
    return calls
