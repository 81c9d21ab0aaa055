"""The gateway app with only the Telegram channel, driven in-process through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from connectors.app import create_app
from connectors.rasa import RasaClient
from connectors.settings import GatewaySettings
from connectors.telegram.channel import SECRET_HEADER, WEBHOOK_PATH, TelegramChannel, telegram_channel

from .fakes import SECRET, FakeRasa, RecordingRequest


@dataclass
class Gateway:
    client: httpx.AsyncClient
    channel: TelegramChannel
    bot_api: RecordingRequest
    rasa: FakeRasa

    async def post(self, update: Any, secret: str | None = SECRET, **kwargs: Any) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        headers.update(kwargs.pop("headers", {}))
        if "content" not in kwargs:
            kwargs["json"] = update
        return await self.client.post(WEBHOOK_PATH, headers=headers, **kwargs)

    async def settle(self) -> None:
        """Waits until the Application has processed every queued update."""
        await self.channel.application.update_queue.join()

    async def deliver(self, update: dict[str, Any]) -> httpx.Response:
        response = await self.post(update)
        assert response.status_code == 200, response.text
        await self.settle()
        return response

    def sent(self) -> list[dict[str, Any]]:
        return [c.params for c in self.bot_api.of("sendMessage")]

    def sent_texts(self) -> list[str]:
        return [p["text"] for p in self.sent()]


@asynccontextmanager
async def open_gateway(settings: GatewaySettings, bot_api: RecordingRequest, rasa: FakeRasa) -> AsyncIterator[Gateway]:
    """create_app with the Telegram channel on the recording Bot API; runs the app's lifespan (ASGITransport does
    not), which initialises and starts the Application and stops it on exit."""
    holder: dict[str, TelegramChannel] = {}

    def factory(s: GatewaySettings, dialogue: Any) -> TelegramChannel | None:
        channel = telegram_channel(s, dialogue, request=bot_api, get_updates_request=bot_api)
        if channel is not None:
            holder["channel"] = channel
        return channel

    app = create_app(settings, rasa=RasaClient(settings.rasa_url, settings.rasa_timeout_s), channels=[factory])
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield Gateway(client, holder["channel"], bot_api, rasa)
