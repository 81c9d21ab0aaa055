"""A province's dossier system over HTTP (the JSON contract is in ``HTTP_CONTRACT.md``).

``GET {base}/dossiers/{code}`` → 200 one dossier / 404 none; ``GET {base}/dossiers?changed_since=<ISO 8601>`` → a
list. Every request carries ``X-API-Key``. GETs are retried (``retries`` times, exponential backoff) on connection
errors, read timeouts, 429 and 5xx; redirects are not followed (the key must not travel to another host); the
``Retry-After`` header is not honoured (a citizen is waiting in the chat: bounded latency matters more). What
cannot be answered — timeouts, refused connections, 5xx after the retries, a refused key, malformed or oversized
JSON, a dossier other than the one asked for — raises :class:`~.base.BackendUnavailable` with a message that
holds no personal data (pydantic's errors, which echo the input, are dropped).
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit

import requests
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from .._http import get_only_session, is_loopback
from .base import BackendUnavailable
from .codes import normalize_dossier_code
from .model import VN_TZ, Dossier, DossierStatus, PaymentRequest, StatusEvent, SupplementRequest

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 8 * 1024 * 1024

Text = Annotated[str, Field(max_length=4000)]
ShortText = Annotated[str, Field(max_length=400)]


# -- the wire format (see HTTP_CONTRACT.md) -------------------------------------------------------------------------


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ApplicantJson(_Wire):
    name: ShortText
    phone: Annotated[str, Field(max_length=32)]
    id_number: Annotated[str, Field(max_length=32)]


class StatusEventJson(_Wire):
    status: DossierStatus
    at: AwareDatetime
    note: Text = ""


class SupplementJson(_Wire):
    documents: Annotated[list[Text], Field(max_length=100)]
    deadline: date
    note: Text = ""


class PaymentJson(_Wire):
    amount_vnd: Annotated[int, Field(ge=0)]
    deadline: date
    note: Text = ""


class DossierJson(_Wire):
    code: Annotated[str, Field(max_length=64)]
    procedure_code: Annotated[str, Field(max_length=32)]
    procedure_name: Text
    agency: Text
    applicant: ApplicantJson
    method: Literal["in_person", "online", "postal"]
    status: DossierStatus
    current_step: Text = ""
    received_at: AwareDatetime | None = None
    due_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    updated_at: AwareDatetime
    history: Annotated[list[StatusEventJson], Field(max_length=500)] = []
    supplement: SupplementJson | None = None
    payment: PaymentJson | None = None

    @field_validator("code")
    @classmethod
    def _canonical_code(cls, value: str) -> str:
        canonical = normalize_dossier_code(value)
        if canonical is None:
            raise ValueError("not a dossier code")
        return canonical

    def to_dossier(self) -> Dossier:
        def vn(value: datetime | None) -> datetime | None:
            return value.astimezone(VN_TZ) if value is not None else None

        events = sorted(self.history, key=lambda e: e.at)
        return Dossier(
            code=self.code,
            procedure_code=self.procedure_code,
            procedure_name=self.procedure_name,
            agency=self.agency,
            applicant_name=self.applicant.name,
            applicant_phone=self.applicant.phone,
            applicant_id_number=self.applicant.id_number,
            method=self.method,
            status=self.status,
            current_step=self.current_step,
            received_at=vn(self.received_at),
            due_at=vn(self.due_at),
            completed_at=vn(self.completed_at),
            updated_at=self.updated_at.astimezone(VN_TZ),
            history=tuple(StatusEvent(e.status, e.at.astimezone(VN_TZ), e.note) for e in events),
            supplement=(
                SupplementRequest(tuple(self.supplement.documents), self.supplement.deadline, self.supplement.note)
                if self.supplement is not None
                else None
            ),
            payment=(
                PaymentRequest(self.payment.amount_vnd, self.payment.deadline, self.payment.note)
                if self.payment is not None
                else None
            ),
        )


_DOSSIER_LIST = TypeAdapter(list[DossierJson])


class HttpDossierBackend:
    """A :class:`~.base.DossierBackend` over a province's HTTP API.

    ``timeout`` is (connect, read) seconds per attempt. Plain ``http://`` is accepted only for loopback hosts unless
    ``allow_insecure_http`` (the API key and personal data would cross the network in clear).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: tuple[float, float] = (3.05, 10),
        retries: int = 2,
        *,
        allow_insecure_http: bool = False,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        parts = urlsplit(base_url or "")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the dossier API URL must be an http(s):// URL with a host")
        if parts.scheme == "http" and not allow_insecure_http and not is_loopback(parts.hostname):
            raise ValueError("the dossier API must use https:// (plain http only on loopback)")
        key = (api_key or "").strip()
        if not key or any(ch in key for ch in "\r\n\0"):
            raise ValueError("the dossier API key is missing or not a valid header value")
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.max_response_bytes = max_response_bytes
        self._api_key = key
        self._session: requests.Session | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"  # never the key

    # -- HTTP ----------------------------------------------------------------------------------------------------

    @property
    def session(self) -> requests.Session:
        """The ``requests`` session with the retry policy, created on first use."""
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._session = self._new_session()
        return self._session

    def _new_session(self) -> requests.Session:
        headers = {"X-API-Key": self._api_key, "Accept": "application/json", "User-Agent": "motcua-dossier-client"}
        return get_only_session(self.retries, 0.3, headers)

    def close(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.close()
            self._session = None

    def _get_json(self, path: str, params: dict[str, str] | None = None) -> Any | None:
        """The decoded JSON body of a 200; None for a 404; BackendUnavailable for anything else."""
        url = f"{self.base_url}{path}"
        try:
            response = self.session.get(url, params=params, timeout=self.timeout, stream=True, allow_redirects=False)
            try:
                status = response.status_code
                if status == 404:
                    return None
                if status != 200:
                    raise self._unavailable(_status_reason(status))
                body = bytearray()
                for chunk in response.iter_content(chunk_size=65536):
                    body += chunk
                    if len(body) > self.max_response_bytes:
                        raise self._unavailable("dossier service sent an oversized answer")
            finally:
                response.close()
        except requests.Timeout:
            raise self._unavailable("dossier service timed out") from None
        except requests.RequestException as exc:
            raise self._unavailable(f"dossier service unreachable ({type(exc).__name__})") from None
        try:
            return json.loads(bytes(body))
        except (ValueError, UnicodeDecodeError):
            raise self._unavailable("dossier service sent malformed JSON") from None

    @staticmethod
    def _unavailable(reason: str) -> BackendUnavailable:
        log.warning("dossier backend: %s", reason)
        return BackendUnavailable(reason)

    # -- DossierBackend ------------------------------------------------------------------------------------------

    def get(self, code: str) -> Dossier | None:
        canonical = normalize_dossier_code(code)
        if canonical is None:
            return None
        data = self._get_json(f"/dossiers/{quote(canonical, safe='')}")
        if data is None:
            return None
        try:
            parsed = DossierJson.model_validate(data)
            dossier = parsed.to_dossier()
        except (ValidationError, ValueError):
            raise self._unavailable("dossier service sent a dossier that does not follow the contract") from None
        if dossier.code != canonical:
            raise self._unavailable("dossier service answered with another dossier than the one asked for")
        return dossier

    def changed_since(self, since: datetime) -> list[Dossier]:
        if not isinstance(since, datetime) or since.tzinfo is None or since.utcoffset() is None:
            raise ValueError("since must be a timezone-aware datetime")
        data = self._get_json("/dossiers", params={"changed_since": since.isoformat()})
        if data is None:
            raise self._unavailable("dossier service has no /dossiers listing (HTTP 404)")
        try:
            dossiers = [item.to_dossier() for item in _DOSSIER_LIST.validate_python(data)]
        except (ValidationError, ValueError):
            raise self._unavailable("dossier service sent a list that does not follow the contract") from None
        changed = [d for d in dossiers if d.updated_at > since]
        return sorted(changed, key=lambda d: (d.updated_at, d.code))

    def healthy(self) -> bool:
        try:
            self.changed_since(datetime.now(VN_TZ))
        except Exception:  # a health check never raises
            return False
        return True


def _status_reason(status: int) -> str:
    if status in (401, 403):
        return f"dossier service refused the API key (HTTP {status})"
    if 300 <= status < 400:
        return f"dossier service redirected (HTTP {status}); set the final URL"
    return f"dossier service answered HTTP {status}"
