"""The shared webhook pipeline: status codes, size limit, shared secret, duplicates."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from http import HTTPStatus
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from hypothesis import given, strategies as st
from multidict import MultiMapping
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.webhook import (
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    SEEN_KEYS_SAVE_DELAY,
    Parsed,
    PushNotDelivered,
    PushReceiver,
    PushRejected,
    PushWebhook,
    SeenKeys,
    async_register_pending_webhooks,
    async_remove_push,
    json_depth_exceeds,
    redacted_webhook_urls,
    secret_matches,
    sender_url,
    webhook_urls,
)

WEBHOOK_ID = "test-webhook-id"
URL = f"/api/webhook/{WEBHOOK_ID}"


class Receiver(PushReceiver[dict[str, str]]):
    """Items are objects with an ``id``; delivery can be made to fail."""

    shared_secret_header = "X-Secret"

    def __init__(self) -> None:
        self.delivered: list[dict[str, str]] = []
        self.fail_with: Exception | None = None
        self.secret: str | None = None
        self.queries: list[dict[str, str]] = []
        self.gate: asyncio.Event | None = None

    def shared_secret(self) -> str | None:
        return self.secret

    def parse(self, payload: object, query: MultiMapping[str]) -> Parsed[dict[str, str]]:
        self.queries.append(dict(query))
        if not isinstance(payload, list) or not all(isinstance(item, dict) for item in payload):
            raise PushRejected("expected a list of objects")
        return Parsed(
            [item for item in payload if "id" in item],
            ["no id" for item in payload if "id" not in item],
        )

    def key(self, item: dict[str, str]) -> str:
        return str(item["id"])

    async def async_deliver(self, items: list[dict[str, str]]) -> list[str]:
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_with is not None:
            raise self.fail_with
        self.delivered.extend(items)
        return []


@pytest.fixture
def entry(hass: HomeAssistant) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, title="Test", data={"webhook_id": WEBHOOK_ID})
    entry.add_to_hass(hass)
    return entry


async def start(
    hass: HomeAssistant, entry: MockConfigEntry, receiver: Receiver
) -> PushWebhook[Any]:
    push = PushWebhook(hass, entry, webhook_id=WEBHOOK_ID, receiver=receiver)
    await push.async_start()
    receiver.stats = push.stats  # type: ignore[attr-defined]
    receiver.push = push  # type: ignore[attr-defined]
    return push


@pytest.fixture
async def receiver(hass: HomeAssistant, entry: MockConfigEntry) -> Receiver:
    assert await async_setup_component(hass, "webhook", {})
    receiver = Receiver()
    await start(hass, entry, receiver)
    return receiver


async def test_delivers_and_drops_duplicates(
    hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    client = await hass_client()
    response = await client.post(f"{URL}?section=faces", json=[{"id": "1"}, {"id": "2"}])
    assert response.status == HTTPStatus.OK
    assert receiver.queries[-1] == {"section": "faces"}
    # The sender retries the same batch: nothing is delivered twice, and it still gets 200.
    response = await client.post(URL, json=[{"id": "2"}, {"id": "3"}, {"id": "3"}])
    assert response.status == HTTPStatus.OK
    assert [item["id"] for item in receiver.delivered] == ["1", "2", "3"]
    assert receiver.stats.duplicates_dropped == 2  # type: ignore[attr-defined]


async def test_failed_handover_answers_503_and_loses_nothing(
    hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    client = await hass_client()
    receiver.fail_with = PushNotDelivered("entities not ready")
    response = await client.post(URL, json=[{"id": "1"}])
    assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
    receiver.fail_with = RuntimeError("bug")
    response = await client.post(URL, json=[{"id": "1"}])
    assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
    receiver.fail_with = None
    response = await client.post(URL, json=[{"id": "1"}])
    assert response.status == HTTPStatus.OK
    assert receiver.delivered == [{"id": "1"}]


async def test_bad_bodies_answer_400(
    hass_client: ClientSessionGenerator, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    client = await hass_client()
    response = await client.post(URL, data=b"{not json")
    assert response.status == HTTPStatus.BAD_REQUEST
    response = await client.post(URL, json={"no": "list"})
    assert response.status == HTTPStatus.BAD_REQUEST
    assert (await response.json())["message"] == "expected a list of objects"
    response = await client.post(URL, json={"no": "list"})
    assert response.status == HTTPStatus.BAD_REQUEST
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and "rejected" in r.message]
    assert len(warnings) == 2  # once per reason
    assert "no" not in warnings[1].message.split(":")[-1]
    assert receiver.delivered == []


async def test_an_item_that_fails_is_dropped_and_counted_the_rest_delivered(
    hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    client = await hass_client()
    response = await client.post(URL, json=[{"id": "1"}, {"no": "id"}, {"id": "2"}])
    assert response.status == HTTPStatus.OK
    assert [item["id"] for item in receiver.delivered] == ["1", "2"]
    assert receiver.stats.as_dict()["items_dropped"] == {"no id": 1}  # type: ignore[attr-defined]


async def test_a_concurrent_copy_is_delivered_once(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    """The copy arrives while the first is still awaiting delivery: one delivery, two 200s."""
    client = await hass_client()
    receiver.gate = asyncio.Event()
    first = hass.async_create_task(client.post(URL, json=[{"id": "1"}, {"id": "2"}]))
    copy = hass.async_create_task(client.post(URL, json=[{"id": "2"}, {"id": "1"}]))
    await asyncio.sleep(0.05)
    assert not first.done()
    assert not copy.done()
    receiver.gate.set()
    assert (await first).status == HTTPStatus.OK
    assert (await copy).status == HTTPStatus.OK
    assert [item["id"] for item in receiver.delivered] == ["1", "2"]
    assert receiver.stats.duplicates_dropped == 2  # type: ignore[attr-defined]


async def test_a_concurrent_copy_of_a_failed_delivery_is_retried(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    """When the first copy fails, the copy that waited for it answers 503 (its sender retries)."""
    client = await hass_client()
    receiver.gate = asyncio.Event()
    receiver.fail_with = PushNotDelivered("entities not ready")
    first = hass.async_create_task(client.post(URL, json=[{"id": "1"}]))
    copy = hass.async_create_task(client.post(URL, json=[{"id": "1"}]))
    await asyncio.sleep(0.05)
    receiver.gate.set()
    assert (await first).status == HTTPStatus.SERVICE_UNAVAILABLE
    assert (await copy).status == HTTPStatus.SERVICE_UNAVAILABLE
    receiver.fail_with = None
    assert (await client.post(URL, json=[{"id": "1"}])).status == HTTPStatus.OK
    assert receiver.delivered == [{"id": "1"}]


async def test_a_late_copy_is_a_duplicate_within_the_window(
    hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    """A copy after 20,000 newer items is still a duplicate (the window is time, not count)."""
    client = await hass_client()
    assert (await client.post(URL, json=[{"id": "first"}])).status == HTTPStatus.OK
    for start_at in range(0, 20_000, 5_000):
        batch = [{"id": str(n)} for n in range(start_at, start_at + 5_000)]
        assert (await client.post(URL, json=batch)).status == HTTPStatus.OK
    assert (await client.post(URL, json=[{"id": "first"}])).status == HTTPStatus.OK
    assert len(receiver.delivered) == 20_001


async def test_keys_are_forgotten_beyond_the_window_or_the_bound(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    seen = SeenKeys(hass, "test.seen_keys", window=timedelta(seconds=60), max_keys=3)
    for key in "abcd":
        seen.reserve(key)
        seen.settle([key], delivered=True)
    assert not seen.is_delivered("a")  # over max_keys: the oldest is forgotten
    assert len(seen) == 3
    seen.reserve("e")
    seen.settle(["e"], delivered=False)
    assert not seen.is_delivered("e")  # released, not remembered
    assert seen.pending("e") is None
    freezer.tick(timedelta(seconds=61))
    seen.reserve("f")
    seen.settle(["f"], delivered=True)
    assert [key for key in "bcdf" if seen.is_delivered(key)] == ["f"]


async def test_a_copy_after_a_restart_is_a_duplicate(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entry: MockConfigEntry,
    receiver: Receiver,
) -> None:
    client = await hass_client()
    assert (await client.post(URL, json=[{"id": "1"}])).status == HTTPStatus.OK
    await receiver.push.async_stop(unregister=True)  # type: ignore[attr-defined]
    restarted = Receiver()
    await start(hass, entry, restarted)
    assert (await client.post(URL, json=[{"id": "1"}, {"id": "2"}])).status == HTTPStatus.OK
    assert restarted.delivered == [{"id": "2"}]


async def test_keys_are_saved_shortly_after_a_delivery(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    entry: MockConfigEntry,
    receiver: Receiver,
) -> None:
    """Also without an unload (a crash shortly after loses at most the save delay)."""
    client = await hass_client()
    assert (await client.post(URL, json=[{"id": "1"}])).status == HTTPStatus.OK
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SEEN_KEYS_SAVE_DELAY + 1))
    await hass.async_block_till_done()
    saved = hass_storage[f"{DOMAIN}.{entry.entry_id}.seen_keys"]["data"]["keys"]
    assert list(saved) == ["1"]


async def test_answers_503_while_the_entry_is_not_set_up(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> None:
    """Registered when the integration loads; 503 until the entry's webhook starts."""
    assert await async_setup_component(hass, "webhook", {})
    async_register_pending_webhooks(hass)
    client = await hass_client()
    response = await client.post(URL, json=[{"id": "1"}])
    assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
    receiver = Receiver()
    push = await start(hass, entry, receiver)
    assert (await client.post(URL, json=[{"id": "1"}])).status == HTTPStatus.OK
    await push.async_stop(unregister=False)  # reloading
    assert (await client.post(URL, json=[{"id": "2"}])).status == HTTPStatus.SERVICE_UNAVAILABLE
    assert receiver.delivered == [{"id": "1"}]


