"""Neutral replies → Zalo message objects, within Zalo's limits."""

from __future__ import annotations

from connectors.replies import Button, Reply
from connectors.zalo.render import (
    BUTTONS_PER_TEMPLATE,
    CHOOSE_PROMPT,
    MORE_PROMPT,
    PAYLOAD_LIMIT,
    TEMPLATE_TEXT_LIMIT,
    TEXT_LIMIT,
    TITLE_LIMIT,
    render_replies,
    render_reply,
    split_text,
)


def test_plain_text() -> None:
    assert render_reply(Reply.plain("Bạn mang theo CCCD nhé.")) == [{"text": "Bạn mang theo CCCD nhé."}]


def test_long_text_is_split_on_line_boundaries() -> None:
    lines = [f"Bước {i}: nộp hồ sơ tại bộ phận một cửa của UBND xã, phường nơi cư trú." for i in range(80)]
    messages = render_reply(Reply.plain("\n".join(lines)))
    assert len(messages) > 1
    assert all(len(m["text"]) <= TEXT_LIMIT for m in messages)
    assert [line for m in messages for line in m["text"].split("\n")] == lines  # nothing lost, no line cut


def test_a_single_overlong_line_is_cut_at_spaces() -> None:
    words = ["thủ tục"] * 700
    chunks = split_text(" ".join(words))
    assert len(chunks) == 3
    assert all(len(c) <= TEXT_LIMIT for c in chunks)
    assert " ".join(chunks).split(" ") == " ".join(words).split(" ")


def test_empty_reply_renders_nothing() -> None:
    assert render_reply(Reply(text="  \n ")) == []


def test_buttons_become_a_template_with_the_text() -> None:
    reply = Reply(
        text="Bạn muốn biết thêm gì?",
        buttons=(
            Button("Lệ phí", payload='/ask_aspect{"aspect":"fee","code":"1.001193"}'),
            Button("Xem trên Cổng DVC", url="https://dichvucong.gov.vn"),
        ),
    )
    assert render_reply(reply) == [
        {
            "attachment": {
                "type": "template",
                "payload": {
                    "template_type": "button",
                    "text": "Bạn muốn biết thêm gì?",
                    "buttons": [
                        {
                            "title": "Lệ phí",
                            "type": "oa.query.hide",
                            "payload": '/ask_aspect{"aspect":"fee","code":"1.001193"}',
                        },
                        {
                            "title": "Xem trên Cổng DVC",
                            "type": "oa.open.url",
                            "payload": {"url": "https://dichvucong.gov.vn"},
                        },
                    ],
                },
            }
        }
    ]


def test_more_than_five_buttons_go_to_a_second_template() -> None:
    buttons = tuple(Button(f"Thủ tục {i}", payload=f'/choose_procedure{{"code":"1.00{i}"}}') for i in range(7))
    messages = render_reply(Reply(text="Chọn thủ tục:", buttons=buttons))
    assert len(messages) == 2
    first, second = (m["attachment"]["payload"] for m in messages)
    assert (first["text"], len(first["buttons"])) == ("Chọn thủ tục:", BUTTONS_PER_TEMPLATE)
    assert (second["text"], len(second["buttons"])) == (MORE_PROMPT, 2)
    assert [b["title"] for b in first["buttons"] + second["buttons"]] == [b.title for b in buttons]


def test_long_titles_are_shortened_and_overlong_payloads_dropped() -> None:
    reply = Reply(
        buttons=(
            Button("Đăng ký thường trú " * 10, payload="/a"),
            Button("Quá dài", payload="/" + "x" * PAYLOAD_LIMIT),
        )
    )
    [message] = render_reply(reply)
    payload = message["attachment"]["payload"]
    assert payload["text"] == CHOOSE_PROMPT
    [button] = payload["buttons"]
    assert len(button["title"]) <= TITLE_LIMIT and button["title"].endswith("…")


def test_text_too_long_for_a_template_is_sent_first() -> None:
    text = "Hồ sơ gồm: " + "giấy tờ, " * 100
    assert len(text) > TEMPLATE_TEXT_LIMIT
    messages = render_reply(Reply(text=text, buttons=(Button("Lệ phí", payload="/fee"),)))
    assert messages[0] == {"text": text.strip()}
    assert messages[1]["attachment"]["payload"]["text"] == CHOOSE_PROMPT


def test_image_becomes_a_link_line() -> None:
    replies = [
        Reply(text="Mẫu tờ khai:", image="https://example.gov.vn/to-khai.png"),
        Reply(image="https://x.vn/a.jpg"),
    ]
    assert render_replies(replies) == [
        {"text": "Mẫu tờ khai:\nhttps://example.gov.vn/to-khai.png"},
        {"text": "https://x.vn/a.jpg"},
    ]
