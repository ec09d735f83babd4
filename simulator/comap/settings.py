"""Settings of the simulated ComAp cloud and their command-line options."""

from dataclasses import dataclass

from ..plugin import Option, check_speed, not_negative


@dataclass
class ComapSettings:
    """Credentials and behaviour of the simulated ComAp cloud."""

    key: str = "demo"
    client_id: str = "demo"
    secret: str = "demo"
    login_id: str = "demo"
    token_lifetime: int = 3599  # seconds
    rate_limit: float = 10.0  # requests per second per Comap-Key; 0 disables
    speed: float = 1.0  # simulated seconds per real second
    units: int = 2

    def __post_init__(self) -> None:
        """Reject settings the simulator cannot honour."""
        if self.token_lifetime <= 0:
            raise ValueError("token_lifetime must be positive")
        not_negative(rate_limit=self.rate_limit)
        check_speed(self.speed)
        not_negative(units=self.units)


OPTIONS = (
    Option(flag="--comap-key", field="key", help="expected Comap-Key"),
    Option(flag="--comap-client-id", field="client_id"),
    Option(flag="--comap-secret", field="secret"),
    Option(flag="--comap-login-id", field="login_id"),
    Option(flag="--comap-token-lifetime", field="token_lifetime", help="token lifetime in seconds"),
    Option(
        flag="--comap-rate-limit",
        field="rate_limit",
        help="requests per second per Comap-Key; 0 disables",
    ),
    Option(flag="--comap-units", field="units", help="number of gensets"),
)
"""The ComAp command-line options (``--speed`` is shared by every provider)."""
