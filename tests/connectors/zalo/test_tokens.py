"""The token manager against the fake Zalo OAuth endpoint: rotation, durability, expiry, one refresh at a time."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
import requests

from connectors.zalo.api import ZaloError
from connectors.zalo.tokens import TokenManager

from .conftest import APP_ID, APP_SECRET, SEED_REFRESH, make_settings
from .fakes import FakeZalo


@pytest.fixture
def settings_for(tmp_path: Path, fake_zalo: FakeZalo):
    def build(**overrides):
        return make_settings(tmp_path / "gateway", fake_zalo, "http://127.0.0.1:9", **overrides)

    return build


def test_seeded_from_settings_then_rotated_and_persisted(settings_for, fake_zalo: FakeZalo) -> None:
    tokens = TokenManager(settings_for())
    assert tokens.access_token() == "access-0001-tok"
    assert fake_zalo.token_calls == [{"refresh_token": SEED_REFRESH, "app_id": APP_ID, "grant_type": "refresh_token"}]
    # A second manager (a restart) uses the rotated refresh token, not the spent seed from the settings.
    again = TokenManager(settings_for())
    assert again.access_token() == "access-0001-tok"  # still valid: no call
    assert again.refresh() == "access-0002-tok"
    assert fake_zalo.token_calls[-1]["refresh_token"] == "refresh-0001-tok"
    assert len(fake_zalo.token_calls) == 2


def test_access_token_is_reused_until_shortly_before_expiry(settings_for, fake_zalo: FakeZalo) -> None:
    now = [1_000_000.0]
    tokens = TokenManager(settings_for(), clock=lambda: now[0])
    first = tokens.access_token()
    now[0] += 90000 - 301  # the fake's tokens live 90000 s; refreshed 300 s early
    assert tokens.access_token() == first
    now[0] += 2
    assert tokens.access_token() != first
    assert len(fake_zalo.token_calls) == 2


def test_refresh_expired_refreshes_once_for_concurrent_callers(settings_for, fake_zalo: FakeZalo) -> None:
    tokens = TokenManager(settings_for())
    stale = tokens.access_token()
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(tokens.refresh_expired(stale))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results) == {"access-0002-tok"}
    assert len(fake_zalo.token_calls) == 2  # one refresh, not eight (a reused refresh token would be refused)


def test_concurrent_first_use_refreshes_once(settings_for, fake_zalo: FakeZalo) -> None:
    tokens = TokenManager(settings_for())
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(tokens.access_token())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["access-0001-tok"] * 8
    assert len(fake_zalo.token_calls) == 1


def test_a_refused_refresh_raises_and_logs_no_token(settings_for, fake_zalo: FakeZalo, caplog) -> None:
    fake_zalo.refresh_tokens[SEED_REFRESH] = "used"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ZaloError) as raised:
        TokenManager(settings_for()).access_token()
    assert raised.value.code == -14014
    assert "refused" in caplog.text and SEED_REFRESH not in caplog.text


def test_wrong_app_secret_is_refused(settings_for) -> None:
    with pytest.raises(ZaloError):
        TokenManager(settings_for(zalo_app_secret_key="another-secret-123")).access_token()


def test_no_refresh_token_anywhere(settings_for) -> None:
    with pytest.raises(ZaloError, match="REFRESH_TOKEN"):
        TokenManager(settings_for(zalo_refresh_token=None)).access_token()


def test_a_newly_configured_seed_replaces_the_stored_token(settings_for, fake_zalo: FakeZalo) -> None:
    TokenManager(settings_for()).access_token()
    fake_zalo.refresh_tokens["refresh-new-seed-tok"] = "valid"
    tokens = TokenManager(settings_for(zalo_refresh_token="refresh-new-seed-tok"))
    assert tokens.access_token() == "access-0002-tok"
    assert fake_zalo.token_calls[-1]["refresh_token"] == "refresh-new-seed-tok"


def test_the_fake_rejects_a_reused_refresh_token(fake_zalo: FakeZalo) -> None:
    form = {"refresh_token": SEED_REFRESH, "app_id": APP_ID, "grant_type": "refresh_token"}
    url = f"{fake_zalo.url}/v4/oa/access_token"
    assert "access_token" in requests.post(url, data=form, headers={"secret_key": APP_SECRET}, timeout=10).json()
    again = requests.post(url, data=form, headers={"secret_key": APP_SECRET}, timeout=10).json()
    assert again["error"] == -14014
