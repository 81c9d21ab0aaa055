"""The asyncio task that drains the Zalo inbox: each event → the dialogue (or a gateway message) → Zalo.

Events of one user are handled one at a time, in arrival order; different users are served concurrently (up to
``concurrency``). New events wake the worker at once; it also polls, for retries that fall due. ``requests`` is
synchronous, so sending (and SQLite) runs in threads. On stop, events still waiting for Rasa are cancelled (they stay
pending and are resumed after a restart); a message already being sent is given ``stop_grace_s`` to finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from ..dialogue import Dialogue
from ..messages import gateway_message
from ..privacy import pseudonym
from ..replies import Reply
from .api import ZaloClient, ZaloError
from .inbox import Inbox, InboxEvent
from .render import render_replies

logger = logging.getLogger(__name__)

TEXT_EVENT = "user_send_text"
UNSUPPORTED_EVENTS = frozenset(
    {"user_send_image", "user_send_sticker", "user_send_gif", "user_send_file", "user_send_audio", "user_send_video"}
)
HANDLED_EVENTS = frozenset({TEXT_EVENT, "user_send_location", "follow", "unfollow"} | UNSUPPORTED_EVENTS)

DEDUPE_RETENTION_S = 2 * 24 * 3600  # finished event ids are kept this long; older deliveries are refused anyway
PRUNE_EVERY_S = 3600.0
MAX_RETRY_DELAY_S = 300.0


class InboxWorker:
    def __init__(
        self,
        inbox: Inbox,
        client: ZaloClient,
        dialogue: Dialogue,
        *,
        concurrency: int = 4,
        poll_s: float = 5.0,
        retry_base_s: float = 2.0,
        max_attempts: int = 5,
        stop_grace_s: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.inbox = inbox
        self.client = client
        self.dialogue = dialogue
        self.concurrency = concurrency
        self.poll_s = poll_s
        self.retry_base_s = retry_base_s
        self.max_attempts = max_attempts
        self.stop_grace_s = stop_grace_s
        self.clock = clock
        self._main: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._busy_users: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._sending: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        if self._main is not None:
            return
        self._stopping = False
        self._wake = asyncio.Event()
        self._main = asyncio.create_task(self._run(), name="zalo-inbox-worker")

    def wake(self) -> None:
        """New events are waiting (called by the webhook after accepting one)."""
        if self._wake is not None:
            self._wake.set()

    async def stop(self) -> None:
        if self._main is None:
            return
        self._stopping = True
        self.wake()
        await self._main
        self._main = None
        for task in self._tasks - self._sending:
            task.cancel()
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=self.stop_grace_s)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def _run(self) -> None:
        assert self._wake is not None
        last_prune = 0.0
        while not self._stopping:
            self._wake.clear()
            delay = self.poll_s
            try:
                await self._launch()
                now = self.clock()
                if now - last_prune >= PRUNE_EVERY_S:
                    await asyncio.to_thread(self.inbox.prune, now - DEDUPE_RETENTION_S, now)
                    last_prune = now
                due = await asyncio.to_thread(self.inbox.next_due, now)
                if due is not None:
                    delay = max(0.01, min(delay, due - now))
            except Exception as error:
                logger.error("Zalo inbox worker: %s", type(error).__name__)
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def _launch(self) -> None:
        free = self.concurrency - len(self._busy_users)
        if free <= 0:
            return
        events = await asyncio.to_thread(self.inbox.ready, self.clock(), self.concurrency + len(self._busy_users))
        for event in events:
            if free <= 0 or self._stopping:
                break
            if event.user_id in self._busy_users:
                continue
            self._busy_users.add(event.user_id)
            task = asyncio.create_task(self._process(event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            free -= 1

    async def _process(self, event: InboxEvent) -> None:
        task = asyncio.current_task()
        try:
            if event.kind == "unfollow":
                await asyncio.to_thread(self.inbox.finish, event.seq, "done")  # nothing to say, nothing to send
                return
            outbox = event.outbox
            if outbox is None:
                if not await self._still_in_window(event):
                    return
                outbox = render_replies(await self._answer(event))
                await asyncio.to_thread(self.inbox.save_outbox, event.seq, outbox)
            if task is not None:
                self._sending.add(task)
            for index in range(event.sent, len(outbox)):
                if self._stopping:
                    return  # still pending: resumed from this message after a restart
                if not await self._still_in_window(event):
                    return
                await asyncio.to_thread(self.client.send, event.user_id, outbox[index])
                await asyncio.to_thread(self.inbox.mark_sent, event.seq, index + 1)
            await asyncio.to_thread(self.inbox.finish, event.seq, "done")
        except asyncio.CancelledError:
            raise
        except Exception as error:
            await self._failed(event, error)
        finally:
            if task is not None:
                self._sending.discard(task)
            self._busy_users.discard(event.user_id)
            self.wake()

    async def _answer(self, event: InboxEvent) -> list[Reply]:
        lang = self.dialogue.default_language
        if event.kind == TEXT_EVENT:
            return await self.dialogue.handle("zalo", event.user_id, str(event.payload.get("text") or ""))
        if event.kind in UNSUPPORTED_EVENTS:
            return [Reply.plain(gateway_message("unsupported", lang))]
        if event.kind == "user_send_location":
            return [Reply.plain(gateway_message("location", lang))]
        if event.kind == "follow":
            return [Reply.plain(gateway_message("welcome", lang))]
        return []

    async def _still_in_window(self, event: InboxEvent) -> bool:
        if await asyncio.to_thread(self.inbox.in_window, event.user_id, self.clock()):
            return True
        logger.info("not answering %s: outside Zalo's 48 h interaction window", pseudonym(event.user_id))
        await asyncio.to_thread(self.inbox.finish, event.seq, "skipped")
        return False

    async def _failed(self, event: InboxEvent, error: Exception) -> None:
        reason = f"Zalo error {error.code}" if isinstance(error, ZaloError) else type(error).__name__
        attempts = event.attempts + 1
        try:
            if attempts >= self.max_attempts:
                await asyncio.to_thread(self.inbox.finish, event.seq, "failed")
                logger.error(
                    "gave up on a Zalo %s event for %s after %d attempts (%s)",
                    event.kind,
                    pseudonym(event.user_id),
                    attempts,
                    reason,
                )
                return
            delay = min(MAX_RETRY_DELAY_S, self.retry_base_s * 2 ** (attempts - 1))
            await asyncio.to_thread(self.inbox.retry_later, event.seq, attempts, self.clock() + delay)
            logger.warning(
                "Zalo %s event for %s failed (%s); retry %d in %.1f s",
                event.kind,
                pseudonym(event.user_id),
                reason,
                attempts,
                delay,
            )
        except Exception as store_error:
            logger.error("cannot record a failed Zalo event: %s", type(store_error).__name__)
