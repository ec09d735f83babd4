"""The shape every provider shares: registry, package layout, import rules, strings."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from custom_components.sitewatch.flow import AccountFlow, SitewatchOptionsFlow
from custom_components.sitewatch.providers import PROVIDERS

PACKAGE = Path(__file__).parents[1] / "custom_components" / "sitewatch"
PROVIDER_FILES = (
    "__init__.py",
    "const.py",
    "config_flow.py",
    "coordinator.py",
    "runtime.py",
    "entity.py",
)
"""Files every provider package has (``api`` is a module or a package)."""
STRINGS = json.loads((PACKAGE / "translations" / "en.json").read_text())


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports, absolute or relative (with their leading dots)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def _api_sources(key: str) -> list[Path]:
    package = PACKAGE / "providers" / key
    if (package / "api.py").exists():
        return [package / "api.py"]
    return sorted((package / "api").glob("*.py"))


@pytest.mark.parametrize("key", list(PROVIDERS))
def test_every_provider_has_the_same_files(key: str) -> None:
    package = PACKAGE / "providers" / key
    provider = PROVIDERS[key]
    missing = [name for name in PROVIDER_FILES if not (package / name).exists()]
    missing += [
        f"{platform}.py"
        for platform in provider.platforms
        if not (package / f"{platform}.py").exists()
    ]
    assert not missing, f"{key} lacks {missing}"
    assert _api_sources(key), f"{key} has no api module or package"
    assert issubclass(provider.config_flow, AccountFlow)
    assert issubclass(provider.options_flow, SitewatchOptionsFlow)
    assert provider.config_flow.key == key


@pytest.mark.parametrize("key", list(PROVIDERS))
def test_the_provider_api_does_not_import_home_assistant(key: str) -> None:
    for source in _api_sources(key):
        assert not any(name.split(".")[0] == "homeassistant" for name in _imports(source)), (
            f"{source.relative_to(PACKAGE)} imports Home Assistant"
        )


def test_shared_modules_never_import_a_provider() -> None:
    for source in PACKAGE.glob("*.py"):
        providers = {name for name in _imports(source) if name.startswith(".providers")}
        assert providers <= {".providers"}, f"{source.name} imports {providers}"


@pytest.mark.parametrize("key", list(PROVIDERS))
def test_every_provider_has_its_strings(key: str) -> None:
    steps = STRINGS["config"]["step"]
    assert key in steps["user"]["menu_options"]
    for step in (key, f"{key}_reauth", f"{key}_reconfigure"):
        assert step in steps, f"no strings for config step {step}"


@pytest.mark.parametrize("key", list(PROVIDERS))
def test_every_device_trigger_has_its_strings_and_module(key: str) -> None:
    triggers = PROVIDERS[key].triggers
    if not triggers:
        return
    assert (PACKAGE / "providers" / key / "triggers.py").exists()
    strings = STRINGS["device_automation"]
    assert len({trigger.id for trigger in triggers}) == len(triggers), "a trigger twice"
    for trigger in triggers:
        assert trigger.type in strings["trigger_type"]
        if trigger.subtype is not None:
            assert trigger.subtype in strings["trigger_subtype"]
            assert "{subtype}" in strings["trigger_type"][trigger.type]
        for marker in trigger.fields:
            assert str(marker) in strings["extra_fields"], (trigger.type, str(marker))
