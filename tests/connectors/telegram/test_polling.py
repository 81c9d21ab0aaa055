"""Long polling (run_polling) and webhook registration against the recording Bot API and the fake Rasa."""

from __future__ import annotations

import asyncio

import pytest
from telegram.ext import Application

from connectors.telegram import polling
from connectors.telegram.channel import register_webhook

from .fakes import API_BASE, CHAT_ID, SECRET, TOKEN, FakeRasa, RecordingRequest, callback_update, message_update


def test_run_polling_deletes_the_webhook_keeps_pending_updates_and_answers(
    make_settings, bot_api: RecordingRequest, rasa: FakeRasa, monkeypatch
) -> None:
    rasa.replies["đăng ký tạm trú"] = [
        {"text": "Bạn đăng ký tạm trú ở đâu?", "buttons": [{"title": "Hạ Long", "payload": "/inform_place"}]}
    ]
    bot_api.updates = [message_update("đăng ký tạm trú"), callback_update("/inform_place")]
    built: list[Application] = []
    real_build = polling.build_polling_application

    def capture(*args, **kwargs) -> Application:
        built.append(real_build(*args, **kwargs))
        return built[-1]

    stopping: list[bool] = []

    def stop_when_done() -> None:  # runs inside the polling loop, on an idle getUpdates; once only
        app = built[0]
        if not stopping and app.running and len(bot_api.of("sendMessage")) >= 2:
            stopping.append(True)
            app.stop_running()

    bot_api.on_idle = stop_when_done
    monkeypatch.setattr(polling, "build_polling_application", capture)
    try:
        polling.run_polling(make_settings(), request=bot_api, get_updates_request=bot_api)
    finally:
        asyncio.set_event_loop(None)

    endpoints = bot_api.endpoints
    assert endpoints[0] == "getMe"
    assert endpoints.index("deleteWebhook") < endpoints.index("getUpdates")
    [delete] = bot_api.of("deleteWebhook")
    assert delete.params.get("drop_pending_updates", False) is False
    assert set(bot_api.of("getUpdates")[0].params["allowed_updates"]) == {"message", "callback_query"}
    assert rasa.messages == ["đăng ký tạm trú", "/inform_place"]
    assert {b["sender"] for b in rasa.received} == {f"telegram:{CHAT_ID}"}
    sent = [c.params for c in bot_api.of("sendMessage")]
    assert sent[0]["text"] == "Bạn đăng ký tạm trú ở đâu?"
    assert sent[0]["reply_markup"] == {"inline_keyboard": [[{"text": "Hạ Long", "callback_data": "/inform_place"}]]}
    assert sent[1]["text"] == "Đã nhận: /inform_place"
    assert "answerCallbackQuery" in endpoints
    assert built[0].updater is not None


def test_run_polling_needs_a_token(make_settings) -> None:
    with pytest.raises(ValueError, match="MOTCUA_TELEGRAM_BOT_TOKEN"):
        polling.run_polling(make_settings(telegram_bot_token=None))


def test_register_webhook_sends_url_secret_and_allowed_updates(make_settings, bot_api: RecordingRequest) -> None:
    url = "https://motcua.example.vn/webhooks/telegram"
    asyncio.run(register_webhook(make_settings(), url, request=bot_api))
    [call] = bot_api.of("setWebhook")
    assert call.url == f"{API_BASE}{TOKEN}/setWebhook"
    assert call.params["url"] == url
    assert call.params["secret_token"] == SECRET
    assert set(call.params["allowed_updates"]) == {"message", "callback_query"}
    assert call.params["drop_pending_updates"] is False


@pytest.mark.parametrize(
    ("overrides", "url", "reason"),
    [
        ({}, "http://motcua.example.vn/webhooks/telegram", "https"),
        ({"telegram_secret_token": None}, "https://motcua.example.vn/webhooks/telegram", "SECRET_TOKEN"),
        ({"telegram_bot_token": None}, "https://motcua.example.vn/webhooks/telegram", "BOT_TOKEN"),
    ],
)
def test_register_webhook_refuses_what_telegram_or_we_would_refuse(
    make_settings, bot_api: RecordingRequest, overrides, url, reason
) -> None:
    with pytest.raises(ValueError, match=reason):
        asyncio.run(register_webhook(make_settings(**overrides), url, request=bot_api))
    assert bot_api.calls == []