async def test_oversized_body_answers_413(
    hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    client = await hass_client()
    response = await client.post(URL, data=b"[" + b" " * MAX_BODY_BYTES + b"]")
    assert response.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE

    async def chunks():  # no Content-Length: the limit holds while reading
        for _ in range(5):
            yield b" " * (MAX_BODY_BYTES // 4)

    response = await client.post(URL, data=chunks())
    assert response.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert receiver.delivered == []


async def test_shared_secret(hass_client: ClientSessionGenerator, receiver: Receiver) -> None:
    client = await hass_client()
    receiver.secret = "s3cret"
    response = await client.post(URL, json=[{"id": "1"}], headers={"X-Secret": "wrong"})
    assert response.status == HTTPStatus.UNAUTHORIZED
    response = await client.post(URL, json=[{"id": "1"}])
    assert response.status == HTTPStatus.UNAUTHORIZED
    response = await client.post(URL, json=[{"id": "1"}], headers={"X-Secret": "s3cret"})
    assert response.status == HTTPStatus.OK


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_body_that_cannot_be_decoded_answers_400(
    hass_client: ClientSessionGenerator,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
    encoding: str,
) -> None:
    client = await hass_client()
    response = await client.post(
        URL, data=b"[1, 2, 3] not gzip" * 1000, headers={"Content-Encoding": encoding}
    )
    assert response.status == HTTPStatus.BAD_REQUEST
    # Answered once, and nothing logged as an error (aiohttp does not trip over it again).
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert (await response.json())["message"].startswith("body cannot be decoded")
    assert response.headers["Connection"] == "close"
    # The client opens a new connection for the next request, which is served.
    response = await client.post(URL, json=[{"id": "1"}])
    assert response.status == HTTPStatus.OK
    assert receiver.delivered == [{"id": "1"}]


async def test_deep_nesting_answers_400_before_the_parser_runs(
    hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    client = await hass_client()
    parsed = len(receiver.queries)
    deep = b"[" * 1000 + b"]" * 1000
    response = await client.post(URL, data=deep)
    assert response.status == HTTPStatus.BAD_REQUEST
    assert (await response.json())["message"] == f"body nests deeper than {MAX_JSON_DEPTH} levels"
    assert len(receiver.queries) == parsed  # never reached the provider's parser


async def test_non_ascii_secret_answers_401(
    hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    client = await hass_client()
    receiver.secret = "s3cret"
    response = await client.post(URL, json=[{"id": "1"}], headers={"X-Secret": "sécret✓"})
    assert response.status == HTTPStatus.UNAUTHORIZED
    assert receiver.delivered == []


async def test_unexpected_parser_error_answers_503_never_an_empty_200(
    hass_client: ClientSessionGenerator, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    """The catch-all: a bug in a provider's parser is a logged 503, so the sender retries."""
    client = await hass_client()
    response = await client.post(URL, json=[{"id": {"nested": True}}, {"id": "2"}])
    assert response.status == HTTPStatus.OK  # the key function copes with any id
    receiver.parse = lambda payload, query: 1 / 0  # type: ignore[method-assign]
    response = await client.post(URL, json=[{"id": "3"}])
    assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert (await response.json())["message"] == "Service Unavailable"
    assert "unexpected error taking a webhook body" in caplog.text


def test_secret_matches() -> None:
    assert secret_matches("s3cret", "s3cret")
    assert not secret_matches("s3cre", "s3cret")
    assert not secret_matches(None, "s3cret")
    assert not secret_matches("sécret", "s3cret")
    assert secret_matches("sécret", "sécret")
    assert not secret_matches("\udcff", "s3cret")  # an undecodable header byte


def test_json_depth() -> None:
    assert not json_depth_exceeds(1)
    assert not json_depth_exceeds({"a": [1, {"b": []}]}, limit=4)
    assert json_depth_exceeds({"a": [1, {"b": []}]}, limit=3)
    nested: object = []
    for _ in range(5000):  # far deeper than Python's recursion limit
        nested = [nested]
    assert json_depth_exceeds(nested)


async def test_unregister_when_disabled(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    await receiver.push.async_stop(unregister=True)  # type: ignore[attr-defined]
    client = await hass_client()
    response = await client.post(URL, json=[{"id": "1"}])
    assert response.status == HTTPStatus.OK  # Home Assistant's answer to unknown ids
    assert receiver.delivered == []


async def test_webhook_urls(hass: HomeAssistant) -> None:
    assert webhook_urls(hass, "abc") == {}
    hass.config.internal_url = "http://192.168.1.2:8123"
    assert webhook_urls(hass, "abc") == {"local": "http://192.168.1.2:8123/api/webhook/abc"}
    hass.config.external_url = "https://home.example.org"
    assert webhook_urls(hass, "abc", "https://hooks.nabu.casa/x") == {
        "external": "https://home.example.org/api/webhook/abc",
        "local": "http://192.168.1.2:8123/api/webhook/abc",
        "cloud": "https://hooks.nabu.casa/x",
    }


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8), children, max_size=4
    )


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)  # what orjson can write
    | st.floats()
    | st.text(max_size=20),
    _containers,
    max_leaves=40,
)


@given(
    body=st.one_of(
        st.binary(max_size=200),
        JSON_VALUES.map(lambda value: orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)),
        st.integers(min_value=30, max_value=2000).map(lambda depth: b"[" * depth + b"]" * depth),
    ),
    encoding=st.sampled_from([None, "gzip", "deflate", "br", "identity", "x-unknown"]),
    secret=st.one_of(
        st.none(), st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=10)
    ),
)
async def test_any_body_gets_an_answer_never_an_exception(
    hass_client: ClientSessionGenerator,
    receiver: Receiver,
    body: bytes,
    encoding: str | None,
    secret: str | None,
) -> None:
    """Whatever arrives, the answer is 200, 400 or 401 (never 503 nor an empty 200)."""
    receiver.secret = "s3cret"
    client = await hass_client()
    headers = {"Content-Encoding": encoding} if encoding else {}
    if secret is not None:
        headers["X-Secret"] = secret.encode("utf-8", "surrogatepass").decode("latin-1")
    response = await client.post(URL, data=body, headers=headers)
    assert response.status in {HTTPStatus.OK, HTTPStatus.BAD_REQUEST, HTTPStatus.UNAUTHORIZED}
    # Ours are JSON with a reason; aiohttp itself refuses an encoding it has no decoder for.
    assert (
        (await response.json())["message"]
        if response.content_type == "application/json"
        else (response.status == HTTPStatus.BAD_REQUEST)
    )


