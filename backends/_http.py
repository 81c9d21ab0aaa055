"""Small HTTP helpers shared by the backends' adapters: the loopback test and a GET-only retrying session."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP address (where plain http may be allowed)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def get_only_session(
    retries: int,
    backoff_factor: float,
    headers: Mapping[str, str],
    statuses: Iterable[int] = RETRY_STATUSES,
) -> requests.Session:
    """A session retrying GETs on connection errors and ``statuses`` (never redirects, never ``Retry-After``)."""
    policy = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=0,
        backoff_factor=backoff_factor,
        status_forcelist=tuple(statuses),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    adapter = HTTPAdapter(max_retries=policy)
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update(headers)
    return session
