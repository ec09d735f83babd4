"""The FaceSpace webhook: the bodies the ``facespace`` client forwards (logs and real-time)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from multidict import MultiMapping

from ...webhook import Parsed, PushNotDelivered, PushReceiver, PushRejected, secret_matches
from .api import FaceSpaceUsageError, InView, LogsResult, Recognition, parse_push
from .const import PUSH_SECRET_HEADER
from .coordinator import FaceSpaceCoordinator

ENTITY_WAIT: Final = 5.0
"""Seconds a pushed line waits for its camera's new event entity before the body answers 503."""


class FaceSpaceReceiver(PushReceiver[Recognition | InView]):
    """Takes what the FaceSpace client forwards: logs bodies and real-time bodies.

    A request is accepted with the entry's API key in ``x-api-key`` (the client forwards its
    own headers) or with the shared secret in ``X-Sitewatch-Secret``.
    """

    def __init__(self, coordinator: FaceSpaceCoordinator, api_key: str, secret: str) -> None:
        """Deliver to ``coordinator``; accept ``api_key`` or ``secret``."""
        self._coordinator = coordinator
        self._api_key = api_key
        self._secret = secret

    def authorized(self, headers: Mapping[str, str]) -> bool:
        """The API key or the shared secret must match."""
        return secret_matches(headers.get("x-api-key"), self._api_key) or (
            secret_matches(headers.get(PUSH_SECRET_HEADER), self._secret)
        )

    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[Recognition | InView]:
        """A logs body (``"Name @ time"`` lines) or a real-time body (names): ``api.parse_push``.

        A line or camera entry that cannot be used is dropped with its reason; the body is
        refused (400) only when it is not an object or holds nothing usable.
        """
        try:
            body = parse_push(payload)
        except FaceSpaceUsageError:
            raise PushRejected("expected an object of camera → list") from None
        if isinstance(body, LogsResult):
            lines: list[Recognition | InView] = list(body.all())
            if not lines:
                raise PushRejected("no log line could be parsed")
            return Parsed(lines, [error.reason for error in body.errors])
        if body is None:
            return Parsed([InView(None)])
        if body.errors and not body.cameras:
            raise PushRejected("expected names or log lines")
        return Parsed([InView(body.cameras)], list(body.errors))

    def key(self, item: Recognition | InView) -> str | None:
        """Log lines by (camera, name, time); real-time bodies are never duplicates."""
        return item.key if isinstance(item, Recognition) else None

    async def async_deliver(self, items: list[Recognition | InView]) -> list[str]:
        """Fire each new line on its camera's event entity; update who is in view.

        Waits (at most ``ENTITY_WAIT`` seconds) for the event entities of cameras seen for the
        first time, before anything is handed over (``FaceSpaceCoordinator.push``).

        Raises:
            PushNotDelivered: Home Assistant is stopping, or an entity did not appear in time.
        """
        coordinator = self._coordinator
        lines = [item for item in items if isinstance(item, Recognition)]
        if coordinator.hass.is_stopping:
            raise PushNotDelivered("Home Assistant is stopping")
        if lines and not await coordinator.async_prepare(lines, ENTITY_WAIT):
            raise PushNotDelivered("the event entity of a camera is not ready yet")
        if coordinator.hass.is_stopping:
            raise PushNotDelivered("Home Assistant is stopping")
        return coordinator.push(items)
