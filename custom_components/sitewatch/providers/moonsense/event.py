"""The session event entity of the Moonsense provider: session webhooks as events."""

from __future__ import annotations

from homeassistant.core import callback

from ...bounds import MAX_ATTRIBUTE_ITEMS
from ...entity import PushEntity, SitewatchEventEntity
from .api import EVENT_TYPES, WebhookEvent
from .coordinator import MoonsenseCoordinator
from .entity import MoonsenseEntity


def session_sentence(item: WebhookEvent) -> str | None:
    """The Logbook sentence of a session event: "Session 3fa8c2 started".

    A session's start and end, and events of a type Sitewatch does not know, get one (labels
    added: "Session 3fa8c2 started (labels: walk, test)"); a bundle received or a chunk stored
    (every few seconds per phone) gets none, so they do not flood the Logbook. Reads only the
    parsed, bounded event; never the app or project id (the account's).
    """
    session = f"Session {item.session_id}" if item.session_id else "A session"
    labels = item.labels[:MAX_ATTRIBUTE_ITEMS]
    details = f" (labels: {', '.join(labels)})" if labels else ""
    match item.event_type:
        case "session_created":
            return f"{session} started{details}"
        case "session_inactive":
            return f"{session} ended{details}"
        case "bundle_received" | "chunk_persisted":
            return None
        case _:
            kind = item.raw_event_type or "unknown"
            where = f" in session {item.session_id}" if item.session_id else ""
            return f"Moonsense event {kind}{where}"


class MoonsenseSessionEvent(
    MoonsenseEntity, PushEntity[MoonsenseCoordinator, WebhookEvent], SitewatchEventEntity
):
    """Session webhooks as events (``unknown`` for types Sitewatch does not know).

    Always available: its events come from the webhook, not from the REST poll, and an
    unavailable event entity would drop the events delivered to it while the poll fails.
    Attributes: ``session_id``, ``labels`` (at most ``MAX_ATTRIBUTE_ITEMS`` names),
    ``journey_id`` and ``moonsense_event_type`` (the original type's text), all bounded by the
    parser; the app id is the account's and is left out. The session and journey ids are unique
    to each event: in the attributes when it fires, not recorded.
    """

    _attr_translation_key = "session_event"
    _unrecorded_attributes = frozenset({"session_id", "journey_id"})
    _attr_event_types = sorted(set(EVENT_TYPES.values()))

    def __init__(self, coordinator: MoonsenseCoordinator) -> None:
        """Create the event entity."""
        super().__init__(coordinator, "session_event")

    @property
    def available(self) -> bool:
        """Always: pushed events do not depend on the REST poll being healthy."""
        return True

    def accepts(self, item: WebhookEvent) -> bool:
        """Every event the coordinator hands on (it applied the labels filter)."""
        return True

    @callback
    def handle_push(self, item: WebhookEvent) -> None:
        """Fire the event with its attributes (and its sentence, ``session_sentence``)."""
        self.async_fire(
            item.event_type,
            {
                "session_id": item.session_id,
                "labels": item.labels[:MAX_ATTRIBUTE_ITEMS],
                "journey_id": item.journey_id,
                "moonsense_event_type": item.raw_event_type,
            },
            session_sentence(item),
        )


def app_events(coordinator: MoonsenseCoordinator) -> list[MoonsenseSessionEvent]:
    """The event entities of the app: its session events."""
    return [MoonsenseSessionEvent(coordinator)]
