"""Genset commands count only when the API confirms them with the documented success answer."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any
from unittest.mock import patch

from aioresponses import aioresponses
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.sitewatch.const import DOMAIN
from custom_components.sitewatch.providers.comap.api import (
    ComapCommandNotConfirmedError,
    check_command_answer,
)

from ...conftest import SimulatorStack
from .conftest import LOGIN, assert_nothing_private, genset_device_id, our_log

pytestmark = pytest.mark.integration

COMMAND_URL = re.compile(r"^http://127\.0\.0\.1:\d+/v1\.1/[^/]+/units/[^/]+/command$")


async def _press_start(hass: HomeAssistant, alpha_device: str) -> None:
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: "button.genset_alpha_start"}, blocking=True
    )


async def _select_aut(hass: HomeAssistant, alpha_device: str) -> None:
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: "select.genset_alpha_operating_mode", ATTR_OPTION: "aut"},
        blocking=True,
    )


async def _start_action(hass: HomeAssistant, alpha_device: str) -> None:
    await hass.services.async_call(DOMAIN, "start", {"device_id": alpha_device}, blocking=True)


async def _toggle_mcb_action(hass: HomeAssistant, alpha_device: str) -> None:
    await hass.services.async_call(DOMAIN, "toggle_mcb", {"device_id": alpha_device}, blocking=True)


async def _change_mode_action(hass: HomeAssistant, alpha_device: str) -> None:
    await hass.services.async_call(
        DOMAIN, "change_mode", {"device_id": alpha_device, "mode": "AUTO"}, blocking=True
    )


@pytest.fixture
def alpha(
    private_entry: MockConfigEntry, simulators: SimulatorStack, device_registry: dr.DeviceRegistry
) -> str:
    """The device id of Genset Alpha, in the loaded entry of the private account."""
    return genset_device_id(device_registry, private_entry, simulators.alpha)


SURFACES = {
    "button": _press_start,
    "select": _select_aut,
    "start_action": _start_action,
    "change_mode_action": _change_mode_action,
    "toggle_mcb_action": _toggle_mcb_action,
}
NOT_CONFIRMED: dict[str, dict[str, Any]] = {
    "200_html": {"status": 200, "body": "<html><body>Maintenance</body></html>"},
    "200_empty": {"status": 200, "body": ""},
    "200_garbage": {"status": 200, "body": '{"result": "OK"'},
    "200_json_failure": {"status": 200, "payload": {"result": "FAILED"}},
    "200_json_error": {"status": 200, "payload": {"message": f"Denied for {LOGIN}"}},
    "200_json_list": {"status": 200, "payload": ["OK"]},
    "200_other_command": {"status": 200, "payload": {"command": "faultReset", "result": "OK"}},
    "204_no_content": {"status": 204, "body": ""},
    "500": {"status": 500, "payload": {"message": "Internal error"}},
    "timeout": {"exception": TimeoutError()},
}


@pytest.mark.parametrize("surface", SURFACES)
async def test_unconfirmed_command_raises_the_translated_error(
    hass: HomeAssistant, alpha: str, caplog: pytest.LogCaptureFixture, surface: str
) -> None:
    """Every answer but the success answer, on every way to send a command (one setup)."""
    for answer, fake in NOT_CONFIRMED.items():
        caplog.clear()
        with aioresponses() as mock:
            mock.post(COMMAND_URL, **fake)
            with pytest.raises(HomeAssistantError) as err:
                await SURFACES[surface](hass, alpha)
            assert len(mock.requests) == 1, answer  # one command, no refresh after a failure
        assert not isinstance(err.value, ServiceValidationError), answer
        assert err.value.translation_key == "command_not_confirmed", answer
        placeholders = err.value.translation_placeholders or {}
        assert placeholders["genset"] == "Genset Alpha", answer
        assert placeholders["reason"], answer
        assert_nothing_private(our_log(caplog), str(err.value), json.dumps(placeholders))
        assert "did not confirm" in our_log(caplog), answer


@pytest.mark.parametrize("surface", SURFACES)
async def test_confirmed_command_passes(
    hass: HomeAssistant,
    alpha: str,
    simulators: SimulatorStack,
    caplog: pytest.LogCaptureFixture,
    surface: str,
) -> None:
    simulators.simulator.reset_stats()
    await SURFACES[surface](hass, alpha)
    assert simulators.simulator.stats()["by_call"]["command"] == 1
    assert_nothing_private(our_log(caplog))
    assert "did not confirm" not in our_log(caplog)


async def test_mode_is_sent_as_documented(
    hass: HomeAssistant, private_entry: MockConfigEntry, alpha: str
) -> None:
    """The controller lists AUT; the API documents aut; a user's auto is aut too."""
    select = hass.states.get("select.genset_alpha_operating_mode")
    assert select.attributes["options"] == ["off", "man", "aut", "test"]
    ok = {"command": "changeMode", "result": "OK"}
    coordinator = private_entry.runtime_data.coordinator
    with aioresponses() as mock, patch.object(coordinator, "async_request_refresh"):
        mock.post(COMMAND_URL, payload=ok, repeat=True)
        await _select_aut(hass, alpha)
        await _change_mode_action(hass, alpha)
        await hass.services.async_call(
            DOMAIN, "change_mode", {"device_id": alpha, "mode": " Test "}, blocking=True
        )
        bodies = [
            call.kwargs["json"]
            for (method, url), calls in mock.requests.items()
            if method == "POST"
            for call in calls
        ]
    assert bodies == [
        {"command": "changeMode", "mode": "aut"},
        {"command": "changeMode", "mode": "aut"},
        {"command": "changeMode", "mode": "test"},
    ]


# -- the answer check alone -----------------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**300), max_value=10**300)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=400),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["command", "result", "message", "error", "x"]) | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def _confirms(answer: object, command: str) -> bool:
    """What the documented success answer is, written out independently."""
    if not isinstance(answer, dict):
        return False
    echoed = answer.get("command", command)
    result = answer.get("result")
    return (
        isinstance(echoed, str)
        and echoed.lower() == command.lower()
        and isinstance(result, str)
        and result.strip().upper() == "OK"
    )


@given(answer=JSON)
def test_any_json_answer_confirms_only_when_documented(answer: object) -> None:
    body = json.dumps(answer).encode()
    if _confirms(answer, "start"):
        check_command_answer(body, "start")
        return
    with pytest.raises(ComapCommandNotConfirmedError) as err:
        check_command_answer(body, "start")
    assert 0 < len(err.value.reason) <= 200
    assert err.value.reason.isprintable()


@given(body=st.binary(max_size=300))
def test_any_bytes_never_raise_anything_else(body: bytes) -> None:
    with contextlib.suppress(ComapCommandNotConfirmedError):
        check_command_answer(body, "stop")


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"result": "OK"',
        b'{"result": "OK", "pad": "' + b"x" * 70_000 + b'"}',
        '{"result": "O\u212a"}'.encode(),
        b'{"result": "OK"}\xff',
        b"NaN",
    ],
)
def test_hostile_bodies_are_not_confirmations(body: bytes) -> None:
    with pytest.raises(ComapCommandNotConfirmedError):
        check_command_answer(body, "start")


@pytest.mark.parametrize(
    "answer",
    [
        {"command": "start", "result": "OK"},
        {"result": "ok"},
        {"command": "START", "result": " OK "},
    ],
)
def test_success_answers(answer: dict[str, str]) -> None:
    check_command_answer(json.dumps(answer).encode(), "start")