async def test_a_cloud_sender_without_a_reachable_url_raises_a_repair_issue(
    hass: HomeAssistant, entry: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    assert await async_setup_component(hass, "webhook", {})
    hass.config.internal_url = "http://192.168.1.2:8123"
    push = await start(hass, entry, Receiver())
    issue_id = f"webhook_unreachable_{entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    assert sender_url(hass, entry) is None
    await push.async_stop(unregister=False)
    hass.config.external_url = "https://home.example.org"
    await start(hass, entry, Receiver())
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert sender_url(hass, entry) == f"https://home.example.org/api/webhook/{WEBHOOK_ID}"


async def test_a_cloud_sender_gets_a_cloudhook_when_cloud_is_signed_in(
    hass: HomeAssistant, entry: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    assert await async_setup_component(hass, "webhook", {})
    cloudhook = "https://hooks.nabu.casa/secret-part"
    with patch(
        "custom_components.sitewatch.webhook.async_create_cloudhook", return_value=cloudhook
    ) as create:
        await start(hass, entry, Receiver())
    create.assert_awaited_once_with(hass, WEBHOOK_ID)
    assert entry.data["cloudhook_url"] == cloudhook
    assert sender_url(hass, entry) == cloudhook
    assert not issue_registry.issues
    assert redacted_webhook_urls(hass, WEBHOOK_ID, cloudhook)["cloud"] == "**REDACTED**"
    with patch("custom_components.sitewatch.webhook.async_delete_cloudhook") as delete:
        await async_remove_push(hass, entry)
    delete.assert_awaited_once_with(hass, WEBHOOK_ID)


async def test_a_local_sender_is_given_the_local_url(
    hass: HomeAssistant, entry: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    assert await async_setup_component(hass, "webhook", {})
    hass.config.internal_url = "http://192.168.1.2:8123"
    push = PushWebhook(
        hass, entry, webhook_id=WEBHOOK_ID, receiver=Receiver(), sender_in_cloud=False
    )
    await push.async_start()
    assert not issue_registry.issues
    assert sender_url(hass, entry, sender_in_cloud=False) == f"http://192.168.1.2:8123{URL}"


async def test_saved_keys_are_read_oldest_first_and_junk_is_ignored(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    now = dt_util.utcnow().timestamp()
    hass_storage["test.seen_keys"] = {
        "version": 1,
        "data": {"keys": {"new": now, "old": now - 10, "expired": now - 100, "junk": "x"}},
    }
    seen = SeenKeys(hass, "test.seen_keys", window=timedelta(seconds=60), max_keys=1)
    await seen.async_load()
    assert [key for key in ("new", "old", "expired", "junk") if seen.is_delivered(key)] == ["new"]
    hass_storage["test.seen_keys"] = {"version": 1, "data": ["not", "a", "mapping"]}
    seen = SeenKeys(hass, "test.seen_keys")
    await seen.async_load()
    assert len(seen) == 0


async def test_a_steady_stream_is_still_saved_every_second(hass: HomeAssistant) -> None:
    """Deliveries do not keep postponing the save: one is scheduled until it is written.

    (Store's delayed save starts its delay again on every call; a burst would otherwise be
    saved only after it ends, and a crash during it would forget every key of the burst.)
    """
    seen = SeenKeys(hass, "test.seen_keys")
    with patch.object(seen._store, "async_delay_save") as delay_save:
        for number in range(5):
            seen.reserve(str(number))
            seen.settle([str(number)], delivered=True)
        delay_save.assert_called_once()
        data_func = delay_save.call_args.args[0]
        assert sorted(data_func()["keys"]) == ["0", "1", "2", "3", "4"]  # written now
        seen.reserve("5")
        seen.settle(["5"], delivered=True)
        assert delay_save.call_count == 2  # the next delivery schedules the next save
