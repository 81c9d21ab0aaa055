"""Short-lived files the assistant makes for a citizen (a filled-in form as PDF and JSON), behind a random token.

The action server :meth:`DocumentStore.put` s the files; the gateway serves them at ``GET /files/<token>/<name>``
(:mod:`connectors.documents`) and purges expired entries. The two processes share nothing but the folder
(``$MOTCUA_CACHE_DIR/documents`` by default), so they must run as the same OS user (files are ``0600``).

Layout under the root (``0700``)::

    .key                  32 random bytes (0600): the key of the sender hashes, made on the first put
    <token>/              one entry: secrets.token_urlsafe(24), 32 characters of [A-Za-z0-9_-]
        meta.json         {"version", "created_at", "expires_at", "sender" (keyed hash), "names"}
        <name> ...        the files (0600)
    .tmp-<token>/         an entry being written (renamed to <token>/ once complete: never seen half-written)
    .del-<token>-<hex>/   an entry being deleted (renamed first, so a deletion is atomic and counted once)
    .key-<hex>            the key being made (linked to .key, then removed)

A token is the only credential of a link: whoever has the link gets the file until it expires (one hour by
default, ``MOTCUA_DOCUMENT_TTL_S``). The sender id is never stored in clear, only an HMAC of it under ``.key``, which
is enough for :meth:`DocumentStore.revoke_sender`. Nothing is created at import or in ``__init__``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

from ._sql import cache_dir

Clock = Callable[[], datetime]  # returns an aware datetime

TOKEN_BYTES = 24
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")  # what secrets.token_urlsafe(24) makes
NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,80}$")
META_FILE = "meta.json"
KEY_FILE = ".key"
KEY_BYTES = 32
MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_META_BYTES = 64 * 1024
STAGING_MAX_AGE_S = 15 * 60  # a .tmp- entry older than this was left by a crashed writer
DEFAULT_TTL_S = 3600
MIN_TTL_S = 60
MAX_TTL_S = 86400
DEFAULT_GATEWAY_PORT = 8000
FILES_PREFIX = "/files"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True)
class StoredDocument:
    token: str
    names: tuple[str, ...]  # file names stored under the token
    expires_at: datetime  # aware UTC


@dataclass(frozen=True)
class _Meta:
    expires_at: datetime
    sender: str
    names: tuple[str, ...]


def utc_now() -> datetime:
    return datetime.now(UTC)


def safe_name(name: object) -> bool:
    """Whether ``name`` may be stored and served: a plain basename of [A-Za-z0-9._-], at most 80 characters, no "..",
    not hidden (leading dot) and not the entry's own ``meta.json``."""
    return (
        isinstance(name, str)
        and NAME_RE.fullmatch(name) is not None
        and ".." not in name
        and not name.startswith(".")
        and name != META_FILE
    )


def valid_token(token: object) -> bool:
    return isinstance(token, str) and TOKEN_RE.fullmatch(token) is not None


