"""BackgroundLoop, the lifecycle shared by the notifier's polling task and the documents' purge task: start once,
stop by the event, cancel a loop that ignores it after the grace, close after stopping. Nothing is timed: the only
waits are the loop's own, and a short injected grace."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from backends.documents import DocumentStore
from backends.notifications.store import SubscriptionStore
from connectors.background import STOP_GRACE_S, BackgroundLoop
from connectors.documents import DocumentChannel
from connectors.notifier import DossierNotifier
from connectors.settings import GatewaySettings

HANG_GUARD_S = 30.0  # not a timing assertion: a stop that never returns fails instead of hanging the run


def run(coro):
    return asyncio.run(coro)


class Recorder(BackgroundLoop):
    """A loop that waits on the stop event (or, with ``ignore_stop``, does not) and writes down what happened."""

    task_name = "test-recorder"

    def __init__(self, *, ignore_stop: bool = False, **kwargs: float) -> None:
        super().__init__(**kwargs)
        self.ignore_stop = ignore_stop
        self.events: list[str] = []
        self.running = asyncio.Event()

    async def _loop(self) -> None:
        assert self._stop is not None
        self.events.append("loop started")
        self.running.set()
        try:
            if self.ignore_stop:
                await asyncio.Future()  # never done: only a cancellation ends it
            await self._stop.wait()
            self.events.append("saw stop")
        except asyncio.CancelledError:
            self.events.append("cancelled")
            raise
        finally:
            self.events.append("loop ended")

    async def aclose(self) -> None:
        self.events.append(f"aclose (task {'gone' if self._task is None else 'still there'})")


def test_the_default_grace_is_ten_seconds():
    assert STOP_GRACE_S == 10.0
    assert Recorder().stop_grace_s == STOP_GRACE_S


def test_starting_twice_runs_one_task_with_the_subclass_name():
    async def scenario() -> None:
        loop = Recorder()
        await loop.start()
        first = loop._task
        await loop.start()
        assert loop._task is first
        await loop.running.wait()
        await asyncio.sleep(0)  # give a second task, had there been one, the chance to start too
        assert first is not None and first.get_name() == "test-recorder"
        assert loop.events.count("loop started") == 1
        assert [t for t in asyncio.all_tasks() if t.get_name() == "test-recorder"] == [first]
        await loop.stop()

    run(scenario())


def test_stop_sets_the_event_and_the_loop_ends_by_itself():
    async def scenario() -> None:
        loop = Recorder()
        await loop.start()
        task = loop._task
        await loop.running.wait()
        await loop.stop()
        assert loop._stop is not None and loop._stop.is_set()
        assert task is not None and task.done() and not task.cancelled()
        assert loop._task is None
        assert loop.events == ["loop started", "saw stop", "loop ended"]

    run(scenario())


def test_stop_without_start_does_nothing():
    async def scenario() -> None:
        loop = Recorder()
        await loop.stop()
        assert loop._task is None and loop._stop is None and loop.events == []

    run(scenario())


def test_a_loop_that_ignores_the_event_is_cancelled_after_the_grace():
    async def scenario() -> None:
        loop = Recorder(ignore_stop=True, stop_grace_s=0.05)
        await loop.start()
        task = loop._task
        await loop.running.wait()
        stopping = asyncio.create_task(loop.stop())
        await asyncio.wait({stopping}, timeout=HANG_GUARD_S)  # the guard only turns a hang into a failure
        assert stopping.done(), "stop() did not cancel the loop that ignores the event"
        stopping.result()  # does not raise: the CancelledError is suppressed
        assert task is not None and task.cancelled()
        assert loop._task is None
        assert loop.events == ["loop started", "cancelled", "loop ended"]

    run(scenario())


def test_the_lifespan_closes_after_stopping():
    async def scenario() -> None:
        loop = Recorder()
        async with loop.lifespan():
            await loop.running.wait()
            assert loop.events == ["loop started"]
        assert loop.events == ["loop started", "saw stop", "loop ended", "aclose (task gone)"]

    run(scenario())


def test_the_lifespan_stops_and_closes_even_when_the_block_fails():
    async def scenario() -> None:
        loop = Recorder()
        with pytest.raises(RuntimeError, match="boom"):
            async with loop.lifespan():
                await loop.running.wait()
                raise RuntimeError("boom")
        assert loop.events == ["loop started", "saw stop", "loop ended", "aclose (task gone)"]

    run(scenario())


# ---- the two users ---------------------------------------------------------------------------------------------


class ClosingSender:
    """A push sender that only notes, when closed, whether the notifier's task was already stopped."""

    def __init__(self) -> None:
        self.notifier: DossierNotifier | None = None
        self.closed_with_task: list[object] = []

    async def reachable(self, user_id: str, now: object) -> bool:
        return False

    async def send(self, user_id: str, text: str) -> None:
        raise AssertionError("nothing is followed: nothing is sent")

    async def aclose(self) -> None:
        assert self.notifier is not None
        self.closed_with_task.append(self.notifier._task)


def test_the_notifier_lifespan_runs_its_named_task_and_closes_its_senders_after_stopping(tmp_path: Path):
    settings = GatewaySettings(
        data_dir=tmp_path / "gateway", zalo_app_id=None, zalo_oa_secret_key=None, telegram_bot_token=None
    )

    def no_backend():
        raise AssertionError("nothing is followed: the backend is not opened")

    sender = ClosingSender()
    store = SubscriptionStore(f"sqlite:///{tmp_path / 'notifications.sqlite3'}")
    notifier = DossierNotifier(settings, no_backend, store, {"telegram": sender}, interval_s=3600)
    sender.notifier = notifier

    async def scenario() -> asyncio.Task[None]:
        async with notifier.lifespan():
            task = notifier._task
            assert task is not None and task.get_name() == "dossier-notifier"
            assert sender.closed_with_task == []
        return task

    task = run(scenario())
    assert task.done() and not task.cancelled()
    assert sender.closed_with_task == [None]  # closed once, after the task was stopped
    store.engine.dispose()


def test_the_document_channel_runs_its_named_purge_task_and_stops_it_by_the_event(tmp_path: Path):
    channel = DocumentChannel(DocumentStore(tmp_path / "documents"), interval_s=3600)

    async def scenario() -> asyncio.Task[None]:
        async with channel.lifespan():
            task = channel._task
            assert task is not None and task.get_name() == "document-purge"
        return task

    task = run(scenario())
    assert task.done() and not task.cancelled()
    assert channel._task is None
