"""HTTP-level tests for the simulated Camlytics cloud: signed API, feeds and webhooks."""

from collections import Counter
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from functools import partial
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import ClientResponse
import pytest
from yarl import URL

from simulator.__main__ import parse_args
from simulator.camlytics import (
    API_PREFIX,
    CAMLYTICS_SIMULATOR,
    MAX_EMIT,
    MAX_EVENTS,
    PLUGIN,
    CamlyticsSettings,
    CamlyticsSimulator,
    example_payloads,
    sign,
)

from .conftest import SimApi, receiving, serve_api, start_late_and_restart

WALL = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent.parent / "fixtures" / "camlytics"
SEED_SECRET = "ehsd7485746548574"
SEED_URI = (
    "/service/api/v1/events?location_id=32&nonce=154&since=2020-10-13T06%3A12%3A00.000%2B01%3A00"
)
EVENT_KEYS = [
    "record_id",
    "event_type",
    "snapshot_id",
    "trigger_id",
    "origin",
    "suborigin",
    "age_range",
    "gender",
    "id",
    "channel_id",
    "object_id",
    "location_id",
    "event_time",
]


def encode(params: dict[str, Any]) -> str:
    """A query string as encodeURIComponent builds it, in the given order."""
    return "&".join(f"{name}={quote(str(value), safe='')}" for name, value in params.items())


class Api(SimApi[CamlyticsSimulator]):
    """A signing test client of the simulator plus the webhook receiver."""

    provider = "camlytics"
    nonce = 1_700_000_000

    async def raw(
        self,
        uri: str,
        *,
        key: str = "demo-public",
        secret: str = "demo-secret",
        signature: str | None = None,
        advance: float = 1.0,
    ) -> ClientResponse:
        """Send uri exactly as given, signed with secret (or the given signature)."""
        self.clock.advance(advance)
        headers = {"X-Key": key, "X-Sign": sign(secret, uri) if signature is None else signature}
        return await self.client.get(URL(uri, encoded=True), headers=headers)

    async def call(
        self, path: str, *, nonce: int | None = None, advance: float = 1.0, **params: Any
    ) -> ClientResponse:
        """Send a signed GET of API_PREFIX + path with a fresh nonce unless given."""
        if nonce is None:
            self.nonce += 1
            nonce = self.nonce
        uri = f"{API_PREFIX}{path}?" + encode(params | {"nonce": nonce})
        return await self.raw(uri, advance=advance)

    async def result(self, path: str, **params: Any) -> list[dict[str, Any]]:
        response = await self.call(path, **params)
        assert response.status == 200, await response.text()
        body = await response.json()
        assert body["msg"] == "success"
        assert body["code"] == 0
        result: list[dict[str, Any]] = body["result"]
        return result

    def channel(self, location_id: int, name: str) -> str:
        for channel in self.simulator.channels(location_id):
            if channel["name"] == name:
                return str(channel["id"])
        raise AssertionError(name)


def serve(**settings: Any) -> AbstractAsyncContextManager[Api]:
    """Serve a simulator (fast retries, fake clocks) and a webhook receiver on 127.0.0.1."""
    return serve_api(Api, PLUGIN, WALL, {"retry_base": 0.01} | settings)


async def assert_error(response: ClientResponse, status: int, code: int, msg: str) -> None:
    assert response.status == status
    assert await response.json() == {"msg": msg, "result": None, "code": code}


# Signing


def test_sign_matches_the_seed_example() -> None:
    expected = hmac.new(SEED_SECRET.encode(), SEED_URI.encode(), hashlib.sha512).hexdigest()
    assert sign(SEED_SECRET, SEED_URI) == expected
    assert len(expected) == 128
    assert expected == expected.lower()
    assert (
        quote("2020-10-13T06:12:00.000+01:00", safe="") == "2020-10-13T06%3A12%3A00.000%2B01%3A00"
    )


