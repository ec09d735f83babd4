"""The webhooks Sitewatch keeps on a FindFace server: their filters, and bringing them up to date.

No Home Assistant import. Wire facts (filter keys, ``/hooks/``): ``docs/providers/findface.md``.
Sitewatch keeps one hook per section, each with ``?section=<section>`` on the entry's webhook URL,
so the section of a batch is known from the URL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
import logging
from typing import Any, Final

from yarl import URL

from .client import FindFaceClient
from .exceptions import FindFaceApiError, FindFaceError
from .models import SECTIONS, Hook

_LOGGER = logging.getLogger(__package__)

KINDS: Final[Mapping[str, tuple[str, ...]]] = {
    "faces": ("face_events",),
    "bodies": ("body_events",),
    "cars": ("car_events",),
    "episodes": ("human_episodes", "car_episodes"),
    "counters": ("counters",),
    "areas": ("areas",),
}
"""What a user chooses (a kind of notification) and the webhook sections it stands for."""
EVENT_SECTIONS: Final = ("face_events", "body_events", "car_events")
"""Recognition event sections: every filter Sitewatch offers applies to them."""
EPISODE_MATCHED: Final[Mapping[str, str]] = {
    "human_episodes": "face_matched",
    "car_episodes": "car_matched",
}
"""The episode filter that keeps matched episodes only (human episodes: by their faces)."""
RECREATE_STATUSES: Final = frozenset({404, 405})
"""A PATCH answered so: the hook is gone (404) or cannot be patched (405); create it anew."""


@dataclass(frozen=True, kw_only=True, slots=True)
class HookSettings:
    """What the user chose for Sitewatch's hooks.

    Attributes:
        kinds: keys of ``KINDS`` to receive.
        cameras: camera ids (``camera_in``); empty: every camera.
        camera_groups: camera group ids (``camera_group_in``); empty: every group.
        watch_lists: watch list ids (``matched_lists_in``, events and episodes); empty: all.
        matched_only: events (``matched``) and episodes (``face_matched``/``car_matched``) that
            matched a card only.
        min_confidence: lowest event confidence, 0 to 1 (``confidence_gte``); None: any.
        batch_size: most items in one POST (1 or more).
        send_attempts: tries per batch; 0: resend everything missed after a connection loss.
    """

    kinds: frozenset[str] = field(default_factory=lambda: frozenset(KINDS))
    cameras: tuple[int, ...] = ()
    camera_groups: tuple[int, ...] = ()
    watch_lists: tuple[int, ...] = ()
    matched_only: bool = False
    min_confidence: float | None = None
    batch_size: int = 1
    send_attempts: int = 10

    def sections(self) -> list[str]:
        """The sections to receive, in ``SECTIONS`` order."""
        wanted = {section for kind in self.kinds for section in KINDS.get(kind, ())}
        return [section for section in SECTIONS if section in wanted]

    def section_filter(self, section: str) -> dict[str, Any]:
        """The filter object of one section (``{}``: everything of it).

        Only keys with a value are sent: the server reads an empty list as "nothing".
        Counters and areas take only the camera filters.
        """
        rules: dict[str, Any] = {}
        if self.cameras:
            rules["camera_in"] = sorted(self.cameras)
        if self.camera_groups:
            rules["camera_group_in"] = sorted(self.camera_groups)
        if section not in EVENT_SECTIONS and section not in EPISODE_MATCHED:
            return rules
        if self.watch_lists:
            rules["matched_lists_in"] = sorted(self.watch_lists)
        if self.matched_only:
            rules[EPISODE_MATCHED.get(section, "matched")] = True
        if section in EVENT_SECTIONS and self.min_confidence:
            rules["confidence_gte"] = self.min_confidence
        return rules

    def filters(self) -> dict[str, dict[str, Any]]:
        """Each wanted section's filter object, in ``SECTIONS`` order."""
        return {section: self.section_filter(section) for section in self.sections()}


def legacy_settings(hook_ids: Collection[int]) -> HookSettings:
    """What an entry made before hook filters receives: from how many hooks it created.

    One hook: "matched faces only" (a ``face_events`` hook with ``matched``); otherwise
    everything (one hook per section, or none when the user made the hook by hand).
    """
    if len(hook_ids) == 1:
        return HookSettings(kinds=frozenset({"faces"}), matched_only=True)
    return HookSettings()


