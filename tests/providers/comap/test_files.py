"""Controller files: listed by an action, downloaded into the media folder by another."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from hypothesis import example, given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.comap import files
from custom_components.sitewatch.providers.comap.api import ComapApiError, ComapClient
from custom_components.sitewatch.providers.comap.files import MAX_FILE_NAME, safe_file_name

from ...conftest import SimulatorStack
from .conftest import genset_device_id

pytestmark = pytest.mark.integration

HISTORY = "Genset_Alpha_history.csv"


@pytest.fixture
def media(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Home Assistant's media folder, in a temporary directory."""
    hass.config.media_dirs = {"local": str(tmp_path / "media")}
    return tmp_path / "media"


async def _download(hass: HomeAssistant, device_id: str | list[str], name: str) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        "download_file",
        {"device_id": device_id, "file_name": name},
        blocking=True,
        return_response=True,
    )


def _saved(media: Path) -> list[str]:
    folder = media / "sitewatch" / "comap" / "genset_alpha"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


async def test_list_files(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack, media: Path
) -> None:
    simulators.simulator.add_file(simulators.alpha, "x" * 256, b"too long a name")
    simulators.simulator.add_file(simulators.alpha, "..", b"no file")
    response = await hass.services.async_call(
        DOMAIN, "list_files", {"device_id": alpha}, blocking=True, return_response=True
    )
    (genset,) = response["gensets"]
    assert (genset["device_id"], genset["name"]) == (alpha, "Genset Alpha")
    assert [(item["file_name"], item["file_type"]) for item in genset["files"]] == [
        ("Genset_Alpha.aig", "Archive"),
        (HISTORY, "History"),
    ]
    assert genset["files"][0]["generated"].endswith("+00:00")

    simulators.simulator.fail_next(500)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "list_files", {"device_id": alpha}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "files_failed"


async def test_download_into_the_media_folder(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack, media: Path
) -> None:
    """Two requests (the list, the file); a second download never replaces the first."""
    simulators.simulator.reset_stats()
    response = await _download(hass, alpha, HISTORY)

    calls = simulators.simulator.stats()["by_call"]
    assert (calls["files"], calls["download"]) == (1, 1)
    path = media / "sitewatch" / "comap" / "genset_alpha" / HISTORY
    assert response == {
        "device_id": alpha,
        "name": "Genset Alpha",
        "file_name": HISTORY,
        "path": str(path),
        "media_content_id": f"media-source://media_source/local/sitewatch/comap/genset_alpha/{HISTORY}",
        "size": path.stat().st_size,
    }
    assert path.read_text().startswith("name;value;unit\n")

    path.write_text("the user's own edit")
    again = await _download(hass, alpha, HISTORY)
    assert Path(again["path"]).name == "Genset_Alpha_history (2).csv"
    assert path.read_text() == "the user's own edit"
    assert _saved(media) == ["Genset_Alpha_history (2).csv", HISTORY]


async def test_download_refuses_what_it_should(
    hass: HomeAssistant,
    alpha: str,
    simulators: SimulatorStack,
    media: Path,
    loaded_comap_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    simulators.simulator.reset_stats()
    for name in ("missing.aig", "..", "../Genset_Alpha.aig", HISTORY.upper()):
        with pytest.raises(ServiceValidationError) as err:
            await _download(hass, alpha, name)
        assert err.value.translation_key == "file_not_found", name
    assert simulators.simulator.stats()["by_call"]["download"] == 0

    beta = genset_device_id(device_registry, loaded_comap_entry, simulators.beta)
    with pytest.raises(ServiceValidationError) as err:
        await _download(hass, [alpha, beta], HISTORY)
    assert err.value.translation_key == "one_genset_only"

    hass.config.media_dirs = {}
    with pytest.raises(ServiceValidationError) as err:
        await _download(hass, alpha, HISTORY)
    assert err.value.translation_key == "no_media_folder"
    assert _saved(media) == []


async def test_download_refuses_a_file_over_the_limit(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack, media: Path
) -> None:
    """Refused while streaming; nothing (no partial file) is left behind."""
    simulators.simulator.add_file(simulators.alpha, "big.bin", bytes(5000))
    simulators.simulator.add_file(simulators.alpha, "fits.bin", bytes(1000))
    with patch.object(files, "MAX_DOWNLOAD_BYTES", 1000):
        with pytest.raises(HomeAssistantError) as err:
            await _download(hass, alpha, "big.bin")
        assert err.value.translation_key == "file_too_large"
        assert _saved(media) == []
        assert (await _download(hass, alpha, "fits.bin"))["size"] == 1000
    assert _saved(media) == ["fits.bin"]


async def test_download_failure_leaves_nothing(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack, media: Path
) -> None:
    async def broken(
        client: ComapClient,
        unit_guid: str,
        file_name: str,
        write: Callable[[bytes], Awaitable[None]],
        *,
        max_bytes: int,
    ) -> int:
        await write(b"half a file")
        raise ComapApiError("The ComAp API answered 502", 502)

    with (
        patch.object(ComapClient, "download_to", broken),
        pytest.raises(HomeAssistantError) as err,
    ):
        await _download(hass, alpha, HISTORY)
    assert err.value.translation_key == "files_failed"
    assert _saved(media) == []


HOSTILE = [
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/absolute/path.csv",
    ".hidden",
    "a\x00b.csv",
    "line\nbreak.csv",
    "名前.csv",
    "x" * 250 + ".csv",
    "  spaced  .aig  ",
    "$(reboot).sh",
    "%2e%2e%2fescape",
]


@pytest.mark.parametrize("name", HOSTILE)
async def test_hostile_names_stay_in_the_genset_folder(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack, media: Path, name: str
) -> None:
    content = name.encode() + bytes(range(256))
    simulators.simulator.add_file(simulators.alpha, name, content)

    response = await _download(hass, alpha, name)

    path = Path(response["path"])
    assert path.name == safe_file_name(name)
    assert _saved(media) == [path.name]
    assert _inside_with(media, path) == content


def _inside_with(media: Path, path: Path) -> bytes:
    """The file's content, once it is sure to be right inside the genset's folder."""
    assert path.resolve().parent == (media / "sitewatch" / "comap" / "genset_alpha").resolve()
    return path.read_bytes()


@given(st.text(max_size=600))
@example("..")
@example("")
@example("/")
@example(". .")
def test_safe_file_name(name: str) -> None:
    safe = safe_file_name(name)
    assert 0 < len(safe) <= MAX_FILE_NAME
    assert safe == safe.strip(". ")
    assert not {"/", "\\", "\x00"} & set(safe)
    assert safe.isascii()
    assert safe.isprintable()
    assert Path(safe).name == safe
    assert safe not in (".", "..")


async def test_download_without_a_response(
    hass: HomeAssistant, alpha: str, simulators: SimulatorStack, media: Path
) -> None:
    """An automation may download a file and ignore where it went."""
    await hass.services.async_call(
        DOMAIN, "download_file", {"device_id": alpha, "file_name": HISTORY}, blocking=True
    )
    assert _saved(media) == [HISTORY]