async def test_the_seed_example_request_verifies() -> None:
    async with serve(secret_key=SEED_SECRET) as api:
        emitted = api.simulator.emit_events(2, location_id=32)
        api.simulator.emit_events(1, location_id=33)
        signature = hmac.new(SEED_SECRET.encode(), SEED_URI.encode(), hashlib.sha512).hexdigest()
        response = await api.raw(SEED_URI, signature=signature)
        assert response.status == 200, await response.text()
        assert await response.json() == {"msg": "success", "result": emitted, "code": 0}


async def test_bad_signatures_and_unknown_keys_are_rejected() -> None:
    async with serve(rate_limit=0) as api:
        uri = f"{API_PREFIX}/locations?nonce=5"
        await assert_error(await api.raw(uri, secret="wrong"), 403, 403, "Invalid sign")
        await assert_error(await api.raw(uri, signature=""), 403, 403, "Invalid sign")
        upper = sign("demo-secret", uri).upper()
        await assert_error(await api.raw(uri, signature=upper), 403, 403, "Invalid sign")
        await assert_error(await api.raw(uri, key="someone"), 401, 401, "Invalid key")
        missing = await api.client.get(uri)
        await assert_error(missing, 401, 401, "Invalid key")
        assert (await api.raw(uri)).status == 200
        stats = api.simulator.stats()
        assert (stats["rejected_signatures"], stats["rejected_keys"]) == (3, 2)
        assert stats["by_status"] == {"200": 1, "401": 2, "403": 3}
        assert stats["by_path"] == {f"{API_PREFIX}/locations": 6}


async def test_the_signature_covers_the_uri_exactly_as_received() -> None:
    async with serve(rate_limit=0) as api:
        since = "2026-11-23T10:00:00.000+01:00"
        encoded = f"{API_PREFIX}/events?nonce=10&since={quote(since, safe='')}"
        decoded = f"{API_PREFIX}/events?nonce=10&since={since}"
        # Signed over the decoded form but sent encoded: not the URI as received.
        sent = await api.raw(encoded, signature=sign("demo-secret", decoded))
        await assert_error(sent, 403, 403, "Invalid sign")
        assert (await api.raw(encoded)).status == 200
        # A raw "+" stays a plus sign when the query is decoded.
        api.simulator.emit_events(1, location_id=32)
        plus = f"{API_PREFIX}/events?nonce=11&since=2026-11-23T11:00:00.000+01:00"
        answer = await api.raw(plus)
        assert answer.status == 200
        assert len((await answer.json())["result"]) == 1


# Nonce


async def test_nonce_must_grow_and_rejections_do_not_advance_it() -> None:
    async with serve(rate_limit=0) as api:
        assert (await api.call("/locations", nonce=100)).status == 200
        for stale in (100, 99, 0):
            response = await api.call("/locations", nonce=stale)
            await assert_error(response, 400, 1001, "Invalid nonce")
        for bad in ("", "abc", "-5", "1.5", str(2**63)):
            response = await api.raw(f"{API_PREFIX}/locations?nonce={bad}")
            await assert_error(response, 400, 1001, "Invalid nonce")
        await assert_error(await api.raw(f"{API_PREFIX}/locations"), 400, 1001, "Invalid nonce")
        # A bad signature with a huge nonce does not move the last nonce either.
        uri = f"{API_PREFIX}/locations?nonce=5000"
        await assert_error(await api.raw(uri, secret="wrong"), 403, 403, "Invalid sign")
        assert (await api.call("/locations", nonce=101)).status == 200
        # Beyond int32, up to int64.
        assert (await api.call("/locations", nonce=2**31)).status == 200
        assert (await api.call("/locations", nonce=2**63 - 1)).status == 200
        assert api.simulator.stats()["rejected_nonces"] == 9
        assert api.simulator.state()["nonces"] == {"demo-public": 2**63 - 1}


# Rate limit


async def test_one_request_per_second_answers_429_or_503_with_retry_after() -> None:
    async with serve() as api:
        assert (await api.call("/locations")).status == 200
        statuses = []
        for _ in range(4):
            response = await api.call("/locations", advance=0)
            assert response.headers["Retry-After"] == "1"
            statuses.append(response.status)
            if response.status == 429:
                await assert_error(response, 429, 429, "Too many requests")
            else:
                assert response.content_type == "text/html"
        assert statuses == [429, 429, 503, 429]
        api.clock.advance(0.999)
        assert (await api.call("/locations", advance=0)).status == 429
        api.clock.advance(0.001)
        assert (await api.call("/locations", advance=0)).status == 200
        stats = api.simulator.stats()
        assert (stats["rate_limited_429"], stats["rate_limited_503"]) == (4, 1)


