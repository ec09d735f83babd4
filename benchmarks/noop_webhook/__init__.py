"""A webhook that reads the body and answers 200: the ceiling for the webhook benchmark.

Linked into the benchmark's Home Assistant configuration by ``benchmarks.webhook_throughput``;
it registers the webhook ``noop-benchmark`` when ``noop_webhook:`` is in configuration.yaml.
"""

from __future__ import annotations

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

DOMAIN = "noop_webhook"
WEBHOOK_ID = "noop-benchmark"

CONFIG_SCHEMA = cv.empty_config_schema(DOMAIN)


async def handle(hass: HomeAssistant, webhook_id: str, request: web.Request) -> web.Response:
    await request.read()
    return web.Response(status=200)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    webhook.async_register(
        hass, DOMAIN, "No-op", WEBHOOK_ID, handle, local_only=False, allowed_methods=("POST",)
    )
    return True
