"""Channel-neutral bot replies, parsed from Rasa's REST channel output (text, buttons, images, links)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_BUTTONS = 10
_URL = re.compile(r"https?://[^\s<>\"')\]]+")


@dataclass(frozen=True)
class Button:
    title: str
    payload: str = ""  # sent back as the user's message when pressed
    url: str = ""  # a link button (opens the page instead of sending a payload)


@dataclass(frozen=True)
class Reply:
    text: str = ""
    buttons: tuple[Button, ...] = ()
    image: str = ""
    links: tuple[str, ...] = field(default=())  # http(s) links found in the text (rendered as safe links)

    @classmethod
    def plain(cls, text: str) -> Reply:
        return cls(text=text, links=tuple(_URL.findall(text)))


def _safe_url(url: object) -> str:
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else ""


def parse_rasa_messages(raw: object) -> list[Reply]:
    """Rasa REST output (a JSON list of dicts) → replies; anything malformed is skipped, never raised."""
    if not isinstance(raw, list):
        return []
    replies: list[Reply] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        text = item.get("text") if isinstance(item.get("text"), str) else ""
        buttons = tuple(_buttons(item.get("buttons")))
        image = _safe_url(item.get("image"))
        if text or buttons or image:
            replies.append(Reply(text=text, buttons=buttons, image=image, links=tuple(_URL.findall(text))))
    return replies


def _buttons(raw: Any) -> list[Button]:
    if not isinstance(raw, list):
        return []
    buttons = []
    for b in raw[:MAX_BUTTONS]:
        if not isinstance(b, dict) or not isinstance(b.get("title"), str):
            continue
        payload = b.get("payload") if isinstance(b.get("payload"), str) else ""
        url = _safe_url(b.get("url"))
        if payload or url:
            buttons.append(Button(title=b["title"], payload=payload, url=url))
    return buttons


def to_json(reply: Reply) -> dict[str, Any]:
    """The chat API's shape of one reply (documented in the OpenAPI schema via ``ChatReply``)."""
    return {
        "text": reply.text,
        "buttons": [{"title": b.title, "payload": b.payload, "url": b.url} for b in reply.buttons],
        "image": reply.image,
        "links": list(reply.links),
    }
