"""Telegram by long polling, for an operator without a public https URL (a laptop, a closed network).

The same handlers as the webhook channel, on an Application with an Updater. Starting the poll deletes any
webhook first (Telegram refuses getUpdates while one is set; python-telegram-bot's Updater does this before the
first getUpdates) and keeps the updates that waited while the bot was down (``drop_pending_updates=False``).
Stop it with Ctrl-C or SIGTERM. Do not run it next to a gateway that serves the Telegram webhook: each would
take the bot away from the other.
"""

from __future__ import annotations

import logging

from telegram.ext import Application
from telegram.request import BaseRequest

from ..dialogue import Dialogue, SenderLimiter
from ..rasa import RasaClient
from ..settings import GatewaySettings, secret
from .channel import build_application
from .handlers import ALLOWED_UPDATES

logger = logging.getLogger(__name__)


def build_polling_application(
    settings: GatewaySettings,
    dialogue: Dialogue,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application:
    async def close_rasa(_: Application) -> None:
        await dialogue.rasa.aclose()

    return build_application(
        settings,
        dialogue,
        with_updater=True,
        request=request,
        get_updates_request=get_updates_request,
        post_shutdown=close_rasa,
    )


def run_polling(
    settings: GatewaySettings | None = None,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> None:
    """Poll Telegram until interrupted; blocks. ``request``/``get_updates_request`` are for tests."""
    settings = settings or GatewaySettings()
    if not settings.telegram_enabled:
        raise ValueError("MOTCUA_TELEGRAM_BOT_TOKEN is not set")
    # The Dialogue is built exactly as connectors.app.create_app builds it.
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_s, secret(settings.rasa_token))
    dialogue = Dialogue(rasa, SenderLimiter(settings.rate_limit), settings.max_message_chars, settings.default_language)
    application = build_polling_application(
        settings, dialogue, request=request, get_updates_request=get_updates_request
    )
    logger.info("Telegram long polling started (Rasa at %s)", settings.rasa_url)
    application.run_polling(drop_pending_updates=False, allowed_updates=list(ALLOWED_UPDATES))
