"""What the Telegram bot does with each update; shared by the webhook channel and long polling.

* Text in a private chat goes to :meth:`Dialogue.handle` ("telegram", chat id); every reply is sent back as plain
  text (never a ``parse_mode``, so nothing Rasa or the citizen wrote can inject markup) with an inline keyboard.
* A pressed button is answered at once (so the phone stops its spinner), then its payload is sent on as the
  citizen's message.
* Photos, stickers, files, voice, ... get the gateway's "unsupported" message; a location gets "location".
* Group chats are ignored: one Rasa conversation per group would mix citizens' dossiers and identity data.

Telegram limits ``callback_data`` to 64 bytes, and Rasa payloads such as
``/ask_aspect{"aspect":"processing_time","code":"1.001193"}`` are often longer. Those are kept in a small bounded
in-memory map (:class:`CallbackPayloads`) and the button carries a short random key instead. The map lives in the
process: such buttons expire when the gateway restarts (or when the request reaches another replica, so run the
Telegram webhook on one replica or with sticky routing); an expired button gets a polite "please ask again".
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from ..dialogue import Dialogue
from ..messages import gateway_message
from ..privacy import pseudonym
from ..replies import Button, Reply

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_CALLBACK_BYTES = 64  # Bot API limit of InlineKeyboardButton.callback_data
MAX_MESSAGE_UNITS = 4096  # Bot API limit of a message's text, in UTF-16 code units
SHORT_TITLE = 18  # two buttons fit side by side on a phone when every title is at most this long
BUTTONS_ONLY_TEXT = "👇"  # Telegram refuses an empty text; shown when Rasa sent buttons without words
ALLOWED_UPDATES = ("message", "callback_query")

UNSUPPORTED = (
    filters.PHOTO
    | filters.Sticker.ALL
    | filters.Document.ALL
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.CONTACT
)


def button_expired_message(lang: str) -> str:
    return gateway_message("button_expired", lang)


def user_lang(user: User | None) -> str:
    """ "en" for a Telegram app set to English (en, en-US, ...), otherwise Vietnamese."""
    code = (user.language_code or "") if user is not None else ""
    return "en" if code.lower().startswith("en") else "vi"


class CallbackPayloads:
    """Payloads too long for ``callback_data``, under short random keys; bounded, least recently used goes first.

    A payload that fits in 64 bytes travels as-is. A longer one (or one that happens to start with the key
    prefix) is stored and the button carries ``PREFIX + key``. Keys are lost on restart: :meth:`resolve` then
    returns None and the handler apologises.
    """

    PREFIX = "~"

    def __init__(self, capacity: int = 4096) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._by_key: OrderedDict[str, str] = OrderedDict()
        self._by_payload: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._by_key)

    def encode(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(self.PREFIX):
            return payload
        key = self._by_payload.get(payload)
        if key is not None:
            self._by_key.move_to_end(key)
            return self.PREFIX + key
        key = secrets.token_urlsafe(9)  # 12 characters, 72 random bits
        while key in self._by_key:  # pragma: no cover - astronomically unlikely
            key = secrets.token_urlsafe(9)
        self._by_key[key] = payload
        self._by_payload[payload] = key
        while len(self._by_key) > self.capacity:
            _, forgotten = self._by_key.popitem(last=False)
            del self._by_payload[forgotten]
        return self.PREFIX + key

    def resolve(self, data: str) -> str | None:
        """The payload a button carried; None when it was a stored one that has been forgotten."""
        if not data.startswith(self.PREFIX):
            return data
        key = data[len(self.PREFIX) :]
        payload = self._by_key.get(key)
        if payload is not None:
            self._by_key.move_to_end(key)
        return payload


def _is_web_url(url: str) -> bool:
    return url.startswith(("https://", "http://")) and len(url) > len("https://")


def inline_keyboard(buttons: Iterable[Button], payloads: CallbackPayloads) -> InlineKeyboardMarkup | None:
    """Payload buttons → callback_data, http(s) buttons → url; anything else (javascript:, data:, ...) dropped.

    Two buttons per row when every title is short, one per row otherwise, so nothing is cut off on a phone.
    """
    keys: list[InlineKeyboardButton] = []
    for button in buttons:
        title = " ".join(button.title.split())
        if not title:
            continue
        if button.url and _is_web_url(button.url):
            keys.append(InlineKeyboardButton(title, url=button.url))
        elif button.payload:
            keys.append(InlineKeyboardButton(title, callback_data=payloads.encode(button.payload)))
    if not keys:
        return None
    per_row = 2 if all(len(key.text) <= SHORT_TITLE for key in keys) else 1
    return InlineKeyboardMarkup([keys[i : i + per_row] for i in range(0, len(keys), per_row)])


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """Pieces of at most ``limit`` UTF-16 units (Telegram's measure), cut at a line break or space if possible."""
    chunks: list[str] = []
    while _units(text) > limit:
        cut = min(len(text), limit)
        while _units(text[:cut]) > limit:
            cut -= (_units(text[:cut]) - limit + 1) // 2 or 1
        for separator in ("\n", " "):
            at = text.rfind(separator, 0, cut)
            if at > cut // 2:
                cut = at
                break
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        chunks.append(text)
    return chunks


async def send_replies(bot: Bot, chat_id: int, replies: Sequence[Reply], payloads: CallbackPayloads) -> None:
    """Each reply as plain-text message(s); the keyboard goes with the last piece of a long text."""
    for reply in replies:
        text = reply.text.strip()
        if reply.image and _is_web_url(reply.image):
            text = f"{text}\n{reply.image}" if text else reply.image
        markup = inline_keyboard(reply.buttons, payloads)
        if not text:
            if markup is None:
                continue
            text = BUTTONS_ONLY_TEXT
        chunks = split_text(text)
        for i, chunk in enumerate(chunks):
            await bot.send_message(chat_id=chat_id, text=chunk, reply_markup=markup if i == len(chunks) - 1 else None)


def _sender(chat_id: int) -> str:
    return f"{CHANNEL}:{chat_id}"


class TelegramHandlers:
    """The bot's handlers; :meth:`register` adds them (and the error handler) to an Application."""

    def __init__(self, dialogue: Dialogue, payloads: CallbackPayloads | None = None) -> None:
        self.dialogue = dialogue
        self.payloads = payloads or CallbackPayloads()
        # One lock per chat keeps a citizen's replies in the order of their messages while other chats run
        # concurrently; a lock disappears as soon as nobody holds or waits for it.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def register(self, application: Application) -> None:
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE  # new messages only, not edits
        application.add_handler(CommandHandler("start", self.on_start, filters=private))
        application.add_handler(MessageHandler(private & filters.TEXT, self.on_text))
        application.add_handler(MessageHandler(private & filters.LOCATION, self.on_location))
        application.add_handler(MessageHandler(private & UNSUPPORTED, self.on_unsupported))
        application.add_handler(CallbackQueryHandler(self.on_callback))
        application.add_error_handler(self.on_error)

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    async def converse(self, bot: Bot, chat_id: int, text: str, lang: str) -> None:
        """One message of the citizen → Dialogue (Rasa) → the replies, in order for this chat."""
        async with self._lock(chat_id):
            replies = await self.dialogue.handle(CHANNEL, str(chat_id), text, lang)
            await send_replies(bot, chat_id, replies, self.payloads)

    async def _notice(self, bot: Bot, chat_id: int, key: str, lang: str) -> None:
        """A gateway message that needs no Rasa; silent for a sender over the rate limit (no sticker storms)."""
        async with self._lock(chat_id):
            if not await self.dialogue.limiter.allow(_sender(chat_id)):
                return
            await bot.send_message(chat_id=chat_id, text=gateway_message(key, lang))

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self._notice(context.bot, chat.id, "welcome", user_lang(update.effective_user))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, message = update.effective_chat, update.effective_message
        if chat is None or message is None or message.text is None:
            return
        await self.converse(context.bot, chat.id, message.text, user_lang(update.effective_user))

    async def on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            await self._notice(context.bot, update.effective_chat.id, "location", user_lang(update.effective_user))

    async def on_unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            await self._notice(context.bot, update.effective_chat.id, "unsupported", user_lang(update.effective_user))

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()  # first: the citizen's app shows a spinner until the query is answered
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE or not isinstance(query.data, str):
            return
        lang = user_lang(query.from_user)
        payload = self.payloads.resolve(query.data)
        if payload is None:
            logger.info("expired button pressed by %s", pseudonym(_sender(chat.id)))
            await context.bot.send_message(chat_id=chat.id, text=button_expired_message(lang))
            return
        await self.converse(context.bot, chat.id, payload, lang)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs the failure without personal data (no ids, no text, no exception message) and apologises."""
        error = context.error
        where = "?"
        traceback = error.__traceback__ if error is not None else None
        while traceback is not None and traceback.tb_next is not None:
            traceback = traceback.tb_next
        if traceback is not None:
            where = f"{os.path.basename(traceback.tb_frame.f_code.co_filename)}:{traceback.tb_lineno}"
        chat = update.effective_chat if isinstance(update, Update) else None
        who = pseudonym(_sender(chat.id)) if chat is not None else "-"
        # The exception's message is left out on purpose: Telegram's errors can quote the bot token or the text.
        logger.error("Telegram update failed for %s: %s at %s", who, type(error).__name__, where)
        if chat is None or chat.type != ChatType.PRIVATE or isinstance(error, TelegramError):
            return  # a failed send cannot be apologised for by sending again
        try:
            lang = user_lang(update.effective_user if isinstance(update, Update) else None)
            await context.bot.send_message(chat_id=chat.id, text=gateway_message("unavailable", lang))
        except TelegramError:
            pass
