"""Attempt limits per sender and per dossier, cool-down, and the audit log's privacy."""

from __future__ import annotations

import json

from actions.dossier_guard import (
    COOL_DOWN_S,
    MAX_FAILURES_PER_DOSSIER,
    MAX_FAILURES_PER_SENDER,
    WINDOW_S,
    AttemptGuard,
    AuditLog,
)

CODE = "000.00.12.H49-261125-0003"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_sender_is_cooled_down_after_too_many_failures_then_allowed_again():
    clock = Clock()
    guard = AttemptGuard(clock)
    for i in range(MAX_FAILURES_PER_SENDER):
        assert guard.locked_for("zalo:1", f"{CODE[:-1]}{i}") == 0
        guard.failure("zalo:1", f"{CODE[:-1]}{i}")
    assert guard.locked_for("zalo:1", "000.00.12.H49-261125-0099") > 0, "any code, once the sender is locked"
    assert guard.locked_for("zalo:2", CODE) == 0, "another sender is not affected"
    clock.now += COOL_DOWN_S + 1
    assert guard.locked_for("zalo:1", CODE) == 0


def test_one_dossier_guessed_from_many_chats_is_locked():
    guard = AttemptGuard(Clock())
    for i in range(MAX_FAILURES_PER_DOSSIER):
        guard.failure(f"web:{i}", CODE)
    assert guard.locked_for("web:new-sender", CODE) > 0
    assert guard.locked_for("web:new-sender", "000.00.12.H49-261125-0004") == 0


def test_failures_outside_the_window_are_forgotten():
    clock = Clock()
    guard = AttemptGuard(clock)
    for _ in range(MAX_FAILURES_PER_SENDER - 1):
        guard.failure("zalo:1", CODE)
    clock.now += WINDOW_S + 1
    guard.failure("zalo:1", CODE)
    assert guard.locked_for("zalo:1", CODE) == 0


def test_a_success_resets_the_senders_count():
    guard = AttemptGuard(Clock())
    for _ in range(MAX_FAILURES_PER_SENDER - 1):
        guard.failure("zalo:1", CODE)
    guard.success("zalo:1", CODE)
    guard.failure("zalo:1", CODE)
    assert guard.locked_for("zalo:1", CODE) == 0


def test_the_audit_log_holds_references_not_identities(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record("zalo:84912345678", CODE, "not_matched")
    log.record("zalo:84912345678", None, "malformed_code")
    lines = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [e["outcome"] for e in lines] == ["not_matched", "malformed_code"]
    raw = (tmp_path / "audit.jsonl").read_text()
    assert "84912345678" not in raw and CODE not in raw and "H49" not in raw
    assert lines[0]["sender"] == lines[1]["sender"], "the same sender gets the same reference"
