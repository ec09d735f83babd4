"""The webhook of a Camlytics entry: analytic events, occupancy and queue readings."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from multidict import MultiMapping

from ...models import SitewatchConfigEntry
from ...webhook import Parsed, PushNotDelivered, PushReceiver, PushRejected, PushWebhook
from .api import Event, Metric, PayloadError, event_key, parse_webhook
from .coordinator import CamlyticsCoordinator


class CamlyticsReceiver(PushReceiver[Event | Metric]):
    """Parses Camlytics webhooks (``api.parse_webhook``) and hands them to the coordinator."""

    def __init__(self) -> None:
        """Deliver to the coordinator once ``coordinator`` is set (during setup)."""
        self.coordinator: CamlyticsCoordinator | None = None

    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[Event | Metric]:
        """Events, occupancy and queue readings of one body; a fixed reason per item dropped.

        Raises:
            PushRejected: the body is neither an array nor an object, or no item is usable.
        """
        try:
            items, dropped = parse_webhook(payload)
        except PayloadError as err:
            raise PushRejected(str(err)) from err
        return Parsed(items, dropped)

    def key(self, item: Event | Metric) -> str:
        """``event:<record_id>`` for events (as the poll uses), the reading's key for metrics."""
        return event_key(item) if isinstance(item, Event) else item.key

    async def async_deliver(self, items: list[Event | Metric]) -> list[str]:
        """Hand the items over (synchronously, through the coordinator); reasons of those dropped.

        Raises:
            PushNotDelivered: the entry is not set up yet, or its channels (and so their event
                entities) are not read yet.
        """
        if self.coordinator is None:
            raise PushNotDelivered("the entry is not set up yet")
        if not self.coordinator.listed:
            raise PushNotDelivered("the channels are not read yet")
        return self.coordinator.push(items)


class CamlyticsWebhook(PushWebhook[Event | Metric]):
    """The entry's webhook; once started (entities exist, keys loaded) events are polled too."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SitewatchConfigEntry,
        *,
        webhook_id: str,
        receiver: CamlyticsReceiver,
    ) -> None:
        """Serve ``webhook_id`` for ``entry`` through ``receiver``."""
        super().__init__(hass, entry, webhook_id=webhook_id, receiver=receiver)
        self.camlytics = receiver

    async def async_start(self) -> None:
        """Read the saved keys and take bodies, then start polling events (catching up)."""
        await super().async_start()
        if (coordinator := self.camlytics.coordinator) is not None:
            coordinator.async_start_events()
