"""One-time codes: issue, check once, wrong answers count, lock, expiry, nothing stored in clear."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from backends.identity import seed
from backends.identity.seed import CITIZENS
from backends.identity.verification import (
    ChatDelivery,
    OtpService,
    VerificationLocked,
    Verifier,
    code_for_chat,
)

from .conftest import FakeClock

SENDER = "zalo:1234567890"
OTHER = "telegram:987654"
HUNG = seed.HUNG
CITIZEN = next(c for c in CITIZENS if c.id_number == HUNG)


@pytest.fixture
def otp(identity_url: str, clock: FakeClock) -> OtpService:
    service = OtpService(identity_url, clock=clock)
    yield service
    service.close()


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_code_is_six_digits(otp: OtpService) -> None:
    codes = {otp.issue(f"web:{i}", HUNG) for i in range(5)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 1


def test_right_code_is_ok_once(otp: OtpService) -> None:
    code = otp.issue(SENDER, HUNG)
    assert otp.check(SENDER, HUNG, code) == "ok"
    assert otp.check(SENDER, HUNG, code) == "none"


def test_spaces_and_full_width_digits_are_read(otp: OtpService) -> None:
    code = otp.issue(SENDER, HUNG)
    spaced = " ".join(code[i : i + 3] for i in (0, 3))
    assert otp.check(SENDER, HUNG, spaced.translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == "ok"


def test_wrong_codes_count_and_the_third_locks(otp: OtpService, clock: FakeClock) -> None:
    code = otp.issue(SENDER, HUNG)
    assert otp.check(SENDER, HUNG, _wrong(code)) == "wrong"
    assert otp.check(SENDER, HUNG, _wrong(code)) == "wrong"
    assert otp.check(SENDER, HUNG, _wrong(code)) == "locked"
    assert otp.check(SENDER, HUNG, code) == "locked"  # even the right code, now
    assert otp.locked_until(SENDER) == clock.now + timedelta(minutes=15)
    with pytest.raises(VerificationLocked):
        otp.issue(SENDER, HUNG)
    assert otp.check(OTHER, HUNG, code) == "none"  # another sender is not affected
    clock.advance(minutes=15, seconds=1)
    assert otp.locked_until(SENDER) is None
    assert otp.check(SENDER, HUNG, code) == "none"  # the code was dropped with the lock
    fresh = otp.issue(SENDER, HUNG)
    assert otp.check(SENDER, HUNG, fresh) == "ok"


def test_a_new_code_does_not_reset_the_failures(otp: OtpService) -> None:
    first = otp.issue(SENDER, HUNG)
    assert otp.check(SENDER, HUNG, _wrong(first)) == "wrong"
    assert otp.check(SENDER, HUNG, _wrong(first)) == "wrong"
    second = otp.issue(SENDER, HUNG)
    assert otp.check(SENDER, HUNG, _wrong(second)) == "locked"


def test_success_resets_the_failures(otp: OtpService) -> None:
    code = otp.issue(SENDER, HUNG)
    assert otp.check(SENDER, HUNG, _wrong(code)) == "wrong"
    assert otp.check(SENDER, HUNG, _wrong(code)) == "wrong"
    assert otp.check(SENDER, HUNG, code) == "ok"
    code = otp.issue(SENDER, HUNG)
    assert otp.check(SENDER, HUNG, _wrong(code)) == "wrong"
    assert otp.check(SENDER, HUNG, code) == "ok"


def test_answers_that_are_not_six_digits_do_not_count(otp: OtpService) -> None:
    code = otp.issue(SENDER, HUNG)
    for chatter in ("mã chưa tới", "12345", "1234567", "", "' OR 1=1 --", "x" * 1000):
        assert otp.check(SENDER, HUNG, chatter) == "wrong"
    assert otp.check(SENDER, HUNG, code) == "ok"


def test_expiry(otp: OtpService, clock: FakeClock) -> None:
    code = otp.issue(SENDER, HUNG)
    clock.advance(minutes=4, seconds=59)
    assert otp.check(SENDER, HUNG, _wrong(code)) == "wrong"
    clock.advance(seconds=1)
    assert otp.check(SENDER, HUNG, code) == "expired"
    assert otp.check(SENDER, HUNG, code) == "none"


def test_one_live_code_per_sender(otp: OtpService, identity_url: str) -> None:
    first = otp.issue(SENDER, HUNG)
    second = otp.issue(SENDER, HUNG)
    if first != second:
        assert otp.check(SENDER, HUNG, first) == "wrong"
    engine = create_engine(identity_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM identity_otp_codes")).scalar() == 1
    engine.dispose()
    assert otp.check(SENDER, HUNG, second) == "ok"


def test_the_code_is_bound_to_the_sender_and_the_id_number(otp: OtpService) -> None:
    code = otp.issue(SENDER, HUNG)
    assert otp.check(OTHER, HUNG, code) == "none"
    assert otp.check(SENDER, seed.MAI_ANH, code) == "none"
    assert otp.check(SENDER, "' OR 1=1 --", code) == "none"
    assert otp.check(SENDER, HUNG, code) == "ok"


def test_the_stored_values_are_not_the_code_nor_the_ids(otp: OtpService, identity_url: str) -> None:
    code = otp.issue(SENDER, HUNG)
    otp.check(SENDER, HUNG, _wrong(code))
    engine = create_engine(identity_url)
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(text("SELECT * FROM identity_otp_codes"))]
        rows += [tuple(r) for r in connection.execute(text("SELECT * FROM identity_otp_senders"))]
    engine.dispose()
    dumped = repr(rows)
    assert rows
    for secret in (code, SENDER, "1234567890", HUNG):
        assert secret not in dumped
    assert code.encode().hex() not in dumped


def test_issue_refuses_a_non_id_number(otp: OtpService) -> None:
    with pytest.raises(ValueError):
        otp.issue(SENDER, "022094017326' OR '1'='1")


def test_the_default_store_is_in_the_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_CACHE_DIR", str(tmp_path))
    service = OtpService()
    assert service.check(SENDER, HUNG, "123456") == "none"
    service.close()
    assert (tmp_path / "identity_state.sqlite3").exists()


def test_verifier_with_the_demo_chat_delivery(tmp_path: Path, clock: FakeClock) -> None:
    service = OtpService(f"sqlite:///{tmp_path / 's.sqlite3'}", clock=clock)
    assert isinstance(service, Verifier)
    assert isinstance(service.deliver, ChatDelivery)
    assert service.start(SENDER, CITIZEN) is None  # no hint: the code goes into the chat
    code = code_for_chat(service, SENDER)
    assert code is not None and len(code) == 6
    assert code_for_chat(service, SENDER) is None  # handed over once
    assert not service.confirm(SENDER, CITIZEN, _wrong(code))
    assert service.confirm(SENDER, CITIZEN, code)
    assert not service.confirm(SENDER, CITIZEN, code)


def test_verifier_with_a_real_channel(tmp_path: Path) -> None:
    sent: list[tuple[str, str]] = []

    def sms(sender_id: str, citizen, code: str) -> str:
        sent.append((citizen.phone, code))
        return f"đã gửi tới {citizen.phone[:2]}******{citizen.phone[-2:]}"

    service = OtpService(f"sqlite:///{tmp_path / 's.sqlite3'}", deliver=sms)
    assert service.start(SENDER, CITIZEN) == "đã gửi tới 09******86"
    assert code_for_chat(service, SENDER) is None
    assert sent[0][0] == CITIZEN.phone
    assert service.confirm(SENDER, CITIZEN, sent[0][1])
