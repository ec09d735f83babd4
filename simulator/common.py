"""The base of the simulators that push payloads (Camlytics, FaceSpace, Moonsense).

A ``PushingSimulator`` counts requests, answers armed failures, runs a generator every
``interval / speed`` seconds and sends what it produces to registered targets, each with
the settings' ``send_attempts``. FindFace, whose hooks carry their own attempts and batch
sizes, builds its ``WebhookSender`` itself.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .plugin import Simulated, check_speed, not_negative
from .routing import CountsRequests
from .sender import SenderSettings, SendsWebhooks, Target, Ticker, WebhookSender, check_sending


class PushSettings(SenderSettings, Protocol):
    """The settings a pushing simulator reads besides retry_base and send_timeout."""

    send_attempts: int  # POST attempts before a payload is dropped
    speed: float  # the generator runs speed times as often


@dataclass(kw_only=True)
class PushDefaults:
    """The generator seed and sender settings of a pushing simulator, with their defaults.

    Keyword-only, so a provider's settings dataclass keeps its own fields' positions.
    """

    seed: int = 1
    retry_base: float = 1.0  # first retry interval in seconds; doubles per attempt
    send_attempts: int = 4  # POST attempts before a payload is dropped
    send_timeout: float = 10.0  # seconds per POST
    speed: float = 1.0  # the provider's generator runs speed times as often


def check_push_settings(settings: PushSettings, **not_below_zero: float) -> None:
    """Reject with ValueError sender settings that cannot be honoured, or a speed not above 0.

    The named values in not_below_zero are checked first (see not_negative).
    """
    not_negative(**not_below_zero)
    check_sending(settings.retry_base, settings.send_attempts, settings.send_timeout)
    check_speed(settings.speed)


def check_url(url: object) -> None:
    """Reject with ValueError a target URL that is not an http(s) URL."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError("url must be an http or https URL")


def string_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """A copy of a target's extra headers; ValueError unless they map strings to strings."""
    extra = dict(headers or {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in extra.items()):
        raise ValueError("headers must map strings to strings")
    return extra


class PushingSimulator[SettingsT: PushSettings](
    Simulated[SettingsT], SendsWebhooks, CountsRequests
):
    """A simulator with request counters, armed failures, a generator and a webhook sender."""

    _ticker: Ticker

    def _push[T: Target](
        self,
        interval: Callable[[SettingsT], float],
        tick: Callable[[], object],
        *,
        user_agent: str,
        describe: Callable[[T, list[Any]], dict[str, Any]],
        timestamp: Callable[[], str],
        **options: Any,
    ) -> WebhookSender[T]:
        """Zero the counters, make the generator and the sender; return the sender.

        The generator calls tick every ``interval(settings) / speed`` seconds (0 pauses it);
        the sender counts into the simulator's counters and gives every target
        ``send_attempts`` attempts. options are further WebhookSender keywords.
        """
        self._setup_counters()
        self._ticker = Ticker(lambda: interval(self.settings) / self.settings.speed, tick)
        sender: WebhookSender[T] = WebhookSender(
            lambda: self.settings,
            user_agent=user_agent,
            attempts=lambda target: self.settings.send_attempts,
            describe=describe,
            timestamp=timestamp,
            counters=self._counters,
            ticker=self._ticker,
            **options,
        )
        self._sender = sender
        return sender

    def _add_target(self, target: Target) -> int:
        """Register a target (its id from ``_sender.next_id()``) and return its id."""
        self._sender.add(target)
        return target.id

    def _remove_target(self, target_id: int, what: str) -> None:
        """Unregister a target and drop its queue; ValueError names what is unknown."""
        if self._sender.remove(target_id) is None:
            raise ValueError(f"Unknown {what} {target_id}")
