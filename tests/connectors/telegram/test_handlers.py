"""The pieces of the handlers: keyboards, the payload map, text splitting, language, log hygiene."""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram import Bot, User

from connectors.replies import Button, Reply
from connectors.telegram.channel import hide_token_in_logs, telegram_channel
from connectors.telegram.handlers import (
    BUTTONS_ONLY_TEXT,
    MAX_CALLBACK_BYTES,
    CallbackPayloads,
    inline_keyboard,
    send_replies,
    split_text,
    user_lang,
)

from .fakes import API_BASE, CHAT_ID, TOKEN, RecordingRequest


def _keys(markup) -> list[list[dict]]:
    return [[key.to_dict() for key in row] for row in markup.inline_keyboard]


# --- keyboards ------------------------------------------------------------------------------------------------------


def test_keyboard_drops_non_web_urls_even_when_the_reply_was_built_in_code() -> None:
    buttons = [
        Button("Cổng DVC", url="https://dichvucong.gov.vn/"),
        Button("Trang cũ", url="http://dichvucong.quangninh.gov.vn/"),
        Button("XSS", url="javascript:alert(1)"),
        Button("Dữ liệu", url="data:text/html,<script>alert(1)</script>"),
        Button("Tệp", url="file:///etc/passwd"),
        Button("Hồ sơ", payload="/ask_aspect", url="javascript:void(0)"),  # falls back to its payload
        Button("   ", payload="/empty_title"),
    ]
    markup = inline_keyboard(buttons, CallbackPayloads())
    assert _keys(markup) == [
        [
            {"text": "Cổng DVC", "url": "https://dichvucong.gov.vn/"},
            {"text": "Trang cũ", "url": "http://dichvucong.quangninh.gov.vn/"},
        ],
        [{"text": "Hồ sơ", "callback_data": "/ask_aspect"}],
    ]


def test_keyboard_layout_one_per_row_when_any_title_is_long() -> None:
    short = [Button("Có", payload="/affirm"), Button("Không", payload="/deny"), Button("Hỏi khác", payload="/other")]
    assert [len(row) for row in _keys(inline_keyboard(short, CallbackPayloads()))] == [2, 1]
    mixed = [*short, Button("Cấp đổi giấy phép lái xe do ngành giao thông cấp", payload="/choose")]
    assert [len(row) for row in _keys(inline_keyboard(mixed, CallbackPayloads()))] == [1, 1, 1, 1]


def test_no_usable_button_means_no_keyboard() -> None:
    assert inline_keyboard([], CallbackPayloads()) is None
    assert inline_keyboard([Button("x", url="javascript:x")], CallbackPayloads()) is None


# --- the payload map ------------------------------------------------------------------------------------------------


def test_short_payloads_travel_as_they_are() -> None:
    payloads = CallbackPayloads()
    assert payloads.encode('/choose_procedure{"code":"1.004222"}') == '/choose_procedure{"code":"1.004222"}'
    assert payloads.resolve('/choose_procedure{"code":"1.004222"}') == '/choose_procedure{"code":"1.004222"}'
    assert len(payloads) == 0


def test_long_payloads_get_a_short_stable_key() -> None:
    payloads = CallbackPayloads()
    long = '/ask_aspect{"aspect":"processing_time","code":"1.001193","agency":"UBND phường"}'
    key = payloads.encode(long)
    assert key != long and key.startswith(CallbackPayloads.PREFIX)
    assert len(key.encode()) <= MAX_CALLBACK_BYTES
    assert payloads.encode(long) == key  # shown again: the same key, no growth
    assert len(payloads) == 1
    assert payloads.resolve(key) == long


def test_a_payload_that_looks_like_a_key_is_stored_too() -> None:
    payloads = CallbackPayloads()
    key = payloads.encode("~ngã ba")
    assert key != "~ngã ba" and payloads.resolve(key) == "~ngã ba"


def test_the_map_is_bounded_and_forgets_the_least_recently_used() -> None:
    payloads = CallbackPayloads(capacity=3)
    keys = [payloads.encode(f'/choose_procedure{{"code":"1.00{i}","note":"{"x" * 60}"}}') for i in range(3)]
    assert payloads.resolve(keys[0]) is not None  # 0 is now the most recently used
    newest = payloads.encode("/" + "y" * 80)
    assert len(payloads) == 3
    assert payloads.resolve(keys[1]) is None  # forgotten: the oldest untouched one
    assert payloads.resolve(keys[0]) is not None and payloads.resolve(newest) == "/" + "y" * 80
    assert payloads.resolve("~neverissued") is None


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CallbackPayloads(capacity=0)


# --- text -----------------------------------------------------------------------------------------------------------


def test_split_text_respects_telegrams_utf16_limit_and_prefers_line_breaks() -> None:
    paragraph = "Thành phần hồ sơ gồm tờ khai đăng ký khai sinh theo mẫu và giấy chứng sinh. " * 20
    text = "\n".join([paragraph] * 5)
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in pieces)
    assert "".join(pieces).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
    emoji = "📄" * 3000  # 2 UTF-16 units each
    assert [len(p) for p in split_text(emoji)] == [2048, 952]
    assert split_text("ngắn") == ["ngắn"]
    assert split_text("") == []


def test_long_reply_is_split_with_the_keyboard_on_the_last_piece_and_images_become_links() -> None:
    async def scenario() -> RecordingRequest:
        recorder = RecordingRequest()
        async with Bot(TOKEN, base_url=API_BASE, request=recorder, get_updates_request=recorder) as bot:
            replies = [
                Reply(text="Hướng dẫn chi tiết. " * 400, buttons=(Button("Lệ phí", payload="/fee"),)),
                Reply(image="https://dichvucong.gov.vn/mau-to-khai.png"),
                Reply(image="javascript:alert(1)"),  # nothing safe left: not sent
                Reply(buttons=(Button("Có", payload="/affirm"),)),
            ]
            await send_replies(bot, CHAT_ID, replies, CallbackPayloads())
        return recorder

    recorder = asyncio.run(scenario())
    sent = [c.params for c in recorder.of("sendMessage")]
    assert len(sent) == 4
    assert "reply_markup" not in sent[0] and sent[1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Lệ phí"
    assert sent[2]["text"] == "https://dichvucong.gov.vn/mau-to-khai.png"
    assert sent[3]["text"] == BUTTONS_ONLY_TEXT and sent[3]["reply_markup"]
    assert not recorder.unexpected


# --- language, enabling, logs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "lang"), [("en", "en"), ("en-US", "en"), ("EN", "en"), ("vi", "vi"), ("fr", "vi"), (None, "vi")]
)
def test_user_lang(code, lang) -> None:
    assert user_lang(User(1, "Lan", False, language_code=code)) == lang
    assert user_lang(None) == "vi"


def test_no_token_means_no_channel(make_settings) -> None:
    assert telegram_channel(make_settings(telegram_bot_token=None), dialogue=None) is None


def test_the_bot_token_never_reaches_the_logs(caplog) -> None:
    hide_token_in_logs(TOKEN)
    hide_token_in_logs(TOKEN)  # idempotent
    assert sum(1 for f in logging.getLogger("httpx").filters if getattr(f, "token", None) == TOKEN) == 1
    caplog.set_level(logging.INFO, logger="httpx")
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', f"{API_BASE}{TOKEN}/sendMessage")
    assert TOKEN not in caplog.text
    assert f"{API_BASE}<bot-token>/sendMessage" in caplog.text
