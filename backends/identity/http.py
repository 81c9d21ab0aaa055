"""A citizen-identity provider over HTTP (the JSON contract is in ``HTTP_CONTRACT.md``).

``GET {base}/citizens/{id_number}`` → 200 one citizen / 404 none; ``GET {base}/citizens?phone=0912345678`` → 200
a list (0, 1 or more; only exactly one is an answer); ``GET {base}/birth-notices?parent_id=022094017326`` → 200 a
list of birth notices (404 = none); ``GET {base}/health`` → 200. Relatives are looked up one by one with the first
endpoint. Every request carries ``X-API-Key``; GETs are retried on connection errors, read
timeouts, 429 and 5xx (``retries`` times, exponential backoff); redirects are never followed (the key must not go
to another host). Whatever cannot be answered — timeouts, refused connections, 5xx after the retries, a refused
key, malformed, oversized or off-contract JSON, another citizen than the one asked for, a birth notice of another
parent — raises
:class:`~.base.IdentityUnavailable` with a message holding no personal data (pydantic's errors, which quote the
input, are dropped).
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit

import requests
from pydantic import BaseModel, ConfigDict, Field, StrictBool, TypeAdapter, ValidationError
from urllib3 import exceptions as urllib3_exceptions

from .._http import get_only_session, is_loopback
from .base import (
    MAX_BIRTH_NOTICES,
    IdentityUnavailable,
    newest_first,
    normalize_id_number,
    normalize_phone,
    relative_ids,
)
from .model import MARITAL_STATUSES, MAX_NOTICE_NUMBER, Address, BirthNotice, Citizen

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
MAX_RELATIVES = 24

Short = Annotated[str, Field(max_length=300)]
IdNumber = Annotated[str, Field(pattern=r"^[0-9]{12}$")]


class _Strictish(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class AddressJson(_Strictish):
    province: Short
    district: Short = ""
    commune: Short
    detail: Short = ""

    def to_address(self) -> Address:
        return Address(self.province, self.district, self.commune, self.detail)


class CitizenJson(_Strictish):
    id_number: IdNumber
    full_name: Short
    date_of_birth: date
    sex: Literal["nam", "nữ"]
    ethnicity: Short = ""
    nationality: Short = ""
    religion: Short = "Không"
    hometown: Short = ""
    permanent_address: AddressJson
    current_address: AddressJson | None = None
    phone: Annotated[str, Field(max_length=32)] | None = None
    email: Short | None = None
    marital_status: str | None = None
    father_id: IdNumber | None = None
    mother_id: IdNumber | None = None
    spouse_id: IdNumber | None = None
    children_ids: Annotated[list[IdNumber], Field(max_length=MAX_RELATIVES)] = []

    def to_citizen(self) -> Citizen:
        phone = ""
        if self.phone:
            phone = normalize_phone(self.phone) or ""  # an unreadable number counts as none on record
        marital = (self.marital_status or "").strip().lower()
        return Citizen(
            id_number=self.id_number,
            full_name=self.full_name,
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            ethnicity=self.ethnicity,
            nationality=self.nationality,
            religion=self.religion,
            hometown=self.hometown,
            permanent_address=self.permanent_address.to_address(),
            current_address=self.current_address.to_address() if self.current_address else None,
            phone=phone,
            email=self.email or "",
            marital_status=marital if marital in MARITAL_STATUSES else "",
            father_id=self.father_id,
            mother_id=self.mother_id,
            spouse_id=self.spouse_id,
            children_ids=tuple(self.children_ids),
        )


_CITIZEN_LIST = TypeAdapter(Annotated[list[CitizenJson], Field(max_length=100)])


class BirthNoticeJson(_Strictish):
    number: Annotated[str, Field(min_length=1, max_length=MAX_NOTICE_NUMBER)]
    mother_id: IdNumber
    father_id: IdNumber | None = None
    child_name: Short | None = None
    date_of_birth: date
    sex: Literal["nam", "nữ"]
    place_of_birth: Short
    issued_by: Short
    issued_on: date
    registered: StrictBool = False

    def to_notice(self) -> BirthNotice:
        return BirthNotice(
            number=self.number,
            mother_id=self.mother_id,
            father_id=self.father_id,
            child_name=self.child_name or "",
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            place_of_birth=self.place_of_birth,
            issued_by=self.issued_by,
            issued_on=self.issued_on,
            registered=self.registered,
        )


_NOTICE_LIST = TypeAdapter(Annotated[list[BirthNoticeJson], Field(max_length=MAX_BIRTH_NOTICES)])


class HttpIdentityBackend:
    """An :class:`~.base.IdentityBackend` over a provider's HTTP API.

    ``timeout`` is seconds per attempt, one number or (connect, read). Plain ``http://`` only for loopback hosts
    unless ``allow_insecure_http`` (identity data and the key would cross the network in clear).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: float | tuple[float, float] = (3.05, 8.0),
        retries: int = 2,
        *,
        allow_insecure_http: bool = False,
    ) -> None:
        split = urlsplit(base_url or "")
        if split.scheme not in ("http", "https") or not split.hostname:
            raise ValueError("the identity API URL must be an http(s):// URL with a host")
        if split.scheme == "http" and not (allow_insecure_http or is_loopback(split.hostname)):
            raise ValueError("the identity API must use https:// (plain http only on loopback)")
        if split.username or split.password:
            raise ValueError("put no credentials in the identity API URL; use the API key")
        key = (api_key or "").strip()
        if not key or not key.isprintable() or not key.isascii():
            raise ValueError("the identity API key is missing or not a valid header value")
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self._key = key
        self._http: requests.Session | None = None
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"  # never the key

    @property
    def http(self) -> requests.Session:
        with self._guard:
            if self._http is None:
                headers = {"X-API-Key": self._key, "Accept": "application/json", "User-Agent": "motcua-identity-client"}
                session = get_only_session(self.retries, 0.25, headers)
                self._http = session
            return self._http

    def close(self) -> None:
        with self._guard:
            if self._http is not None:
                self._http.close()
            self._http = None

    @staticmethod
    def _fail(reason: str) -> IdentityUnavailable:
        log.warning("identity backend: %s", reason)
        return IdentityUnavailable(reason)

    def _fetch(self, path: str, params: dict[str, str] | None = None) -> Any | None:
        """The JSON of a 200, None for a 404, IdentityUnavailable otherwise."""
        try:
            with self.http.get(
                self.base_url + path, params=params, timeout=self.timeout, stream=True, allow_redirects=False
            ) as response:
                if response.status_code == 404:
                    return None
                if response.status_code != 200:
                    raise self._fail(_why(response.status_code))
                body = b""
                for chunk in response.iter_content(chunk_size=32768):
                    body += chunk
                    if len(body) > MAX_BODY:
                        raise self._fail("identity service sent an oversized answer")
        except requests.Timeout:
            raise self._fail("identity service timed out") from None
        except requests.RequestException as exc:
            if _timed_out(exc):  # read timeouts that exhausted the retries come back as ConnectionError
                raise self._fail("identity service timed out") from None
            raise self._fail(f"identity service unreachable ({type(exc).__name__})") from None
        try:
            return json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise self._fail("identity service sent malformed JSON") from None

    def _citizen(self, data: Any, asked: str) -> Citizen:
        try:
            citizen = CitizenJson.model_validate(data).to_citizen()
        except (ValidationError, ValueError):
            raise self._fail("identity service sent a citizen that does not follow the contract") from None
        if citizen.id_number != asked:
            raise self._fail("identity service answered with another citizen than the one asked for")
        return citizen

    # -- IdentityBackend -------------------------------------------------------------------------------------------

    def get(self, id_number: str) -> Citizen | None:
        canonical = normalize_id_number(id_number)
        if canonical is None:
            return None
        data = self._fetch(f"/citizens/{quote(canonical, safe='')}")
        return None if data is None else self._citizen(data, canonical)

    def by_phone(self, phone: str) -> Citizen | None:
        canonical = normalize_phone(phone)
        if canonical is None:
            return None
        data = self._fetch("/citizens", params={"phone": canonical})
        if data is None:
            return None
        try:
            found = [item.to_citizen() for item in _CITIZEN_LIST.validate_python(data)]
        except (ValidationError, ValueError):
            raise self._fail("identity service sent a list that does not follow the contract") from None
        matching = [c for c in found if c.phone == canonical]
        if len(found) != len(matching):
            raise self._fail("identity service answered with citizens of another phone number")
        return matching[0] if len(matching) == 1 else None

    def relatives(self, citizen: Citizen) -> dict[str, Citizen]:
        wanted = list(relative_ids(citizen).items())[:MAX_RELATIVES]
        found: dict[str, Citizen] = {}
        cache: dict[str, Citizen | None] = {}
        for key, id_number in wanted:
            if id_number not in cache:
                cache[id_number] = self.get(id_number)
            relative = cache[id_number]
            if relative is not None:
                found[key] = relative
        return found

    def birth_notices(self, parent_id: str) -> list[BirthNotice]:
        canonical = normalize_id_number(parent_id)
        if canonical is None:
            return []
        data = self._fetch("/birth-notices", params={"parent_id": canonical})
        if data is None:
            return []
        try:
            found = [item.to_notice() for item in _NOTICE_LIST.validate_python(data)]
        except (ValidationError, ValueError):
            raise self._fail("identity service sent birth notices that do not follow the contract") from None
        if any(canonical not in notice.parents() for notice in found):
            raise self._fail("identity service answered with a birth notice of another parent")
        if len({notice.number for notice in found}) != len(found):
            raise self._fail("identity service sent the same birth notice twice")
        return newest_first(found)  # a registered notice sent anyway is left out

    def healthy(self) -> bool:
        try:
            return self._fetch("/health") is not None
        except Exception:  # a health check never raises
            return False


def _timed_out(exc: requests.RequestException) -> bool:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(reason, urllib3_exceptions.NewConnectionError):  # a subclass of ConnectTimeoutError, oddly
        return False
    return isinstance(reason, urllib3_exceptions.TimeoutError)


def _why(status: int) -> str:
    if status in (401, 403):
        return f"identity service refused the API key (HTTP {status})"
    if 300 <= status < 400:
        return f"identity service redirected (HTTP {status}); configure the final URL"
    return f"identity service answered HTTP {status}"
