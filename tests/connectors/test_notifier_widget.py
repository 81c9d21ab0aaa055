"""The widget shows a dossier notice the next time it is opened: headless Chromium (Playwright) → the real gateway
(uvicorn on 127.0.0.1) with the widget and the notifier channels, whose polling task (its lifespan) puts the notice
in the outbox. Skipped, saying so, without Debian's chromium or the playwright package (as the widget's browser
tests are).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests

from backends.dossiers.model import DossierStatus
from connectors.app import create_app
from connectors.notifier import DossierNotifier
from connectors.widget.channel import widget_channel
from tests.connectors.test_notifier import NOW, PROCESSING, WEB, WIDGET_ID, fake_zalo, world  # noqa: F401 - fixtures
from tests.connectors.zalo.fakes import LiveGateway, wait_until
from tests.integration.test_widget_browser import browser  # noqa: F401 - the shared Chromium fixture

pytestmark = pytest.mark.integration

STORAGE_KEY = "motcua-widget:v1"


@pytest.fixture
def page(browser):  # noqa: F811 - the imported fixture
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    pg = context.new_page()
    pg.problems = []
    pg.notice_requests = []
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    pg.on("request", lambda r: pg.notice_requests.append(r.url) if "/api/notices" in r.url else None)
    yield pg
    context.close()


def test_the_widget_shows_a_notice_once_when_opened(world, page):  # noqa: F811 - the imported fixture
    from playwright.sync_api import expect

    code = world.code(PROCESSING)
    world.subscribe(WEB, code)
    world.set_status(code, DossierStatus.COMPLETED, NOW + timedelta(hours=1))
    notifier = DossierNotifier(
        world.settings, lambda: world.backend, world.store, {}, interval_s=0.05, clock=lambda: NOW + timedelta(hours=2)
    )
    app = create_app(world.settings, channels=[widget_channel, lambda settings, dialogue: notifier])
    with LiveGateway(app) as gateway:
        # the app's lifespan runs the polling task: it puts the notice in the outbox, once, however many rounds
        wait_until(lambda: world.outbox.waiting(WEB) == 1, "the notice in the outbox")
        wait_until(lambda: world.backend.calls >= 3, "a few polling rounds")
        assert world.outbox.waiting(WEB) == 1

        page.goto(f"{gateway.url}/demo")
        conversation = {"sender": WIDGET_ID, "messages": [{"role": "user", "text": "theo dõi hồ sơ giúp tôi"}]}
        page.evaluate("([key, value]) => localStorage.setItem(key, value)", [STORAGE_KEY, json.dumps(conversation)])
        page.reload()
        launcher = page.get_by_role("button", name="Mở trợ lý ảo thủ tục hành chính")
        with page.expect_response(lambda r: "/api/notices" in r.url) as first:
            launcher.click()
        assert first.value.status == 200
        notice = page.locator(".mcw-bot .mcw-bubble", has_text=code)
        expect(notice).to_have_count(1)
        expect(notice).to_contain_text("Đã xử lý xong")
        assert world.outbox.waiting(WEB) == 0

        page.keyboard.press("Escape")
        with page.expect_response(lambda r: "/api/notices" in r.url) as second:
            launcher.click()  # opened again: asks again, gets nothing new
        assert second.value.json()["messages"] == []
        expect(notice).to_have_count(1)

        page.reload()  # the notice was saved with the conversation
        page.get_by_role("button", name="Mở trợ lý ảo thủ tục hành chính").click()
        expect(page.locator(".mcw-bot .mcw-bubble", has_text=code)).to_have_count(1)
        assert page.problems == []
        left = requests.get(f"{gateway.url}/api/notices", params={"sender_id": WIDGET_ID}, timeout=10).json()
        assert left["messages"] == []
    assert notifier._task is None  # the lifespan stopped the polling task


def test_a_first_visit_asks_for_no_notices(world, page):  # noqa: F811
    from playwright.sync_api import expect

    app = create_app(world.settings, channels=[widget_channel])  # no notifier at all: the route does not exist
    with LiveGateway(app) as gateway:
        page.goto(f"{gateway.url}/demo")
        page.get_by_role("button", name="Mở trợ lý ảo thủ tục hành chính").click()
        expect(page.locator(".mcw-panel")).to_be_visible()
        page.wait_for_load_state("networkidle")
    assert page.notice_requests == []
    assert page.problems == []  # so no 404 in the console of a gateway without the notifier