def section_url(webhook_url: str, section: str) -> str:
    """The entry's webhook URL with ``?section=<section>``."""
    return str(URL(webhook_url).update_query(section=section))


def hook_name(section: str) -> str:
    """The name Sitewatch gives its hook of ``section``."""
    return f"Home Assistant ({section})"


async def async_sync_hooks(
    client: FindFaceClient,
    webhook_url: str,
    hook_ids: Iterable[int],
    settings: HookSettings | None,
) -> list[int]:
    """Bring Sitewatch's hooks on the server to ``settings``; return the hook ids to keep.

    ``hook_ids`` are the hooks Sitewatch made before (each read with ``GET /hooks/{id}/``; one
    answering 404 is gone). A section still wanted keeps its hook, changed in place with
    ``PATCH /hooks/{id}/`` (id, server-side queue and URL's webhook id stay); a hook that
    answers the PATCH with 404 or 405 is created anew (``POST /hooks/``) before the old one is
    deleted, so there is no gap (items sent by both are dropped as redeliveries). A newly
    wanted section gets a new hook; the hooks of sections no longer wanted are deleted last.
    ``settings`` None deletes every hook.

    Raises:
        FindFaceError: reading, changing or creating a hook failed; what this call created is
            deleted again and what it patched is patched back (best effort), so the server is
            left as it was.
    """
    wanted = settings.filters() if settings is not None else {}
    batch = settings or HookSettings()
    current: dict[str, Hook] = {}
    obsolete: list[int] = []
    for hook_id in hook_ids:
        try:
            hook = await client.hook(hook_id)
        except FindFaceApiError as err:
            if err.status == 404:
                continue
            raise
        if (section := hook.section) is None or section in current:
            obsolete.append(hook.id)
        else:
            current[section] = hook
    kept: list[int] = []
    created: list[int] = []
    patched: list[Hook] = []
    try:
        for section, rules in wanted.items():
            fields: dict[str, Any] = {
                "batch_size": batch.batch_size,
                "send_attempts": batch.send_attempts,
                "filters": {section: rules},
            }
            url = section_url(webhook_url, section)
            if (old := current.pop(section, None)) is not None:
                try:
                    await client.update_hook(old.id, url=url, **fields)
                except FindFaceApiError as err:
                    if err.status not in RECREATE_STATUSES:
                        raise
                    obsolete.append(old.id)
                else:
                    patched.append(old)
                    kept.append(old.id)
                    continue
            hook = await client.create_hook(hook_name(section), url, **fields)
            created.append(hook.id)
            kept.append(hook.id)
    except FindFaceError:
        await _async_undo(client, created, patched)
        raise
    obsolete.extend(hook.id for hook in current.values())
    # One not deleted stays Sitewatch's: deleted on the next change or on removal.
    return kept + await async_delete_hooks(client, obsolete)


async def async_delete_hooks(client: FindFaceClient, hook_ids: Iterable[int]) -> list[int]:
    """Delete hooks (``DELETE /hooks/{id}/``, 404 is fine); return those that could not be.

    A failure is logged (one warning per hook) and the next hook is tried.
    """
    failed: list[int] = []
    for hook_id in hook_ids:
        try:
            await client.delete_hook(hook_id)
        except FindFaceError as err:
            _LOGGER.warning(
                "Could not delete webhook %s from the FindFace server: %s", hook_id, err
            )
            failed.append(hook_id)
    return failed


async def _async_undo(client: FindFaceClient, created: list[int], patched: list[Hook]) -> None:
    """Delete the hooks just created and patch the changed ones back (failures only logged)."""
    await async_delete_hooks(client, created)
    for hook in patched:
        try:
            await client.update_hook(
                hook.id,
                url=hook.url,
                active=hook.active,
                batch_size=hook.batch_size,
                send_attempts=hook.send_attempts,
                filters=hook.filters,
            )
        except FindFaceError as err:
            _LOGGER.warning("Could not restore webhook %s on the FindFace server: %s", hook.id, err)