async def test_rate_limit_is_per_key_and_rejected_calls_keep_the_nonce() -> None:
    async with serve(rate_limit=2) as api:
        assert (await api.call("/locations", nonce=10)).status == 200
        assert (await api.call("/locations", nonce=11, advance=0.5)).status == 200
        assert (await api.call("/locations", nonce=500, advance=0)).status == 429
        other = await api.raw(f"{API_PREFIX}/locations?nonce=1", key="other", advance=0)
        assert other.status == 401  # a different key has its own window
        api.clock.advance(0.5)  # the first call left the window
        assert (await api.call("/locations", nonce=12, advance=0)).status == 200
        disabled = await api.client.post("/_sim/camlytics/settings", json={"rate_limit": 0})
        assert (await disabled.json())["rate_limit"] == 0
        for nonce in range(13, 20):
            assert (await api.call("/locations", nonce=nonce, advance=0)).status == 200


# Catalogue


async def test_locations_channels_and_triggers() -> None:
    async with serve(rate_limit=0) as api:
        locations = await api.result("/locations")
        assert [(loc["id"], loc["name"], loc["timezone_offset"]) for loc in locations] == [
            (32, "Main Street store", "+01:00"),
            (33, "Riverside mall", "-04:00"),
        ]
        assert set(locations[0]) == {"name", "id", "version", "timezone_offset", "hash"}
        assert locations[0]["hash"] != locations[1]["hash"]

        channels = await api.result("/channels")
        assert len(channels) == 6
        assert len({channel["id"] for channel in channels}) == 6
        first = channels[0]
        assert set(first) == {"name", "paid", "active", "id", "location_id"}
        assert (first["name"], first["active"], first["location_id"]) == ("Entrance", 1, 32)
        assert len(first["id"].split("_")[1]) == 8
        in_33 = await api.result("/channels", location_id=33)
        assert [channel["name"] for channel in in_33] == ["Entrance", "Lobby", "Checkout"]
        assert {channel["location_id"] for channel in in_33} == {33}
        assert await api.result("/channels", location_id=99) == []

        triggers = await api.result("/triggers")
        assert set(triggers[0]) == {"name", "active", "id", "type", "channel_id", "location_id"}
        for channel in channels:
            mine = {t["name"]: t["type"] for t in triggers if t["channel_id"] == channel["id"]}
            expected = {"Enter": "Line", "Exit": "Line"}
            if channel["name"] == "Checkout":
                expected["Queue zone"] = "Region"
            assert mine == expected
        checkout = api.channel(32, "Checkout")
        only = await api.result("/triggers", location_id=32, channel_id=checkout)
        assert [trigger["name"] for trigger in only] == ["Enter", "Exit", "Queue zone"]
        assert len(await api.result("/triggers", location_id=33)) == 7
        bad = await api.call("/channels", location_id="abc")
        await assert_error(bad, 400, 400, "Invalid location_id")


async def test_more_locations_and_channels_from_settings_and_app_key() -> None:
    async with serve(rate_limit=0, locations=5, channels_per_location=7) as api:
        locations = await api.result("/locations")
        assert [loc["id"] for loc in locations] == [32, 33, 34, 35, 36]
        assert locations[3]["timezone_offset"] == "+05:30"
        assert locations[4]["name"] == "Location 5"
        names = [channel["name"] for channel in await api.result("/channels", location_id=36)]
        assert names[-1] == "Camera 7"
        regions = [
            t for t in await api.result("/triggers", location_id=32) if t["type"] == "Region"
        ]
        assert len(regions) == 2  # the third and the sixth channel
        assert api.client.app is not None
        assert api.client.app[CAMLYTICS_SIMULATOR] is api.simulator