class DocumentStore:
    """Files under ``root/<token>/`` for ``ttl``; ``clock`` (aware datetimes) is injectable for tests."""

    def __init__(
        self,
        root: Path | None = None,
        *,
        ttl: timedelta = timedelta(hours=1),
        clock: Clock | None = None,
    ) -> None:
        if not isinstance(ttl, timedelta) or ttl <= timedelta(0):
            raise ValueError("ttl must be a positive timedelta")
        self.root = (Path(root) if root is not None else cache_dir() / "documents").expanduser().resolve()
        self.ttl = ttl
        self.clock = clock or utc_now

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r}, ttl={self.ttl})"

    # --- writing ----------------------------------------------------------------------------------------------

    def put(self, sender_id: str, files: Mapping[str, bytes]) -> StoredDocument:
        """Store ``files`` (name → bytes) under a new token for ``sender_id``; ValueError for anything unsafe."""
        if not isinstance(sender_id, str) or not sender_id.strip():
            raise ValueError("a sender id is required")
        if not isinstance(files, Mapping) or not files:
            raise ValueError("at least one file is required")
        if len(files) > MAX_FILES:
            raise ValueError(f"at most {MAX_FILES} files per document")
        contents: dict[str, bytes] = {}
        for name, data in files.items():
            if not safe_name(name):
                raise ValueError(
                    "file names must be plain basenames of letters, digits, '.', '_' or '-' "
                    f"(at most 80 characters, no '..', no leading dot, not {META_FILE})"
                )
            if not isinstance(data, bytes | bytearray):
                raise ValueError("file contents must be bytes")
            if len(data) > MAX_FILE_BYTES:
                raise ValueError(f"a file may hold at most {MAX_FILE_BYTES // (1024 * 1024)} MB")
            contents[name] = bytes(data)

        now = self._now()
        expires_at = now + self.ttl
        self._ensure_root()
        key = self._key(create=True)
        assert key is not None
        token = secrets.token_urlsafe(TOKEN_BYTES)
        staging = self.root / f".tmp-{token}"
        staging.mkdir(mode=0o700)
        try:
            os.chmod(staging, 0o700)  # whatever the umask
            for name, data in contents.items():
                _write_private(staging / name, data)
            meta = {
                "version": 1,
                "created_at": now.isoformat(),
                "expires_at": expires_at.isoformat(),
                "sender": _sender_hash(key, sender_id),
                "names": list(contents),
            }
            _write_private(staging / META_FILE, json.dumps(meta, ensure_ascii=True).encode("ascii"))
            os.rename(staging, self.root / token)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return StoredDocument(token=token, names=tuple(contents), expires_at=expires_at)

    # --- reading ----------------------------------------------------------------------------------------------

    def open(self, token: str, name: str) -> Path | None:
        """The path of ``name`` under ``token`` while the entry is live; None otherwise (an expired entry is deleted).

        The token must look like one this store makes and the name must be one of the entry's files, so no input
        can name a path outside the root; symbolic links are never followed."""
        if not valid_token(token) or not safe_name(name):
            return None
        entry = self.root / token
        meta = self._meta(entry)
        if meta is None or name not in meta.names:
            return None
        if self._now() >= meta.expires_at:
            self._delete(entry)
            return None
        path = entry / name
        if path.is_symlink() or not path.is_file():
            return None
        if not path.resolve().is_relative_to(self.root.resolve()):
            return None
        return path

    # --- deleting ---------------------------------------------------------------------------------------------

    def purge(self, now: datetime | None = None) -> int:
        """Delete the entries expired at ``now`` (default: the clock) and unreadable ones; returns how many."""
        now = _aware(now) if now is not None else self._now()
        deleted = 0
        for entry in self._children():
            name = entry.name
            if valid_token(name):
                meta = self._meta(entry)
                if (meta is None or now >= meta.expires_at) and self._delete(entry):
                    deleted += 1
            elif name.startswith(".del-"):
                _remove(entry)  # left by a deletion that was interrupted
            elif name.startswith((".tmp-", ".key-")) and _age_s(entry) > STAGING_MAX_AGE_S:
                _remove(entry)  # left by a writer that crashed
        return deleted

    def revoke_sender(self, sender_id: str) -> int:
        """Delete every entry of ``sender_id`` (expired or not); returns how many."""
        if not isinstance(sender_id, str) or not sender_id:
            return 0
        key = self._key(create=False)
        if key is None:
            return 0
        wanted = _sender_hash(key, sender_id)
        deleted = 0
        for entry in self._children():
            if not valid_token(entry.name):
                continue
            meta = self._meta(entry)
            if meta is not None and hmac.compare_digest(meta.sender, wanted) and self._delete(entry):
                deleted += 1
        return deleted

    # --- helpers ----------------------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return _aware(self.clock())

    def _ensure_root(self) -> None:
        if not self.root.is_dir():
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                os.chmod(self.root, 0o700)

    def _children(self) -> list[Path]:
        try:
            with os.scandir(self.root) as listing:
                return [self.root / e.name for e in listing]
        except (FileNotFoundError, NotADirectoryError):
            return []

    def _key(self, *, create: bool) -> bytes | None:
        path = self.root / KEY_FILE
        key = _read_private(path, KEY_BYTES + 1)
        if key is None and create:
            staging = self.root / f".key-{secrets.token_hex(8)}"
            _write_private(staging, secrets.token_bytes(KEY_BYTES))
            try:
                os.link(staging, path)  # atomic; another process may have won the race: then use its key
            except FileExistsError:
                pass
            finally:
                staging.unlink(missing_ok=True)
            key = _read_private(path, KEY_BYTES + 1)
        if key is not None and len(key) != KEY_BYTES:
            raise OSError(f"{path} is not a document-store key ({KEY_BYTES} bytes expected)")
        return key

    def _meta(self, entry: Path) -> _Meta | None:
        """The entry's metadata, or None if the entry is missing, a symbolic link, or its meta.json is unreadable."""
        if entry.is_symlink() or not entry.is_dir():
            return None
        raw = _read_private(entry / META_FILE, MAX_META_BYTES)
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            expires_at = _aware(datetime.fromisoformat(data["expires_at"]))
            sender = data["sender"]
            names = tuple(data["names"])
        except (ValueError, TypeError, KeyError):
            return None
        if not isinstance(sender, str) or not all(safe_name(n) for n in names):
            return None
        return _Meta(expires_at=expires_at, sender=sender, names=names)

    def _delete(self, entry: Path) -> bool:
        """Rename the entry out of the way (atomic: only one caller wins), then remove it; whether this call won."""
        trash = self.root / f".del-{entry.name}-{secrets.token_hex(4)}"
        try:
            os.rename(entry, trash)
        except FileNotFoundError:
            return False
        _remove(trash)
        return True


