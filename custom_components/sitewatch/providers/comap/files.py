"""Controller files of a ComAp genset downloaded into Home Assistant's media folder.

A file goes to ``<media folder>/sitewatch/comap/<genset>/<safe name>``, where the media source
(Media → My media) shows it. Its name is made safe (``safe_file_name``: no path separator, no
leading dot, ASCII letters, digits, ``.``, ``_``, ``-`` and spaces, 100 characters at most); a
file of that name already there is never overwritten (``name (2).ext`` and so on): the name is
claimed first by creating an empty file exclusively. The body is streamed to a hidden temporary
file in the same folder and renamed over the claimed name when complete, so a partial or refused
download leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
import os
from pathlib import Path
import re
from typing import IO, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import slugify

from ...const import DOMAIN
from .api import ComapClient

MAX_DOWNLOAD_BYTES: Final = 20 * 1024 * 1024
"""Largest file downloaded (20 MiB); a larger one is refused (``file_too_large``)."""
MAX_FILE_NAME: Final = 100
"""Longest file name written (characters, the extension included)."""
MAX_EXTENSION: Final = 16
"""Longest extension kept whole when a long name is cut."""
MAX_SAME_NAME: Final = 1000
"""Most ``name (n).ext`` variants tried before a download is refused."""
MEDIA_FOLDER: Final = ("sitewatch", "comap")
"""Where below the media folder the gensets' folders are."""
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._ -]")


def safe_file_name(name: str) -> str:
    """A file name that is safe to write: one path segment, no surprise.

    Every character but ASCII letters, digits, ``.``, ``_``, ``-`` and space becomes ``_``
    (so ``/``, a backslash, NUL and control characters never remain); leading and trailing dots and
    spaces go (no ``..``, no hidden file); the name is cut to ``MAX_FILE_NAME`` characters
    keeping a short extension; an empty result is ``file``.
    """
    cleaned = _UNSAFE.sub("_", name[: MAX_FILE_NAME * 4]).strip(". ")
    if len(cleaned) > MAX_FILE_NAME:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and stem and len(extension) <= MAX_EXTENSION:
            cleaned = f"{stem[: MAX_FILE_NAME - len(extension) - 1].rstrip('. ')}.{extension}"
        else:
            cleaned = cleaned[:MAX_FILE_NAME].rstrip(". ")
    return cleaned or "file"


def _variant(name: str, number: int) -> str:
    """``name`` with `` (number)`` before its extension (the first variant is the name)."""
    if number == 1:
        return name
    stem, dot, extension = name.rpartition(".")
    return f"{stem} ({number}).{extension}" if dot and stem else f"{name} ({number})"


@dataclass(frozen=True, slots=True)
class Downloaded:
    """Where a downloaded file went: its path, its media source id and its size in bytes."""

    path: Path
    media_content_id: str
    size: int


def media_folder(hass: HomeAssistant) -> tuple[str, Path]:
    """The media folder files go to: Home Assistant's ``local`` one, else the first.

    Raises:
        ServiceValidationError: translated ``no_media_folder`` when Home Assistant has none.
    """
    folders = hass.config.media_dirs
    if not folders:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_media_folder")
    key = "local" if "local" in folders else next(iter(folders))
    return key, Path(folders[key])


def _reserve(folder: Path, name: str) -> Path:
    """Create the folder and claim a new file of ``name`` (or a variant) in it, exclusively."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, MAX_SAME_NAME + 1):
        target = folder / _variant(name, number)
        try:
            with target.open("xb"):
                return target
        except FileExistsError:
            continue
    raise FileExistsError(name)


async def async_download(
    hass: HomeAssistant,
    client: ComapClient,
    unit_guid: str,
    genset_name: str,
    file_name: str,
) -> Downloaded:
    """Download the controller file ``file_name`` of a genset into the media folder.

    Args:
        hass: Home Assistant (its media folder and executor).
        client: the genset's client (``download_to``, ``MAX_DOWNLOAD_BYTES`` at most).
        unit_guid: the genset's unit GUID as the API spells it.
        genset_name: names the genset's folder (slugified; the unit GUID when that is empty).
        file_name: the name as the genset's files list gives it (sent as it is, percent-encoded).

    Raises:
        ServiceValidationError: ``no_media_folder``.
        ComapFileTooLargeError: the file is larger than ``MAX_DOWNLOAD_BYTES`` (nothing kept).
        ComapError: the download failed (nothing kept).
        OSError: the file could not be written (nothing kept).
    """
    key, root = media_folder(hass)
    folder = root.joinpath(*MEDIA_FOLDER, slugify(genset_name) or slugify(unit_guid))
    target = await hass.async_add_executor_job(_reserve, folder, safe_file_name(file_name))
    partial = target.with_name(f".{target.name}.part")
    handle: IO[bytes] = await hass.async_add_executor_job(partial.open, "wb")
    try:

        async def write(chunk: bytes) -> None:
            await hass.async_add_executor_job(handle.write, chunk)

        try:
            size = await client.download_to(
                unit_guid, file_name, write, max_bytes=MAX_DOWNLOAD_BYTES
            )
        finally:
            await hass.async_add_executor_job(handle.close)
        await hass.async_add_executor_job(os.replace, partial, target)
    except BaseException:
        await hass.async_add_executor_job(_discard, partial, target)
        raise
    relative = target.relative_to(root).as_posix()
    return Downloaded(target, f"media-source://media_source/{key}/{relative}", size)


def _discard(*paths: Path) -> None:
    """Remove the files of a failed download (those that exist)."""
    for path in paths:
        path.unlink(missing_ok=True)
