"""The demo's Sitewatch entries: one config flow per provider, run over HTTP."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from .processes import DemoError, DemoProcesses


def _created_entry(result: dict[str, Any], provider: str) -> str:
    """The entry id of a config flow result; DemoError when the flow did not create one."""
    if result.get("type") != "create_entry":
        raise DemoError(f"The {provider} config flow did not create an entry: {result}")
    entry_id: str = result["result"]["entry_id"]
    return entry_id


class DemoStack(DemoProcesses):
    """The simulator and Home Assistant, with the steps that add and set up Sitewatch entries."""

    async def _one_form_entry(
        self, session: aiohttp.ClientSession, handler: str, provider: str, answer: dict[str, Any]
    ) -> str:
        """Run ``handler``'s config flow, its one form answered with ``answer``; the entry id.

        Raises:
            DemoError: the flow did not create an entry (``provider`` names it in the message).
        """
        path = await self._start_flow(session, handler)
        result = await self._call(session, "POST", path, json=answer)
        return _created_entry(result, provider)

    async def add_comap_entry(
        self,
        session: aiohttp.ClientSession,
        *,
        credentials: str = "demo",
        scan_interval: int | None = None,
    ) -> str:
        """Add a ComAp entry against the simulator through the config flow; return its id."""
        entry_id = await self._one_form_entry(
            session,
            "comap",
            "ComAp",
            {
                "comap_key": credentials,
                "client_id": credentials,
                "secret": credentials,
                "login_id": credentials,
                "advanced": {"base_url": self.simulator_url},
            },
        )
        if scan_interval is not None:
            options = await self._call(
                session,
                "POST",
                "/api/config/config_entries/options/flow",
                json={"handler": entry_id},
            )
            await self._call(
                session,
                "POST",
                f"/api/config/config_entries/options/flow/{options['flow_id']}",
                json={"scan_interval": scan_interval},
            )
        return entry_id

    async def add_findface_entry(
        self, session: aiohttp.ClientSession, *, register_hooks: bool = True
    ) -> str:
        """Add a FindFace entry against the simulator (hooks created on it); return its id."""
        path = await self._start_flow(session, "findface")
        form = await self._call(
            session,
            "POST",
            path,
            json={"url": self.simulator_url, "verify_ssl": True, "token": "demo-token"},
        )
        if form.get("step_id") != "findface_webhook":
            raise DemoError(f"Unexpected FindFace flow step: {form}")
        result = await self._call(
            session,
            "POST",
            path,
            json={
                "register_hooks": register_hooks,
                "matched_only": False,
                "batch_size": 10,
                "send_attempts": 0,
            },
        )
        return _created_entry(result, "FindFace")

    async def add_camlytics_entry(self, session: aiohttp.ClientSession) -> str:
        """Add a Camlytics entry with the simulator's demo keys; return its id."""
        return await self._one_form_entry(
            session,
            "camlytics",
            "Camlytics",
            {
                "public_key": "demo-public",
                "secret_key": "demo-secret",
                "base_url": f"{self.simulator_url}/service/api/v1",
            },
        )

    async def add_facespace_entry(self, session: aiohttp.ClientSession) -> str:
        """Add a FaceSpace entry with the simulator's demo key; return its id."""
        return await self._one_form_entry(
            session,
            "facespace",
            "FaceSpace",
            {"api_key": "demo-facespace", "base_url": f"{self.simulator_url}/facespace"},
        )

    async def add_moonsense_entry(self, session: aiohttp.ClientSession) -> str:
        """Add a Moonsense entry with the simulator's demo token; return its id."""
        return await self._one_form_entry(
            session,
            "moonsense",
            "Moonsense",
            {
                "token": "demo-moonsense",
                "root_domain": f"{self.simulator_url}/moonsense",
                "region": "us-central1.gcp",
            },
        )

    async def add_push_providers(self, session: aiohttp.ClientSession) -> dict[str, str]:
        """Add the FindFace, FaceSpace, Camlytics and Moonsense entries, each loaded.

        Also points the simulator's Camlytics and Moonsense webhooks at Home Assistant (in the
        real services these are set up in their portals).

        Returns:
            The entry id of each, by provider (``findface``, ``facespace``...).

        Raises:
            DemoError: a flow did not create its entry or the simulator refused a webhook.
        """
        findface = await self.add_findface_entry(session)
        await self.wait_for_entry(session, findface)
        facespace = await self.add_facespace_entry(session)
        await self.wait_for_entry(session, facespace)
        camlytics = await self.add_camlytics_entry(session)
        await self.wait_for_entry(session, camlytics)
        moonsense = await self.add_moonsense_entry(session)
        await self.wait_for_entry(session, moonsense)
        camlytics_url = await self._webhook_url(camlytics)
        hooks = [
            ("moonsense", {"url": await self._webhook_url(moonsense)}),
            *(
                ("camlytics", {"url": camlytics_url, "kind": kind})
                for kind in ("events", "occupancy", "queue")
            ),
        ]
        for provider, body in hooks:
            async with session.post(
                f"{self.simulator_url}/_sim/{provider}/webhooks", json=body
            ) as response:
                if response.status >= 400:
                    raise DemoError(f"Could not add the {provider} webhook {body}")
        return {
            "findface": findface,
            "facespace": facespace,
            "camlytics": camlytics,
            "moonsense": moonsense,
        }

    async def set_options(
        self, session: aiohttp.ClientSession, entry_id: str, options: dict[str, Any]
    ) -> None:
        """Run an entry's options flow over HTTP with ``options`` as its (only) form's answer.

        Raises:
            DemoError: the flow did not finish with those options.
        """
        flow = await self._call(
            session, "POST", "/api/config/config_entries/options/flow", json={"handler": entry_id}
        )
        result = await self._call(
            session,
            "POST",
            f"/api/config/config_entries/options/flow/{flow['flow_id']}",
            json=options,
        )
        if result.get("type") != "create_entry":
            raise DemoError(f"The options flow did not finish: {result}")

    async def enable_facespace_push(self, session: aiohttp.ClientSession, entry_id: str) -> str:
        """Turn pushes on for a FaceSpace entry (options flow), wait until it is loaded again.

        Returns:
            The shared secret the ``X-Sitewatch-Secret`` header must carry.

        Raises:
            DemoError: the options flow failed, or the entry did not come back loaded.
        """
        await self.set_options(session, entry_id, {"scan_interval": 5, "accept_push": True})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            options = (self.stored_entry(entry_id) or {}).get("options", {})
            if options.get("accept_push") and options.get("push_secret"):
                await asyncio.sleep(1)  # the reload the options started
                await self.wait_for_entry(session, entry_id)
                return str(options["push_secret"])
            await asyncio.sleep(0.25)
        raise DemoError("The FaceSpace push options were not saved within 30 s")

    async def add_facespace_push_target(
        self, session: aiohttp.ClientSession, entry_id: str, secret: str, kind: str = "logs"
    ) -> int:
        """Make the simulated FaceSpace client forward to the entry's webhook (pushes on).

        Args:
            session: a client session for the simulator's admin route.
            entry_id: a FaceSpace entry with pushes on (see ``enable_facespace_push``).
            secret: its shared secret, sent as ``X-Sitewatch-Secret``.
            kind: ``logs`` (each new line) or ``realtime`` (who is in view).

        Returns:
            The simulator's push target id.

        Raises:
            DemoError: the simulator refused the target.
        """
        body = {
            "url": await self._webhook_url(entry_id),
            "kind": kind,
            "headers": {"X-Sitewatch-Secret": secret},
        }
        async with session.post(
            f"{self.simulator_url}/_sim/facespace/push-targets", json=body
        ) as response:
            if response.status >= 400:
                raise DemoError(f"Could not add the FaceSpace push target: {response.status}")
            answer = await response.json()
        return int(answer["id"])

    async def _webhook_url(self, entry_id: str) -> str:
        return f"{self.hass_url}/api/webhook/{await self.wait_for_webhook_id(entry_id)}"
