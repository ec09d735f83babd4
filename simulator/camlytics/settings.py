"""Settings of the simulated Camlytics cloud and their command-line options."""

from dataclasses import dataclass

from ..common import PushDefaults, check_push_settings
from ..plugin import Option, interval_option, not_negative


@dataclass
class CamlyticsSettings(PushDefaults):
    """Credentials and behaviour of the simulated Camlytics cloud."""

    public_key: str = "demo-public"
    secret_key: str = "demo-secret"
    rate_limit: float = 1.0  # requests per second per public key; 0 disables
    locations: int = 2
    channels_per_location: int = 3
    event_interval: float = 0.0  # seconds between generated analytic events; 0 = off

    def __post_init__(self) -> None:
        """Reject settings the simulator cannot honour."""
        if not self.public_key or not self.secret_key:
            raise ValueError("public_key and secret_key must not be empty")
        not_negative(rate_limit=self.rate_limit)
        if self.locations < 0 or self.channels_per_location < 0:
            raise ValueError("locations and channels_per_location must not be negative")
        check_push_settings(self, event_interval=self.event_interval)


OPTIONS = (
    Option(flag="--camlytics-public-key", field="public_key", help="expected X-Key"),
    Option(
        flag="--camlytics-secret-key",
        field="secret_key",
        help="secret key the X-Sign HMAC-SHA512 is checked with",
    ),
    Option(
        flag="--camlytics-rate-limit",
        field="rate_limit",
        help="Camlytics requests per second per public key; 0 disables",
    ),
    interval_option(
        "--camlytics-event-interval", "event_interval", "generated Camlytics analytic events"
    ),
)
"""The Camlytics command-line options."""
