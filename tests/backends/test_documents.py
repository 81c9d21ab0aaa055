"""The document store: short-lived files under a random token, on a tmp folder, with an injected clock."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from backends.documents import (
    KEY_FILE,
    META_FILE,
    STAGING_MAX_AGE_S,
    DocumentStore,
    StoredDocument,
    document_store_from_env,
    document_ttl_from_env,
    public_base_url,
    public_link,
)

T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
SENDER = "zalo:3051118800412345678"
OTHER = "telegram:987654321"
PDF = b"%PDF-1.7\n% to khai dang ky khai sinh\n%%EOF\n"
JSON = json.dumps({"procedure": "1.001193", "ho_ten": "Nguyễn Văn An"}, ensure_ascii=False).encode()
FILES = {"to-khai-khai-sinh.pdf": PDF, "to-khai-khai-sinh.json": JSON}


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "documents"


@pytest.fixture
def store(root: Path, clock: Clock) -> DocumentStore:
    return DocumentStore(root, ttl=timedelta(hours=1), clock=clock)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


# ---- put / open ------------------------------------------------------------------------------------------------


def test_put_then_open_gives_back_the_bytes_under_the_token(store, root):
    doc = store.put(SENDER, FILES)
    assert isinstance(doc, StoredDocument)
    assert doc.names == ("to-khai-khai-sinh.pdf", "to-khai-khai-sinh.json")
    assert doc.expires_at == T0 + timedelta(hours=1) and doc.expires_at.utcoffset() == timedelta(0)
    assert len(doc.token) == 32
    pdf = store.open(doc.token, "to-khai-khai-sinh.pdf")
    assert pdf == root / doc.token / "to-khai-khai-sinh.pdf"
    assert pdf.read_bytes() == PDF
    assert store.open(doc.token, "to-khai-khai-sinh.json").read_bytes() == JSON


def test_every_put_gets_a_new_token(store):
    tokens = {store.put(SENDER, FILES).token for _ in range(5)}
    assert len(tokens) == 5


def test_nothing_is_created_before_the_first_put(root, clock):
    store = DocumentStore(root, clock=clock)
    assert store.open("A" * 32, "a.pdf") is None
    assert store.purge() == 0
    assert store.revoke_sender(SENDER) == 0
    assert not root.exists() and not root.parent.exists()
    store.put(SENDER, FILES)
    assert root.is_dir()


def test_the_default_root_is_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_CACHE_DIR", str(tmp_path / "c"))
    assert DocumentStore().root == (tmp_path / "c" / "documents").resolve()
    assert document_store_from_env().root == (tmp_path / "c" / "documents").resolve()
    assert not (tmp_path / "c").exists()


def test_a_name_not_stored_under_the_token_is_not_opened(store):
    doc = store.put(SENDER, {"a.pdf": PDF})
    other = store.put(OTHER, {"b.pdf": b"other"})
    assert store.open(doc.token, "b.pdf") is None
    assert store.open(doc.token, META_FILE) is None
    assert store.open(other.token, "b.pdf").read_bytes() == b"other"


def test_an_unknown_token_is_not_opened(store):
    store.put(SENDER, FILES)
    assert store.open("x" * 32, "to-khai-khai-sinh.pdf") is None


# ---- expiry ----------------------------------------------------------------------------------------------------


def test_a_link_works_until_it_expires_and_is_then_deleted_on_the_spot(store, root, clock):
    doc = store.put(SENDER, FILES)
    clock.advance(minutes=59, seconds=59)
    assert store.open(doc.token, "to-khai-khai-sinh.pdf") is not None
    clock.advance(seconds=1)
    assert store.open(doc.token, "to-khai-khai-sinh.pdf") is None
    assert not (root / doc.token).exists()
    assert [p.name for p in root.iterdir()] == [KEY_FILE], "no leftover of the deleted entry"


def test_the_ttl_is_the_stores(root, clock):
    store = DocumentStore(root, ttl=timedelta(minutes=5), clock=clock)
    doc = store.put(SENDER, FILES)
    assert doc.expires_at == T0 + timedelta(minutes=5)
    clock.advance(minutes=5)
    assert store.open(doc.token, "to-khai-khai-sinh.json") is None


def test_a_clock_in_another_time_zone_is_fine_and_a_naive_one_is_refused(root):
    vn = timezone(timedelta(hours=7))
    doc = DocumentStore(root, clock=lambda: T0.astimezone(vn)).put(SENDER, FILES)
    assert doc.expires_at == T0 + timedelta(hours=1) and doc.expires_at.tzinfo == UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        DocumentStore(root, clock=lambda: datetime(2026, 3, 10)).put(SENDER, FILES)
    with pytest.raises(ValueError):
        DocumentStore(root, ttl=timedelta(0))


# ---- purge -----------------------------------------------------------------------------------------------------


def test_purge_deletes_only_the_expired_entries(store, root, clock):
    old = store.put(SENDER, FILES)
    clock.advance(minutes=30)
    young = store.put(OTHER, FILES)
    clock.advance(minutes=31)  # old expired 1 minute ago, young has 29 minutes left
    assert store.purge() == 1
    assert not (root / old.token).exists()
    assert store.open(young.token, "to-khai-khai-sinh.pdf") is not None
    assert store.purge() == 0
    assert store.purge(now=T0 + timedelta(hours=2)) == 1
    assert not (root / young.token).exists()


def test_purge_takes_an_explicit_now(store, root):
    doc = store.put(SENDER, FILES)
    assert store.purge(now=T0 + timedelta(minutes=59)) == 0
    assert store.purge(now=T0 + timedelta(hours=1)) == 1
    assert not (root / doc.token).exists()


def test_purge_removes_broken_entries_and_a_crashed_writers_leftovers(store, root, clock):
    live = store.put(SENDER, FILES)
    broken = store.put(SENDER, FILES)
    (root / broken.token / META_FILE).write_text("{not json")
    stale = root / (".tmp-" + "s" * 32)
    fresh = root / (".tmp-" + "f" * 32)
    for staging in (stale, fresh):
        staging.mkdir()
        (staging / "a.pdf").write_bytes(b"half")
    old = os.path.getmtime(stale) - STAGING_MAX_AGE_S - 60
    os.utime(stale, (old, old))
    (root / (".del-" + "d" * 32 + "-0000")).mkdir()
    (root / ".key-0123456789abcdef").write_bytes(b"k" * 32)
    os.utime(root / ".key-0123456789abcdef", (old, old))
    assert store.open(broken.token, "to-khai-khai-sinh.pdf") is None
    assert store.purge() == 1
    assert sorted(p.name for p in root.iterdir()) == sorted([KEY_FILE, live.token, fresh.name])


# ---- revoke ----------------------------------------------------------------------------------------------------


def test_revoke_sender_deletes_every_entry_of_that_sender_only(store, root):
    mine = [store.put(SENDER, FILES), store.put(SENDER, {"b.json": b"{}"})]
    theirs = store.put(OTHER, FILES)
    assert store.revoke_sender(SENDER) == 2
    for doc in mine:
        assert not (root / doc.token).exists()
        assert store.open(doc.token, doc.names[0]) is None
    assert store.open(theirs.token, "to-khai-khai-sinh.pdf") is not None
    assert store.revoke_sender(SENDER) == 0
    assert store.revoke_sender("zalo:3051118800412345679") == 0
    assert store.revoke_sender(OTHER) == 1


def test_two_stores_on_one_folder_share_the_key_as_the_two_processes_do(root, clock):
    action_server = DocumentStore(root, clock=clock)
    gateway = DocumentStore(root, clock=clock)
    doc = action_server.put(SENDER, FILES)
    gateway.put(OTHER, FILES)
    assert gateway.open(doc.token, "to-khai-khai-sinh.pdf").read_bytes() == PDF
    assert gateway.revoke_sender(SENDER) == 1
    assert action_server.revoke_sender(OTHER) == 1


# ---- what is refused -------------------------------------------------------------------------------------------

UNSAFE_NAMES = [
    "../x.pdf",
    "..",
    ".",
    "a/b.pdf",
    "a\\b.pdf",
    "/etc/passwd",
    "x..pdf",
    ".hidden",
    META_FILE,
    "tờ-khai.pdf",
    "a b.pdf",
    "",
    "a" * 81,
    "a.pdf\x00",
]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_an_unsafe_name_is_refused_and_nothing_is_written(store, root, name):
    with pytest.raises(ValueError, match="basename"):
        store.put(SENDER, {"ok.pdf": PDF, name: b"x"})
    assert not root.exists()


def test_an_eighty_character_name_is_fine(store):
    name = "a" * 76 + ".pdf"
    assert store.put(SENDER, {name: PDF}).names == (name,)


def test_too_many_too_big_or_odd_files_are_refused(store, root):
    with pytest.raises(ValueError, match="at most 5 files"):
        store.put(SENDER, {f"f{i}.pdf": b"x" for i in range(6)})
    with pytest.raises(ValueError, match="5 MB"):
        store.put(SENDER, {"big.pdf": b"x" * (5 * 1024 * 1024 + 1)})
    with pytest.raises(ValueError, match="bytes"):
        store.put(SENDER, {"a.json": "{}"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="at least one"):
        store.put(SENDER, {})
    with pytest.raises(ValueError, match="sender"):
        store.put("  ", FILES)
    assert not root.exists()
    assert store.put(SENDER, {f"f{i}.pdf": b"x" for i in range(5)}).names[-1] == "f4.pdf"
    assert store.put(SENDER, {"max.pdf": b"x" * (5 * 1024 * 1024)}).names == ("max.pdf",)


def plant_entry(folder: Path, expires_at: datetime) -> None:
    """A folder that looks like a live entry (meta.json and a file), outside the root."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"version": 1, "expires_at": expires_at.isoformat(), "sender": "0" * 64, "names": ["to-khai-khai-sinh.pdf"]}
    (folder / META_FILE).write_text(json.dumps(meta))
    (folder / "to-khai-khai-sinh.pdf").write_bytes(b"outside")


