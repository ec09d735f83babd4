"""The Moonsense webhook receiver: bodies parsed into events, handed to the coordinator."""

from __future__ import annotations

from multidict import MultiMapping

from ...webhook import Parsed, PushReceiver, PushRejected
from .api import MoonsenseApiError, WebhookEvent
from .coordinator import MoonsenseCoordinator


class MoonsenseReceiver(PushReceiver[WebhookEvent]):
    """Parses Moonsense webhook bodies (either key style, event type by name or number)."""

    def __init__(self, coordinator: MoonsenseCoordinator) -> None:
        """Deliver to ``coordinator``."""
        self._coordinator = coordinator

    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[WebhookEvent]:
        """One event per body (``WebhookEvent.from_api``); a list of bodies is accepted too.

        In a list, an unusable event is dropped with its short fixed reason and the others are
        delivered; a body whose only event (or every event of its list) is unusable is rejected.

        Raises:
            PushRejected: no usable event (answered 400 with the reason).
        """
        if not isinstance(payload, list):
            try:
                return Parsed([WebhookEvent.from_api(payload)])
            except MoonsenseApiError as err:
                raise PushRejected(str(err)) from err
        parsed: Parsed[WebhookEvent] = Parsed([])
        for body in payload:
            try:
                parsed.items.append(WebhookEvent.from_api(body))
            except MoonsenseApiError as err:
                parsed.dropped.append(str(err))
        if parsed.dropped and not parsed.items:
            raise PushRejected(parsed.dropped[0])
        return parsed

    def key(self, item: WebhookEvent) -> str | None:
        """The event's notification key (None for events that cannot be told apart)."""
        return item.key

    async def async_deliver(self, items: list[WebhookEvent]) -> list[str]:
        """Hand the events to the coordinator (``push``), which fires them on the event entity.

        Sessions whose phone or platform is unknown are looked up first (``async_learn``, which
        never raises), so that a new phone's device is named after its model.
        """
        await self._coordinator.async_learn(items)
        self._coordinator.push(items)
        return []
