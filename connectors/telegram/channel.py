"""The Telegram channel inside the gateway: ``POST /webhooks/telegram`` feeds a python-telegram-bot Application
that runs without an Updater (``.updater(None)``); the Application lives as long as the FastAPI app.

Why the update queue and not ``await application.process_update(update)`` in the request: an answer can take as
long as Rasa does (up to ``rasa_timeout_s``), and Telegram waits for our HTTP response before it sends the next
update and redelivers when it gets none in time. So the webhook only checks, parses and enqueues the update and
answers 200 at once; the Application's own fetcher processes the queue, several chats at a time
(``CONCURRENT_UPDATES``), one message at a time per chat. The queue is bounded: when it is full the webhook
answers 503 and Telegram delivers the update again later. On shutdown ``Application.stop()`` drains the queue
before the Rasa client is closed; updates still queued when the process is killed are lost (Telegram has
already had its 200), which the short queue keeps to a few seconds of traffic. Redeliveries of an update we
already took are recognised by ``update_id`` and dropped.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from telegram import Bot, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from ..bodies import read_capped_body
from ..dialogue import Dialogue
from ..settings import GatewaySettings, secret
from .handlers import ALLOWED_UPDATES, CallbackPayloads, TelegramHandlers

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CONCURRENT_UPDATES = 32  # chats answered at the same time (each waits on Rasa)
QUEUE_SIZE = 256  # updates accepted but not yet processed
RECENT_UPDATES = 1024  # update ids remembered to drop Telegram's redeliveries


class _HideToken(logging.Filter):
    """httpx logs every request URL at INFO, and the Bot API URL contains the bot token: mask it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "<bot-token>")
            record.args = None
        return True


def hide_token_in_logs(token: str) -> None:
    for name in ("httpx", "telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Application", "telegram.ext.Updater"):
        target = logging.getLogger(name)
        if not any(isinstance(f, _HideToken) and f.token == token for f in target.filters):
            target.addFilter(_HideToken(token))


def build_application(
    settings: GatewaySettings,
    dialogue: Dialogue,
    *,
    with_updater: bool,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    payloads: CallbackPayloads | None = None,
    post_shutdown: Callable[[Application], Awaitable[None]] | None = None,
) -> Application:
    """An Application with the bot's handlers: without an Updater for the webhook, with one for polling.

    ``request`` / ``get_updates_request`` replace python-telegram-bot's HTTP layer (tests pass recording fakes).
    """
    token = secret(settings.telegram_bot_token)
    if not token:
        raise ValueError("MOTCUA_TELEGRAM_BOT_TOKEN is not set")
    hide_token_in_logs(token)
    builder: ApplicationBuilder = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_api_base)
        .concurrent_updates(CONCURRENT_UPDATES)
        .update_queue(asyncio.Queue(maxsize=QUEUE_SIZE))
        .job_queue(None)
    )
    if not with_updater:
        builder = builder.updater(None)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if post_shutdown is not None:
        builder = builder.post_shutdown(post_shutdown)
    application = builder.build()
    TelegramHandlers(dialogue, payloads).register(application)
    return application


