"""Image entities showing the last recognition's thumbnail, fetched safely on demand.

A provider's image entity (``providers/<key>/image.py``) calls ``RecognitionImage.show`` with the
thumbnail URL of each recognition it takes; Home Assistant's image view then asks
``async_image``, which fetches the picture once through Home Assistant's shared aiohttp session
(TLS checked or not as the provider's entry says), refusing anything but a bounded image.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import aiohttp
from homeassistant.components.image import Image, ImageEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from yarl import URL

from .bounds import MAX_ATTRIBUTE_TEXT
from .coalesce import CoalescedWrites
from .const import LOGGER

MAX_IMAGE_BYTES: Final = 2 * 1024 * 1024
"""Largest picture fetched (bytes); a larger one is refused (thumbnails are a few kB)."""
FETCH_TIMEOUT: Final = 10.0
"""Seconds a picture may take to arrive."""
CHUNK: Final = 64 * 1024


class ImageRefused(Exception):
    """A picture could not be used; the message is a short fixed reason (no payload text)."""


async def async_fetch_image(
    session: aiohttp.ClientSession, url: str, *, max_bytes: int = MAX_IMAGE_BYTES
) -> tuple[bytes, str]:
    """GET ``url`` and return the picture and its content type.

    No credentials are sent (the URL comes from a payload). Redirects are not followed.

    Raises:
        ImageRefused: the request failed or timed out, the status is not 200, the content type
            is not ``image/*``, or the body exceeds ``max_bytes`` (announced or read).
    """
    try:
        async with session.get(
            url,
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=FETCH_TIMEOUT),
        ) as response:
            if response.status != 200:
                raise ImageRefused(f"HTTP {response.status}")
            content_type = response.content_type
            if content_type.split("/", 1)[0].lower() != "image":
                raise ImageRefused("not an image")
            if response.content_length is not None and response.content_length > max_bytes:
                raise ImageRefused("image too large")
            body = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK):
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise ImageRefused("image too large")
    except (aiohttp.ClientError, TimeoutError) as err:
        raise ImageRefused(type(err).__name__) from err
    if not body:
        raise ImageRefused("empty image")
    return bytes(body), content_type


def same_host_url(value: object, base_url: str) -> str | None:
    """A picture URL of a payload if it is on the provider's host, else None.

    A relative URL is resolved against ``base_url``; an absolute one must be http(s) on the same
    host as ``base_url`` (any port), so a payload cannot make Home Assistant fetch from elsewhere.
    At most ``bounds.MAX_ATTRIBUTE_TEXT`` characters.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_ATTRIBUTE_TEXT:
        return None
    try:
        base = URL(base_url)
        url = URL(value)
        if not url.is_absolute():
            url = base.join(url)
    except ValueError:
        return None
    if url.scheme not in ("http", "https") or url.host is None or url.host != base.host:
        return None
    return str(url)


class RecognitionImage(CoalescedWrites, ImageEntity):
    """The thumbnail of the last recognition an entity took; no picture until the first.

    State: when the picture changed (``ImageEntity``), written at most once a second
    (``coalesce``). Attributes: what the provider passes to ``show`` (who, what kind), bounded
    by the provider.
    """

    _attr_content_type = "image/jpeg"

    def __init__(self, hass: HomeAssistant, *, verify_ssl: bool) -> None:
        """An image entity whose pictures are fetched with (or without) TLS checks."""
        ImageEntity.__init__(self, hass, verify_ssl)
        self._verify_ssl = verify_ssl
        self._picture_attributes: dict[str, Any] = {}

    @callback
    def show(self, url: str | None, when: datetime, attributes: dict[str, Any]) -> None:
        """A new recognition: its picture URL (None: it has none), its time, its attributes."""
        self._attr_image_url = url
        self._attr_image_last_updated = when
        self._cached_image = None
        self._picture_attributes = attributes
        self.async_write_soon()  # a burst writes one state a second, not one per event

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """What the provider said about the picture's recognition."""
        return self._picture_attributes

    async def async_image(self) -> bytes | None:
        """The picture (fetched once per recognition); None when there is none or it failed."""
        if self._cached_image is not None:
            return self._cached_image.content
        url = self.image_url
        if not isinstance(url, str):
            return None
        session = async_get_clientsession(self.hass, verify_ssl=self._verify_ssl)
        try:
            content, content_type = await async_fetch_image(session, url)
        except ImageRefused as err:
            LOGGER.debug("%s: picture not fetched: %s", self.entity_id, err)
            return None
        self._cached_image = Image(content_type=content_type, content=content)
        self._attr_content_type = content_type
        return content
