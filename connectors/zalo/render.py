"""Neutral replies (:mod:`connectors.replies`) → the ``message`` objects of Zalo's ``/v3.0/oa/message/cs``.

Limits (Zalo OA API v3; the ones Zalo does not state for this template are conservative choices):

* ``TEXT_LIMIT`` = 2000 characters per text message (Zalo's cap): longer text is split on line boundaries, a
  single over-long line at the last space.
* ``BUTTONS_PER_TEMPLATE`` = 5 buttons per button template (Zalo's cap): more go to a further template.
* ``TITLE_LIMIT`` = 100 characters per button title (Zalo's cap): longer titles are shortened with "…".
* ``PAYLOAD_LIMIT`` = 1000 characters per ``oa.query.hide`` payload (Zalo's cap): a longer payload cannot be cut
  without breaking it, so that button is dropped.
* ``TEMPLATE_TEXT_LIMIT`` = 640 characters of text above the buttons (our choice; Zalo documents no separate cap,
  640 is the usual bound for chat button templates). A reply's text goes into its button template when it fits, to
  spend one message instead of two (Zalo counts free replies); otherwise the text is sent first and the template
  carries a short prompt.

Images become a text line with the link; Zalo's image upload needs an attachment id, which Rasa does not give.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..replies import Button, Reply

TEXT_LIMIT = 2000
TEMPLATE_TEXT_LIMIT = 640
BUTTONS_PER_TEMPLATE = 5
TITLE_LIMIT = 100
PAYLOAD_LIMIT = 1000
CHOOSE_PROMPT = "Mời bạn chọn:"
MORE_PROMPT = "Thêm lựa chọn:"


def render_replies(replies: Iterable[Reply]) -> list[dict[str, Any]]:
    return [message for reply in replies for message in render_reply(reply)]


def render_reply(reply: Reply) -> list[dict[str, Any]]:
    text = reply.text.strip()
    if reply.image:
        text = f"{text}\n{reply.image}" if text else reply.image
    chunks = split_text(text)
    buttons = [b for b in (zalo_button(button) for button in reply.buttons) if b is not None]
    if not buttons:
        return [{"text": chunk} for chunk in chunks]
    prompt = chunks.pop() if chunks and len(chunks[-1]) <= TEMPLATE_TEXT_LIMIT else CHOOSE_PROMPT
    messages: list[dict[str, Any]] = [{"text": chunk} for chunk in chunks]
    for start in range(0, len(buttons), BUTTONS_PER_TEMPLATE):
        group = buttons[start : start + BUTTONS_PER_TEMPLATE]
        messages.append(button_template(prompt if start == 0 else MORE_PROMPT, group))
    return messages


def button_template(text: str, buttons: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "attachment": {
            "type": "template",
            "payload": {"template_type": "button", "text": text, "buttons": buttons},
        }
    }


def zalo_button(button: Button) -> dict[str, Any] | None:
    """``oa.open.url`` for link buttons, else ``oa.query.hide``.

    With ``oa.query.hide`` the payload comes back to the webhook without appearing in the user's chat, so a
    payload such as ``/ask_aspect{…}`` never shows as if the citizen had typed it.
    """
    title = clip(button.title.strip(), TITLE_LIMIT)
    if not title:
        return None
    if button.url:
        return {"title": title, "type": "oa.open.url", "payload": {"url": button.url}}
    if button.payload and len(button.payload) <= PAYLOAD_LIMIT:
        return {"title": title, "type": "oa.query.hide", "payload": button.payload}
    return None


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Chunks of at most ``limit`` characters, cut between lines where possible; blank chunks are dropped."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current.strip():
                chunks.append(current.rstrip())
            current = ""
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            chunks.append(line[:cut].rstrip())
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            if current.strip():
                chunks.append(current.rstrip())
            current = line
    if current.strip():
        chunks.append(current.rstrip())
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]
