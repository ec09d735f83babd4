"""The simulated FaceSpace service: cameras, logs, push targets and the recognition generator."""

from bisect import insort
from collections.abc import Mapping
from datetime import datetime
import hmac
import itertools
import random
from typing import Any

from ..common import PushingSimulator, check_url, string_headers
from ..plugin import not_negative
from ..routing import retry_after
from ..sender import (
    WebhookSender,
)
from .model import (
    KINDS,
    MAX_LINES,
    STOP_MESSAGE,
    UNKNOWN,
    USER_AGENT,
    FaceSpaceApiError,
    _check_person_name,
    _Entry,
    _Target,
    _utc,
    _utc_iso,
    format_line,
    parse_bound,
)
from .settings import FaceSpaceSettings


class FaceSpaceSimulator(PushingSimulator[FaceSpaceSettings], settings=FaceSpaceSettings):
    """State of the simulated FaceSpace service and of its pusher.

    Methods that serve API data raise FaceSpaceApiError with the HTTP status
    the API would answer; the routes render it. Test hooks raise ValueError
    on bad input.
    """

    def _setup(self) -> None:
        """Create the cameras with empty logs."""
        self._rng = random.Random(self.settings.seed)
        self._logs: dict[str, list[_Entry]] = {camera: [] for camera in self.settings.cameras}
        self._in_view: dict[str, dict[str, float]] = {
            camera: {} for camera in self.settings.cameras
        }
        self._seq = itertools.count(1)
        sender: WebhookSender[_Target] = self._push(
            lambda settings: settings.recognition_interval,
            self._tick,
            user_agent=USER_AGENT,
            headers=self._push_headers,
            describe=lambda target, batch: {
                "target": target.id,
                "kind": target.kind,
                "url": target.url,
                "headers": self._push_headers(target),
                "payload": batch[0],
            },
            timestamp=lambda: _utc_iso(self._wallclock()),
            counter_prefix="pushes_",
            name="The pusher",
        )
        self._targets = sender.targets

    # API

    @property
    def cameras(self) -> list[str]:
        """The camera names, in order."""
        return list(self._logs)

    def logs(
        self,
        start_time: str | None = None,
        end_time: str | None = None,
        camera_id: str | None = None,
    ) -> dict[str, list[str]]:
        """Answer ``GET /logs``: each camera's lines in range, in time order.

        Args:
            start_time: ``%H:%M %d/%m/%y`` or ``%d/%m/%y``; None or "" = from the oldest.
            end_time: same formats, inclusive to its minute or day; None or "" = to the newest.
            camera_id: one camera; None or "" = every camera.

        Returns:
            Lines by camera; cameras without lines in range are left out.

        Raises:
            FaceSpaceApiError: 400 for a bad time format.
        """
        start = parse_bound(start_time, end=False) if start_time else None
        end = parse_bound(end_time, end=True) if end_time else None
        cameras = [camera_id] if camera_id else list(self._logs)
        answer: dict[str, list[str]] = {}
        for camera in cameras:
            lines = [
                entry.text
                for entry in self._logs.get(camera, ())
                if (start is None or entry.time >= start) and (end is None or entry.time < end)
            ]
            if lines:
                answer[camera] = lines
        return answer

    def recognition(self) -> dict[str, Any]:
        """Answer ``GET /recognition``: names in view per camera, or the stop signal."""
        if not self.settings.active or not self._logs:
            return {"stop": STOP_MESSAGE}
        now = self._clock()
        answer: dict[str, Any] = {}
        for camera, seen in self._in_view.items():
            for name in [name for name, until in seen.items() if until <= now]:
                del seen[name]
            answer[camera] = list(seen)
        return answer

    # Test hooks

    def recognize(
        self, camera: str | None = None, name: str | None = None, when: datetime | None = None
    ) -> str:
        """Record a recognition, bring the person into view and push it.

        Args:
            camera: a configured camera; random if None.
            name: the person's name; random (``Unknown`` with the settings'
                unknown_ratio) if None.
            when: the recognition time (naive is UTC); now if None. Seconds
                are kept, fractions dropped. The person is in view for
                ``presence`` seconds from that time, so a time long past
                only adds a log line.

        Returns:
            The log line, ``Name @ HH:MM:SS DD/MM/YY``.

        Raises:
            ValueError: an unknown camera, a bad name, or no camera at all.
        """
        camera = self._pick_camera() if camera is None else self._camera(camera)
        name = self._pick_name() if name is None else _check_person_name(name)
        now = self._wallclock()
        moment = now if when is None else _utc(when)
        line = format_line(name, moment)
        self._insert(camera, moment.replace(microsecond=0), line)
        age = max((_utc(now) - moment).total_seconds(), 0.0)
        if age < self.settings.presence:
            seen = self._in_view[camera]
            mono = self._clock()
            until = mono + self.settings.presence - age
            previous = seen.get(name)
            if previous is not None and previous <= mono:
                del seen[name]  # gone out of view: comes back in at the end
                previous = None
            seen[name] = until if previous is None else max(previous, until)
        self._counters["recognitions"] += 1
        self._push_logs(camera, [line])
        self._push_realtime()
        return line

    def add_raw_line(self, camera: str, text: str, when: datetime | None = None) -> None:
        """Plant a log line verbatim (for example a malformed "garbage" line).

        It is filed at when (now if None) for range filters and ordering, and
        pushed to "logs" targets as is; nobody comes into view.

        Raises:
            ValueError: an unknown camera or a text that is not a string.
        """
        camera = self._camera(camera)
        if not isinstance(text, str):
            raise ValueError("text must be a string")
        moment = _utc(self._wallclock() if when is None else when)
        self._insert(camera, moment, text)
        self._push_logs(camera, [text])

    def set_active(self, active: bool) -> None:
        """Switch the cameras on or off; off, ``/recognition`` answers the stop signal.

        While off, the generator makes no recognitions and "realtime" targets
        get nothing (the client stops at the stop signal); explicit
        recognitions still add log lines.
        """
        self.settings.active = bool(active)

    def set_gone(self, gone: bool) -> None:
        """Shut the service down (every API request answers 410 Gone) or bring it back."""
        self.settings.gone = bool(gone)

    def set_recognition_interval(self, seconds: float) -> None:
        """Change the automatic recognition interval (0 stops it); takes effect at once."""
        not_negative(recognition_interval=seconds)
        self.settings.recognition_interval = seconds
        self._ticker.poke()

    def clear_logs(self) -> None:
        """Forget every log line and everyone in view."""
        for camera in self._logs:
            self._logs[camera].clear()
            self._in_view[camera].clear()

    def state(self) -> dict[str, Any]:
        """Cameras, active flag, lines per camera and names in view."""
        return {
            "active": self.settings.active,
            "gone": self.settings.gone,
            "cameras": self.cameras,
            "lines": {camera: len(entries) for camera, entries in self._logs.items()},
            "in_view": self.recognition(),
            "recognition_interval": self.settings.recognition_interval,
        }

    def stats(self) -> dict[str, Any]:
        """Return request and push counters.

        by_path counts every API request by path (rejected ones included),
        by_status by the HTTP status answered. rejected_keys counts bad or
        missing keys, bad_dates 400 answers for a time format,
        injected_failures those of fail_next, recognitions every recorded
        recognition. pushes counts delivered payloads, failed attempts and
        dropped payloads.
        """
        return {
            **self.request_stats(),
            **self.counter_stats("rejected_keys", "bad_dates", "injected_failures", "recognitions"),
            "pushes": self.sender_stats("pushes_"),
        }

    # Request gate

    def admit(self, headers: Mapping[str, str]) -> None:
        """Answer 410 when gone, apply an injected failure, check ``x-api-key``.

        Raises:
            FaceSpaceApiError: with the status to answer.
        """
        if self.settings.gone:
            raise FaceSpaceApiError(410, "This service has been discontinued")
        if (status := self.take_injected_failure()) is not None:
            raise FaceSpaceApiError(
                status, f"Injected failure {status}", headers=retry_after(status)
            )
        key = headers.get("x-api-key", "")
        if not hmac.compare_digest(key.encode(), self.settings.api_key.encode()):
            self._counters["rejected_keys"] += 1
            raise FaceSpaceApiError(401, "Invalid API key")

    def count_bad_date(self) -> None:
        """Count a 400 answer for a time format (called by the routes)."""
        self._counters["bad_dates"] += 1

    # Push targets

    def add_push_target(
        self, url: str, headers: Mapping[str, str] | None = None, kind: str = "realtime"
    ) -> int:
        """Register a URL the pusher POSTs to, as the client's ``webhook_url``; return its id.

        Args:
            url: an http(s) URL, POSTed to exactly as given.
            headers: extra headers (the client's ``additional_headers``),
                sent after ``x-api-key`` (so they may replace it).
            kind: "realtime" (the client's default, ``post_realtime``): the
                whole ``/recognition`` answer after each recognition; or
                "logs" (``post_logs``): ``{camera: [new line]}``.

        Raises:
            ValueError: a bad URL, kind or header.
        """
        check_url(url)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        return self._add_target(_Target(self._sender.next_id(), url, kind, string_headers(headers)))

    def remove_push_target(self, target_id: int) -> None:
        """Unregister a push target; its queued payloads are dropped."""
        self._remove_target(target_id, "push target")

    def push_targets(self) -> list[dict[str, Any]]:
        """Every push target with its queue length and delivery counters."""
        return [target.to_json() for target in self._targets.values()]

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The push delivery log, oldest first (at most MAX_DELIVERIES entries).

        Each entry: target (id), kind, url, headers (as sent, without the
        client library's own), payload, attempt (1-based), status (HTTP
        status or None), error (text or None), ok, retry_in (seconds to the
        next attempt, or None), dropped (attempts used up), time (wallclock,
        UTC ISO 8601).
        """
        return self._sender.deliveries

    # Internals

    def _camera(self, camera: str) -> str:
        if camera not in self._logs:
            raise ValueError(f"Unknown camera {camera}")
        return camera

    def _pick_camera(self) -> str:
        if not self._logs:
            raise ValueError("No camera is configured")
        return self._rng.choice(list(self._logs))

    def _pick_name(self) -> str:
        people = self.settings.people
        if not people or self._rng.random() < self.settings.unknown_ratio:
            return UNKNOWN
        return self._rng.choice(people)

    def _insert(self, camera: str, moment: datetime, text: str) -> None:
        entries = self._logs[camera]
        insort(entries, _Entry(moment, next(self._seq), text))
        if len(entries) > MAX_LINES:
            del entries[: len(entries) - MAX_LINES]

    def _push_logs(self, camera: str, lines: list[str]) -> None:
        for target in self._targets.values():
            if target.kind == "logs":
                self._sender.enqueue(target, {camera: list(lines)})

    def _push_realtime(self) -> None:
        if not any(target.kind == "realtime" for target in self._targets.values()):
            return
        answer = self.recognition()
        if "stop" in answer:
            return
        for target in self._targets.values():
            if target.kind == "realtime":
                self._sender.enqueue(
                    target, {camera: list(names) for camera, names in answer.items()}
                )

    def _tick(self) -> None:
        if self.settings.active and self._logs:
            self.recognize()

    def _push_headers(self, target: _Target) -> dict[str, str]:
        """What the client sends: its own ``x-api-key``, then the target's extra headers."""
        return {"x-api-key": self.settings.api_key} | target.headers
