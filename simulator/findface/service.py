"""The simulated FindFace Multi server: its API operations and test hooks."""

import base64
from collections.abc import Mapping
from dataclasses import asdict
from datetime import timedelta
import secrets
from typing import Any

from ..plugin import not_negative
from .model import (
    _AREAS,
    _CAMERA_GROUPS,
    _COUNTERS,
    _WATCH_LISTS,
    HEALTH_MESSAGES,
    FindFaceApiError,
    _bad_param,
    _Hook,
    _hook_fields,
    _iso,
    _same,
    _unauthorized,
)
from .state import FindFaceState


class FindFaceSimulator(FindFaceState):
    """State of the simulated FindFace Multi server and its webhook sender.

    Methods that serve API data raise FindFaceApiError with the HTTP status
    the API would answer; the routes render it. Test hooks (emit, cameras,
    deliveries) raise ValueError on bad input.
    """

    def remove_camera(self, camera_id: int) -> None:
        """Remove a camera; raise FindFaceApiError (404) if it is unknown."""
        del self._cameras[self._camera(camera_id).id]

    def set_camera_health(self, camera_id: int, status: str, msg: str | None = None) -> None:
        """Set a camera's health status (GREEN, YELLOW, RED or INPROGRESS)."""
        camera = self._camera(camera_id)
        status = status.upper()
        if status not in HEALTH_MESSAGES:
            raise ValueError(f"status must be one of {', '.join(HEALTH_MESSAGES)}")
        camera.health = status
        camera.health_msg = HEALTH_MESSAGES[status] if msg is None else msg
        camera.modified = self._wallclock()

    def set_verbose(self, verbose: bool) -> None:
        """Switch VERBOSE_WEBHOOKS for items emitted from now on."""
        self.settings.verbose = verbose

    def set_emit_interval(self, seconds: float) -> None:
        """Change the automatic emission interval (0 stops it); takes effect at once."""
        not_negative(emit_interval=seconds)
        self.settings.emit_interval = seconds
        self._ticker.poke()

    def fail_next(self, status: int, count: int = 1) -> None:
        """Answer the next count API calls (login included) with status."""
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status between 400 and 599")
        if count < 0:
            raise ValueError("count must not be negative")
        self._failure_status, self._failures_left = status, count

    def expire_tokens(self) -> int:
        """Invalidate every token issued by /auth/login/ and return how many there were."""
        expired = len(self._tokens)
        self._tokens.clear()
        return expired

    def stats(self) -> dict[str, Any]:
        """Return request counters by call, rejected requests included."""
        return {"total": self._calls.total(), "by_call": dict(sorted(self._calls.items()))}

    def reset_stats(self) -> None:
        """Zero the request counters."""
        self._calls.clear()

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """The webhook delivery log, oldest first (at most MAX_DELIVERIES entries).

        Each entry: hook (id), section, batch_size (items in the batch), ids
        (item ids), attempt (1-based), status (HTTP status or None), error
        (text or None), ok, retry_in (seconds to the next attempt, or None),
        dropped (attempts used up), time (wallclock, ISO 8601).
        """
        return self._sender.deliveries

    def hook_states(self) -> list[dict[str, Any]]:
        """Every hook as the API shows it, plus queued items and delivery stats."""
        return [
            hook.to_json() | {"queued": len(hook.queue), "stats": asdict(hook.stats)}
            for hook in self._hooks.values()
        ]

    # Authentication and request gate

    def admit(self, call: str, headers: Mapping[str, str], *, auth: bool = True) -> None:
        """Count a request, apply injected failures and, if auth, check the token."""
        self._calls[call] += 1
        if self._failures_left:
            self._failures_left -= 1
            status = self._failure_status
            raise FindFaceApiError(status, "INJECTED_FAILURE", f"Injected failure {status}")
        if auth:
            self.check_token(headers.get("Authorization", ""))

    def check_token(self, authorization: str) -> str:
        """Return the token of a valid ``Token <token>`` header, else raise 401."""
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "token" or not token:
            raise _unauthorized("Authentication credentials were not provided.")
        fixed = self.settings.api_token
        if fixed and _same(token, fixed):
            return token
        expiry = self._tokens.get(token)
        if expiry is None or expiry <= self._clock():
            raise _unauthorized("Invalid or expired token.")
        return token

    def login(self, authorization: str, client_uuid: Any) -> dict[str, Any]:
        """Issue a token for valid HTTP Basic credentials and a client uuid."""
        scheme, _, encoded = authorization.partition(" ")
        try:
            if scheme.lower() != "basic":
                raise ValueError(scheme)
            login, separator, password = (
                base64.b64decode(encoded, validate=True).decode().partition(":")
            )
            if not separator:
                raise ValueError("no colon")
        except ValueError as err:  # binascii.Error and UnicodeDecodeError are ValueErrors
            raise _unauthorized("HTTP Basic credentials were not provided.") from err
        if not (_same(login, self.settings.username) and _same(password, self.settings.password)):
            raise _unauthorized("Invalid username/password.")
        if not isinstance(client_uuid, str) or not client_uuid.strip():
            raise _bad_param("uuid", "uuid is a required string")
        now = self._clock()
        self._tokens = {token: expiry for token, expiry in self._tokens.items() if expiry > now}
        token = secrets.token_hex(32)
        lifetime = self.settings.token_lifetime
        self._tokens[token] = now + lifetime
        expiration = self._wallclock() + timedelta(seconds=lifetime)
        return {
            "token": token,
            "token_expiration_datetime": _iso(expiration),
            "user": {"id": 1, "name": self.settings.username},
        }

    def logout(self, token: str) -> None:
        """Revoke a login token (the fixed api_token cannot be revoked)."""
        self._tokens.pop(token, None)

    # Catalogue

    def cameras(self) -> list[dict[str, Any]]:
        """Every camera as the API shows it."""
        return [self._camera_json(camera) for camera in self._cameras.values()]

    def camera(self, camera_id: int) -> dict[str, Any]:
        """One camera; raise FindFaceApiError (404) if it is unknown."""
        return self._camera_json(self._camera(camera_id))

    def camera_groups(self) -> list[dict[str, Any]]:
        """Every camera group."""
        return [self._group_json(group_id) for group_id, _ in _CAMERA_GROUPS]

    def watch_lists(self) -> list[dict[str, Any]]:
        """Every watch list."""
        return [self._list_json(list_id) for list_id, _, _ in _WATCH_LISTS]

    def human_cards(self) -> list[dict[str, Any]]:
        """Every human card."""
        return [self._card_json(card) for card in self._human_cards.values()]

    def car_cards(self) -> list[dict[str, Any]]:
        """Every car card (the name is the licence plate)."""
        return [self._card_json(card) for card in self._car_cards.values()]

    def counters(self) -> list[dict[str, Any]]:
        """Every counter with its latest counts."""
        answer = []
        for counter_id, name, cameras, _ in _COUNTERS:
            faces, bodies, cars = self._counter_now[counter_id]
            answer.append(
                {
                    "id": counter_id,
                    "name": name,
                    "active": True,
                    "camera_groups": sorted({self._group_of(camera) for camera in cameras}),
                    "cameras": list(cameras),
                    "now_faces": faces,
                    "now_bodies": bodies,
                    "now_cars": cars,
                    "created_date": _iso(self._created),
                    "modified_date": _iso(self._created),
                }
            )
        return answer

    def areas(self) -> list[dict[str, Any]]:
        """Every area."""
        return [
            {
                "id": area_id,
                "name": name,
                "enabled": True,
                "cameras": list(cameras),
                "camera_groups": sorted({self._group_of(camera) for camera in cameras}),
                "created_date": _iso(self._created),
                "modified_date": _iso(self._created),
            }
            for area_id, name, cameras in _AREAS
        ]

    def history(self, section: str) -> list[dict[str, Any]]:
        """Items emitted of a section, in the default form, latest state per id, oldest first."""
        return list(self._history[section].values())

    # Hooks

    def hooks(self) -> list[dict[str, Any]]:
        """Every hook as the API shows it."""
        return [hook.to_json() for hook in self._hooks.values()]

    def hook(self, hook_id: int) -> dict[str, Any]:
        """One hook; raise FindFaceApiError (404) if it is unknown."""
        return self._hook(hook_id).to_json()

    def create_hook(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create a hook from an API body; raise FindFaceApiError (400) when it is invalid."""
        fields = _hook_fields(body, partial=False)
        now = self._wallclock()
        hook = _Hook(id=self._sender.next_id(), name="", url="", created=now, modified=now)
        for name, value in fields.items():
            setattr(hook, name, value)
        self._sender.add(hook)
        return hook.to_json()

    def update_hook(self, hook_id: int, body: Mapping[str, Any]) -> dict[str, Any]:
        """Change some fields of a hook (PATCH)."""
        hook = self._hook(hook_id)
        for name, value in _hook_fields(body, partial=True).items():
            setattr(hook, name, value)
        hook.modified = self._wallclock()
        hook.notify()
        self._sender.report_progress()
        return hook.to_json()

    def delete_hook(self, hook_id: int) -> None:
        """Delete a hook and drop what it still had queued."""
        self._sender.remove(self._hook(hook_id).id)