# Events


async def test_events_shape_filters_and_percent_encoded_range() -> None:
    async with serve(rate_limit=0) as api:
        entrance_32, entrance_33 = api.channel(32, "Entrance"), api.channel(33, "Entrance")
        early = api.simulator.emit_events(2, 32, entrance_32, "TripwireCrossed")
        api.wall.advance(minutes=30)
        middle = api.simulator.emit_events(1, 33, entrance_33, "TripwireCrossed")
        api.wall.advance(minutes=30)
        late = api.simulator.emit_events(3, 32)
        everything = await api.result("/events")
        assert everything == early + middle + late
        event = everything[0]
        assert list(event) == EVENT_KEYS
        assert event["event_time"] == "2026-11-23T11:00:00.000+01:00"
        assert middle[0]["event_time"] == "2026-11-23T06:30:00.000-04:00"
        assert isinstance(event["id"], int)
        assert isinstance(event["record_id"], int)
        assert len({e["record_id"] for e in everything}) == 6
        assert event["origin"] in ("Pedestrian", "Vehicle", "Face")
        assert event["suborigin"] in ("Unknown", "Car", "")

        assert await api.result("/events", location_id=32) == early + late
        assert await api.result("/events", channel_id=entrance_33) == middle
        # since inclusive, until exclusive, in any offset, sent percent-encoded.
        since = "2026-11-23T06:30:00.000-04:00"
        until = "2026-11-23T11:00:00.000Z"
        assert await api.result("/events", since=since) == middle + late
        assert await api.result("/events", until=until) == early + middle
        assert await api.result("/events", since=since, until=until) == middle
        assert await api.result("/events", since="2026-11-23T10:30:00") == middle + late
        response = await api.call("/events", since="yesterday")
        await assert_error(response, 400, 400, "Invalid since")


async def test_events_answer_at_most_1000_oldest_first() -> None:
    async with serve(rate_limit=0) as api:
        first = api.simulator.emit_events(MAX_EMIT, 32)
        api.wall.advance(seconds=1)
        rest = api.simulator.emit_events(5, 32)
        page = await api.result("/events")
        assert len(page) == MAX_EVENTS
        assert page == first
        since = rest[0]["event_time"]
        assert await api.result("/events", since=since) == rest
        with pytest.raises(ValueError, match="count"):
            api.simulator.emit_events(MAX_EMIT + 1)


async def test_totals_are_counted_from_the_events() -> None:
    async with serve(rate_limit=0, seed=3) as api:
        api.simulator.emit_events(40)
        api.wall.advance(hours=1)
        api.simulator.emit_events(40)
        api.simulator.emit_events(2, 33, event_type="Storming")  # unusual: no trigger
        for params in ({}, {"location_id": 32}, {"since": "2026-11-23T10:30:00Z"}):
            events = await api.result("/events", **params)
            by_trigger = Counter(e["trigger_id"] for e in events if e["trigger_id"])
            totals = await api.result("/totals/triggers", **params)
            assert {t["trigger_id"]: t["count"] for t in totals} == by_trigger
            assert all(t["count"] > 0 for t in totals)
            triggers = {t["id"]: t for t in await api.result("/triggers")}
            for total in totals:
                trigger = triggers[total["trigger_id"]]
                assert total["trigger_name"] == trigger["name"]
                assert total["channel_id"] == trigger["channel_id"]
                assert total["location_id"] == trigger["location_id"]
            by_type = Counter((e["channel_id"], e["event_type"]) for e in events)
            types = await api.result("/totals/types", **params)
            assert set(types[0]) == {"count", "type", "channel_id"}
            assert {(t["channel_id"], t["type"]): t["count"] for t in types} == by_type
        all_types = {t["type"] for t in await api.result("/totals/types")}
        assert {"TripwireCrossed", "RegionJoin", "Storming"} <= all_types


