"""The lifecycle of a channel's background task (the dossier notifier's polling, the documents' purge).

A subclass of :class:`BackgroundLoop` names its task (``task_name``) and writes ``_loop()``, which runs until the
``_stop`` event is set (typically ``while not self._stop.is_set(): …; await self._wait_stop(interval)``). The base
gives it the gateway channel's ``lifespan()`` and ``start()`` / ``stop()``:

- ``start()`` creates the event and the task; a second call while it runs does nothing;
- ``stop()`` sets the event, gives the loop ``stop_grace_s`` seconds to end by itself, then cancels it;
- ``lifespan()`` starts the loop, yields, stops it and then awaits ``aclose()`` (a no-op unless overridden), even
  when the block raised.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import ClassVar

STOP_GRACE_S = 10.0


class BackgroundLoop:
    """One named background task that ends when its ``_stop`` event is set (or is cancelled after a grace)."""

    task_name: ClassVar[str] = "background-loop"

    def __init__(self, *, stop_grace_s: float = STOP_GRACE_S) -> None:
        self.stop_grace_s = stop_grace_s
        self._task: asyncio.Task[None] | None = None
        self._stop: asyncio.Event | None = None

    def lifespan(self) -> AbstractAsyncContextManager[None]:
        return self._lifespan()

    @asynccontextmanager
    async def _lifespan(self) -> AsyncIterator[None]:
        await self.start()
        try:
            yield
        finally:
            await self.stop()
            await self.aclose()

    async def start(self) -> None:
        if self._task is not None:
            return
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._loop(), name=self.task_name)

    async def stop(self) -> None:
        if self._task is None or self._stop is None:
            return
        self._stop.set()
        _, late = await asyncio.wait({self._task}, timeout=self.stop_grace_s)
        for task in late:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def aclose(self) -> None:
        """Called by the lifespan once the loop has stopped; releases what the subclass holds."""

    async def _wait_stop(self, timeout: float) -> None:
        """Wait until ``_stop`` is set or ``timeout`` seconds have passed, whichever comes first."""
        assert self._stop is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout)

    async def _loop(self) -> None:
        raise NotImplementedError
