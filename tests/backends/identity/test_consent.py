"""Consent per form session: grant, expiry, revoke; nothing personal in clear."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from backends.identity import seed
from backends.identity.consent import ConsentStore

from .conftest import FakeClock

SENDER = "zalo:1234567890"
BIRTH = "form:1.001193"


@pytest.fixture
def consents(identity_url: str, clock: FakeClock) -> Iterator[ConsentStore]:
    store = ConsentStore(identity_url, clock=clock)
    yield store
    store.close()


def test_grant_then_granted(consents: ConsentStore, clock: FakeClock) -> None:
    assert not consents.granted(SENDER, seed.HUNG, BIRTH)
    until = consents.grant(SENDER, seed.HUNG, BIRTH)
    assert until == clock.now + timedelta(minutes=30)
    assert consents.granted(SENDER, seed.HUNG, BIRTH)
    assert consents.granted(SENDER, " 0220 9401 7326 ", BIRTH)


def test_consent_is_for_that_sender_id_and_purpose(consents: ConsentStore) -> None:
    consents.grant(SENDER, seed.HUNG, BIRTH)
    assert not consents.granted("telegram:1", seed.HUNG, BIRTH)
    assert not consents.granted(SENDER, seed.MAI_ANH, BIRTH)
    assert not consents.granted(SENDER, seed.HUNG, "form:1.000894")
    assert not consents.granted(SENDER, "' OR 1=1 --", BIRTH)
    assert not consents.granted(SENDER, seed.HUNG, "' OR 1=1 --")


def test_consent_expires_after_30_minutes(consents: ConsentStore, clock: FakeClock) -> None:
    consents.grant(SENDER, seed.HUNG, BIRTH)
    clock.advance(minutes=29, seconds=59)
    assert consents.granted(SENDER, seed.HUNG, BIRTH)
    clock.advance(seconds=1)
    assert not consents.granted(SENDER, seed.HUNG, BIRTH)


def test_grant_at_a_given_moment_and_renewal(consents: ConsentStore, clock: FakeClock) -> None:
    consents.grant(SENDER, seed.HUNG, BIRTH, at=clock.now - timedelta(minutes=31))
    assert not consents.granted(SENDER, seed.HUNG, BIRTH)
    consents.grant(SENDER, seed.HUNG, BIRTH, at=clock.now - timedelta(minutes=20))
    clock.advance(minutes=5)
    consents.grant(SENDER, seed.HUNG, BIRTH)  # renewed
    clock.advance(minutes=20)
    assert consents.granted(SENDER, seed.HUNG, BIRTH)


def test_revoke_ends_every_consent_of_the_sender(consents: ConsentStore) -> None:
    consents.grant(SENDER, seed.HUNG, BIRTH)
    consents.grant(SENDER, seed.MAI_ANH, BIRTH)
    consents.grant("web:other", seed.HUNG, BIRTH)
    assert consents.revoke(SENDER) == 2
    assert not consents.granted(SENDER, seed.HUNG, BIRTH)
    assert not consents.granted(SENDER, seed.MAI_ANH, BIRTH)
    assert consents.granted("web:other", seed.HUNG, BIRTH)
    assert consents.revoke(SENDER) == 0


def test_a_custom_ttl(identity_url: str, clock: FakeClock) -> None:
    store = ConsentStore(identity_url, clock=clock, ttl=timedelta(minutes=5))
    store.grant(SENDER, seed.HUNG, BIRTH)
    clock.advance(minutes=5)
    assert not store.granted(SENDER, seed.HUNG, BIRTH)
    store.close()


def test_nothing_personal_is_stored(consents: ConsentStore, identity_url: str) -> None:
    consents.grant(SENDER, seed.HUNG, BIRTH)
    engine = create_engine(identity_url)
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(text("SELECT * FROM identity_consents"))]
    engine.dispose()
    dumped = repr(rows)
    assert len(rows) == 1
    for secret in (SENDER, "1234567890", seed.HUNG, "Nguyễn Văn Hùng"):
        assert secret not in dumped
    assert BIRTH in dumped


def test_purge(consents: ConsentStore, clock: FakeClock) -> None:
    consents.grant(SENDER, seed.HUNG, BIRTH)
    assert consents.purge(clock.now) == 0
    clock.advance(hours=1)
    assert consents.purge(clock.now) == 1


@pytest.mark.parametrize("purpose", ["", "Đăng ký khai sinh cho con", "x" * 100, "form 1.001193", "FORM:1"])
def test_purpose_must_be_a_short_key(consents: ConsentStore, purpose: str) -> None:
    with pytest.raises(ValueError):
        consents.grant(SENDER, seed.HUNG, purpose)


def test_grant_refuses_a_non_id_number(consents: ConsentStore) -> None:
    with pytest.raises(ValueError):
        consents.grant(SENDER, "not-an-id", BIRTH)
