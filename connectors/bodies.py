"""Reading a webhook's raw body with a size cap (the app's middleware only sees Content-Length)."""

from __future__ import annotations

from fastapi import Request


async def read_capped_body(request: Request, limit: int) -> bytes | None:
    """The raw body, or None as soon as it grows past ``limit`` bytes (also when no Content-Length was sent)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)
