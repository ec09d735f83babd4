"""Settings of the simulated FindFace Multi server and their command-line options."""

from dataclasses import dataclass

from ..plugin import Option, check_speed, interval_option, not_negative


@dataclass
class FindFaceSettings:
    """Credentials and behaviour of the simulated FindFace Multi server."""

    username: str = "demo"
    password: str = "demo"
    api_token: str | None = "demo-token"  # a fixed token that never expires; None/"" disables
    token_lifetime: int = 86400  # seconds, for tokens from /auth/login/
    cameras: int = 3
    verbose: bool = False  # VERBOSE_WEBHOOKS: embed objects instead of ids
    emit_interval: float = 0.0  # seconds between automatic event batches; 0 = off
    seed: int = 1
    retry_base: float = 1.0  # first retry interval in seconds; doubles per attempt
    retry_cap: float = 100.0  # longest retry interval in seconds
    send_timeout: float = 10.0  # seconds per webhook POST
    episode_length: int = 3  # events in an episode before it closes
    external_address: str | None = None  # base of image URLs; learned from requests if None
    speed: float = 1.0  # the automatic emitter runs speed times as often

    def __post_init__(self) -> None:
        """Reject settings the simulator cannot honour."""
        if self.token_lifetime <= 0:
            raise ValueError("token_lifetime must be positive")
        not_negative(cameras=self.cameras)
        not_negative(emit_interval=self.emit_interval)
        if self.retry_base <= 0 or self.retry_cap <= 0:
            raise ValueError("retry_base and retry_cap must be positive")
        if self.send_timeout <= 0:
            raise ValueError("send_timeout must be positive")
        if self.episode_length < 1:
            raise ValueError("episode_length must be at least 1")
        check_speed(self.speed)


OPTIONS = (
    Option(flag="--findface-username", field="username"),
    Option(flag="--findface-password", field="password"),
    Option(
        flag="--findface-token",
        field="api_token",
        help="a fixed API token that never expires; empty disables it",
        empty_is_none=True,
    ),
    Option(
        flag="--findface-verbose",
        field="verbose",
        help="VERBOSE_WEBHOOKS: embed cameras, cards and lists in webhook items",
        switch=True,
    ),
    interval_option(
        "--findface-emit-interval", "emit_interval", "automatic FindFace event batches"
    ),
)
"""The FindFace command-line options."""
