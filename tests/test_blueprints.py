"""The shipped blueprints: each validates, uses Sitewatch's triggers and actions, is importable."""

from __future__ import annotations

from pathlib import Path
import re
from typing import Any
from urllib.parse import unquote

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.importer import fetch_blueprint_from_url
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.core import HomeAssistant
from homeassistant.util.yaml import Input, load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.sitewatch.providers import PROVIDERS

from .blueprints import BLUEPRINTS, ROOT

FILES = sorted(BLUEPRINTS.glob("*.yaml"))
REPOSITORY = "https://github.com/sitewatch/sitewatch"
RAW = "https://raw.githubusercontent.com/sitewatch/sitewatch/main"
DEVICE_TRIGGERS = {trigger.type for provider in PROVIDERS.values() for trigger in provider.triggers}


def _load(path: Path) -> Blueprint:
    return Blueprint(
        load_yaml_dict(str(path)),
        path=path.name,
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every mapping in a YAML tree."""
    if isinstance(node, dict):
        return [node, *(found for value in node.values() for found in _walk(value))]
    if isinstance(node, list):
        return [found for value in node for found in _walk(value)]
    return []


def test_the_five_blueprints_are_shipped() -> None:
    assert [path.stem for path in FILES] == [
        "genset_alarm",
        "mains_failed_start_genset",
        "occupancy_above",
        "person_recognised",
        "unknown_face_at_night",
    ]


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_a_blueprint_validates_and_uses_what_sitewatch_offers(path: Path) -> None:
    blueprint = _load(path)
    assert blueprint.domain == "automation"
    assert blueprint.metadata["source_url"] == f"{REPOSITORY}/blob/main/{path.relative_to(ROOT)}"
    # Every device or entity picked is filtered to Sitewatch's.
    for name, spec in blueprint.inputs.items():
        selector = spec["selector"]
        for kind in ("device", "entity"):
            if kind in selector:
                filters = selector[kind]["filter"]
                assert filters, name
                assert all(item["integration"] == "sitewatch" for item in filters), name
    nodes = _walk(blueprint.data)
    device_triggers = [node for node in nodes if node.get("trigger") == "device"]
    assert all(node["domain"] == "sitewatch" for node in device_triggers)
    assert {node["type"] for node in device_triggers} <= DEVICE_TRIGGERS
    # Each blueprint notifies through the action its user picks.
    assert any(node.get("action") == Input("notify_action") for node in nodes)


def _import_links() -> set[str]:
    """The blueprint addresses of the README's import buttons (decoded)."""
    readme = (ROOT / "README.md").read_text()
    return {
        unquote(link)
        for link in re.findall(r"blueprint_import/\?blueprint_url=([^)\s\"]+)", readme)
    }


def test_the_readme_has_an_import_button_for_each_blueprint() -> None:
    assert _import_links() == {f"{RAW}/{path.relative_to(ROOT)}" for path in FILES}


async def test_each_button_imports_its_blueprint_where_the_readme_says(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """What Home Assistant's importer makes of each button's address (the file served there)."""
    for url in sorted(_import_links()):
        path = ROOT / url.removeprefix(f"{RAW}/")
        aioclient_mock.get(url, text=path.read_text())
        imported = await fetch_blueprint_from_url(hass, url)
        assert imported.suggested_filename == f"sitewatch/{path.stem}"
        assert imported.blueprint.domain == "automation"
        assert imported.blueprint.name == _load(path).name