@pytest.mark.parametrize(
    "token",
    ["../x", "../../x", "{outside}", "..", ".", "", "/etc", "A" * 31, "A" * 33, "A" * 31 + "/", "%2e%2e", ".key", None],
)
def test_a_malformed_token_is_refused(store, root, tmp_path, token):
    store.put(SENDER, FILES)
    for folder in (root.parent / "x", tmp_path / "x"):
        plant_entry(folder, T0 + timedelta(hours=1))
    if token == "{outside}":
        token = str(root.parent / "x")
    assert store.open(token, "to-khai-khai-sinh.pdf") is None  # type: ignore[arg-type]
    assert store.open(token, META_FILE) is None  # type: ignore[arg-type]


def test_a_traversal_name_is_refused_even_with_a_good_token(store, root, tmp_path):
    doc = store.put(SENDER, FILES)
    (tmp_path / "secret.txt").write_bytes(b"outside")
    for name in ["../../../secret.txt", "../" + doc.token + "/to-khai-khai-sinh.pdf", META_FILE, "..", "."]:
        assert store.open(doc.token, name) is None


def test_symbolic_links_out_of_the_root_are_never_followed(store, root, tmp_path, clock):
    doc = store.put(SENDER, FILES)
    outside = tmp_path / "outside"
    plant_entry(outside, clock.now + timedelta(hours=1))
    planted = "P" * 32
    (root / planted).symlink_to(outside, target_is_directory=True)
    assert store.open(planted, "to-khai-khai-sinh.pdf") is None

    stored = root / doc.token / "to-khai-khai-sinh.pdf"
    stored.unlink()
    stored.symlink_to(outside / "to-khai-khai-sinh.pdf")
    assert store.open(doc.token, "to-khai-khai-sinh.pdf") is None
    assert store.open(doc.token, "to-khai-khai-sinh.json") is not None

    clock.advance(hours=2)
    assert store.purge() == 2  # the real entry and the planted link, which is removed, not followed
    assert (outside / "to-khai-khai-sinh.pdf").read_bytes() == b"outside"


