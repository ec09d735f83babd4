"""Every string the integration refers to exists in translations/en.json (and icons.json)."""

from __future__ import annotations

import json
from pathlib import Path
import re

import yaml

PACKAGE = Path(__file__).parent.parent / "custom_components" / "sitewatch"
STRINGS = json.loads((PACKAGE / "translations" / "en.json").read_text())
ICONS = json.loads((PACKAGE / "icons.json").read_text())
SERVICES = yaml.safe_load((PACKAGE / "services.yaml").read_text())
SOURCES = {path: path.read_text() for path in PACKAGE.rglob("*.py")}


def _found(pattern: str) -> set[str]:
    return {match for text in SOURCES.values() for match in re.findall(pattern, text)}


def test_translation_keys_exist() -> None:
    entity_keys = {key for platform in STRINGS["entity"].values() for key in platform}
    used = _found(r'translation_key\s*=\s*"([a-z0-9_]+)"')
    known = entity_keys | set(STRINGS["exceptions"]) | set(STRINGS["issues"])
    assert used - known - set(STRINGS["selector"]) == set()  # selectors of forms too


def test_config_and_options_steps_exist() -> None:
    steps = _found(r'step_id="([a-z0-9_]+)"')
    known = set(STRINGS["config"]["step"]) | set(STRINGS["options"]["step"])
    assert steps - known == set()


def test_form_errors_and_aborts_exist() -> None:
    errors = _found(r'"base": "([a-z_]+)"') | _found(r'\{CONF_[A-Z_]+: "([a-z_]+)"\}')
    assert errors - set(STRINGS["config"]["error"]) == set()
    aborts = _found(r'reason="([a-z_]+)"')
    assert aborts - set(STRINGS["config"]["abort"]) == set()


def test_services_have_names_fields_and_icons() -> None:
    for service, spec in SERVICES.items():
        assert service in STRINGS["services"], service
        assert service in ICONS["services"], service
        fields = set((spec or {}).get("fields", {}))
        assert fields <= set(STRINGS["services"][service]["fields"]), service
