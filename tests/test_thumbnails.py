"""Fetching recognition pictures (``thumbnails.py``): bounded, images only, failures contained."""

from __future__ import annotations

import aiohttp
from aioresponses import aioresponses
import pytest

from custom_components.sitewatch.thumbnails import ImageRefused, async_fetch_image, same_host_url

URL = "https://findface.example:8443/uploads/thumb.jpg"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60


async def test_an_image_is_fetched(session: aiohttp.ClientSession, mock: aioresponses) -> None:
    mock.get(URL, body=JPEG, content_type="image/jpeg")
    assert await async_fetch_image(session, URL) == (JPEG, "image/jpeg")
    ((_, request),) = mock.requests.items()
    assert "Authorization" not in (request[0].kwargs.get("headers") or {})


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"body": b"<html>login</html>", "content_type": "text/html"}, "not an image"),
        ({"body": JPEG * 100, "content_type": "image/jpeg"}, "image too large"),
        ({"body": b"", "content_type": "image/jpeg"}, "empty image"),
        ({"status": 404, "content_type": "image/jpeg"}, "HTTP 404"),
        ({"status": 503, "body": JPEG, "content_type": "image/jpeg"}, "HTTP 503"),
        ({"status": 302, "headers": {"Location": "http://elsewhere/x.jpg"}}, "HTTP 302"),
        ({"exception": aiohttp.ClientConnectionError("refused")}, "ClientConnectionError"),
        ({"exception": TimeoutError()}, "TimeoutError"),
    ],
)
async def test_what_is_refused(
    session: aiohttp.ClientSession, mock: aioresponses, answer: dict[str, object], reason: str
) -> None:
    mock.get(URL, **answer)  # type: ignore[arg-type]
    with pytest.raises(ImageRefused, match=reason):
        await async_fetch_image(session, URL, max_bytes=1024)


async def test_an_announced_oversized_image_is_not_read(
    session: aiohttp.ClientSession, mock: aioresponses
) -> None:
    mock.get(URL, body=JPEG, content_type="image/jpeg", headers={"Content-Length": "99999999"})
    with pytest.raises(ImageRefused, match="image too large"):
        await async_fetch_image(session, URL)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (URL, URL),
        ("/uploads/a.jpg", "https://findface.example:8443/uploads/a.jpg"),
        ("http://findface.example/uploads/a.jpg", "http://findface.example/uploads/a.jpg"),
        ("https://evil.example/a.jpg", None),
        ("file:///etc/passwd", None),
        ("ftp://findface.example/a.jpg", None),
        ("", None),
        (None, None),
        (7, None),
        ("https://findface.example/" + "a" * 2000, None),
    ],
)
def test_only_urls_on_the_provider_host_are_used(value: object, expected: str | None) -> None:
    assert same_host_url(value, "https://findface.example:8443/") == expected