class TelegramChannel:
    """The webhook route and the Application's lifetime; see the module docstring for the design."""

    def __init__(self, settings: GatewaySettings, application: Application) -> None:
        self.settings = settings
        self.application = application
        self._start_lock = asyncio.Lock()
        self._closing = False
        self._recent: OrderedDict[int, None] = OrderedDict()
        self._warned_no_secret = False

    # --- lifetime -------------------------------------------------------------------------------------------------

    def lifespan(self) -> AbstractAsyncContextManager[None]:
        return self._lifespan()

    @asynccontextmanager
    async def _lifespan(self) -> AsyncIterator[None]:
        if not secret(self.settings.telegram_secret_token):
            self._warn_no_secret()
        await self.ensure_running()
        try:
            yield
        finally:
            self._closing = True
            async with self._start_lock:
                if self.application.running:
                    await self.application.stop()  # processes what is still queued
                await self.application.shutdown()

    async def ensure_running(self) -> bool:
        """Initialise and start the Application; if Telegram cannot be reached the gateway still starts, the
        webhook answers 503 (Telegram retries) and the next webhook call tries again."""
        if self.application.running:
            return True
        async with self._start_lock:
            if self.application.running:
                return True
            if self._closing:
                return False
            try:
                await self.application.initialize()
                await self.application.start()
            except InvalidToken:
                logger.error("Telegram refused the bot token (MOTCUA_TELEGRAM_BOT_TOKEN); the webhook answers 503")
                return False
            except TelegramError as error:  # the message is not logged: it may quote the token
                logger.warning("Telegram Bot API not reachable (%s); the webhook answers 503", type(error).__name__)
                return False
        return True

    def _warn_no_secret(self) -> None:
        if not self._warned_no_secret:
            self._warned_no_secret = True
            logger.warning(
                "Telegram webhook refuses every call (503): MOTCUA_TELEGRAM_SECRET_TOKEN is not set. Set it and "
                "register the webhook with the same secret_token, or run Telegram in polling mode."
            )

    # --- webhook --------------------------------------------------------------------------------------------------

    def mount(self, app: FastAPI) -> None:
        app.add_api_route(
            WEBHOOK_PATH,
            self.webhook,
            methods=["POST"],
            tags=["telegram"],
            summary="Telegram Bot API webhook (needs X-Telegram-Bot-Api-Secret-Token)",
            include_in_schema=True,
        )

    def _authorised(self, request: Request) -> bool:
        expected = secret(self.settings.telegram_secret_token).encode()
        given = request.headers.get(SECRET_HEADER)
        return given is not None and hmac.compare_digest(given.encode("utf-8", "replace"), expected)

    def _seen(self, update_id: int) -> bool:
        if update_id in self._recent:
            return True
        self._recent[update_id] = None
        while len(self._recent) > RECENT_UPDATES:
            self._recent.popitem(last=False)
        return False

    async def webhook(self, request: Request) -> JSONResponse:
        if not secret(self.settings.telegram_secret_token):
            self._warn_no_secret()
            return JSONResponse({"detail": "Telegram webhook not configured"}, status_code=503)
        if not self._authorised(request):
            return JSONResponse({"detail": "wrong or missing secret token"}, status_code=401)
        body = await read_capped_body(request, self.settings.max_body_bytes)
        if body is None:
            return JSONResponse({"detail": "body too large"}, status_code=413)
        try:
            data: Any = json.loads(body)
        except ValueError:
            return JSONResponse({"detail": "malformed JSON"}, status_code=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return JSONResponse({"detail": "not a Telegram update"}, status_code=400)
        if not await self.ensure_running():
            return JSONResponse({"detail": "Telegram channel not ready"}, status_code=503)
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception:  # any shape python-telegram-bot cannot read
            return JSONResponse({"detail": "not a Telegram update"}, status_code=400)
        if self._seen(update.update_id):
            return JSONResponse({"ok": True})  # a redelivery of an update already taken
        try:
            self.application.update_queue.put_nowait(update)
        except asyncio.QueueFull:
            self._recent.pop(update.update_id, None)
            logger.warning("Telegram update queue full; asking Telegram to deliver again later")
            return JSONResponse({"detail": "busy"}, status_code=503)
        return JSONResponse({"ok": True})


def telegram_channel(
    settings: GatewaySettings,
    dialogue: Dialogue,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> TelegramChannel | None:
    """The gateway's Telegram channel, or None when no bot token is configured."""
    if not settings.telegram_enabled:
        return None
    application = build_application(
        settings, dialogue, with_updater=False, request=request, get_updates_request=get_updates_request
    )
    return TelegramChannel(settings, application)


async def register_webhook(settings: GatewaySettings, url: str, *, request: BaseRequest | None = None) -> None:
    """Tell Telegram to deliver to ``url`` (the public https address of ``/webhooks/telegram``) with our secret.

    Pending updates are kept (``drop_pending_updates=False``); only messages and button presses are delivered.
    """
    token, secret_token = secret(settings.telegram_bot_token), secret(settings.telegram_secret_token)
    if not token:
        raise ValueError("MOTCUA_TELEGRAM_BOT_TOKEN is not set")
    if not secret_token:
        raise ValueError("MOTCUA_TELEGRAM_SECRET_TOKEN is not set: the webhook would refuse every update")
    if not url.startswith("https://"):
        raise ValueError("Telegram delivers webhooks to https:// URLs only")
    hide_token_in_logs(token)
    async with Bot(token, base_url=settings.telegram_api_base, request=request) as bot:
        await bot.set_webhook(
            url=url,
            secret_token=secret_token,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )
