"""Sending messages with the Zalo OA API v3 (``POST {api_base}/v3.0/oa/message/cs``), with plain ``requests``.

Zalo answers HTTP 200 with a JSON ``error`` code: 0 is success, -216 means the access token expired (the client asks
the token manager for a fresh one and tries once more); anything else raises :class:`ZaloError`.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..privacy import redact
from ..settings import GatewaySettings

logger = logging.getLogger(__name__)

ACCESS_TOKEN_EXPIRED = -216
TIMEOUT_S = (3.05, 10.0)  # (connect, read)
RETRY_STATUSES = (429, 500, 502, 503, 504)


class ZaloError(RuntimeError):
    """Zalo refused a call (``code`` is Zalo's error code) or could not be reached (``code`` is None)."""

    def __init__(self, code: int | None, message: str) -> None:
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code
        self.message = message


class AccessTokens(Protocol):
    def access_token(self) -> str: ...

    def refresh_expired(self, stale_token: str) -> str: ...


def retrying_session(
    total: int = 3, backoff_factor: float = 0.5, statuses: tuple[int, ...] = RETRY_STATUSES
) -> requests.Session:
    """A session that retries failed connections and, with ``statuses``, 429/5xx answers, POST included.

    ``allowed_methods=None`` retries every method: a message that reached Zalo before a 5xx may then arrive twice,
    which is better for a citizen than no answer at all. ``Retry-After`` is honoured on 429 and 503.
    """
    retry = Retry(
        total=total,
        connect=total,
        read=0,  # the request may have been handled: the inbox worker's own retry decides
        status=total if statuses else 0,
        backoff_factor=backoff_factor,
        status_forcelist=statuses,
        allowed_methods=None,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class ZaloClient:
    def __init__(
        self,
        settings: GatewaySettings,
        tokens: AccessTokens,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = TIMEOUT_S,
    ) -> None:
        self.url = settings.zalo_api_base.rstrip("/") + "/v3.0/oa/message/cs"
        self.tokens = tokens
        self.session = session or retrying_session()
        self.timeout = timeout

    def send(self, user_id: str, message: dict[str, Any]) -> None:
        """Sends one message (a ``{"text": …}`` or ``{"attachment": …}`` dict) to a user; raises ZaloError."""
        body = {"recipient": {"user_id": user_id}, "message": message}
        token = self.tokens.access_token()
        code, text = self._post(token, body)
        if code == ACCESS_TOKEN_EXPIRED:
            logger.info("Zalo access token expired: refreshing it and retrying once")
            code, text = self._post(self.tokens.refresh_expired(token), body)
        if code != 0:
            logger.warning("Zalo refused a message: error %s (%s)", code, redact(text)[:200])
            raise ZaloError(code, text)

    def _post(self, token: str, body: dict[str, Any]) -> tuple[int | None, str]:
        try:
            response = self.session.post(self.url, json=body, headers={"access_token": token}, timeout=self.timeout)
        except requests.RequestException as error:
            raise ZaloError(None, f"cannot reach Zalo ({type(error).__name__})") from error
        if response.status_code != 200:
            raise ZaloError(None, f"HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as error:
            raise ZaloError(None, "invalid JSON from Zalo") from error
        if not isinstance(data, dict):
            raise ZaloError(None, "unexpected answer from Zalo")
        try:
            code = int(data.get("error"))
        except (TypeError, ValueError):
            code = None
        return code, str(data.get("message") or "")

    def close(self) -> None:
        self.session.close()
