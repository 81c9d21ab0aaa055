"""Sending a message to a chat user id on our own initiative (not as a reply), for the dossier notifier.

Each sender wraps a channel's existing client:

- :class:`ZaloPush` — :class:`~connectors.zalo.api.ZaloClient` (tokens from the same SQLite store as the Zalo
  channel) and the inbox's record of each user's last message: Zalo lets an OA message a user for free only within
  48 h of that user's last message, so :meth:`ZaloPush.reachable` is False outside that window;
- :class:`TelegramPush` — a python-telegram-bot ``Bot``: plain text (never a ``parse_mode``), split at Telegram's
  4096-unit limit like the channel's replies.

``reachable`` is asked *before* the notifier records a notice as sent, ``send`` after; ``send`` raises on failure
(the notifier logs it without the user id, the text or the error's message).
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Protocol

from telegram import Bot

from .replies import Reply
from .telegram.handlers import split_text
from .zalo.api import ZaloClient
from .zalo.inbox import Inbox
from .zalo.render import render_reply

_CHAT_ID = re.compile(r"-?[0-9]{1,20}")


class PushSender(Protocol):
    async def reachable(self, user_id: str, now: datetime) -> bool:
        """Whether a message to ``user_id`` may be sent at ``now`` (cheap, no message is sent)."""
        ...

    async def send(self, user_id: str, text: str) -> None:
        """Sends ``text`` to ``user_id``; raises when the channel refused it or could not be reached."""
        ...

    async def aclose(self) -> None: ...


class ZaloPush:
    """Zalo OA messages through the channel's client; ``inbox`` knows when each user last wrote to the OA."""

    def __init__(self, client: ZaloClient, inbox: Inbox, close: bool = True) -> None:
        self.client = client
        self.inbox = inbox
        self._close = close

    async def reachable(self, user_id: str, now: datetime) -> bool:
        return await asyncio.to_thread(self.inbox.in_window, user_id, now.timestamp())

    async def send(self, user_id: str, text: str) -> None:
        for message in render_reply(Reply.plain(text)):
            await asyncio.to_thread(self.client.send, user_id, message)

    async def aclose(self) -> None:
        if self._close:
            self.client.close()
            tokens_close = getattr(self.client.tokens, "close", None)
            if callable(tokens_close):
                tokens_close()


class TelegramPush:
    """Telegram messages through a ``Bot`` (initialised on first use, so a Telegram outage never blocks start-up)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._ready = False
        self._lock = asyncio.Lock()

    async def reachable(self, user_id: str, now: datetime) -> bool:
        return bool(_CHAT_ID.fullmatch(user_id))

    async def send(self, user_id: str, text: str) -> None:
        if not self._ready:
            async with self._lock:
                if not self._ready:
                    await self.bot.initialize()
                    self._ready = True
        for chunk in split_text(text):
            await self.bot.send_message(chat_id=int(user_id), text=chunk)

    async def aclose(self) -> None:
        self._ready = False
        await self.bot.shutdown()  # a no-op when it was never initialised
