"""Async client of Rasa's REST channel (``/webhooks/rest/webhook``) and, for staff debugging, its tracker API."""

from __future__ import annotations

from typing import Any

import httpx

from .replies import Reply, parse_rasa_messages


class RasaUnavailable(RuntimeError):
    """Rasa did not answer in time or answered with an error; the citizen gets a polite "try again"."""


class RasaClient:
    def __init__(self, base_url: str, timeout_s: float = 10.0, token: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._http = httpx.AsyncClient(timeout=timeout_s, limits=limits)

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[Reply]:
        body: dict[str, Any] = {"sender": sender_id, "message": text}
        if metadata:
            body["metadata"] = metadata
        try:
            response = await self._http.post(f"{self.base_url}/webhooks/rest/webhook", json=body)
        except httpx.HTTPError as error:
            raise RasaUnavailable(type(error).__name__) from error
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            return parse_rasa_messages(response.json())
        except ValueError as error:
            raise RasaUnavailable("invalid JSON") from error

    async def tracker(self, sender_id: str) -> dict[str, Any]:
        """The conversation tracker (needs Rasa's API token); raises RasaUnavailable otherwise."""
        try:
            response = await self._http.get(
                f"{self.base_url}/conversations/{sender_id}/tracker", params={"token": self.token}
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(type(error).__name__) from error
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        data = response.json()
        return data if isinstance(data, dict) else {}

    async def healthy(self) -> bool:
        try:
            response = await self._http.get(f"{self.base_url}/", timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def aclose(self) -> None:
        await self._http.aclose()
