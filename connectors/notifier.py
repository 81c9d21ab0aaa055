"""The dossier notifier: tells citizens who follow a dossier when its status changes or a date draws near.

Every ``MOTCUA_NOTIFY_INTERVAL_S`` seconds (300 by default) :meth:`DossierNotifier.run_once` goes through the
followed dossiers (:class:`~backends.notifications.store.SubscriptionStore`), reads each from the dossier backend
(in a thread), works out its notices (:func:`~backends.notifications.notices.due_notices`: the current status, a
due date within a day, a supplement / payment deadline within two days) and sends each subscriber the ones not yet
recorded for them, on the channel their Rasa sender id names:

- ``zalo:<user id>`` → the Zalo OA API, only inside Zalo's 48 h window (the user wrote to the OA in the last 48 h).
  Outside it nothing is recorded or sent and it is logged once; the notice goes out if the citizen writes again
  while it is still current (a status that has changed since is never sent: only the current one is computed);
- ``telegram:<chat id>`` → the bot's ``sendMessage`` (plain text);
- ``web:<widget id>`` → the widget outbox (:mod:`connectors.widget_outbox`); the widget fetches it with
  ``GET /api/notices?sender_id=<widget id>`` when the citizen next opens it;
- ``shell:…`` (staff) and channels that are not configured → skipped, nothing recorded.

**Once, even across restarts — at most once.** The ledger of sent notices is in the subscriptions database, keyed
by (sender, dossier, notice key). For each notice the notifier first *claims* it (an insert that fails if the key is
already there) and only then sends. A restart, a second gateway replica or an overlapping round therefore never
sends a notice twice. The price: if the process dies between the claim and the send, or the send fails (Zalo or
Telegram refuses or cannot be reached), that notice is lost — it is logged, and not retried. For a status
notification a missed message is better than a repeated one that the citizen would take for a new change, and the
citizen can always look the dossier up; the next change is a new notice. (Sending first and recording afterwards
would be at-least-once: every crash or lost commit would repeat a message.) What can be checked without sending —
is the channel configured, is the Zalo window open — is checked *before* claiming, so those cases are not lost.

**Baseline.** Subscribing must not announce what the citizen has just seen. ``action_subscribe_dossier`` records
the keys of the dossier as it is (``baseline_keys``) with :meth:`SubscriptionStore.baseline` before it subscribes;
the notifier itself has no notion of a first sight (by then, up to one interval later, a real change may already
have happened, and a backend outage would stretch that to hours).

**Failures.** The backend down (``BackendUnavailable``) ends the round; the next round tries again, and as nothing
was claimed nothing is lost. The subscriptions database down: the same. Nothing here raises out of the polling
task. Logs carry pseudonyms (:func:`~connectors.privacy.pseudonym`) of sender ids and dossier codes, never the ids,
codes, names or texts themselves, nor an error's message (it can quote a token or a user id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from backends.dossiers.base import BackendUnavailable, DossierBackend
from backends.dossiers.model import VN_TZ, DossierStatus
from backends.notifications.notices import Notice, due_notices
from backends.notifications.store import SubscriptionStore

from .background import STOP_GRACE_S as STOP_GRACE_S
from .background import BackgroundLoop
from .dialogue import Dialogue
from .messages import gateway_message
from .privacy import pseudonym
from .push import PushSender
from .settings import GatewaySettings
from .widget_outbox import WidgetOutbox, outbox_path

logger = logging.getLogger(__name__)

NOTICES_PATH = "/api/notices"
SENDER_PATTERN = r"^[A-Za-z0-9_.:\-]{1,128}$"  # as the chat API's sender_id
PRUNE_EVERY_S = 3600.0
MAX_REMEMBERED = 10_000  # deferred notices remembered to log each once

BackendFactory = Callable[[], DossierBackend]
S = DossierStatus


class NotifierSettings(BaseSettings):
    """The notifier's own settings (prefix ``MOTCUA_``), apart from the gateway's."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_", extra="ignore")

    notify_interval_s: float = Field(300.0, ge=1.0, le=24 * 3600.0)


@dataclass
class RoundReport:
    """What one round did (for the log line and the tests)."""

    dossiers: int = 0
    sent: int = 0
    deferred: int = 0  # not reachable now (Zalo window closed, channel not configured): tried again next round
    failed: int = 0  # claimed but the channel refused it: not retried (at most once)
    backend_down: bool = False


# ---- wording ---------------------------------------------------------------------------------------------------


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "—"


def _money(amount: int | None, lang: str) -> str:
    if amount is None:
        return "—"
    return f"{amount:,} VND" if lang == "en" else f"{amount:,}".replace(",", ".") + " đồng"


