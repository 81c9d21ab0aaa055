"""The channel-independent core: one incoming message → Rasa → replies, with the gateway's protections.

Every channel (chat API, widget, Zalo, Telegram) calls :meth:`Dialogue.handle`; the dialogue never knows which
channel it serves beyond the namespaced sender id ("zalo:<user id>").
"""

from __future__ import annotations

import logging
import unicodedata

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from .messages import gateway_message
from .privacy import pseudonym
from .rasa import RasaClient, RasaUnavailable
from .replies import Reply

logger = logging.getLogger(__name__)


def clean_text(text: str) -> str:
    """NFC, control characters removed (newlines kept), surrounding space stripped."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


class SenderLimiter:
    """A moving-window rate limit per sender ("20/minute" by default)."""

    def __init__(self, rate: str) -> None:
        self.rate = parse(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def allow(self, sender_id: str) -> bool:
        return await self._limiter.hit(self.rate, sender_id)


class Dialogue:
    def __init__(self, rasa: RasaClient, limiter: SenderLimiter, max_chars: int, default_language: str = "vi") -> None:
        self.rasa = rasa
        self.limiter = limiter
        self.max_chars = max_chars
        self.default_language = default_language

    async def handle(self, channel: str, user_id: str, text: str, lang: str | None = None) -> list[Reply]:
        """Replies to one message; a polite gateway message when it is empty, too long, too fast or Rasa is down."""
        lang = lang if lang in ("vi", "en") else self.default_language
        sender = f"{channel}:{user_id}"
        text = clean_text(text or "")
        if not text:
            return [Reply.plain(gateway_message("empty", lang))]
        if len(text) > self.max_chars:
            logger.info("refused a %d-character message from %s", len(text), pseudonym(sender))
            return [Reply.plain(gateway_message("too_long", lang, limit=self.max_chars))]
        if not await self.limiter.allow(sender):
            logger.info("rate limit hit by %s", pseudonym(sender))
            return [Reply.plain(gateway_message("rate_limited", lang))]
        try:
            replies = await self.rasa.send(sender, text, metadata={"channel": channel})
        except RasaUnavailable as error:
            logger.warning("Rasa unavailable for %s: %s", pseudonym(sender), error)
            return [Reply.plain(gateway_message("unavailable", lang))]
        return replies or [Reply.plain(gateway_message("unavailable", lang))]
