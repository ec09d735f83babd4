"""The simulated Moonsense Cloud: its API operations, test hooks and counters."""

from collections.abc import Mapping, Sequence
from datetime import datetime
import hashlib
import hmac
import json
import math
from typing import Any

from ..routing import retry_after
from .model import (
    _REGION_INFO,
    DATA_ROOT,
    MAX_PER_PAGE,
    Activity,
    Battery,
    Location,
    MoonsenseApiError,
    _Chunk,
    _readings,
    _Session,
    _utc,
    rfc3339,
)
from .render import session_json
from .state import MoonsenseState


class MoonsenseSimulator(MoonsenseState):
    """State of the simulated Moonsense Cloud and of its webhook sender.

    Methods that serve API data raise MoonsenseApiError with the HTTP status
    the API would answer; the routes render it. Test hooks raise ValueError
    on bad input.
    """

    # API

    def whoami(self) -> dict[str, Any]:
        """Answer ``GET /v2/tokens/self``: the token's description."""
        return {
            "app_id": self.settings.app_id,
            "project_id": self.settings.project_id,
            "credential_id": self.settings.credential_id,
            "description": "Sitewatch simulator token",
            "scopes": "cqt",
            "created_at": rfc3339(self._token_created),
        }

    def regions(self, base_url: str = "") -> dict[str, Any]:
        """Answer ``GET /v2/regions``: ``{"regions": [...]}``, the first the default.

        Args:
            base_url: the simulator's origin; each region's ``url`` is its data plane.
        """
        answer = []
        for index, name in enumerate(self.settings.regions):
            area, labels = _REGION_INFO.get(name, ("Simulated", ("sim",)))
            region: dict[str, Any] = {
                "name": name,
                "url": f"{base_url}{DATA_ROOT}/{name}",
                "region": area,
                "labels": list(labels),
                "status": "ok",
            }
            if index == 0:
                region["default_primary"] = True
            elif index == 1:
                region["default_backup"] = True
            answer.append(region)
        return {"regions": answer}

    def list_sessions(
        self,
        page: int = 1,
        per_page: int | None = None,
        *,
        min_created_at: datetime | None = None,
        max_created_at: datetime | None = None,
        labels: Sequence[str] = (),
        journey_id: str | None = None,
        platforms: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Answer ``GET /v2/sessions``: one page of matching sessions, newest first.

        Args:
            page: 1-based page number; past the end the page is empty.
            per_page: page size (capped at MAX_PER_PAGE); the setting's if None.
            min_created_at: only sessions created at or after this time.
            max_created_at: only sessions created at or before this time.
            labels: only sessions with at least one of these labels.
            journey_id: only sessions of this journey.
            platforms: only sessions of these platforms (any case).

        Raises:
            MoonsenseApiError: 400 for a page or page size below 1.
        """
        wanted_labels = set(labels)
        wanted_platforms = {platform.lower() for platform in platforms}
        matching = [
            session
            for session in self._newest_first()
            if (min_created_at is None or session.created_at >= _utc(min_created_at))
            and (max_created_at is None or session.created_at <= _utc(max_created_at))
            and (not wanted_labels or wanted_labels & set(session.label_names()))
            and (journey_id is None or session.journey_id == journey_id)
            and (not wanted_platforms or session.platform in wanted_platforms)
        ]
        items, pagination = self._page(matching, page, per_page)
        return {
            "sessions": [
                session_json(session, self.settings.app_id, full=False) for session in items
            ],
            "pagination": pagination,
        }

    def describe_session(self, session_id: str, view: str = "minimal") -> dict[str, Any]:
        """Answer ``GET /v2/sessions/{id}``; ``full`` adds the per-minute bundle buckets.

        Raises:
            MoonsenseApiError: 400 for another view, 404 for an unknown session.
        """
        if view not in ("minimal", "full"):
            raise MoonsenseApiError(400, f"Invalid view: {view}")
        return session_json(self._lookup(session_id), self.settings.app_id, full=view == "full")

    def set_labels(self, session_id: str, names: Sequence[str]) -> dict[str, Any]:
        """Answer ``POST /v2/sessions/{id}/labels``: replace every label; ``{}``.

        Raises:
            MoonsenseApiError: 404 for an unknown session.
        """
        session = self._lookup(session_id)
        self._relabel(session, names)
        return {}

    def list_chunks(
        self, region: str, session_id: str, page: int = 1, per_page: int | None = None
    ) -> dict[str, Any]:
        """Answer ``GET /data/{region}/v2/sessions/{id}/chunks``: persisted chunks, oldest first.

        Raises:
            MoonsenseApiError: 404 for an unknown region or session, or a
                session of another region; 400 for a bad page.
        """
        session = self._lookup(session_id, region)
        items, pagination = self._page(session.chunks, page, per_page)
        return {
            "session_id": session.session_id,
            "chunks": [self._chunk_json(session, chunk) for chunk in items],
            "pagination": pagination,
        }

    def read_chunk(self, region: str, session_id: str, chunk_id: str) -> str:
        """Answer ``GET /data/{region}/v2/sessions/{id}/chunks/{chunk_id}``: JSON lines.

        Each line is one SealedBundle in the current wire style; planted lines
        come back verbatim. Only persisted chunks are served.

        Raises:
            MoonsenseApiError: 404 for an unknown region, session or chunk.
        """
        session = self._lookup(session_id, region)
        chunk = session.chunk(chunk_id)
        if chunk is None or chunk.created_at is None:
            raise MoonsenseApiError(404, f"Chunk {chunk_id} not found")
        return self._chunk_text(chunk)

    # Test hooks

    def create_session(
        self,
        labels: Sequence[str] = (),
        journey_id: str | None = None,
        platform: str | None = None,
        region: str | None = None,
        phone: int | None = None,
    ) -> str:
        """Start recording a session (created now) and send SESSION_CREATED.

        Args:
            labels: label names.
            journey_id: the journey; None leaves it empty.
            platform: "ios", "android" or "web"; None: the phone's, else "ios".
            region: one of the settings' regions; the first if None.
            phone: the phone recording it (an index of ``phones()``); None: the platform's
                phones in turn.

        Returns:
            The new session's id.

        Raises:
            ValueError: an unknown platform, phone or region, a phone of another platform, or
                a bad label.
        """
        session = self._create(self._now(), labels, journey_id, platform, region, phone)
        self._emit("SESSION_CREATED", session)
        return session.session_id

    def send_bundle(
        self,
        session_id: str,
        *,
        when: datetime | None = None,
        battery: Battery | None = None,
        activity: Activity | None = None,
        location: Location | None = None,
        temperature: float | None = None,
        light: float | None = None,
        pressure: float | None = None,
        humidity: float | None = None,
        **more: Any,
    ) -> dict[str, Any]:
        """Add a bundle to the session's current chunk and send BUNDLE_RECEIVED with it.

        Readings left out (None) are absent from the bundle. A session that
        had ended records again.

        Args:
            session_id: the session.
            when: the client's wall time (naive is UTC); now if None.
            battery: ``(capacity 0-100, state)`` or a capacity alone (state
                UNKNOWN); a state is a name (CHARGING, ...) or its number, sent as given.
            activity: ``(type, confidence 0-100)``; a type name or number.
            location: ``(latitude, longitude, accuracy[, altitude[, speed[, bearing]]])``.
            temperature: °C.
            light: lx.
            pressure: mbar.
            humidity: %.
            more: ``steps`` and ``heart_rate`` (integers); ``accelerometer``,
                ``linear_accelerometer`` (G), ``gyroscope`` (rad/s), ``magnetometer`` (µT) and
                ``orientation`` (azimuth, pitch, roll in radians) as three numbers;
                ``pointer``, ``key_press``, ``focus_change``, ``text_change``, ``markers``: how
                many samples of each the bundle carries.

        Returns:
            The SealedBundle as sent, in the current wire style.

        Raises:
            ValueError: an unknown session or a bad reading.
        """
        session = self._session_or_error(session_id)
        readings = _readings(
            battery, activity, location, temperature, light, pressure, humidity, more
        )
        sealed = self._add_bundle(session, readings, _utc(when) if when else self._now())
        self._emit("BUNDLE_RECEIVED", session, sealed)
        rendered: dict[str, Any] = self.render(sealed)
        return rendered

    def send_raw_event(
        self, event_type: str | int, session_id: str | None = None
    ) -> dict[str, Any]:
        """Send a webhook with event_type exactly as given (any name or number).

        ``send_raw_event("UNKNOWN")`` or ``send_raw_event(0)`` sends the
        UNKNOWN type. Without a session the session fields are empty.

        Returns:
            The payload as sent.

        Raises:
            ValueError: event_type is neither a string nor an integer, or an unknown session.
        """
        if isinstance(event_type, bool) or not isinstance(event_type, str | int):
            raise ValueError("event_type must be a string or an integer")
        session = None if session_id is None else self._session_or_error(session_id)
        return self._emit(event_type, session, raw=True)

    def plant_bad_line(
        self, session_id: str, chunk_id: str, text: str, index: int | None = None
    ) -> None:
        """Put a line (for example malformed JSON) into a chunk, served verbatim.

        Args:
            session_id: the session.
            chunk_id: one of its chunks, persisted or current.
            text: the line, without a line break.
            index: position among the chunk's lines; the end if None.

        Raises:
            ValueError: an unknown session or chunk, or a text with a line break.
        """
        session = self._session_or_error(session_id)
        chunk = session.chunk(chunk_id)
        if chunk is None:
            raise ValueError(f"Unknown chunk {chunk_id}")
        if not isinstance(text, str) or "\n" in text:
            raise ValueError("text must be a string without a line break")
        chunk.lines.insert(len(chunk.lines) if index is None else index, text)

    def set_camel_case(self, camel_case: bool) -> None:
        """Answer (and send webhooks) with lowerCamelCase keys, or snake_case."""
        self.settings.camel_case = bool(camel_case)

    def set_emit_defaults(self, emit_defaults: bool) -> None:
        """Include fields holding default values, or leave them out as protobuf does."""
        self.settings.emit_defaults = bool(emit_defaults)

    def set_numeric_event_types(self, numeric: bool) -> None:
        """Send webhook event types as numbers (1-4) instead of names."""
        self.settings.numeric_event_types = bool(numeric)

    @property
    def sessions(self) -> list[str]:
        """Every session id, newest first."""
        return [session.session_id for session in self._newest_first()]

    def chunk_ids(self, session_id: str) -> list[str]:
        """A session's persisted chunk ids, oldest first."""
        return [chunk.chunk_id for chunk in self._session_or_error(session_id).chunks]

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every webhook payload produced (with or without webhooks), oldest first."""
        return list(self._events)

    def state(self) -> dict[str, Any]:
        """Settings in effect and each session's region, activity and chunk count."""
        return {
            "camel_case": self.settings.camel_case,
            "emit_defaults": self.settings.emit_defaults,
            "numeric_event_types": self.settings.numeric_event_types,
            "bundle_interval": self.settings.bundle_interval,
            "regions": list(self.settings.regions),
            "sessions": [
                {
                    "session_id": session.session_id,
                    "region_id": session.region_id,
                    "platform": session.platform,
                    "active": session.active,
                    "bundles": session.bundles,
                    "chunks": [chunk.chunk_id for chunk in session.chunks],
                    "current_chunk": None if session.current is None else session.current.chunk_id,
                }
                for session in self._newest_first()
            ],
        }

    def stats(self) -> dict[str, Any]:
        """Return request, event and webhook counters.

        by_path counts every API request by route (ids as placeholders,
        rejected requests included), by_status by the HTTP status answered.
        rejected_tokens counts missing or wrong tokens, injected_failures
        those of fail_next, events the webhook payloads produced by type.
        webhooks counts delivered payloads, failed attempts and dropped payloads.
        """
        counters = self._counters
        return {
            **self.request_stats(),
            "rejected_tokens": counters["rejected_tokens"],
            "injected_failures": counters["injected_failures"],
            "sessions": len(self._sessions),
            "bundles": counters["bundles"],
            "chunks_persisted": counters["chunks_persisted"],
            "sessions_ended": counters["sessions_ended"],
            "events": {
                key.removeprefix("event:"): value
                for key, value in sorted(counters.items())
                if key.startswith("event:")
            },
            "webhooks": self.sender_stats(),
        }

    # Request gate

    def admit(self, headers: Mapping[str, str], *, auth: bool = True) -> None:
        """Apply an injected failure, then check the bearer token; raise MoonsenseApiError."""
        if (status := self.take_injected_failure()) is not None:
            raise MoonsenseApiError(
                status, f"Injected failure {status}", headers=retry_after(status)
            )
        if not auth:
            return
        scheme, _, token = headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.settings.token.encode()
        ):
            self._counters["rejected_tokens"] += 1
            raise MoonsenseApiError(401, "Invalid or missing bearer token")

    def check_region(self, region: str) -> None:
        """Raise a 404 MoonsenseApiError unless region is a data plane of this simulator."""
        if region not in self.settings.regions:
            raise MoonsenseApiError(404, f"Unknown region {region}")

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The webhook delivery log, oldest first (at most MAX_DELIVERIES entries).

        Each entry: webhook (id), url, payload (as sent), attempt (1-based),
        status (HTTP status or None), error (text or None), ok (2xx),
        retry_in (seconds to the next attempt, or None), dropped (attempts
        used up), time (wallclock, RFC 3339).
        """
        return self._sender.deliveries

    def _lookup(self, session_id: str, region: str | None = None) -> _Session:
        if region is not None:
            self.check_region(region)
        session = self._sessions.get(session_id)
        if session is None or (region is not None and session.region_id != region):
            where = "" if region is None else f" in region {region}"
            raise MoonsenseApiError(404, f"Session {session_id} not found{where}")
        return session

    def _page(
        self, items: Sequence[Any], page: int, per_page: int | None
    ) -> tuple[Sequence[Any], dict[str, Any]]:
        size = self.settings.per_page if per_page is None else min(per_page, MAX_PER_PAGE)
        if isinstance(page, bool) or page < 1:
            raise MoonsenseApiError(400, "page must be at least 1")
        if size < 1:
            raise MoonsenseApiError(400, "per_page must be at least 1")
        total_pages = math.ceil(len(items) / size)
        return items[(page - 1) * size : page * size], {
            "current_page": page,
            "next_page": page + 1 if page < total_pages else 0,
            "last_page": total_pages,
            "total_pages": total_pages,
            "per_page": size,
            "total_count": len(items),
        }

    # Internals: JSON

    def _chunk_json(self, session: _Session, chunk: _Chunk) -> dict[str, Any]:
        digest = hashlib.md5(self._chunk_text(chunk).encode(), usedforsecurity=False)
        return {
            "chunk_id": chunk.chunk_id,
            "md5": digest.hexdigest(),
            "created_at": rfc3339(chunk.created_at) if chunk.created_at else None,
        }

    def _chunk_text(self, chunk: _Chunk) -> str:
        lines = [
            line if isinstance(line, str) else json.dumps(self.render(line), separators=(",", ":"))
            for line in chunk.lines
        ]
        return "".join(f"{line}\n" for line in lines)