def _documents(documents: tuple[str, ...]) -> str:
    return "\n".join(f"- {d}" for d in documents) if documents else "—"


def _procedure(name: str) -> str:
    """The name after "Thủ tục: " — without the catalogue's own leading "Thủ tục" ("Thủ tục: Thủ tục đăng ký …")."""
    name = " ".join(name.split())
    if name.lower().startswith("thủ tục "):
        rest = name[len("thủ tục ") :]
        name = rest[:1].upper() + rest[1:]
    return name


def _note(note: str) -> str:
    return " ".join(note.split()).rstrip(" .")


_HINTS = {
    S.COMPLETED: "dossier_completed_hint",
    S.RETURNED: "dossier_returned_hint",
    S.REJECTED: "dossier_rejected_hint",
    S.WITHDRAWN: "dossier_withdrawn_hint",
    S.STOPPED: "dossier_stopped_hint",
}


def notice_text(notice: Notice, lang: str = "vi") -> str:
    """The message for ``notice`` in ``lang`` ("vi" or "en"), from the keys of :mod:`connectors.messages`."""
    lang = "en" if lang == "en" else "vi"

    def say(key: str, **values: object) -> str:
        return gateway_message(key, lang, **values)

    status = notice.status
    values = {
        "code": notice.code,
        "procedure": _procedure(notice.procedure),
        "status": status.label_en if lang == "en" else status.label_vi,
    }
    if notice.kind == "status":
        lines = [say("dossier_status_changed", **values)]
        if status in (S.NEW, S.RECEIVED, S.PROCESSING) and notice.step:
            lines.append(say("dossier_step", step=_note(notice.step)))
        if status is S.SUPPLEMENT_REQUESTED:
            lines.append(
                say("dossier_supplement", deadline=_day(notice.deadline), documents=_documents(notice.documents))
            )
        if status is S.PAYMENT_REQUESTED:
            lines.append(say("dossier_payment", amount=_money(notice.amount_vnd, lang), deadline=_day(notice.deadline)))
        if status in (S.REJECTED, S.STOPPED) and _note(notice.note):
            lines.append(say("dossier_reason", note=_note(notice.note)))
        if notice.due is not None:
            lines.append(say("dossier_due", due=_day(notice.due)))
        if status in _HINTS:
            lines.append(say(_HINTS[status]))
    else:
        if notice.kind == "due":
            lines = [say("dossier_due_reminder", due=_day(notice.when), **values)]
        elif notice.kind == "supplement":
            lines = [
                say(
                    "dossier_supplement_reminder",
                    deadline=_day(notice.when),
                    documents=_documents(notice.documents),
                    **values,
                )
            ]
        else:
            lines = [
                say(
                    "dossier_payment_reminder",
                    amount=_money(notice.amount_vnd, lang),
                    deadline=_day(notice.when),
                    **values,
                )
            ]
        if _note(notice.note):
            lines.append(say("dossier_request_note", note=_note(notice.note)))
    lines.append(say("dossier_notice_footer"))
    return "\n".join(lines)


# ---- the web route's models --------------------------------------------------------------------------------------


class NoticeMessage(BaseModel):
    text: str
    created_at: str = Field(..., description="When the notice was stored (ISO 8601, Vietnam time).")


class NoticesResponse(BaseModel):
    sender_id: str
    messages: list[NoticeMessage]


# ---- the notifier ----------------------------------------------------------------------------------------------


