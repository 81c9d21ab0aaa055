"""The gateway: a FastAPI app (``create_app``) in front of Rasa for the chat API, the web widget, Zalo and Telegram.

Channels plug in through :class:`Channel`: each adds its routes and, if it needs one, a background task that runs
for the app's lifetime (the Zalo inbox worker, Telegram polling).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Annotated, Literal, Protocol

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .dialogue import Dialogue, SenderLimiter
from .messages import gateway_message
from .rasa import RasaClient, RasaUnavailable
from .replies import to_json
from .settings import GatewaySettings, secret

logger = logging.getLogger(__name__)

SENDER_PATTERN = r"^[A-Za-z0-9_.:\-]{1,128}$"


class Channel(Protocol):
    """A channel adds its routes to the app and may run something for the app's lifetime."""

    def mount(self, app: FastAPI) -> None: ...

    def lifespan(self) -> AbstractAsyncContextManager[None] | None: ...


ChannelFactory = Callable[[GatewaySettings, Dialogue], Channel | None]


class ChatButton(BaseModel):
    title: str
    payload: str = Field("", description="Send it back as `message` when the button is pressed.")
    url: str = Field("", description="A link button: open this page instead of sending a payload.")


class ChatReply(BaseModel):
    text: str = ""
    buttons: list[ChatButton] = []
    image: str = ""
    links: list[str] = Field([], description="http(s) links found in the text.")


class ChatRequest(BaseModel):
    sender_id: str = Field(..., pattern=SENDER_PATTERN, description="A stable id of this conversation.")
    message: str = Field(..., max_length=20000, description="What the user typed, or a button's payload.")
    lang: Literal["vi", "en"] | None = Field(None, description="The page's language, for the gateway's own words.")
    channel: Literal["web", "shell"] = "web"
    debug: bool = Field(False, description="Staff only (X-Staff-Token): add intent, actions and retrieval.")


class TurnDebugInfo(BaseModel):
    intent: str = ""
    confidence: float = 0.0
    actions: list[str] = []
    retrieval: dict | None = None


class ChatResponse(BaseModel):
    sender_id: str
    messages: list[ChatReply]
    debug: TurnDebugInfo | None = None


class Health(BaseModel):
    status: Literal["ok"]
    rasa: bool


QUIET_ACTIONS = {"action_listen", "action_extract_slots", "action_session_start"}


def turn_debug(tracker: dict) -> TurnDebugInfo:
    """Intent of the last user message and the actions run after it, from a Rasa tracker."""
    latest = tracker.get("latest_message") or {}
    intent = latest.get("intent") or {}
    events = tracker.get("events") or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    actions = [
        str(e.get("name"))
        for e in events[last_user + 1 :]
        if e.get("event") == "action" and e.get("name") not in QUIET_ACTIONS
    ]
    slots = tracker.get("slots") or {}
    retrieval = slots.get("retrieval_debug") if isinstance(slots.get("retrieval_debug"), dict) else None
    return TurnDebugInfo(
        intent=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0),
        actions=actions,
        retrieval=retrieval,
    )


def dialogue_of(request: Request) -> Dialogue:
    return request.app.state.dialogue


DialogueDep = Annotated[Dialogue, Depends(dialogue_of)]
StaffToken = Annotated[str | None, Header(alias="X-Staff-Token")]


def _chat_router(settings: GatewaySettings) -> APIRouter:
    router = APIRouter(tags=["chat"])

    @router.post("/api/chat", response_model=ChatResponse, summary="Send one message, get the assistant's replies")
    async def chat(body: ChatRequest, dialogue: DialogueDep, x_staff_token: StaffToken = None) -> ChatResponse:
        if body.debug and not _staff(settings, x_staff_token):
            raise HTTPException(status_code=403, detail="debug needs a valid X-Staff-Token")
        replies = await dialogue.handle(body.channel, body.sender_id, body.message, body.lang)
        debug = None
        if body.debug:
            try:
                debug = turn_debug(await dialogue.rasa.tracker(f"{body.channel}:{body.sender_id}"))
            except RasaUnavailable:
                debug = TurnDebugInfo()
        return ChatResponse(sender_id=body.sender_id, messages=[ChatReply(**to_json(r)) for r in replies], debug=debug)

    @router.get("/health", response_model=Health, tags=["ops"])
    async def health(dialogue: DialogueDep) -> Health:
        return Health(status="ok", rasa=await dialogue.rasa.healthy())

    return router


def _staff(settings: GatewaySettings, token: str | None) -> bool:
    expected = secret(settings.staff_token)
    return bool(expected and token and hmac.compare_digest(expected.encode(), token.encode()))


def default_channels() -> list[ChannelFactory]:
    """The channels the product ships: the web widget, dossier notices and document downloads always; Zalo and
    Telegram when configured."""
    from .documents import documents_channel
    from .notifier import notifier_channel
    from .telegram.channel import telegram_channel
    from .widget.channel import widget_channel
    from .zalo.channel import zalo_channel

    return [widget_channel, zalo_channel, telegram_channel, notifier_channel, documents_channel]


def create_app(
    settings: GatewaySettings | None = None,
    rasa: RasaClient | None = None,
    channels: list[ChannelFactory] | None = None,
) -> FastAPI:
    """The gateway app; tests pass their own settings, a Rasa client and the channels they need."""
    settings = settings or GatewaySettings()
    rasa = rasa or RasaClient(settings.rasa_url, settings.rasa_timeout_s, secret(settings.rasa_token))
    dialogue = Dialogue(rasa, SenderLimiter(settings.rate_limit), settings.max_message_chars, settings.default_language)
    mounted = [c for c in (f(settings, dialogue) for f in (default_channels() if channels is None else channels)) if c]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for channel in mounted:
                context = channel.lifespan()
                if context is not None:
                    await stack.enter_async_context(context)
            yield
        await rasa.aclose()

    app = FastAPI(
        title="motcua gateway",
        version="0.1.0",
        description="Chat API for the web widget and scripted conversations; webhooks for Zalo OA and Telegram.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.dialogue = dialogue

    @app.middleware("http")
    async def limit_body_size(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
            return JSONResponse(
                {"detail": gateway_message("too_long", settings.default_language, limit=settings.max_message_chars)},
                status_code=413,
            )
        return await call_next(request)

    if settings.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    app.include_router(_chat_router(settings))
    for channel in mounted:
        channel.mount(app)
    return app
