"""Event entities of the Camlytics provider: the analytic events of each channel (camera)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import callback

from ...entity import PushEntity, SitewatchEventEntity
from .api import Event
from .const import EVENT_TYPES, OTHER_EVENT_TYPE
from .coordinator import CamlyticsCoordinator
from .entity import CamlyticsEntity, channel_device
from .sentences import channel_place, event_sentence

ANALYTIC_EVENT = EventEntityDescription(
    key="events",
    translation_key="analytic_event",
    event_types=sorted({*EVENT_TYPES.values(), OTHER_EVENT_TYPE}),
)
"""A channel's analytic events; Camlytics types map to ``EVENT_TYPES``, others are ``other``."""


class CamlyticsChannelEvent(
    CamlyticsEntity, PushEntity[CamlyticsCoordinator, Event], SitewatchEventEntity
):
    """Analytic events of one channel, pushed or polled (``entity.async_push``), each fired once.

    The event data holds only typed, bounded values (``Event``): the record id, texts of at most
    255 characters (the original type in ``camlytics_event_type``), ids (``snapshot_id`` too)
    and an ISO time; the Logbook gets its sentence (``sentences.event_sentence``).
    """

    entity_description = ANALYTIC_EVENT
    _unrecorded_attributes = frozenset({"record_id", "object_id", "event_time", "snapshot_id"})
    """Unique to each event: in the attributes when it fires, not recorded."""

    def __init__(self, coordinator: CamlyticsCoordinator, channel_id: str) -> None:
        """Create the event entity of ``channel_id``."""
        super().__init__(
            coordinator,
            subject=f"channel_{channel_id}",
            key=ANALYTIC_EVENT.key,
            device=channel_device(coordinator, channel_id),
        )
        self.channel_id = channel_id

    @property
    def available(self) -> bool:
        """Available while the service lists the channel, even while the REST poll fails.

        Events arrive by push as well as by poll; an unavailable event entity would drop a
        pushed event that the webhook already acknowledged.
        """
        return self.channel_id in self.coordinator.data.channels

    def accepts(self, item: Event) -> bool:
        """The events of this channel."""
        return item.channel_id == self.channel_id

    @callback
    def handle_push(self, item: Event) -> None:
        """Fire the event with its typed fields, the name of its trigger and its sentence."""
        data = self.coordinator.data
        trigger = data.triggers.get(item.trigger_id or "")
        trigger_name = trigger.name if trigger else None
        self.async_fire(
            EVENT_TYPES.get(item.event_type, OTHER_EVENT_TYPE),
            {
                "record_id": item.record_id,
                "camlytics_event_type": item.event_type,
                "origin": item.origin,
                "suborigin": item.suborigin,
                "age_range": item.age_range,
                "gender": item.gender,
                "trigger_id": item.trigger_id,
                "trigger": trigger_name,
                "object_id": item.object_id,
                "snapshot_id": item.snapshot_id,
                "event_time": item.event_time.isoformat() if item.event_time else None,
            },
            event_sentence(item, trigger_name, channel_place(data, self.channel_id)),
        )


def event_entities(coordinator: CamlyticsCoordinator) -> dict[Hashable, Callable[[], EventEntity]]:
    """An event entity per channel of the included locations (the runtime adds them)."""
    return {
        f"event_{channel.id}": partial(CamlyticsChannelEvent, coordinator, channel.id)
        for channel in coordinator.included_channels()
    }