class DossierNotifier(BackgroundLoop):
    """Polls the followed dossiers and sends their notices; a gateway channel (``mount`` / ``lifespan``).

    ``backend_factory`` is called on the first round (and again after it failed), not in ``__init__``;
    ``senders`` maps a channel name ("zalo", "telegram") to a :class:`~connectors.push.PushSender`. The web widget
    needs no sender: its notices go to ``outbox`` (by default ``<data_dir>/widget_outbox.sqlite3``).
    """

    task_name = "dossier-notifier"

    def __init__(
        self,
        settings: GatewaySettings,
        backend_factory: BackendFactory,
        store: SubscriptionStore,
        senders: Mapping[str, PushSender],
        *,
        outbox: WidgetOutbox | None = None,
        interval_s: float | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.backend_factory = backend_factory
        self.store = store
        self.senders = dict(senders)
        self.outbox = outbox or WidgetOutbox(outbox_path(settings.data_dir))
        self.interval_s = interval_s if interval_s is not None else NotifierSettings().notify_interval_s
        self.clock = clock or (lambda: datetime.now(VN_TZ))
        self._backend: DossierBackend | None = None
        self._deferred_logged: set[tuple[str, str, str]] = set()
        self._last_prune = 0.0

    # --- one round --------------------------------------------------------------------------------------------

    async def run_once(self, now: datetime | None = None) -> RoundReport:
        """One pass over every followed dossier at ``now`` (default: the clock). Never raises."""
        now = now or self.clock()
        report = RoundReport()
        try:
            codes = await asyncio.to_thread(self.store.followed_codes)
        except Exception as error:
            logger.warning("notifier: subscriptions unavailable (%s); retry next round", type(error).__name__)
            return report
        backend = await self._get_backend() if codes else None  # nobody follows anything: leave the backend be
        if backend is None:
            report.backend_down = bool(codes)
            await self._prune()
            return report
        for code in codes:
            if self._stop is not None and self._stop.is_set():
                break
            try:
                dossier = await asyncio.to_thread(backend.get, code)
            except BackendUnavailable:
                logger.warning("notifier: dossier backend unavailable; retry in %.0f s", self.interval_s)
                report.backend_down = True
                break
            except Exception as error:
                logger.error("notifier: reading dossier %s failed (%s)", pseudonym(code), type(error).__name__)
                continue
            if dossier is None:
                logger.debug("notifier: followed dossier %s is unknown to the backend", pseudonym(code))
                continue
            report.dossiers += 1
            notices = due_notices(dossier, now)
            try:
                subscribers = await asyncio.to_thread(self.store.subscribers, code)
            except Exception as error:
                logger.warning("notifier: subscriptions unavailable (%s); retry next round", type(error).__name__)
                break
            for sender_id, lang in subscribers:
                try:
                    await self._notify(sender_id, lang, code, notices, now, report)
                except Exception as error:  # the ledger failed: nothing sent for this subscriber, next round
                    logger.warning(
                        "notifier: ledger unavailable for %s (%s)", pseudonym(sender_id), type(error).__name__
                    )
        if report.sent or report.failed or report.backend_down:
            logger.info(
                "notifier round: %d dossiers, %d sent, %d deferred, %d failed%s",
                report.dossiers,
                report.sent,
                report.deferred,
                report.failed,
                ", backend down" if report.backend_down else "",
            )
        await self._prune()
        return report

    async def _get_backend(self) -> DossierBackend | None:
        if self._backend is None:
            try:
                self._backend = await asyncio.to_thread(self.backend_factory)
            except Exception as error:
                logger.warning("notifier: cannot open the dossier backend (%s); retry next round", type(error).__name__)
                return None
        return self._backend

    async def _notify(
        self, sender_id: str, lang: str, code: str, notices: list[Notice], now: datetime, report: RoundReport
    ) -> None:
        sent = await asyncio.to_thread(self.store.sent, sender_id, code)
        pending = [n for n in notices if n.key not in sent]
        if not pending:
            return
        channel, _, user_id = sender_id.partition(":")
        reason = await self._unreachable(channel, user_id, now)
        if reason is not None:
            report.deferred += len(pending)
            self._log_deferred(sender_id, pending, reason)
            return
        for notice in pending:
            if not await asyncio.to_thread(self.store.claim, sender_id, code, notice.key):
                continue  # recorded meanwhile: covered by the status notice, or another replica took it
            for key in notice.covers:
                await asyncio.to_thread(self.store.claim, sender_id, code, key)
            try:
                await self._deliver(channel, sender_id, user_id, notice_text(notice, lang))
            except Exception as error:
                report.failed += 1
                logger.warning(
                    "notifier: %s notice about %s to %s (%s) failed: %s; not retried",
                    notice.kind,
                    pseudonym(code),
                    pseudonym(sender_id),
                    channel,
                    _reason(error),
                )
                continue
            report.sent += 1
            logger.info(
                "notifier: %s notice about %s sent to %s (%s)",
                notice.kind,
                pseudonym(code),
                pseudonym(sender_id),
                channel,
            )

    async def _unreachable(self, channel: str, user_id: str, now: datetime) -> str | None:
        """Why ``user_id`` on ``channel`` cannot get a message now; None when it can."""
        if channel == "web":
            return None if user_id else "no widget id"
        sender = self.senders.get(channel)
        if sender is None:
            return "shell sender" if channel == "shell" else f"channel {channel or '?'} not configured"
        try:
            if await sender.reachable(user_id, now):
                return None
        except Exception as error:
            return f"reachability check failed ({type(error).__name__})"
        return "outside Zalo's 48 h window" if channel == "zalo" else "not reachable"

    async def _deliver(self, channel: str, sender_id: str, user_id: str, text: str) -> None:
        if channel == "web":
            await asyncio.to_thread(self.outbox.put, sender_id, text)
        else:
            await self.senders[channel].send(user_id, text)

    def _log_deferred(self, sender_id: str, pending: list[Notice], reason: str) -> None:
        if len(self._deferred_logged) > MAX_REMEMBERED:
            self._deferred_logged.clear()
        for notice in pending:
            marker = (sender_id, notice.code, notice.key)
            if marker in self._deferred_logged:
                continue
            self._deferred_logged.add(marker)
            log = logger.debug if reason == "shell sender" else logger.info
            log("notifier: %s notice for %s deferred: %s", notice.kind, pseudonym(sender_id), reason)

    async def _prune(self) -> None:
        if self._last_prune and time.monotonic() - self._last_prune < PRUNE_EVERY_S:
            return
        self._last_prune = time.monotonic()
        try:
            await asyncio.to_thread(self.outbox.prune)
        except Exception as error:
            logger.warning("notifier: cannot prune the widget outbox (%s)", type(error).__name__)

    # --- the gateway channel ----------------------------------------------------------------------------------

    def mount(self, app: FastAPI) -> None:
        app.add_api_route(
            NOTICES_PATH,
            self.notices,
            methods=["GET"],
            tags=["chat"],
            summary="Dossier notices waiting for a web-widget conversation (each is returned once)",
            response_model=NoticesResponse,
        )

    async def notices(
        self,
        sender_id: Annotated[str, Query(pattern=SENDER_PATTERN, description="The widget's sender_id.")],
        response: Response,
    ) -> Any:
        try:
            waiting = await asyncio.to_thread(self.outbox.take, f"web:{sender_id}")
        except sqlite3.Error as error:
            logger.warning("notifier: widget outbox unavailable (%s)", type(error).__name__)
            return JSONResponse(
                {"detail": "notices unavailable"}, status_code=503, headers={"Cache-Control": "no-store"}
            )
        response.headers["Cache-Control"] = "no-store"
        return NoticesResponse(
            sender_id=sender_id,
            messages=[
                NoticeMessage(text=n.text, created_at=datetime.fromtimestamp(n.created_at, VN_TZ).isoformat())
                for n in waiting
            ],
        )

    # lifespan() / start() / stop() come from BackgroundLoop: the lifespan stops _loop and then awaits aclose()

    async def aclose(self) -> None:
        for name, sender in self.senders.items():
            try:
                await sender.aclose()
            except Exception as error:
                logger.warning("notifier: closing the %s sender failed (%s)", name, type(error).__name__)
        close = getattr(self._backend, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                await asyncio.to_thread(close)
        self._backend = None

    async def _loop(self) -> None:
        assert self._stop is not None
        while not self._stop.is_set():
            try:
                await self.run_once()
            except Exception as error:  # run_once does not raise; this is the last line of defence
                logger.error("notifier round failed: %s", type(error).__name__)
            await self._wait_stop(self.interval_s)


def _reason(error: Exception) -> str:
    code = getattr(error, "code", None)
    return f"{type(error).__name__} {code}" if isinstance(code, int) else type(error).__name__


# ---- the channel factory ---------------------------------------------------------------------------------------


def default_senders(settings: GatewaySettings) -> dict[str, PushSender]:
    """A Zalo sender when Zalo is configured, a Telegram sender when a bot token is; their own clients."""
    from telegram import Bot

    from .push import TelegramPush, ZaloPush
    from .settings import secret
    from .telegram.channel import hide_token_in_logs
    from .zalo.api import ZaloClient
    from .zalo.inbox import Inbox
    from .zalo.store import db_path
    from .zalo.tokens import TokenManager

    senders: dict[str, PushSender] = {}
    if settings.zalo_enabled:
        senders["zalo"] = ZaloPush(ZaloClient(settings, TokenManager(settings)), Inbox(db_path(settings.data_dir)))
    if settings.telegram_enabled:
        token = secret(settings.telegram_bot_token)
        hide_token_in_logs(token)
        senders["telegram"] = TelegramPush(Bot(token, base_url=settings.telegram_api_base))
    return senders


def notifier_channel(settings: GatewaySettings, dialogue: Dialogue) -> DossierNotifier:
    """The channel factory for :func:`connectors.app.create_app`: the dossier backend and the subscriptions as the
    action server sees them (``MOTCUA_DOSSIER_BACKEND``…, ``MOTCUA_NOTIFICATIONS_DB_URL`` / ``MOTCUA_CACHE_DIR``)."""
    from backends.dossiers.factory import dossier_backend_from_env

    return DossierNotifier(settings, dossier_backend_from_env, SubscriptionStore(), default_senders(settings))
