"""The dossier notifier end to end, offline: a real SqlDossierBackend (tmp SQLite, seeded with the demo), a real
SubscriptionStore (tmp SQLite), the real Zalo client talking HTTP to the fake Zalo API on 127.0.0.1, a PTB Bot on
the recording Bot API, and the widget outbox behind ``GET /api/notices``.

Subscribing is done as ``action_subscribe_dossier`` is to do it: baseline first (the keys of the dossier as the
citizen has just seen it), then subscribe. Time is passed to ``run_once(now)``; nothing waits on the clock.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from telegram import Bot

from backends.dossiers.base import BackendUnavailable
from backends.dossiers.model import VN_TZ, Dossier, DossierStatus, PaymentRequest, SupplementRequest
from backends.dossiers.seed import DemoDossier, seed_demo
from backends.dossiers.sql import SqlDossierBackend
from backends.notifications.notices import baseline_keys
from backends.notifications.store import SubscriptionStore
from connectors.app import create_app
from connectors.notifier import DossierNotifier, NotifierSettings, notice_text, notifier_channel
from connectors.push import TelegramPush, ZaloPush
from connectors.settings import GatewaySettings
from connectors.widget_outbox import WidgetOutbox, outbox_path
from connectors.zalo.api import ZaloClient
from connectors.zalo.inbox import Inbox
from connectors.zalo.store import db_path
from connectors.zalo.tokens import TokenManager
from tests.connectors.telegram.conftest import no_network  # noqa: F401 - autouse: nothing beyond 127.0.0.1
from tests.connectors.telegram.fakes import API_BASE, CHAT_ID, TOKEN, RecordingRequest
from tests.connectors.zalo.conftest import APP_ID, APP_SECRET, SEED_REFRESH, make_settings
from tests.connectors.zalo.fakes import FakeZalo, LiveGateway, wait_until

S = DossierStatus
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=VN_TZ)
ZALO_USER = "3051118800412345678"
ZALO = f"zalo:{ZALO_USER}"
TELEGRAM = f"telegram:{CHAT_ID}"
OTHER_CHAT = 555000111
TELEGRAM_EN = f"telegram:{OTHER_CHAT}"
WIDGET_ID = "w0f3a9c2b7d1e4f5a6b7c8d9e"
WEB = f"web:{WIDGET_ID}"

DUE_TOMORROW = "received yesterday, due tomorrow"
PROCESSING = "being processed, due next week"
SUPPLEMENT_IN_9_DAYS = "proof of residence requested, deadline in 9 days"


class FlakyBackend:
    """The real backend, unless ``down``: then every call raises BackendUnavailable, as a dead database would."""

    def __init__(self, real: SqlDossierBackend) -> None:
        self.real = real
        self.down = False
        self.calls = 0

    def get(self, code: str) -> Dossier | None:
        self.calls += 1
        if self.down:
            raise BackendUnavailable("dossier database unavailable (OperationalError)")
        return self.real.get(code)

    def changed_since(self, since: datetime) -> list[Dossier]:
        return self.real.changed_since(since)

    def healthy(self) -> bool:
        return not self.down


@dataclass
class World:
    settings: GatewaySettings
    db_url: str
    store_url: str
    zalo: FakeZalo
    bot_api: RecordingRequest
    demos: dict[str, DemoDossier]
    backend: FlakyBackend
    notifiers: list[DossierNotifier] = field(default_factory=list)

    @property
    def store(self) -> SubscriptionStore:
        return SubscriptionStore(self.store_url)

    @property
    def outbox(self) -> WidgetOutbox:
        return WidgetOutbox(outbox_path(self.settings.data_dir))

    @property
    def inbox(self) -> Inbox:
        return Inbox(db_path(self.settings.data_dir))

    def code(self, scenario: str) -> str:
        return self.demos[scenario].code

    def notifier(self, backend_factory=None, interval_s: float = 300, clock=None) -> DossierNotifier:
        """A fresh notifier with its own clients and store objects (a restart), on the same files and fakes."""
        zalo = ZaloPush(ZaloClient(self.settings, TokenManager(self.settings)), self.inbox)
        telegram = TelegramPush(Bot(TOKEN, base_url=API_BASE, request=self.bot_api, get_updates_request=self.bot_api))
        notifier = DossierNotifier(
            self.settings,
            backend_factory or (lambda: self.backend),
            self.store,
            {"zalo": zalo, "telegram": telegram},
            interval_s=interval_s,
            clock=clock,
        )
        self.notifiers.append(notifier)
        return notifier

    def subscribe(self, sender_id: str, code: str, lang: str = "vi", at: datetime = NOW) -> None:
        """What action_subscribe_dossier does: baseline (what the citizen has just seen), then subscribe."""
        store = self.store
        dossier = self.backend.real.get(code)
        assert dossier is not None
        store.baseline(sender_id, code, baseline_keys(dossier, at))
        store.subscribe(sender_id, code, lang)

    def zalo_user_wrote(self, at: datetime) -> None:
        self.inbox.accept(f"msg-{at.timestamp()}", ZALO_USER, "user_send_text", '{"text": "cảm ơn"}', at.timestamp())

    def set_status(self, code: str, status: DossierStatus, at: datetime, **kwargs) -> None:
        self.backend.real.set_status(code, status, at, **kwargs)

    # what each channel received
    def zalo_texts(self) -> list[str]:
        return self.zalo.texts_to(ZALO_USER)

    def telegram_sent(self, chat_id: int = CHAT_ID) -> list[dict]:
        return [c.params for c in self.bot_api.of("sendMessage") if int(c.params["chat_id"]) == chat_id]

    def nothing_sent(self) -> bool:
        return not self.zalo.delivered and not self.bot_api.of("sendMessage") and self.outbox.waiting(WEB) == 0


@pytest.fixture
def fake_zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo(APP_ID, APP_SECRET, SEED_REFRESH).start()
    yield fake
    fake.stop()


@pytest.fixture
def world(tmp_path: Path, fake_zalo: FakeZalo) -> Iterator[World]:
    settings = make_settings(
        tmp_path / "gateway",
        fake_zalo,
        "http://127.0.0.1:9",  # no Rasa: the notifier never talks to it
        telegram_bot_token=TOKEN,
        telegram_api_base=API_BASE,
    )
    db_url = f"sqlite:///{tmp_path / 'dossiers.sqlite3'}"
    real = SqlDossierBackend(db_url)
    demos = {d.scenario: d for d in seed_demo(real, NOW)}
    bot_api = RecordingRequest()
    w = World(settings, db_url, f"sqlite:///{tmp_path / 'notifications.sqlite3'}", fake_zalo, bot_api, demos,
              FlakyBackend(real))  # fmt: skip
    yield w
    for notifier in w.notifiers:
        asyncio.run(notifier.aclose())
    real.close()
    assert not bot_api.unexpected, bot_api.unexpected


def run(coro):
    return asyncio.run(coro)


# ---- baseline, one change, once ----------------------------------------------------------------------------------


def test_subscribing_announces_nothing(world):
    world.zalo_user_wrote(NOW)
    world.subscribe(ZALO, world.code(DUE_TOMORROW))
    world.subscribe(TELEGRAM, world.code(PROCESSING))
    world.subscribe(WEB, world.code(SUPPLEMENT_IN_9_DAYS))
    report = run(world.notifier().run_once(NOW + timedelta(minutes=5)))
    assert report.dossiers == 3
    assert report.sent == 0 and report.failed == 0
    assert world.nothing_sent()


def test_a_status_change_is_sent_once_on_the_subscribers_channel_even_after_a_restart(world):
    code, other = world.code(DUE_TOMORROW), world.code(PROCESSING)
    world.zalo_user_wrote(NOW)
    world.subscribe(ZALO, code)
    world.subscribe(TELEGRAM_EN, code, "en")
    world.subscribe(TELEGRAM, other)

    async def scenario() -> None:
        notifier = world.notifier()
        assert (await notifier.run_once(NOW + timedelta(minutes=5))).sent == 0
        world.set_status(code, S.COMPLETED, NOW + timedelta(hours=2), note="Đã ký giấy chứng nhận kết hôn")
        first = await notifier.run_once(NOW + timedelta(hours=3))
        assert first.sent == 2
        again = await notifier.run_once(NOW + timedelta(hours=3, minutes=5))
        assert again.sent == 0
        restarted = world.notifier()
        assert (await restarted.run_once(NOW + timedelta(hours=4))).sent == 0

    run(scenario())
    (zalo_text,) = world.zalo_texts()
    assert code in zalo_text
    assert "Đã xử lý xong" in zalo_text  # the official status wording
    assert "đến nhận kết quả" in zalo_text
    (english,) = world.telegram_sent(OTHER_CHAT)
    assert code in english["text"] and "Processed, result ready" in english["text"]
    assert "parse_mode" not in english  # plain text: nothing in a notice can inject markup
    assert world.telegram_sent(CHAT_ID) == []  # follows another dossier, which did not change
    assert world.outbox.waiting(WEB) == 0
    assert len(world.zalo.delivered) == 1


def test_a_due_date_tomorrow_gets_one_reminder(world):
    code = world.code(DUE_TOMORROW)  # due 11/03 16:30; at subscription (10/03 09:00) more than a day away
    world.subscribe(TELEGRAM, code)

    async def scenario() -> list[int]:
        notifier = world.notifier()
        sent = [(await notifier.run_once(NOW)).sent]
        sent.append((await notifier.run_once(NOW + timedelta(hours=8))).sent)  # 17:00: 23.5 h to go
        sent.append((await notifier.run_once(NOW + timedelta(hours=12))).sent)
        sent.append((await world.notifier().run_once(NOW + timedelta(hours=13))).sent)
        return sent

    assert run(scenario()) == [0, 1, 0, 0]
    (reminder,) = world.telegram_sent()
    assert code in reminder["text"]
    assert "11/03/2026" in reminder["text"]
    assert reminder["text"].startswith("Nhắc lịch")


def test_a_supplement_deadline_in_two_days_gets_one_reminder_with_the_documents(world):
    code = world.code(SUPPLEMENT_IN_9_DAYS)  # deadline 19/03
    world.subscribe(TELEGRAM, code)
    documents = world.backend.real.get(code).supplement.documents

    async def scenario() -> list[int]:
        notifier = world.notifier()
        return [
            (await notifier.run_once(NOW)).sent,
            (await notifier.run_once(datetime(2026, 3, 16, 9, 0, tzinfo=VN_TZ))).sent,  # 3 days before
            (await notifier.run_once(datetime(2026, 3, 17, 9, 0, tzinfo=VN_TZ))).sent,  # 2 days before
            (await notifier.run_once(datetime(2026, 3, 17, 15, 0, tzinfo=VN_TZ))).sent,
            # the appointment (18/03 16:30) is then less than a day away: that is another reminder
            (await notifier.run_once(datetime(2026, 3, 18, 9, 0, tzinfo=VN_TZ))).sent,
        ]

    assert run(scenario()) == [0, 0, 1, 0, 1]
    reminder, due = world.telegram_sent()
    assert reminder["text"].startswith("Nhắc hạn")
    assert "19/03/2026" in reminder["text"]
    for document in documents:
        assert f"- {document}" in reminder["text"]
    assert due["text"].startswith("Nhắc lịch") and "18/03/2026" in due["text"]


def test_a_new_supplement_request_is_one_message_not_a_status_and_a_reminder(world):
    code = world.code(PROCESSING)
    world.subscribe(TELEGRAM, code)
    request = SupplementRequest(("Bản sao giấy khai sinh của con",), deadline=date(2026, 3, 12))

    async def scenario() -> list[int]:
        notifier = world.notifier()
        world.set_status(code, S.SUPPLEMENT_REQUESTED, NOW + timedelta(hours=1), supplement=request)
        return [
            (await notifier.run_once(NOW + timedelta(hours=2))).sent,
            (await notifier.run_once(NOW + timedelta(days=1))).sent,
        ]

    assert run(scenario()) == [1, 0]
    (message,) = world.telegram_sent()
    assert "Yêu cầu bổ sung giấy tờ" in message["text"]
    assert "- Bản sao giấy khai sinh của con" in message["text"]
    assert "12/03/2026" in message["text"]


def test_a_payment_request_tells_the_amount(world):
    code = world.code(PROCESSING)
    world.subscribe(TELEGRAM_EN, code, "en")
    payment = PaymentRequest(1_250_000, deadline=date(2026, 3, 20))
    world.set_status(code, S.PAYMENT_REQUESTED, NOW + timedelta(hours=1), payment=payment)
    assert run(world.notifier().run_once(NOW + timedelta(hours=2))).sent == 1
    (message,) = world.telegram_sent(OTHER_CHAT)
    assert "1,250,000 VND" in message["text"] and "20/03/2026" in message["text"]


# ---- the web widget ------------------------------------------------------------------------------------------


def test_a_web_subscriber_gets_the_notice_from_get_api_notices_once(world):
    code = world.code(PROCESSING)
    world.subscribe(WEB, code)
    notifier = world.notifier()
    app = create_app(world.settings, channels=[lambda settings, dialogue: notifier])

    async def scenario() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            before = await client.get("/api/notices", params={"sender_id": WIDGET_ID})
            world.set_status(code, S.COMPLETED, NOW + timedelta(hours=1))
            assert (await notifier.run_once(NOW + timedelta(hours=2))).sent == 1
            first = await client.get("/api/notices", params={"sender_id": WIDGET_ID})
            second = await client.get("/api/notices", params={"sender_id": WIDGET_ID})
            stranger = await client.get("/api/notices", params={"sender_id": "w999999999999999999999999"})
            bad = await client.get("/api/notices", params={"sender_id": "<script>"})
            return [before, first, second, stranger, bad]

    before, first, second, stranger, bad = run(scenario())
    assert before.status_code == 200 and before.json()["messages"] == []
    assert first.status_code == 200
    (message,) = first.json()["messages"]
    assert code in message["text"] and "Đã xử lý xong" in message["text"]
    assert datetime.fromisoformat(message["created_at"]).tzinfo is not None
    assert first.headers["cache-control"] == "no-store"
    assert second.json() == {"sender_id": WIDGET_ID, "messages": []}
    assert stranger.json()["messages"] == []
    assert bad.status_code == 422
    assert world.zalo.delivered == [] and world.bot_api.of("sendMessage") == []


# ---- failures ------------------------------------------------------------------------------------------------


def test_backend_down_is_survived_and_the_notice_goes_out_on_the_next_good_round(world, caplog):
    code = world.code(PROCESSING)
    world.subscribe(TELEGRAM, code)
    world.set_status(code, S.COMPLETED, NOW + timedelta(hours=1))
    world.backend.down = True

    async def scenario() -> list:
        notifier = world.notifier()
        down = await notifier.run_once(NOW + timedelta(hours=2))
        still_down = await notifier.run_once(NOW + timedelta(hours=2, minutes=5))
        claimed_while_down = world.store.sent(TELEGRAM, code)
        world.backend.down = False
        back = await notifier.run_once(NOW + timedelta(hours=2, minutes=10))
        after = await notifier.run_once(NOW + timedelta(hours=2, minutes=15))
        return [down, still_down, claimed_while_down, back, after]

    with caplog.at_level(logging.WARNING, logger="connectors.notifier"):
        down, still_down, claimed_while_down, back, after = run(scenario())
    assert down.backend_down and still_down.backend_down and down.sent == 0
    assert not any(k.startswith("status:completed") for k in claimed_while_down)  # nothing lost while down
    assert world.backend.calls >= 3
    assert "dossier backend unavailable" in caplog.text
    assert (back.sent, back.backend_down) == (1, False)
    assert after.sent == 0
    (message,) = world.telegram_sent()
    assert "Đã xử lý xong" in message["text"]


def test_a_backend_that_cannot_even_be_opened_is_retried(world):
    code = world.code(PROCESSING)
    world.subscribe(TELEGRAM, code)
    world.set_status(code, S.RETURNED, NOW + timedelta(hours=1))
    attempts: list[int] = []

    def factory():
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("MOTCUA_DOSSIER_DB_URL is not set")
        return world.backend

    async def scenario() -> list:
        notifier = world.notifier(factory)
        return [await notifier.run_once(NOW + timedelta(hours=2)), await notifier.run_once(NOW + timedelta(hours=3))]

    first, second = run(scenario())
    assert first.backend_down and first.sent == 0
    assert second.sent == 1 and len(attempts) == 2
    assert "Đã trả kết quả" in world.telegram_sent()[0]["text"]


def test_unsubscribed_gets_nothing(world):
    code = world.code(PROCESSING)
    world.subscribe(TELEGRAM, code)
    world.subscribe(WEB, code)
    world.store.unsubscribe_all(TELEGRAM)
    world.store.unsubscribe_all(WEB)
    world.set_status(code, S.COMPLETED, NOW + timedelta(hours=1))
    report = run(world.notifier().run_once(NOW + timedelta(hours=2)))
    assert report.dossiers == 0  # nobody follows it any more
    assert world.nothing_sent()


def test_zalo_outside_the_48_hour_window_waits_for_the_citizen_to_write_again(world):
    code = world.code(PROCESSING)
    world.zalo_user_wrote(NOW - timedelta(days=3))
    world.subscribe(ZALO, code)
    world.set_status(code, S.COMPLETED, NOW + timedelta(hours=1))

    async def scenario() -> list:
        notifier = world.notifier()
        closed = await notifier.run_once(NOW + timedelta(hours=2))
        world.zalo_user_wrote(NOW + timedelta(hours=5))
        reopened = await notifier.run_once(NOW + timedelta(hours=5, minutes=5))
        again = await notifier.run_once(NOW + timedelta(hours=5, minutes=10))
        return [closed, reopened, again]

    closed, reopened, again = run(scenario())
    assert (closed.sent, closed.deferred) == (0, 1)
    assert reopened.sent == 1 and again.sent == 0
    (text,) = world.zalo_texts()
    assert "Đã xử lý xong" in text


def test_a_refused_send_is_not_retried_at_most_once(world):
    code = world.code(PROCESSING)
    world.zalo_user_wrote(NOW)
    world.subscribe(ZALO, code)
    world.set_status(code, S.COMPLETED, NOW + timedelta(hours=1))
    world.zalo.error_code = -230  # Zalo refuses every message

    async def scenario() -> list:
        notifier = world.notifier()
        failed = await notifier.run_once(NOW + timedelta(hours=2))
        world.zalo.error_code = None
        later = await notifier.run_once(NOW + timedelta(hours=3))
        return [failed, later]

    failed, later = run(scenario())
    assert (failed.sent, failed.failed) == (0, 1)
    assert later.sent == 0 and later.failed == 0  # claimed before sending: never twice, so not again either
    assert world.zalo.delivered == []
    assert len(world.zalo.calls) == 1


def test_shell_and_unconfigured_channels_are_skipped_without_recording(world):
    code = world.code(PROCESSING)
    world.subscribe("shell:staff-7", code)
    world.subscribe(ZALO, code)
    world.set_status(code, S.COMPLETED, NOW + timedelta(hours=1))
    world.zalo_user_wrote(NOW + timedelta(hours=1))
    notifier = DossierNotifier(world.settings, lambda: world.backend, world.store, {}, interval_s=300)  # no senders
    report = run(notifier.run_once(NOW + timedelta(hours=2)))
    assert (report.sent, report.deferred) == (0, 2)
    assert not any(k.startswith("status:completed") for k in world.store.sent("shell:staff-7", code))
    assert not any(k.startswith("status:completed") for k in world.store.sent(ZALO, code))
    assert world.zalo.calls == []


def test_logs_never_hold_sender_ids_codes_or_texts(world, caplog):
    code, other = world.code(PROCESSING), world.code(DUE_TOMORROW)
    world.zalo_user_wrote(NOW - timedelta(days=5))  # outside the window: a "deferred" line
    world.subscribe(ZALO, code)
    world.subscribe(TELEGRAM, code)
    world.subscribe(WEB, other)
    world.set_status(code, S.STOPPED, NOW + timedelta(hours=1), note="Công dân Trần Văn Minh không bổ sung")
    world.set_status(other, S.COMPLETED, NOW + timedelta(hours=1))
    world.bot_api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    caplog.set_level(logging.INFO, logger="telegram")  # python-telegram-bot's own DEBUG lines quote parameters
    caplog.set_level(logging.DEBUG)  # everything else, ours included, down to DEBUG
    report = run(world.notifier().run_once(NOW + timedelta(hours=2)))
    assert (report.sent, report.failed, report.deferred) == (1, 1, 1)
    logged = caplog.text
    assert "notifier" in logged
    for secret in (ZALO_USER, str(CHAT_ID), WIDGET_ID, code, other, "Trần Văn Minh", TOKEN):
        assert secret not in logged


def test_notice_text_wording():
    dossier = Dossier(
        code="000.00.12.H49-260309-0002",
        procedure_code="1.000894",
        procedure_name="Thủ tục đăng ký kết hôn",
        agency="Trung tâm Phục vụ hành chính công phường Bãi Cháy",
        applicant_name="Trần Văn Minh",
        applicant_phone="0983215764",
        applicant_id_number="022091013552",
        method="in_person",
        status=S.STOPPED,
        current_step="Dừng xử lý",
        received_at=None,
        due_at=None,
        completed_at=None,
        updated_at=NOW,
    )
    from backends.notifications.notices import due_notices

    (notice,) = due_notices(dossier, NOW)
    vi, en = notice_text(notice, "vi"), notice_text(notice, "en")
    assert vi.startswith("Hồ sơ 000.00.12.H49-260309-0002 đã chuyển sang tình trạng: Dừng xử lý.")
    assert "Thủ tục: Đăng ký kết hôn" in vi  # not "Thủ tục: Thủ tục đăng ký kết hôn"
    assert "1022" in vi and "hủy nhận thông báo" in vi
    assert en.startswith("Dossier 000.00.12.H49-260309-0002 has a new status: Processing stopped.")
    assert notice_text(notice, "fr") == vi  # unknown languages fall back to Vietnamese
    assert "Trần Văn Minh" not in vi + en and "0983215764" not in vi + en


def test_interval_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MOTCUA_NOTIFY_INTERVAL_S", "42")
    assert NotifierSettings().notify_interval_s == 42
    monkeypatch.setenv("MOTCUA_NOTIFY_INTERVAL_S", "0")
    with pytest.raises(ValueError):
        NotifierSettings()


def test_outbox_forgets_old_notices(tmp_path):
    clock = [1_000_000.0]
    outbox = WidgetOutbox(tmp_path / "o.sqlite3", clock=lambda: clock[0], retention_s=3600)
    outbox.put(WEB, "một")
    clock[0] += 7200
    outbox.put(WEB, "hai")
    assert [n.text for n in outbox.take(WEB)] == ["hai"]  # the expired one is not handed out
    assert outbox.prune() == 1  # the expired one; the delivered one is kept a day
    clock[0] += 2 * 24 * 3600
    assert outbox.prune() == 1
    assert json.dumps([n.text for n in outbox.take(WEB)]) == "[]"


# ---- in the gateway ------------------------------------------------------------------------------------------


def test_the_gateway_runs_the_notifier_for_its_lifetime(world):
    code = world.code(PROCESSING)
    world.subscribe(TELEGRAM, code)
    world.set_status(code, S.COMPLETED, NOW + timedelta(hours=1))
    notifier = world.notifier(interval_s=0.05, clock=lambda: NOW + timedelta(hours=2))
    app = create_app(world.settings, channels=[lambda settings, dialogue: notifier])
    with LiveGateway(app):
        wait_until(lambda: world.backend.calls >= 4, "a few polling rounds")
        assert notifier._task is not None
    assert notifier._task is None  # stopped with the app
    assert len(world.telegram_sent()) == 1  # many rounds, one message


def test_the_channel_factory_reads_the_environment(tmp_path, monkeypatch, fake_zalo):
    monkeypatch.setenv("MOTCUA_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("MOTCUA_DOSSIER_BACKEND", "MOTCUA_NOTIFICATIONS_DB_URL", "MOTCUA_NOTIFY_INTERVAL_S"):
        monkeypatch.delenv(name, raising=False)
    settings = make_settings(
        tmp_path / "gateway", fake_zalo, "http://127.0.0.1:9", telegram_bot_token=TOKEN, telegram_api_base=API_BASE
    )
    notifier = notifier_channel(settings, None)
    assert set(notifier.senders) == {"zalo", "telegram"}
    assert notifier.interval_s == 300
    assert notifier.store.url.endswith(str(Path("cache") / "notifications.sqlite3"))
    report = run(notifier.run_once(NOW))
    assert not report.backend_down and report.dossiers == 0
    assert not (tmp_path / "cache" / "dossiers.sqlite3").exists()  # nothing followed: the backend is not opened
    notifier.store.subscribe(TELEGRAM, "000.00.12.H49-260310-0099")
    report = run(notifier.run_once(NOW))  # opens the embedded demo backend (seeded on first use)
    assert not report.backend_down and report.dossiers == 0  # a code the demo does not have
    assert (tmp_path / "cache" / "dossiers.sqlite3").exists()
    assert (tmp_path / "cache" / "notifications.sqlite3").exists()
    run(notifier.aclose())
    bare = GatewaySettings(
        data_dir=tmp_path / "bare", zalo_app_id=None, zalo_oa_secret_key=None, telegram_bot_token=None
    )
    assert notifier_channel(bare, None).senders == {}