async def test_histograms_hourly_per_trigger() -> None:
    async with serve(rate_limit=0) as api:
        checkout = api.channel(32, "Checkout")

        def at(minutes: float, event_type: str) -> None:
            api.wall.now = WALL + timedelta(minutes=minutes)
            api.simulator.emit_events(1, 32, checkout, event_type)

        at(10, "RegionJoin")
        at(10.5, "RegionLeave")  # stayed 30 s
        at(20, "RegionJoin")
        at(40, "RegionJoin")
        at(50, "RegionLeave")  # stayed 30 min
        at(65, "RegionLeave")  # stayed 25 min
        api.simulator.emit_events(1, 32, checkout, trigger_name="Enter")
        api.wall.now = WALL + timedelta(minutes=90)
        histograms = await api.result("/histograms", channel_id=checkout)
        assert set(histograms[0]) == {
            "trigger_id",
            "id",
            "channel_id",
            "counting_data",
            "lifetime_data",
            "location_id",
            "histogram_time",
        }
        triggers = {t["id"]: t["name"] for t in await api.result("/triggers", channel_id=checkout)}
        table = {
            (triggers[h["trigger_id"]], h["histogram_time"]): (
                h["counting_data"],
                h["lifetime_data"],
            )
            for h in histograms
        }
        assert table == {
            ("Enter", "2026-11-23T11:00:00+01:00"): ([0], []),
            ("Exit", "2026-11-23T11:00:00+01:00"): ([0], []),
            ("Queue zone", "2026-11-23T11:00:00+01:00"): ([1170.0, 1830.0, 600.0], [1, 0, 0, 1]),
            ("Enter", "2026-11-23T12:00:00+01:00"): ([1], []),
            ("Exit", "2026-11-23T12:00:00+01:00"): ([0], []),
            ("Queue zone", "2026-11-23T12:00:00+01:00"): ([1500.0, 300.0], [0, 0, 0, 1]),
        }
        assert [h["histogram_time"] for h in histograms] == sorted(
            h["histogram_time"] for h in histograms
        )
        assert len({h["id"] for h in histograms}) == 6
        later = await api.result("/histograms", location_id=32, since="2026-11-23T11:15:00Z")
        assert {h["histogram_time"] for h in later} == {"2026-11-23T12:00:00+01:00"}
        assert len(later) == 7  # every trigger of location 32
        in_33 = await api.result("/histograms", location_id=33)
        assert {h["histogram_time"] for h in in_33} == {
            "2026-11-23T06:00:00-04:00",
            "2026-11-23T07:00:00-04:00",
        }


# State and feeds


async def test_occupancy_queue_and_report_feeds() -> None:
    async with serve() as api:
        entrance = api.channel(32, "Entrance")
        for name in ("Enter", "Enter", "Enter", "Exit"):
            api.simulator.emit_events(1, 32, entrance, trigger_name=name)
        assert api.simulator.occupancy(32) == 2
        feeds = await api.admin("GET", "feeds")
        occupancy = [feed for feed in feeds if "location_id" in feed]
        assert [(feed["location_id"], feed["counter"]) for feed in occupancy] == [(32, 2), (33, 0)]
        feed_id = feeds[0]["feed_id"]
        assert len(feed_id) == 32
        assert int(feed_id, 16) >= 0
        assert feeds[0]["path"] == f"/feed/report/{feed_id}"
        for _ in range(3):  # no headers, no signature, no rate limit
            response = await api.client.get(feeds[0]["path"])
            assert response.status == 200
            assert await response.json() == {"report": {"data": {"counter": 2}}}
        missing = await api.client.get("/feed/report/" + "0" * 32)
        await assert_error(missing, 404, 404, "Report not found")

        for _ in range(3):
            api.simulator.emit_events(1, 32, entrance, trigger_name="Exit")
        assert api.simulator.occupancy(32) == 0  # never below 0
        api.simulator.set_occupancy(32, 7)
        api.simulator.set_occupancy(33, 4)
        await api.admin("POST", "occupancy", location_id=32, occupancy=9)
        body = await (await api.client.get(feeds[0]["path"])).json()
        assert body["report"]["data"]["counter"] == 9

        checkout = api.channel(33, "Checkout")
        api.simulator.emit_events(2, 33, checkout, "RegionJoin")
        api.simulator.emit_events(1, 33, checkout, "RegionLeave")
        assert api.simulator.queue(checkout) == 1
        await api.admin("POST", "queue", channel_id=checkout, queue=5)
        state = await api.admin("GET", "state")
        assert state["queues"][checkout] == 5
        # Each channel's queue has its feed too.
        (queue_feed,) = [
            f for f in await api.admin("GET", "feeds") if f.get("channel_id") == checkout
        ]
        assert queue_feed["counter"] == 5
        body = await (await api.client.get(queue_feed["path"])).json()
        assert body == {"report": {"data": {"counter": 5}}}
        assert state["occupancy"] == {"32": 9, "33": 4}

        # Local midnight at +01:00 empties location 32; it is still evening at -04:00.
        api.wall.advance(hours=13)
        assert api.simulator.occupancy(32) == 0
        assert api.simulator.occupancy(33) == 4
        api.simulator.emit_events(1, 32, entrance, trigger_name="Enter")
        assert api.simulator.occupancy(32) == 1

        bad = await api.client.post(
            "/_sim/camlytics/occupancy", json={"location_id": 99, "occupancy": 1}
        )
        assert bad.status == 400
        bad = await api.client.post("/_sim/camlytics/queue", json={"channel_id": checkout})
        assert bad.status == 400
        with pytest.raises(ValueError, match="occupancy"):
            api.simulator.set_occupancy(32, -1)