# ---- on disk ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277])
def test_files_are_0600_and_folders_0700_whatever_the_umask(tmp_path, clock, umask):
    root = tmp_path / "documents"
    store = DocumentStore(root, clock=clock)
    previous = os.umask(umask)
    try:
        doc = store.put(SENDER, FILES)
    finally:
        os.umask(previous)
    entry = root / doc.token
    assert mode(root) == 0o700
    assert mode(entry) == 0o700
    for name in (*doc.names, META_FILE):
        assert mode(entry / name) == 0o600, name
    assert mode(root / KEY_FILE) == 0o600


def test_the_sender_id_is_stored_only_as_a_keyed_hash(root, clock, tmp_path):
    doc = DocumentStore(root, clock=clock).put(SENDER, FILES)
    raw = (root / doc.token / META_FILE).read_text()
    meta = json.loads(raw)
    assert SENDER not in raw and "3051118800412345678" not in raw
    assert set(meta) == {"version", "created_at", "expires_at", "sender", "names"}
    assert meta["expires_at"] == (T0 + timedelta(hours=1)).isoformat()
    assert len(meta["sender"]) == 64
    assert meta["sender"] not in {hashlib.sha256(v.encode()).hexdigest() for v in (SENDER, "3051118800412345678")}
    other_root = tmp_path / "other"
    again = DocumentStore(other_root, clock=clock).put(SENDER, FILES)
    other = json.loads((other_root / again.token / META_FILE).read_text())
    assert other["sender"] != meta["sender"], "each folder has its own key"


