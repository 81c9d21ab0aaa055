"""The staff shell: chat with the running assistant over HTTP, as a citizen would.

By default it goes through the gateway's chat API (like the web widget); ``--rasa-url`` talks to Rasa's REST
channel directly, to test the dialogue without the gateway.

``--debug`` reads the conversation tracker after each turn and shows the intent and its confidence, the actions
taken, and the procedure codes the retrieval layer returned with their scores. Typing a button's number presses it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

import requests
from rich.console import Console

MAX_MESSAGE_CHARS = 4000


class ShellError(RuntimeError):
    """The assistant could not be reached or answered with an error."""


@dataclass
class BotMessage:
    text: str = ""
    buttons: list[dict[str, str]] = field(default_factory=list)
    image: str = ""


@dataclass
class TurnDebug:
    intent: str = ""
    confidence: float = 0.0
    actions: list[str] = field(default_factory=list)
    retrieval: dict[str, Any] | None = None


class RasaChat:
    """One conversation with a Rasa server's REST channel (and, for debugging, its tracker API)."""

    def __init__(self, base_url: str, sender: str | None = None, token: str = "", timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.sender = sender or f"shell:{uuid.uuid4().hex[:12]}"
        self.token = token
        self.timeout = timeout
        self.session = requests.Session()

    def send(self, text: str) -> list[BotMessage]:
        try:
            response = self.session.post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": self.sender, "message": text[:MAX_MESSAGE_CHARS]},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise ShellError(f"cannot reach the assistant at {self.base_url} ({type(error).__name__})") from error
        if response.status_code != 200:
            raise ShellError(f"the assistant answered HTTP {response.status_code}")
        return [parse_message(m) for m in response.json() if isinstance(m, dict)]

    def last_turn(self) -> TurnDebug:
        """Intent, actions and retrieval of the last turn, from the tracker (needs the Rasa API token)."""
        try:
            response = self.session.get(
                f"{self.base_url}/conversations/{self.sender}/tracker",
                params={"token": self.token} if self.token else None,
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise ShellError(f"cannot read the tracker ({type(error).__name__})") from error
        if response.status_code != 200:
            raise ShellError(f"the tracker API answered HTTP {response.status_code} (is the token right?)")
        return turn_debug(response.json())


class GatewayChat:
    """One conversation through the gateway's chat API (``POST /api/chat``), the way the web widget talks.

    With the staff token the gateway adds the debug view (intent, actions, retrieval) to each answer.
    """

    def __init__(self, base_url: str, sender: str | None = None, staff_token: str = "", timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.sender = sender or f"staff-{uuid.uuid4().hex[:12]}"
        self.staff_token = staff_token
        self.timeout = timeout
        self.session = requests.Session()
        self._debug: TurnDebug | None = None

    def send(self, text: str, debug: bool = False) -> list[BotMessage]:
        body = {"sender_id": self.sender, "message": text[:MAX_MESSAGE_CHARS], "channel": "shell", "debug": debug}
        headers = {"X-Staff-Token": self.staff_token} if self.staff_token else {}
        try:
            response = self.session.post(f"{self.base_url}/api/chat", json=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise ShellError(f"cannot reach the gateway at {self.base_url} ({type(error).__name__})") from error
        if response.status_code == 403:
            raise ShellError("the gateway refused the debug view: the staff token is missing or wrong")
        if response.status_code != 200:
            raise ShellError(f"the gateway answered HTTP {response.status_code}")
        data = response.json()
        raw_debug = data.get("debug") or {}
        self._debug = TurnDebug(
            str(raw_debug.get("intent") or ""),
            float(raw_debug.get("confidence") or 0.0),
            [str(a) for a in raw_debug.get("actions") or []],
            raw_debug.get("retrieval") if isinstance(raw_debug.get("retrieval"), dict) else None,
        )
        return [parse_message(m) for m in data.get("messages") or [] if isinstance(m, dict)]

    def last_turn(self) -> TurnDebug:
        return self._debug or TurnDebug()


def parse_message(raw: dict[str, Any]) -> BotMessage:
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in raw.get("buttons") or []
        if isinstance(b, dict)
    ]
    return BotMessage(text=str(raw.get("text") or ""), buttons=buttons, image=str(raw.get("image") or ""))


def turn_debug(tracker: dict[str, Any]) -> TurnDebug:
    """The last user turn of a tracker: its intent and the actions run after it (the gateway's own reading)."""
    from .app import turn_debug as read_turn

    info = read_turn(tracker)
    return TurnDebug(info.intent, info.confidence, info.actions, info.retrieval)


def _render(console: Console, messages: Iterable[BotMessage]) -> list[dict[str, str]]:
    buttons: list[dict[str, str]] = []
    for message in messages:
        if message.text:
            console.print(message.text, markup=False, style="green")
        if message.image:
            console.print(f"[image] {message.image}", markup=False, style="green")
        for button in message.buttons:
            buttons.append(button)
            console.print(f"  [{len(buttons)}] {button['title']}", markup=False, style="cyan")
    return buttons


def _render_debug(console: Console, debug: TurnDebug) -> None:
    console.print(f"  · intent {debug.intent or '?'} ({debug.confidence:.2f})", markup=False, style="dim")
    console.print(f"  · actions {', '.join(debug.actions) or '-'}", markup=False, style="dim")
    retrieval = debug.retrieval or {}
    for item in retrieval.get("procedures") or []:
        console.print(f"  · {item.get('code')} {float(item.get('score', 0)):.3f}", markup=False, style="dim")
    if retrieval:
        p_in = retrieval.get("in_scope_probability")
        console.print(
            f"  · aspect {retrieval.get('aspect')} oos {retrieval.get('oos')} p_in {p_in}", markup=False, style="dim"
        )


def run_shell(
    chat: RasaChat | GatewayChat,
    debug: bool = False,
    read: Callable[[str], str] = input,
    console: Console | None = None,
    stream: TextIO | None = None,
) -> int:
    """Chat until EOF (Ctrl-D) or Ctrl-C; returns the process exit code (0, or 1 if the assistant is down)."""
    console = console or Console(highlight=False, file=stream)
    console.print("motcua shell — gõ câu hỏi; gõ số để bấm nút; Ctrl-D để thoát.", markup=False, style="bold")
    buttons: list[dict[str, str]] = []
    while True:
        try:
            line = read("> ")
        except (EOFError, KeyboardInterrupt):
            console.print("")
            return 0
        text = line.strip()
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        try:
            messages = chat.send(text, debug=True) if debug and isinstance(chat, GatewayChat) else chat.send(text)
            if not messages:
                console.print("(no reply: the assistant had a problem with this turn; try again)", style="yellow")
            buttons = _render(console, messages)
            if debug:
                _render_debug(console, chat.last_turn())
        except ShellError as error:
            console.print(f"! {error}. Start the assistant with `bash scripts/run.sh`.", markup=False, style="red")
            return 1