# Webhooks


async def test_event_webhook_posts_an_array_with_null_id_and_utc_time() -> None:
    async with serve() as api:
        hook = await api.admin(
            "POST",
            "webhooks",
            url=api.receiver.url("/events") + "?token=a%2Fb",
            kind="events",
            location_id=32,
            headers={"X-Secret": "s3"},
        )
        assert hook == {"id": 1}
        api.wall.advance(seconds=1.5)
        emitted = await api.admin("POST", "emit", count=2, location_id=32)
        api.simulator.emit_events(1, 33)  # another location: not sent
        await api.drain()
        assert len(api.receiver.calls) == 1
        call = api.receiver.calls[0]
        assert call.path_qs == "/events?token=a%2Fb"
        assert call.headers["X-Secret"] == "s3"
        assert call.headers["Content-Type"].startswith("application/json")
        expected = [
            event | {"id": None, "event_time": "2026-11-23 10:00:01.500"}
            for event in emitted["events"]
        ]
        assert call.body == expected
        assert list(call.body[0]) == EVENT_KEYS
        deliveries = await api.admin("GET", "deliveries")
        assert deliveries == api.simulator.deliveries
        entry = deliveries[0]
        assert (entry["webhook"], entry["kind"], entry["attempt"], entry["status"]) == (
            1,
            "events",
            1,
            200,
        )
        assert (entry["ok"], entry["dropped"], entry["payload"]) == (True, False, expected)
        listed = await api.admin("GET", "webhooks")
        assert listed[0]["sent"] == 1
        assert listed[0]["location_id"] == 32

        removed = await api.client.delete("/_sim/camlytics/webhooks/1")
        assert (await removed.json()) == {"id": 1}
        assert (await api.client.delete("/_sim/camlytics/webhooks/1")).status == 404
        api.simulator.emit_events(1, 32)
        await api.drain()
        assert len(api.receiver.calls) == 1
        assert await api.admin("DELETE", "deliveries") == []
        assert api.simulator.deliveries == []


