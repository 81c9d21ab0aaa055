"""The Zalo OA channel: ``POST /webhooks/zalo`` checks and stores each event, the inbox worker answers it later.

The webhook only verifies the event (size, JSON, ``X-ZEvent-Signature``, app id, age) and writes it to the durable
inbox before answering 200 — Zalo wants an answer within ~2 s and retries otherwise; its retries carry the same
``msg_id`` and are acknowledged without being processed again. Rasa and the Zalo API are called by the worker.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from ..bodies import read_capped_body
from ..dialogue import Dialogue
from ..privacy import pseudonym
from ..settings import GatewaySettings, secret
from .api import ZaloClient
from .inbox import Inbox
from .signature import verify_signature
from .store import db_path
from .tokens import TokenManager
from .worker import HANDLED_EVENTS, TEXT_EVENT, InboxWorker

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_CLOCK_SKEW_S = 60.0  # events stamped further in the future are refused


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


class ZaloChannel:
    def __init__(
        self,
        settings: GatewaySettings,
        dialogue: Dialogue,
        *,
        inbox: Inbox | None = None,
        client: ZaloClient | None = None,
        worker: InboxWorker | None = None,
    ) -> None:
        self.settings = settings
        self.app_id = settings.zalo_app_id or ""
        self.oa_secret_key = secret(settings.zalo_oa_secret_key)
        self.inbox = inbox or Inbox(db_path(settings.data_dir))
        self.tokens = TokenManager(settings)
        self.client = client or ZaloClient(settings, self.tokens)
        self.worker = worker or InboxWorker(self.inbox, self.client, dialogue)
        if not (settings.zalo_app_secret_key and settings.zalo_refresh_token):
            logger.warning("Zalo is enabled without an app secret key or refresh token: replies may not be sent")

    def mount(self, app: FastAPI) -> None:
        router = APIRouter(tags=["zalo"])
        router.add_api_route(
            "/webhooks/zalo",
            self.webhook,
            methods=["POST"],
            summary="Zalo OA webhook (signed events; answered asynchronously)",
            response_model=None,
        )
        app.include_router(router)

    def lifespan(self) -> AbstractAsyncContextManager[None] | None:
        return self._lifespan()

    @asynccontextmanager
    async def _lifespan(self) -> AsyncIterator[None]:
        await self.worker.start()
        try:
            yield
        finally:
            await self.worker.stop()
            self.client.close()
            self.tokens.close()

    async def webhook(self, request: Request) -> JSONResponse:
        body = await read_capped_body(request, self.settings.max_body_bytes)
        if body is None:
            return _error(413, "body too large")
        try:
            event = json.loads(body)
        except ValueError:
            return _error(400, "malformed JSON")
        if not isinstance(event, dict) or not isinstance(event.get("event_name"), str):
            return _error(400, "not a Zalo event")
        timestamp = event.get("timestamp")
        timestamp_text = str(timestamp) if isinstance(timestamp, str | int) else ""
        if not timestamp_text.isdigit():
            return _error(400, "missing timestamp")
        signature = request.headers.get(SIGNATURE_HEADER)
        if not verify_signature(signature, self.app_id, body, timestamp_text, self.oa_secret_key):
            logger.warning("Zalo webhook: bad signature")
            return _error(401, "bad signature")
        if str(event.get("app_id") or "") != self.app_id:
            logger.warning("Zalo webhook: event for another app")
            return _error(403, "wrong app")
        sent_at = int(timestamp_text) / 1000
        age = time.time() - sent_at
        if age > self.settings.zalo_max_event_age_s or age < -MAX_CLOCK_SKEW_S:
            logger.warning("Zalo webhook: refused an event %d s old (replay or clock skew)", int(age))
            return _error(401, "stale event")
        name = event["event_name"]
        if name not in HANDLED_EVENTS:
            return JSONResponse({"ok": True})  # e.g. oa_send_text echoes, user_seen_message: nothing to do
        user_id = _user_id(event)
        if not user_id:
            return _error(400, "no sender")
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        msg_id = message.get("msg_id")
        event_id = str(msg_id) if msg_id else f"{name}:{user_id}:{timestamp_text}"
        payload: dict[str, Any] = {}
        if name == TEXT_EVENT:
            payload["text"] = message.get("text") if isinstance(message.get("text"), str) else ""
        new = await asyncio.to_thread(
            self.inbox.accept, event_id, user_id, name, json.dumps(payload, ensure_ascii=False), sent_at
        )
        if new:
            self.worker.wake()
        else:
            logger.info("Zalo re-sent a %s event of %s: acknowledged, not processed again", name, pseudonym(user_id))
        return JSONResponse({"ok": True})


def _user_id(event: dict[str, Any]) -> str:
    """The citizen's id: ``sender.id`` for messages, ``follower.id`` for follow/unfollow."""
    for key in ("sender", "follower"):
        part = event.get(key)
        if isinstance(part, dict) and part.get("id"):
            return str(part["id"])
    return ""


def zalo_channel(settings: GatewaySettings, dialogue: Dialogue) -> ZaloChannel | None:
    """The channel factory for :func:`connectors.app.create_app`; None unless Zalo is configured."""
    if not settings.zalo_enabled:
        return None
    return ZaloChannel(settings, dialogue)
