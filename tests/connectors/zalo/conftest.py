"""Fixtures of the Zalo channel tests: the fake Zalo API and Rasa, settings on a temporary data_dir, signed events."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from connectors.app import create_app
from connectors.settings import GatewaySettings
from connectors.zalo.channel import zalo_channel
from connectors.zalo.inbox import Inbox
from connectors.zalo.signature import expected_signature
from connectors.zalo.store import db_path

from .fakes import FakeRasa, FakeZalo, LiveGateway

APP_ID = "2840113912345678901"
OA_SECRET = "oa-webhook-key-9f3b2c"
APP_SECRET = "app-secret-key-7d41e0"
SEED_REFRESH = "refresh-seed-0000-tok"
OA_ID = "579745863508352884"

_msg_ids = itertools.count(1)


@pytest.fixture
def fake_zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo(APP_ID, APP_SECRET, SEED_REFRESH).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa().start()
    yield fake
    fake.release()
    fake.stop()


def make_settings(data_dir: Path, zalo: FakeZalo, rasa_url: str, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "rasa_url": rasa_url,
        "rasa_timeout_s": 15.0,
        "zalo_app_id": APP_ID,
        "zalo_oa_secret_key": OA_SECRET,
        "zalo_app_secret_key": APP_SECRET,
        "zalo_refresh_token": SEED_REFRESH,
        "zalo_api_base": zalo.url,
        "zalo_oauth_base": zalo.url,
        "zalo_max_event_age_s": 300,
        "rate_limit": "100/minute",
    }
    values.update(overrides)
    return GatewaySettings(**values)


@pytest.fixture
def settings(tmp_path: Path, fake_zalo: FakeZalo, fake_rasa: FakeRasa) -> GatewaySettings:
    return make_settings(tmp_path / "gateway", fake_zalo, fake_rasa.url)


def live(settings: GatewaySettings) -> LiveGateway:
    return LiveGateway(create_app(settings, channels=[zalo_channel]))


def inbox_of(settings: GatewaySettings) -> Inbox:
    return Inbox(db_path(settings.data_dir))


def now_ms() -> str:
    return str(int(time.time() * 1000))


def text_event(user_id: str, text: str, msg_id: str | None = None, timestamp: str | None = None) -> dict[str, Any]:
    return {
        "app_id": APP_ID,
        "user_id_by_app": f"app{user_id}",
        "event_name": "user_send_text",
        "timestamp": timestamp or now_ms(),
        "sender": {"id": user_id},
        "recipient": {"id": OA_ID},
        "message": {"msg_id": msg_id or f"msg{next(_msg_ids):06d}", "text": text},
    }


def attachment_event(user_id: str, name: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "app_id": APP_ID,
        "user_id_by_app": f"app{user_id}",
        "event_name": name,
        "timestamp": now_ms(),
        "sender": {"id": user_id},
        "recipient": {"id": OA_ID},
        "message": {"msg_id": f"msg{next(_msg_ids):06d}", "attachments": [{"type": kind, "payload": payload}]},
    }


def follow_event(user_id: str, name: str = "follow") -> dict[str, Any]:
    return {
        "app_id": APP_ID,
        "oa_id": OA_ID,
        "user_id_by_app": f"app{user_id}",
        "event_name": name,
        "source": "oa_profile",
        "timestamp": now_ms(),
        "follower": {"id": user_id},
    }


def post_event(
    base_url: str, event: dict[str, Any], signature: str | None = "auto", raw: bytes | None = None
) -> requests.Response:
    """POSTs an event as Zalo would: the exact bytes, signed with the OA secret key (unless told otherwise)."""
    body = raw if raw is not None else json.dumps(event, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "auto":
        signature = expected_signature(APP_ID, body, str(event.get("timestamp", "")), OA_SECRET)
    if signature is not None:
        headers["X-ZEvent-Signature"] = signature
    return requests.post(f"{base_url}/webhooks/zalo", data=body, headers=headers, timeout=30)