async def test_occupancy_and_queue_webhooks() -> None:
    async with serve() as api:
        entrance, checkout = api.channel(32, "Entrance"), api.channel(32, "Checkout")
        api.simulator.add_webhook(api.receiver.url("/occupancy"), "occupancy")
        api.simulator.add_webhook(api.receiver.url("/queue"), "queue", 32, checkout)
        api.simulator.add_webhook(api.receiver.url("/other"), "queue", 33)
        api.simulator.emit_events(1, 32, entrance, trigger_name="Enter")
        api.simulator.emit_events(1, 32, entrance, trigger_name="Enter")
        api.simulator.emit_events(1, 32, entrance, trigger_name="Exit")
        api.simulator.set_occupancy(33, 12)
        api.simulator.emit_events(1, 32, checkout, "RegionJoin")
        api.simulator.emit_events(1, 32, checkout, "Loitering")  # the queue does not move
        api.simulator.set_queue(checkout, 4)
        await api.drain()
        time = "2026-11-23T10:00:00.000Z"
        assert api.receiver.bodies("/occupancy") == [
            {
                "metric": "occupancy",
                "location_id": location,
                "channel_id": None,
                "occupancy": count,
                "time": time,
            }
            for location, count in ((32, 1), (32, 2), (32, 1), (33, 12))
        ]
        assert api.receiver.bodies("/queue") == [
            {
                "metric": "queue",
                "location_id": 32,
                "channel_id": checkout,
                "queue": length,
                "time": time,
            }
            for length in (1, 4)
        ]
        assert api.receiver.bodies("/other") == []


async def test_webhook_retries_with_growing_delay_then_drops() -> None:
    async with serve(send_attempts=3) as api:
        api.receiver.statuses.extend([500, 503])
        api.simulator.add_webhook(api.receiver.url("/events"), "events")
        first = api.simulator.emit_events(1)
        await api.drain()
        calls = api.retried_twice()
        assert calls[0].body == calls[2].body
        assert calls[0].body[0]["record_id"] == first[0]["record_id"]

        emit = partial(api.simulator.emit_events, 1)
        await api.drop_first_of_two(emit, emit)
        webhooks = api.simulator.stats()["webhooks"]
        assert webhooks == {"sent": 2, "failed_attempts": 5, "dropped": 1}


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "events"},
        {"url": "ftp://127.0.0.1/", "kind": "events"},
        {"url": "http://127.0.0.1/", "kind": "people"},
        {"url": "http://127.0.0.1/", "kind": "events", "location_id": 99},
        {"url": "http://127.0.0.1/", "kind": "events", "location_id": "32"},
        {"url": "http://127.0.0.1/", "kind": "queue", "channel_id": "nope"},
        {"url": "http://127.0.0.1/", "kind": "occupancy", "channel_id": "x"},
        {"url": "http://127.0.0.1/", "kind": "events", "headers": {"X": 1}},
        {"url": "http://127.0.0.1/", "kind": "events", "headers": "X"},
    ],
)
async def test_webhook_registration_is_validated(body: dict[str, Any]) -> None:
    async with serve() as api:
        response = await api.client.post("/_sim/camlytics/webhooks", json=body)
        assert response.status == 400
        answer = await response.json()
        assert answer["result"] is None
        assert answer["msg"]


@pytest.mark.parametrize(
    "body",
    [
        {"count": "2"},
        {"count": MAX_EMIT + 1},
        {"location_id": 99},
        {"channel_id": "nope"},
        {"event_type": ""},
        {"trigger_name": "Middle"},
        {"origin": "Robot"},
        {"event_type": "RegionJoin", "trigger_name": "Enter"},
        {"event_type": "FaceRecognized", "trigger_name": "Exit"},
        {"location_id": 33, "channel_id": "x"},
    ],
)
async def test_emit_rejects_bad_requests(body: dict[str, Any]) -> None:
    async with serve() as api:
        response = await api.client.post("/_sim/camlytics/emit", json=body)
        assert response.status == 400


async def test_region_events_need_a_queue_zone() -> None:
    async with serve(channels_per_location=2) as api:
        with pytest.raises(ValueError, match="No channel"):
            api.simulator.emit_events(1, event_type="RegionJoin")
        with pytest.raises(ValueError, match="Queue zone"):
            api.simulator.emit_events(
                1, channel_id=api.channel(32, "Lobby"), event_type="Loitering"
            )
        entrance_33 = api.channel(33, "Entrance")
        with pytest.raises(ValueError, match="not in location"):
            api.simulator.emit_events(1, 32, entrance_33)
        events = api.simulator.emit_events(20)
        assert {e["event_type"] for e in events} <= {"TripwireCrossed", "FaceRecognized"}


