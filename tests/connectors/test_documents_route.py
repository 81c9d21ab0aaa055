"""Document downloads through the real gateway app: ``GET /files/<token>/<name>`` (httpx on the ASGI app), and the
purge task of the channel's lifespan (the app under uvicorn on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backends.documents import DocumentStore, document_store_from_env, public_link
from connectors.app import create_app, default_channels
from connectors.documents import GONE_EN, GONE_VI, DocumentChannel, DocumentSettings, documents_channel
from connectors.privacy import pseudonym
from connectors.settings import GatewaySettings
from tests.connectors.zalo.fakes import DEADLINE_S, LiveGateway, wait_until

T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
SENDER = "web:w0f3a9c2b7d1e4f5a6b7c8d9e"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
JSON = '{"procedure": "1.001193", "ho_ten": "Nguyễn Văn An"}'.encode()
FILES = {"to-khai.pdf": PDF, "to-khai.json": JSON}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> DocumentStore:
    return DocumentStore(tmp_path / "documents", clock=clock)


@pytest.fixture
def settings(tmp_path) -> GatewaySettings:
    return GatewaySettings(rasa_url="http://127.0.0.1:9", data_dir=tmp_path / "gateway")


def app_for(settings: GatewaySettings, channel: DocumentChannel):
    return create_app(settings, channels=[lambda s, d: channel])


def call(app, path: str, **kwargs) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            return await client.get(path, **kwargs)

    return asyncio.run(go())


def link_path(doc, name: str) -> str:
    return public_link("http://gateway", doc, name).removeprefix("http://gateway")


def assert_private(response: httpx.Response) -> None:
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-robots-tag"] == "noindex"
    assert response.headers["x-content-type-options"] == "nosniff"


# ---- downloads -------------------------------------------------------------------------------------------------


def test_the_pdf_and_the_json_are_served_as_private_attachments(settings, store):
    doc = store.put(SENDER, FILES)
    app = app_for(settings, DocumentChannel(store))
    pdf = call(app, link_path(doc, "to-khai.pdf"))
    assert pdf.status_code == 200
    assert pdf.content == PDF
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="to-khai.pdf"'
    assert_private(pdf)
    data = call(app, link_path(doc, "to-khai.json"))
    assert data.status_code == 200
    assert data.content == JSON
    assert data.headers["content-type"] == "application/json"
    assert data.headers["content-disposition"] == 'attachment; filename="to-khai.json"'
    assert_private(data)


def test_a_link_can_be_opened_again_until_it_expires_then_it_is_gone(settings, store, clock):
    doc = store.put(SENDER, FILES)
    app = app_for(settings, DocumentChannel(store))
    assert call(app, link_path(doc, "to-khai.pdf")).status_code == 200
    clock.now = T0 + timedelta(minutes=59)
    assert call(app, link_path(doc, "to-khai.pdf")).status_code == 200
    clock.now = T0 + timedelta(hours=1)
    expired = call(app, link_path(doc, "to-khai.pdf"))
    assert expired.status_code == 404
    assert PDF not in expired.content
    assert not (store.root / doc.token).exists(), "an expired entry is deleted when asked for"
    assert call(app, link_path(doc, "to-khai.json")).status_code == 404


def test_an_unknown_link_gets_a_bilingual_404_in_plain_text(settings, store):
    store.put(SENDER, FILES)
    app = app_for(settings, DocumentChannel(store))
    response = call(app, "/files/" + "Z" * 32 + "/to-khai.pdf")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == f"{GONE_VI}\n{GONE_EN}\n"
    assert "Liên kết đã hết hạn hoặc không tồn tại. Bạn hãy yêu cầu trợ lý tạo lại tờ khai." in response.text
    assert_private(response)


def test_a_browser_gets_the_404_as_a_small_page(settings, store):
    app = app_for(settings, DocumentChannel(store))
    response = call(app, "/files/" + "Z" * 32 + "/to-khai.pdf", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert GONE_VI in response.text and GONE_EN in response.text
    assert_private(response)


@pytest.mark.parametrize(
    "path",
    [
        "/files/%2E%2E/secret.pdf",
        "/files/..%2F..%2Foutside/secret.pdf",
        "/files/{token}/..%2F..%2Fsecret.pdf",
        "/files/{token}/%2E%2E",
        "/files/{token}/meta.json",
        "/files/{token}/secret.pdf",
        "/files/{token}x/to-khai.pdf",
        "/files/.key/x",
    ],
)
def test_traversal_and_guessed_paths_get_404_and_nothing_outside(settings, store, tmp_path, path):
    doc = store.put(SENDER, FILES)
    (tmp_path / "secret.pdf").write_bytes(b"SECRET OUTSIDE")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.pdf").write_bytes(b"SECRET OUTSIDE")
    response = call(app_for(settings, DocumentChannel(store)), path.format(token=doc.token))
    assert response.status_code == 404
    assert b"SECRET" not in response.content and b"sender" not in response.content


def test_the_logs_carry_a_pseudonym_of_the_token_never_the_token(settings, store, caplog):
    doc = store.put(SENDER, FILES)
    app = app_for(settings, DocumentChannel(store))
    with caplog.at_level(logging.INFO, logger="connectors.documents"):
        call(app, link_path(doc, "to-khai.pdf"))
        call(app, "/files/" + "Q" * 32 + "/to-khai.pdf")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert pseudonym(doc.token) in text and pseudonym("Q" * 32) in text
    assert doc.token not in text and "Q" * 32 not in text


def test_the_gateway_ships_the_channel_on_the_shared_cache_folder(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MOTCUA_DOCUMENT_TTL_S", "600")
    assert documents_channel in default_channels()
    doc = document_store_from_env().put(SENDER, FILES)  # as the action server does
    assert doc.expires_at - datetime.now(UTC) <= timedelta(seconds=600)
    app = create_app(settings)  # the default channels
    assert call(app, link_path(doc, "to-khai.pdf")).content == PDF


def test_the_purge_interval_setting(monkeypatch):
    monkeypatch.delenv("MOTCUA_DOCUMENT_PURGE_INTERVAL_S", raising=False)
    assert DocumentSettings().document_purge_interval_s == 300
    monkeypatch.setenv("MOTCUA_DOCUMENT_PURGE_INTERVAL_S", "60")
    assert DocumentChannel(DocumentStore()).interval_s == 60
    monkeypatch.setenv("MOTCUA_DOCUMENT_PURGE_INTERVAL_S", "0")
    with pytest.raises(ValueError):
        DocumentSettings()


# ---- the purge task --------------------------------------------------------------------------------------------


class CountingStore(DocumentStore):
    """The real store, counting purges; the first ``failures`` purges raise as a full disk would."""

    def __init__(self, *args, failures: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.purges = 0
        self.failures = failures
        self.purged = threading.Event()

    def purge(self, now=None) -> int:
        self.purges += 1
        if self.purges <= self.failures:
            raise OSError("No space left on device: /secret/path")
        deleted = super().purge(now)
        if deleted:
            self.purged.set()
        return deleted


def test_the_lifespan_purges_expired_documents_and_stops_cleanly(settings, tmp_path, clock):
    store = CountingStore(tmp_path / "documents", clock=clock)
    expired = store.put(SENDER, FILES)
    channel = DocumentChannel(store, interval_s=0.05)
    with LiveGateway(app_for(settings, channel)) as gateway:
        assert httpx.get(f"{gateway.url}{link_path(expired, 'to-khai.pdf')}", timeout=10).status_code == 200
        live = store.put(SENDER, FILES)
        clock.now = T0 + timedelta(minutes=61)
        fresh = store.put(SENDER, FILES)  # made after the clock moved: still valid
        assert store.purged.wait(DEADLINE_S), "the purge task deleted the expired entries"
        wait_until(lambda: store.purges >= 3, "a few purge rounds")
        task = channel._task
        assert task is not None and not task.done()
        assert not (store.root / expired.token).exists() and not (store.root / live.token).exists()
        assert httpx.get(f"{gateway.url}{link_path(fresh, 'to-khai.pdf')}", timeout=10).content == PDF
    assert channel._task is None
    assert task.done() and not task.cancelled(), "stopped by its event, not cancelled"


def test_a_long_interval_does_not_delay_the_shutdown(settings, tmp_path, clock):
    store = CountingStore(tmp_path / "documents", clock=clock)
    channel = DocumentChannel(store, interval_s=3600)
    with LiveGateway(app_for(settings, channel)):
        wait_until(lambda: store.purges == 1, "the purge at start-up")
        task = channel._task
    assert task is not None and task.done() and not task.cancelled()
    assert store.purges == 1


def test_a_failing_purge_is_logged_without_details_and_retried(settings, tmp_path, clock, caplog):
    store = CountingStore(tmp_path / "documents", clock=clock, failures=2)
    doc = store.put(SENDER, FILES)
    clock.now = T0 + timedelta(hours=2)
    channel = DocumentChannel(store, interval_s=0.05)
    with caplog.at_level(logging.INFO, logger="connectors.documents"), LiveGateway(app_for(settings, channel)):
        assert store.purged.wait(DEADLINE_S), "purged once the disk came back"
    assert store.purges >= 3
    assert not (store.root / doc.token).exists()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and all("OSError" in w for w in warnings)
    assert not any("/secret/path" in w or "No space" in w for w in warnings)
