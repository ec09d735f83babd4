"""Settings of the simulated Moonsense Cloud and their command-line options."""

from dataclasses import dataclass

from ..common import PushDefaults, check_push_settings
from ..plugin import Option, interval_option, not_negative
from .model import MAX_PER_PAGE


@dataclass
class MoonsenseSettings(PushDefaults):
    """Token, project, regions and behaviour of the simulated Moonsense Cloud."""

    token: str = "demo-moonsense"
    project_id: str = "proj-demo"
    app_id: str = "app-demo"
    credential_id: str = "cred-demo"
    regions: tuple[str, ...] = ("us-central1.gcp", "europe-west1.gcp")
    sessions: int = 3  # sessions with some history at start
    camel_case: bool = False  # lowerCamelCase keys instead of snake_case
    emit_defaults: bool = True  # False: leave out fields with default values
    numeric_event_types: bool = False  # webhook event_type as its number
    numeric_enums: bool = False  # generated battery states and activity types as numbers
    per_page: int = 50  # default page size
    bundle_interval: float = 0.0  # seconds between generated bundles; 0 = off

    def __post_init__(self) -> None:
        """Normalise sequences to tuples and reject settings the simulator cannot honour."""
        self.regions = tuple(self.regions)
        if not self.token:
            raise ValueError("token must not be empty")
        if not self.project_id or not self.app_id:
            raise ValueError("project_id and app_id must not be empty")
        if not self.regions:
            raise ValueError("at least one region is needed")
        for region in self.regions:
            if not isinstance(region, str) or not region or "/" in region:
                raise ValueError("a region must be a non-empty string without '/'")
        if len(set(self.regions)) != len(self.regions):
            raise ValueError("regions must be unique")
        not_negative(sessions=self.sessions)
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        check_push_settings(self, bundle_interval=self.bundle_interval)


OPTIONS = (
    Option(flag="--moonsense-token", field="token", help="expected Moonsense bearer token"),
    interval_option(
        "--moonsense-interval",
        "bundle_interval",
        "generated Moonsense bundles (sessions come and go)",
    ),
    Option(
        flag="--moonsense-camel-case",
        field="camel_case",
        help="answer Moonsense calls and webhooks with lowerCamelCase keys",
        switch=True,
    ),
)
"""The Moonsense command-line options."""