async def test_event_interval_generates_events_until_stopped() -> None:
    async with serve(event_interval=0.02) as api:
        api.simulator.add_webhook(api.receiver.url("/events"), "events")
        await api.receiver.wait_for(3)
        assert all(len(call.body) == 1 for call in api.receiver.calls)
        await api.stop_generator("event_interval", lambda: len(api.receiver.calls), 0.06)
        assert api.simulator.state()["events"] >= 3


async def test_sender_starts_late_and_keeps_the_queue_across_restarts() -> None:
    simulator = CamlyticsSimulator(CamlyticsSettings(retry_base=0.01), wallclock=lambda: WALL)
    async with receiving() as receiver:
        simulator.add_webhook(receiver.url(), "events")
        events = simulator.emit_events(2)
        await start_late_and_restart(simulator)
        assert [item["record_id"] for item in receiver.calls[0].body] == [
            event["record_id"] for event in events
        ]


# Failures and statistics


async def test_fail_injection_and_stats() -> None:
    async with serve(rate_limit=0) as api:
        armed = await api.admin("POST", "fail", status=503, count=2)
        assert armed == {"status": 503, "count": 2}
        failed = await api.call("/locations")
        assert failed.headers["Retry-After"] == "1"
        await assert_error(failed, 503, 503, "Injected failure 503")
        feed = api.simulator.feeds()[0]["path"]
        await assert_error(await api.client.get(feed), 503, 503, "Injected failure 503")
        assert (await api.call("/locations")).status == 200
        bad = await api.client.post("/_sim/camlytics/fail", json={"status": 200})
        assert bad.status == 400
        stats = (await (await api.client.get("/_sim/stats")).json())["camlytics"]
        assert stats["total"] == 3
        assert stats["by_path"] == {f"{API_PREFIX}/locations": 2, feed: 1}
        assert stats["by_status"] == {"200": 1, "503": 2}
        assert stats["injected_failures"] == 2
        reset = await (await api.client.post("/_sim/stats/reset")).json()
        assert reset["camlytics"]["total"] == 0
        assert reset["camlytics"]["by_path"] == {}
        assert reset["findface"]["total"] == 0


# Fixtures, settings and command line


def test_fixtures_match_the_simulator() -> None:
    for name, expected in example_payloads().items():
        path = FIXTURES / name
        assert json.loads(path.read_text(encoding="utf-8")) == expected, name
    api_events = json.loads((FIXTURES / "events_api.json").read_text(encoding="utf-8"))
    hook_events = json.loads((FIXTURES / "events_webhook.json").read_text(encoding="utf-8"))
    assert isinstance(hook_events, list)
    assert all(event["id"] is None for event in hook_events)
    assert [e["record_id"] for e in hook_events] == [e["record_id"] for e in api_events["result"]]
    assert {e["origin"] for e in hook_events} == {"Pedestrian", "Vehicle", "Face"}
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert "ASSUMED" in readme


def test_settings_are_validated() -> None:
    for bad in (
        {"rate_limit": -1},
        {"locations": -1},
        {"event_interval": -1},
        {"retry_base": 0},
        {"send_attempts": 0},
        {"secret_key": ""},
    ):
        with pytest.raises(ValueError):
            CamlyticsSettings(**bad)
    simulator = CamlyticsSimulator()
    with pytest.raises(ValueError):
        simulator.set_event_interval(-1)
    with pytest.raises(ValueError):
        simulator.set_rate_limit(-1)
    with pytest.raises(ValueError):
        simulator.fail_next(302)
    with pytest.raises(ValueError):
        simulator.remove_webhook(1)


def test_cli_arguments_build_camlytics_settings() -> None:
    args = parse_args(
        [
            *("--camlytics-public-key", "pub", "--camlytics-secret-key", "sec"),
            *("--camlytics-rate-limit", "0", "--camlytics-event-interval", "2.5"),
        ]
    )
    assert args.camlytics == CamlyticsSettings(
        public_key="pub", secret_key="sec", rate_limit=0, event_interval=2.5
    )
    assert parse_args([]).camlytics == CamlyticsSettings()
    with pytest.raises(SystemExit):
        parse_args(["--camlytics-rate-limit", "-1"])
