"""The download links of the documents the assistant makes (a filled-in form as PDF and JSON).

The action server stores the files with :class:`backends.documents.DocumentStore` and sends the citizen a link
(:func:`backends.documents.public_link`); this channel serves it:

- ``GET /files/<token>/<name>`` → the file as an attachment (``application/pdf`` / ``application/json``), never
  cached nor indexed (``Cache-Control: no-store``, ``X-Robots-Tag: noindex``, ``X-Content-Type-Options: nosniff``);
- an unknown, malformed or expired link → 404 with a short bilingual message (HTML for a browser, plain text
  otherwise) asking the citizen to have the assistant make the form again.

Its lifespan purges expired entries every ``MOTCUA_DOCUMENT_PURGE_INTERVAL_S`` seconds (300 by default), first
when the gateway starts. Logs carry a pseudonym of the token (the token alone opens the file), never the token.
"""

from __future__ import annotations

import asyncio
import html
import logging
from pathlib import PurePosixPath

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from backends.documents import FILES_PREFIX, DocumentStore, document_store_from_env

from .background import STOP_GRACE_S as STOP_GRACE_S
from .background import BackgroundLoop
from .dialogue import Dialogue
from .privacy import pseudonym
from .settings import GatewaySettings

logger = logging.getLogger(__name__)

FILES_PATH = FILES_PREFIX + "/{token}/{name}"
MEDIA_TYPES = {".pdf": "application/pdf", ".json": "application/json"}
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
}
GONE_VI = "Liên kết đã hết hạn hoặc không tồn tại. Bạn hãy yêu cầu trợ lý tạo lại tờ khai."
GONE_EN = "This link has expired or does not exist. Please ask the assistant to make the form again."
_GONE_PAGE = (
    '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<meta name="robots" content="noindex"><title>Liên kết hết hạn / Link expired</title></head>\n'
    f'<body><p>{html.escape(GONE_VI)}</p>\n<p lang="en">{html.escape(GONE_EN)}</p></body></html>\n'
)


class DocumentSettings(BaseSettings):
    """The download channel's own settings (prefix ``MOTCUA_``), apart from the gateway's."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_", extra="ignore")

    document_purge_interval_s: float = Field(300.0, ge=1.0, le=24 * 3600.0)


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


class DocumentChannel(BackgroundLoop):
    """Serves the stored documents and purges the expired ones; a gateway channel (``mount`` / ``lifespan``)."""

    task_name = "document-purge"

    def __init__(self, store: DocumentStore, *, interval_s: float | None = None) -> None:
        super().__init__()
        self.store = store
        self.interval_s = interval_s if interval_s is not None else DocumentSettings().document_purge_interval_s
        if self.interval_s <= 0:
            raise ValueError("the purge interval must be positive")

    # --- the route --------------------------------------------------------------------------------------------

    def mount(self, app: FastAPI) -> None:
        app.add_api_route(
            FILES_PATH,
            self.download,
            methods=["GET"],
            tags=["documents"],
            summary="Download a document the assistant made (the link expires)",
            response_class=Response,
            responses={
                200: {"content": {"application/pdf": {}, "application/json": {}}},
                404: {"description": "Unknown or expired link", "content": {"text/plain": {}, "text/html": {}}},
            },
        )

    async def download(self, token: str, name: str, request: Request) -> Response:
        path = await asyncio.to_thread(self.store.open, token, name)
        if path is None:
            logger.info("documents: link %s unknown or expired", pseudonym(token))
            return gone(request)
        logger.info("documents: link %s served", pseudonym(token))
        return FileResponse(path, media_type=media_type(name), filename=name, headers=PRIVATE_HEADERS)

    # --- the purge task (lifespan() / start() / stop() from BackgroundLoop) ------------------------------------

    async def purge_once(self) -> int:
        """One purge (in a thread); never raises: a failure is logged and the next round tries again."""
        try:
            deleted = await asyncio.to_thread(self.store.purge)
        except Exception as error:
            logger.warning("documents: purge failed (%s); retry in %.0f s", type(error).__name__, self.interval_s)
            return 0
        if deleted:
            logger.info("documents: %d expired document(s) deleted", deleted)
        return deleted

    async def _loop(self) -> None:
        assert self._stop is not None
        while not self._stop.is_set():
            await self.purge_once()
            await self._wait_stop(self.interval_s)


def gone(request: Request) -> Response:
    """The 404 of an unknown or expired link: a small page for a browser, plain text otherwise."""
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(_GONE_PAGE, status_code=404, headers=PRIVATE_HEADERS)
    return PlainTextResponse(f"{GONE_VI}\n{GONE_EN}\n", status_code=404, headers=PRIVATE_HEADERS)


def documents_channel(settings: GatewaySettings, dialogue: Dialogue) -> DocumentChannel:
    """The channel factory for :func:`connectors.app.create_app`: the store as the action server sees it
    (``$MOTCUA_CACHE_DIR/documents``, ``MOTCUA_DOCUMENT_TTL_S``)."""
    return DocumentChannel(document_store_from_env())
