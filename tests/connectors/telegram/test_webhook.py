"""The Telegram webhook end to end, offline: FastAPI app (ASGI) → python-telegram-bot Application → real
Dialogue + RasaClient → fake Rasa over HTTP on 127.0.0.1; every Bot API call is recorded by a BaseRequest."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from connectors.dialogue import Dialogue
from connectors.messages import gateway_message
from connectors.settings import GatewaySettings
from connectors.telegram.handlers import MAX_CALLBACK_BYTES, button_expired_message

from .fakes import (
    API_BASE,
    CHAT_ID,
    SECRET,
    TOKEN,
    FakeRasa,
    RecordingRequest,
    callback_update,
    document_update,
    location_update,
    message_update,
    photo_update,
    sticker_update,
    voice_update,
)
from .harness import Gateway, open_gateway

CHOOSE_BIRTH = '/choose_procedure{"code":"1.001193"}'
CHOOSE_REREG = '/choose_procedure{"code":"1.004222"}'
# 59 characters but 71 bytes in UTF-8: the limit is in bytes
LONG_PAYLOAD = '/choose_location{"xa":"Phường Hồng Hải, thành phố Hạ Long"}'
assert len(LONG_PAYLOAD) < MAX_CALLBACK_BYTES < len(LONG_PAYLOAD.encode())

CHOICES_REPLY = [
    {
        "text": "Bạn muốn hỏi thủ tục nào?",
        "buttons": [
            {"title": "Đăng ký khai sinh", "payload": CHOOSE_BIRTH},
            {"title": "Đăng ký lại khai sinh (đã đăng ký trước đây)", "payload": CHOOSE_REREG},
        ],
    }
]


def run(scenario: Callable[[], Any]) -> None:
    asyncio.run(scenario())


@pytest.fixture
def gateway(make_settings, bot_api: RecordingRequest, rasa: FakeRasa):
    """``async with gateway() as gw`` opens the app (optionally with other settings)."""

    def open_(settings: GatewaySettings | None = None) -> Any:
        return open_gateway(settings or make_settings(), bot_api, rasa)

    return open_


async def _pump(gw: Gateway, *updates: dict[str, Any]) -> None:
    for update in updates:
        await gw.deliver(update)


# --- text → Rasa → message with keyboard ----------------------------------------------------------------------------


def test_text_goes_to_rasa_and_reply_is_sent_as_plain_text_with_keyboard(gateway, rasa: FakeRasa) -> None:
    rasa.replies["làm giấy khai sinh cho con"] = CHOICES_REPLY

    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(message_update("làm giấy khai sinh cho con"))
            assert rasa.received == [
                {
                    "sender": f"telegram:{CHAT_ID}",
                    "message": "làm giấy khai sinh cho con",
                    "metadata": {"channel": "telegram"},
                }
            ]
            [sent] = gw.bot_api.of("sendMessage")
            assert sent.url == f"{API_BASE}{TOKEN}/sendMessage"  # base_url comes from the settings
            assert sent.params["chat_id"] == CHAT_ID
            assert sent.params["text"] == "Bạn muốn hỏi thủ tục nào?"
            assert "parse_mode" not in sent.params
            # a long title → one button per row
            assert sent.params["reply_markup"] == {
                "inline_keyboard": [
                    [{"text": "Đăng ký khai sinh", "callback_data": CHOOSE_BIRTH}],
                    [{"text": "Đăng ký lại khai sinh (đã đăng ký trước đây)", "callback_data": CHOOSE_REREG}],
                ]
            }

    run(scenario)


def test_short_titles_two_per_row(gateway, rasa: FakeRasa) -> None:
    rasa.replies["lệ phí"] = [
        {
            "text": "Bạn muốn biết gì về thủ tục này?",
            "buttons": [
                {"title": "Lệ phí", "payload": '/ask_aspect{"aspect":"fee","code":"1.001193"}'},
                {"title": "Hồ sơ", "payload": '/ask_aspect{"aspect":"documents","code":"1.001193"}'},
                {"title": "Thời hạn", "payload": '/ask_aspect{"aspect":"time","code":"1.001193"}'},
            ],
        }
    ]

    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(message_update("lệ phí"))
            rows = gw.sent()[0]["reply_markup"]["inline_keyboard"]
            assert [[b["text"] for b in row] for row in rows] == [["Lệ phí", "Hồ sơ"], ["Thời hạn"]]

    run(scenario)


def test_markup_in_replies_is_sent_literally(gateway, rasa: FakeRasa) -> None:
    rasa.replies["<b>lệ phí</b>"] = [{"text": "Lệ phí: <b>50.000 đồng</b> *miễn* cho [hộ nghèo](tg://user?id=1)"}]

    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(message_update("<b>lệ phí</b>"))
            [sent] = gw.sent()
            assert sent["text"] == "Lệ phí: <b>50.000 đồng</b> *miễn* cho [hộ nghèo](tg://user?id=1)"
            assert "parse_mode" not in sent and "entities" not in sent
            assert rasa.messages == ["<b>lệ phí</b>"]

    run(scenario)


def test_url_buttons_keep_http_links_and_drop_javascript(gateway, rasa: FakeRasa) -> None:
    portal = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193"
    rasa.replies["nộp trực tuyến ở đâu"] = [
        {
            "text": "Bạn có thể nộp trực tuyến trên Cổng Dịch vụ công quốc gia.",
            "buttons": [
                {"title": "Mở Cổng DVC", "url": portal},
                {"title": "Bấm vào đây", "url": "javascript:alert(document.cookie)"},
                {"title": "Hồ sơ", "payload": '/ask_aspect{"aspect":"documents","code":"1.001193"}'},
            ],
        }
    ]

    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(message_update("nộp trực tuyến ở đâu"))
            keys = [b for row in gw.sent()[0]["reply_markup"]["inline_keyboard"] for b in row]
            assert keys == [
                {"text": "Mở Cổng DVC", "url": portal},
                {"text": "Hồ sơ", "callback_data": '/ask_aspect{"aspect":"documents","code":"1.001193"}'},
            ]
            assert "javascript" not in json.dumps(gw.sent())

    run(scenario)


# --- buttons pressed ------------------------------------------------------------------------------------------------


def test_callback_query_is_answered_first_then_payload_goes_to_rasa(gateway, rasa: FakeRasa, timeline) -> None:
    rasa.replies[CHOOSE_REREG] = [{"text": "Thủ tục Đăng ký lại khai sinh cần tờ khai và giấy tờ tùy thân."}]

    async def scenario() -> None:
        async with gateway() as gw:
            timeline.clear()
            update = callback_update(CHOOSE_REREG)
            await gw.deliver(update)
            assert timeline == ["answerCallbackQuery", "rasa", "sendMessage"]
            [answer] = gw.bot_api.of("answerCallbackQuery")
            assert answer.params == {"callback_query_id": update["callback_query"]["id"]}
            assert rasa.received[-1]["sender"] == f"telegram:{CHAT_ID}"
            assert rasa.received[-1]["message"] == CHOOSE_REREG
            assert gw.sent_texts() == ["Thủ tục Đăng ký lại khai sinh cần tờ khai và giấy tờ tùy thân."]

    run(scenario)


def test_payload_over_64_bytes_gets_a_short_key_and_pressing_it_sends_the_original(gateway, rasa: FakeRasa) -> None:
    rasa.replies["lệ phí khai sinh"] = [
        {"text": "Bạn hỏi lệ phí ở xã nào?", "buttons": [{"title": "Hạ Long", "payload": LONG_PAYLOAD}]}
    ]

    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(message_update("lệ phí khai sinh"))
            [[button]] = gw.sent()[0]["reply_markup"]["inline_keyboard"]
            data = button["callback_data"]
            assert data != LONG_PAYLOAD
            assert len(data.encode()) <= MAX_CALLBACK_BYTES
            await gw.deliver(callback_update(data))
            assert rasa.messages == ["lệ phí khai sinh", LONG_PAYLOAD]
            assert gw.sent_texts()[-1] == f"Đã nhận: {LONG_PAYLOAD}"

    run(scenario)


def test_expired_short_key_is_answered_politely_without_rasa(gateway, rasa: FakeRasa) -> None:
    async def scenario() -> None:
        async with gateway() as gw:  # a fresh process: the key was made by a previous one
            await gw.deliver(callback_update("~Zm9yZ290dGVu", lang="vi"))
            assert gw.bot_api.endpoints[-2:] == ["answerCallbackQuery", "sendMessage"]
            assert gw.sent_texts() == [button_expired_message("vi")]
            assert rasa.received == []

    run(scenario)


# --- the webhook's checks -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-0123456789", SECRET + "x", SECRET[:-1]])
def test_missing_or_wrong_secret_is_refused_and_nothing_processed(gateway, rasa: FakeRasa, secret) -> None:
    async def scenario() -> None:
        async with gateway() as gw:
            response = await gw.post(message_update("tin giả mạo"), secret=secret)
            assert response.status_code == 401
            await gw.deliver(message_update("tin thật"))  # the right secret afterwards: only this one arrives
            assert rasa.messages == ["tin thật"]
            assert gw.sent_texts() == ["Đã nhận: tin thật"]

    run(scenario)


def test_right_secret_is_accepted_and_processed(gateway, rasa: FakeRasa) -> None:
    async def scenario() -> None:
        async with gateway() as gw:
            response = await gw.post(message_update("cấp lại căn cước"))
            assert response.status_code == 200
            await gw.settle()
            assert rasa.messages == ["cấp lại căn cước"]
            assert gw.sent_texts() == ["Đã nhận: cấp lại căn cước"]

    run(scenario)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"update_id": 1, "message": ',
        b"[1, 2, 3]",
        b'{"message": {}}',
        b'{"update_id": "7"}',
        b"\xff\xfe",
    ],
)
def test_malformed_json_is_400(gateway, rasa: FakeRasa, body: bytes) -> None:
    async def scenario() -> None:
        async with gateway() as gw:
            response = await gw.post(None, content=body, headers={"Content-Type": "application/json"})
            assert response.status_code == 400
            await gw.settle()
            assert rasa.received == [] and gw.sent() == []

    run(scenario)


def test_oversized_body_is_413_with_or_without_content_length(gateway, make_settings, rasa: FakeRasa) -> None:
    settings = make_settings(max_body_bytes=4096)
    big = message_update("a" * 5000)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the channel counts the bytes itself
        data = json.dumps(big).encode()
        for i in range(0, len(data), 1000):
            yield data[i : i + 1000]

    async def scenario() -> None:
        async with gateway(settings) as gw:
            assert (await gw.post(big)).status_code == 413
            streamed = await gw.post(None, content=chunks(), headers={"Content-Type": "application/json"})
            assert streamed.status_code == 413
            await gw.settle()
            assert rasa.received == [] and gw.sent() == []

    run(scenario)


def test_without_a_configured_secret_everything_is_refused_with_503(gateway, make_settings, rasa, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="connectors.telegram.channel")

    async def scenario() -> None:
        async with gateway(make_settings(telegram_secret_token=None)) as gw:
            for secret in (None, "", SECRET):
                assert (await gw.post(message_update("xin chào"), secret=secret)).status_code == 503
            await gw.settle()
            assert rasa.received == [] and gw.sent() == []

    run(scenario)
    assert "MOTCUA_TELEGRAM_SECRET_TOKEN is not set" in caplog.text


def test_redelivered_update_is_processed_once(gateway, rasa: FakeRasa) -> None:
    async def scenario() -> None:
        async with gateway() as gw:
            update = message_update("thủ tục đăng ký kết hôn")
            await gw.deliver(update)
            await gw.deliver(update)
            assert rasa.messages == ["thủ tục đăng ký kết hôn"]
            assert len(gw.sent()) == 1

    run(scenario)


def test_telegram_down_at_start_answers_503_then_recovers(gateway, bot_api: RecordingRequest, rasa) -> None:
    bot_api.fail_next("getMe", status=502, description="Bad Gateway")

    async def scenario() -> None:
        async with gateway() as gw:  # the gateway starts anyway
            assert not gw.channel.application.running
            first = message_update("hồ sơ của tôi đến đâu rồi")
            assert (await gw.post(first)).status_code == 200  # the next call initialises the bot and goes on
            await gw.settle()
            assert gw.channel.application.running
            assert rasa.messages == ["hồ sơ của tôi đến đâu rồi"]
            assert bot_api.endpoints.count("getMe") == 2

    run(scenario)


def test_telegram_unreachable_on_a_webhook_call_is_503(gateway, bot_api: RecordingRequest, rasa) -> None:
    bot_api.fail_next("getMe", status=502, description="Bad Gateway")
    bot_api.fail_next("getMe", status=502, description="Bad Gateway")

    async def scenario() -> None:
        async with gateway() as gw:
            assert (await gw.post(message_update("xin chào"))).status_code == 503
            assert rasa.received == []

    run(scenario)


# --- what is not text -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [sticker_update, photo_update, document_update, voice_update])
def test_stickers_photos_files_and_voice_get_the_unsupported_message(gateway, rasa: FakeRasa, factory) -> None:
    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(factory())
            assert gw.sent_texts() == [gateway_message("unsupported", "vi")]
            assert rasa.received == []

    run(scenario)


def test_location_gets_the_location_message(gateway, rasa: FakeRasa) -> None:
    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(location_update())
            assert gw.sent_texts() == [gateway_message("location", "vi")]
            assert rasa.received == []

    run(scenario)


def test_start_command_gets_the_welcome_message(gateway, rasa: FakeRasa) -> None:
    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(message_update("/start"))
            assert gw.sent_texts() == [gateway_message("welcome", "vi")]
            assert rasa.received == []

    run(scenario)


def test_group_chats_are_ignored(gateway, rasa: FakeRasa) -> None:
    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(message_update("tra cứu hồ sơ", chat_id=-100200300, chat_type="supergroup"))
            assert rasa.received == [] and gw.sent() == []

    run(scenario)


def test_edited_messages_are_not_answered_again(gateway, rasa: FakeRasa) -> None:
    async def scenario() -> None:
        async with gateway() as gw:
            update = message_update("lệ phí trước bạ")
            update["edited_message"] = {**update.pop("message"), "edit_date": 1_733_000_100}
            await gw.deliver(update)
            assert rasa.received == [] and gw.sent() == []

    run(scenario)


# --- Rasa down, language, errors ------------------------------------------------------------------------------------


def test_rasa_down_sends_the_polite_unavailable_message(gateway, rasa: FakeRasa) -> None:
    rasa.status = 500

    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(message_update("cần giấy tờ gì"))
            assert rasa.messages == ["cần giấy tờ gì"]
            assert gw.sent_texts() == [gateway_message("unavailable", "vi")]

    run(scenario)


@pytest.mark.parametrize("code", ["en", "en-GB", "EN-us"])
def test_english_user_gets_english_gateway_messages(gateway, rasa: FakeRasa, code: str) -> None:
    rasa.status = 500

    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(message_update("how do I register a birth", lang=code))
            await gw.deliver(sticker_update(lang=code))
            assert gw.sent_texts() == [gateway_message("unavailable", "en"), gateway_message("unsupported", "en")]

    run(scenario)


@pytest.mark.parametrize("code", [None, "vi", "fr", "ru"])
def test_other_languages_get_vietnamese(gateway, rasa: FakeRasa, code) -> None:
    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(sticker_update(lang=code))
            assert gw.sent_texts() == [gateway_message("unsupported", "vi")]

    run(scenario)


def test_a_failing_handler_is_logged_without_personal_data_and_the_app_goes_on(
    gateway, bot_api: RecordingRequest, rasa: FakeRasa, caplog
) -> None:
    caplog.set_level(logging.DEBUG, logger="connectors")
    bot_api.fail_next("sendMessage", status=400, description=f"Bad Request: chat {CHAT_ID} not found")
    secret_text = "CCCD 031095001234 của Nguyễn Văn An"

    async def scenario() -> None:
        async with gateway() as gw:
            await gw.deliver(message_update(secret_text))
            await gw.deliver(message_update("tiếp theo"))
            assert gw.sent_texts()[-1] == "Đã nhận: tiếp theo"  # the next update is served normally

    run(scenario)
    errors = [r for r in caplog.records if r.name.startswith("connectors.telegram") and r.levelno >= logging.ERROR]
    assert errors, "the failure must be logged"
    assert "BadRequest" in errors[0].getMessage()
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("connectors"))
    for private in (str(CHAT_ID), "031095001234", "Nguyễn", TOKEN):
        assert private not in ours


def test_an_unexpected_bug_in_the_dialogue_apologises(gateway, rasa: FakeRasa, monkeypatch) -> None:
    async def scenario() -> None:
        async with gateway() as gw:

            async def broken(*args: Any, **kwargs: Any) -> None:
                raise KeyError("bug")

            monkeypatch.setattr(Dialogue, "handle", broken)
            await gw.deliver(message_update("xin chào", lang="en"))
            assert gw.sent_texts() == [gateway_message("unavailable", "en")]

    run(scenario)
