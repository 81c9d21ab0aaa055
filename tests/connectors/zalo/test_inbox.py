"""The durable inbox on its own: de-duplication, per-user arrival order, restart, retries, the 48 h window."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from connectors.zalo.inbox import INTERACTION_WINDOW_S, Inbox

NOW = 1_750_000_000.0


def make_inbox(tmp_path: Path) -> Inbox:
    return Inbox(tmp_path / "zalo.sqlite3", clock=lambda: NOW)


def accept(inbox: Inbox, event_id: str, user: str, text: str = "hi", at: float = NOW) -> bool:
    return inbox.accept(event_id, user, "user_send_text", json.dumps({"text": text}), at)


def test_an_event_id_is_accepted_once(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path)
    assert accept(inbox, "m1", "u1")
    assert not accept(inbox, "m1", "u1", text="changed")
    [event] = inbox.ready(NOW, 10)
    assert (event.event_id, event.payload) == ("m1", {"text": "hi"})


def test_one_event_per_user_in_arrival_order(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path)
    for event_id, user in [("a1", "ua"), ("b1", "ub"), ("a2", "ua"), ("c1", "uc")]:
        accept(inbox, event_id, user)
    assert [e.event_id for e in inbox.ready(NOW, 10)] == ["a1", "b1", "c1"]
    inbox.finish(inbox.ready(NOW, 1)[0].seq, "done")
    assert [e.event_id for e in inbox.ready(NOW, 10)] == ["b1", "a2", "c1"]


def test_pending_events_survive_a_restart_and_finished_ones_stay_deduplicated(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path)
    accept(inbox, "m1", "u1")
    accept(inbox, "m2", "u2")
    inbox.finish(inbox.ready(NOW, 1)[0].seq, "done")
    reopened = make_inbox(tmp_path)
    assert [e.event_id for e in reopened.ready(NOW, 10)] == ["m2"]
    assert not accept(reopened, "m1", "u1")
    assert reopened.counts() == {"done": 1, "pending": 1}


def test_outbox_progress_is_kept(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path)
    accept(inbox, "m1", "u1")
    seq = inbox.ready(NOW, 1)[0].seq
    inbox.save_outbox(seq, [{"text": "một"}, {"text": "hai"}])
    inbox.mark_sent(seq, 1)
    [event] = make_inbox(tmp_path).ready(NOW, 1)
    assert (event.outbox, event.sent) == ([{"text": "một"}, {"text": "hai"}], 1)


def test_a_retry_waits_for_its_time(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path)
    accept(inbox, "m1", "u1")
    inbox.retry_later(inbox.ready(NOW, 1)[0].seq, attempts=1, at=NOW + 4)
    assert inbox.ready(NOW, 10) == []
    assert inbox.next_due(NOW) == NOW + 4
    assert [e.attempts for e in inbox.ready(NOW + 4, 10)] == [1]


def test_finished_events_keep_no_content(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path)
    accept(inbox, "m1", "u1", text="số CCCD của tôi là 012345678901")
    inbox.finish(inbox.ready(NOW, 1)[0].seq, "failed")
    assert b"012345678901" not in _table_dump(tmp_path)


def test_the_48_hour_window_follows_the_latest_message(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path)
    accept(inbox, "m1", "u1", at=NOW - INTERACTION_WINDOW_S - 60)
    assert not inbox.in_window("u1", NOW)
    accept(inbox, "m2", "u1", at=NOW - 60)
    assert inbox.in_window("u1", NOW)
    accept(inbox, "m3", "u1", at=NOW - INTERACTION_WINDOW_S - 600)  # a late old event does not move it back
    assert inbox.in_window("u1", NOW)
    assert not inbox.in_window("nobody", NOW)


def test_unfollow_is_not_an_interaction(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path)
    inbox.accept("unfollow:u1:1", "u1", "unfollow", "{}", NOW)
    assert not inbox.in_window("u1", NOW)


def test_prune_forgets_old_finished_events_only(tmp_path: Path) -> None:
    clock = [NOW]
    inbox = Inbox(tmp_path / "zalo.sqlite3", clock=lambda: clock[0])
    accept(inbox, "old", "u1")
    accept(inbox, "open", "u2")
    inbox.finish(inbox.ready(NOW, 1)[0].seq, "done")
    clock[0] = NOW + 10
    inbox.prune(finished_before=NOW + 5, now=NOW + 10)
    assert inbox.status("old") is None and inbox.status("open") == "pending"


def _table_dump(tmp_path: Path) -> bytes:
    db = sqlite3.connect(tmp_path / "zalo.sqlite3")
    try:
        return "\n".join(str(row) for row in db.execute("SELECT * FROM zalo_inbox")).encode()
    finally:
        db.close()
