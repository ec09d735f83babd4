"""The shared webhook pipeline: status codes, size limit, shared secret, duplicates."""

from __future__ import annotations

from http import HTTPStatus

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from multidict import MultiMapping
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.sitewatch.webhook import (
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    PushNotDelivered,
    PushReceiver,
    PushRejected,
    RecentKeys,
    async_register_push_webhook,
    json_depth_exceeds,
    secret_matches,
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

    def shared_secret(self) -> str | None:
        return self.secret

    def parse(self, payload: object, query: MultiMapping[str]) -> list[dict[str, str]]:
        self.queries.append(dict(query))
        if not isinstance(payload, list) or not all(
            isinstance(item, dict) and "id" in item for item in payload
        ):
            raise PushRejected("expected a list of objects with an id")
        return payload

    def key(self, item: dict[str, str]) -> str:
        return str(item["id"])

    async def async_deliver(self, items: list[dict[str, str]]) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.delivered.extend(items)


@pytest.fixture
async def receiver(hass: HomeAssistant) -> Receiver:
    assert await async_setup_component(hass, "webhook", {})
    receiver = Receiver()
    unregister, stats = async_register_push_webhook(
        hass, name="Test", webhook_id=WEBHOOK_ID, receiver=receiver, local_only=False
    )
    receiver.unregister = unregister  # type: ignore[attr-defined]
    receiver.stats = stats  # type: ignore[attr-defined]
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
    assert (await response.json())["message"] == "expected a list of objects with an id"
    response = await client.post(URL, json={"no": "list"})
    assert response.status == HTTPStatus.BAD_REQUEST
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and "rejected" in r.message]
    assert len(warnings) == 2  # once per reason
    assert "no" not in warnings[1].message.split(":")[-1]
    assert receiver.delivered == []


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


async def test_body_that_cannot_be_decoded_answers_400(
    hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    client = await hass_client()
    response = await client.post(
        URL, data=b"[1, 2, 3] not gzip", headers={"Content-Encoding": "gzip"}
    )
    assert response.status == HTTPStatus.BAD_REQUEST
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


async def test_unregister(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, receiver: Receiver
) -> None:
    receiver.unregister()  # type: ignore[attr-defined]
    client = await hass_client()
    response = await client.post(URL, json=[{"id": "1"}])
    assert response.status == HTTPStatus.OK  # Home Assistant's answer to unknown ids
    assert receiver.delivered == []


async def test_webhook_urls(hass: HomeAssistant) -> None:
    assert webhook_urls(hass, "abc") == {}
    hass.config.internal_url = "http://192.168.1.2:8123"
    assert webhook_urls(hass, "abc") == {"local": "http://192.168.1.2:8123/api/webhook/abc"}


def test_recent_keys_is_bounded() -> None:
    recent = RecentKeys(capacity=3)
    recent.add_all(["a", "b", "c", "d"])
    assert "a" not in recent
    assert all(key in recent for key in "bcd")
