"""The inbox worker on its own (no webhook): retries with backoff, then failed; a partly sent answer is resumed."""

from __future__ import annotations

import asyncio
import json
import logging
import time

from connectors.dialogue import Dialogue, SenderLimiter
from connectors.rasa import RasaClient
from connectors.zalo.api import ZaloClient
from connectors.zalo.inbox import Inbox
from connectors.zalo.store import db_path
from connectors.zalo.tokens import TokenManager
from connectors.zalo.worker import InboxWorker

from .fakes import DEADLINE_S, FakeRasa, FakeZalo

USER = "6031234567890123456"


async def _run_until(settings, fake_rasa: FakeRasa, inbox: Inbox, event_id: str, status: str) -> None:
    rasa = RasaClient(fake_rasa.url, 10.0)
    client = ZaloClient(settings, TokenManager(settings))
    worker = InboxWorker(
        inbox, client, Dialogue(rasa, SenderLimiter("100/minute"), 2000), retry_base_s=0.01, max_attempts=3, poll_s=0.05
    )
    await worker.start()
    try:
        worker.wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DEADLINE_S
        while inbox.status(event_id) != status:
            assert loop.time() < deadline, f"event never became {status}"
            await asyncio.sleep(0.02)
    finally:
        await worker.stop()
        client.close()
        await rasa.aclose()


def test_failures_are_retried_then_marked_failed_without_personal_data_in_logs(
    settings, fake_zalo: FakeZalo, fake_rasa: FakeRasa, caplog
) -> None:
    caplog.set_level(logging.DEBUG, logger="connectors")
    fake_zalo.error_code = -230  # e.g. the user has not interacted with the OA recently
    inbox = Inbox(db_path(settings.data_dir))
    inbox.accept("msg-f1", USER, "user_send_text", json.dumps({"text": "Nguyễn Văn An hỏi lệ phí"}), time.time())
    asyncio.run(_run_until(settings, fake_rasa, inbox, "msg-f1", "failed"))
    assert len(fake_zalo.calls) == 3  # max_attempts sends, then it gave up
    assert len(fake_rasa.received) == 1  # the answer was computed once and kept for the retries
    assert "gave up" in caplog.text
    assert USER not in caplog.text and "Nguyễn" not in caplog.text and "Trả lời" not in caplog.text


def test_a_partly_sent_answer_resumes_where_it_stopped(settings, fake_zalo: FakeZalo, fake_rasa: FakeRasa) -> None:
    fake_rasa.script = lambda sender, text: [{"text": "Phần một."}, {"text": "Phần hai."}, {"text": "Phần ba."}]
    fake_zalo.reject_once_at = 1  # the second message is refused once
    inbox = Inbox(db_path(settings.data_dir))
    inbox.accept("msg-p1", USER, "user_send_text", json.dumps({"text": "hồ sơ gồm gì"}), time.time())
    asyncio.run(_run_until(settings, fake_rasa, inbox, "msg-p1", "done"))
    assert fake_zalo.texts_to(USER) == ["Phần một.", "Phần hai.", "Phần ba."]  # no duplicate of "Phần một."
    assert len(fake_zalo.calls) == 4
    assert len(fake_rasa.received) == 1