# ---- configuration and links -----------------------------------------------------------------------------------


def test_the_ttl_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("MOTCUA_DOCUMENT_TTL_S", raising=False)
    assert document_ttl_from_env() == timedelta(seconds=3600)
    for raw, seconds in [("60", 60), (" 900 ", 900), ("86400", 86400), ("", 3600)]:
        monkeypatch.setenv("MOTCUA_DOCUMENT_TTL_S", raw)
        assert document_ttl_from_env() == timedelta(seconds=seconds)
    monkeypatch.setenv("MOTCUA_DOCUMENT_TTL_S", "120")
    assert document_store_from_env().ttl == timedelta(seconds=120)


@pytest.mark.parametrize("raw", ["59", "86401", "0", "-60", "abc", "1.5", "1h", "3600s"])
def test_a_bad_ttl_is_refused_with_a_clear_message(monkeypatch, raw):
    monkeypatch.setenv("MOTCUA_DOCUMENT_TTL_S", raw)
    with pytest.raises(ValueError, match=r"MOTCUA_DOCUMENT_TTL_S must be a whole number from 60 to 86400 seconds"):
        document_store_from_env()


def test_the_public_base_url(monkeypatch):
    monkeypatch.delenv("MOTCUA_PUBLIC_URL", raising=False)
    monkeypatch.delenv("MOTCUA_GATEWAY_PORT", raising=False)
    assert public_base_url() == "http://127.0.0.1:8000"
    monkeypatch.setenv("MOTCUA_GATEWAY_PORT", "8080")
    assert public_base_url() == "http://127.0.0.1:8080"
    monkeypatch.setenv("MOTCUA_PUBLIC_URL", "https://dichvucong.example.gov.vn/tro-ly/")
    assert public_base_url() == "https://dichvucong.example.gov.vn/tro-ly"
    monkeypatch.setenv("MOTCUA_PUBLIC_URL", "HTTP://gateway.local:8000")
    assert public_base_url() == "HTTP://gateway.local:8000"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.gov.vn",
        "javascript:alert(1)",
        "example.gov.vn",
        "https://",
        "https://x.vn/?a=1",
        "https://u:p@x.vn",
    ],
)
def test_a_public_url_that_is_not_plain_http_is_refused(monkeypatch, url):
    monkeypatch.setenv("MOTCUA_PUBLIC_URL", url)
    with pytest.raises(ValueError, match="MOTCUA_PUBLIC_URL"):
        public_base_url()


def test_a_bad_gateway_port_is_refused(monkeypatch):
    monkeypatch.delenv("MOTCUA_PUBLIC_URL", raising=False)
    monkeypatch.setenv("MOTCUA_GATEWAY_PORT", "eighty")
    with pytest.raises(ValueError, match="MOTCUA_GATEWAY_PORT"):
        public_base_url()


def test_public_link(store):
    doc = store.put(SENDER, FILES)
    link = public_link("https://dvc.example.gov.vn/", doc, "to-khai-khai-sinh.pdf")
    assert link == f"https://dvc.example.gov.vn/files/{doc.token}/to-khai-khai-sinh.pdf"
    with pytest.raises(ValueError, match="not a file"):
        public_link("https://dvc.example.gov.vn", doc, "other.pdf")
    with pytest.raises(ValueError):
        public_link("file:///etc", doc, "to-khai-khai-sinh.pdf")