# ---- files -------------------------------------------------------------------------------------------------------


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)


def _read_private(path: Path, limit: int) -> bytes | None:
    """At most ``limit`` bytes of a regular file, never through a symbolic link; None if it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            return handle.read(limit)
    except OSError:
        return None


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _age_s(path: Path) -> float:
    try:
        return time.time() - path.lstat().st_mtime
    except OSError:
        return 0.0


def _aware(moment: datetime) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must be timezone-aware datetimes")
    return moment.astimezone(UTC)


def _sender_hash(key: bytes, sender_id: str) -> str:
    return hmac.new(key, f"sender\0{sender_id}".encode(), hashlib.sha256).hexdigest()


# ---- configuration and links -------------------------------------------------------------------------------------


def _bounded_int(variable: str, default: int, low: int, high: int, unit: str = "") -> int:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    expected = f"{variable} must be a whole number from {low} to {high}{unit}"
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{expected}, got {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{expected}, got {value}")
    return value


def document_ttl_from_env() -> timedelta:
    """``MOTCUA_DOCUMENT_TTL_S``: how long a link lives (default 3600 s, 60..86400)."""
    seconds = _bounded_int("MOTCUA_DOCUMENT_TTL_S", DEFAULT_TTL_S, MIN_TTL_S, MAX_TTL_S, " seconds")
    return timedelta(seconds=seconds)


def document_store_from_env() -> DocumentStore:
    """The store both processes use: ``$MOTCUA_CACHE_DIR/documents``, links living ``MOTCUA_DOCUMENT_TTL_S``."""
    return DocumentStore(ttl=document_ttl_from_env())


def _checked_base(value: str, variable: str) -> str:
    base = value.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{variable} must be an http:// or https:// URL with a host, got {value!r}")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"{variable} must not carry a query, a fragment or credentials")
    return base


def public_base_url() -> str:
    """``MOTCUA_PUBLIC_URL`` (the gateway as citizens reach it), without a trailing slash; by default
    ``http://127.0.0.1:<MOTCUA_GATEWAY_PORT or 8000>``. Only http(s) URLs are accepted (ValueError otherwise)."""
    configured = os.environ.get("MOTCUA_PUBLIC_URL", "").strip()
    if configured:
        return _checked_base(configured, "MOTCUA_PUBLIC_URL")
    port = _bounded_int("MOTCUA_GATEWAY_PORT", DEFAULT_GATEWAY_PORT, 1, 65535)
    return f"http://127.0.0.1:{port}"


def public_link(base_url: str, doc: StoredDocument, name: str) -> str:
    """``<base>/files/<token>/<name>``: the download link of one of ``doc``'s files."""
    if name not in doc.names:
        raise ValueError("not a file of this document")
    return f"{_checked_base(base_url, 'the base URL')}{FILES_PREFIX}/{doc.token}/{quote(name, safe='')}"
