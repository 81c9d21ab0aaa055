"""The Zalo channel end to end: the gateway app under uvicorn (lifespan and worker running) between a fake Zalo API
and a fake Rasa, all real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import socket
import time

import pytest
import requests

from connectors.app import create_app
from connectors.messages import gateway_message
from connectors.zalo.channel import zalo_channel
from connectors.zalo.signature import expected_signature
from connectors.zalo.tokens import TokenManager

from .conftest import (
    APP_ID,
    APP_SECRET,
    OA_SECRET,
    SEED_REFRESH,
    attachment_event,
    follow_event,
    inbox_of,
    live,
    make_settings,
    post_event,
    text_event,
)
from .fakes import FakeRasa, FakeZalo, wait_until

USER = "6031234567890123456"
OTHER = "7049876543210987654"
FEE = '/ask_aspect{"aspect":"fee","code":"1.001193"}'
DURATION = '/ask_aspect{"aspect":"duration","code":"1.001193"}'


def test_text_is_answered_with_the_exact_zalo_requests(settings, fake_zalo: FakeZalo, fake_rasa: FakeRasa) -> None:
    fake_rasa.script = lambda sender, text: [
        {"recipient_id": sender, "text": "Đăng ký khai sinh cần tờ khai và giấy chứng sinh."},
        {
            "recipient_id": sender,
            "text": "Bạn muốn hỏi thêm gì?",
            "buttons": [{"title": "Lệ phí", "payload": FEE}, {"title": "Thời hạn giải quyết", "payload": DURATION}],
        },
    ]
    with live(settings) as gateway:
        response = post_event(gateway.url, text_event(USER, "làm giấy khai sinh cần gì"))
        assert (response.status_code, response.json()) == (200, {"ok": True})
        fake_zalo.wait_for_delivered(2)
    assert fake_rasa.received == [
        {"sender": f"zalo:{USER}", "message": "làm giấy khai sinh cần gì", "metadata": {"channel": "zalo"}}
    ]
    assert [call["json"] for call in fake_zalo.calls] == [
        {"recipient": {"user_id": USER}, "message": {"text": "Đăng ký khai sinh cần tờ khai và giấy chứng sinh."}},
        {
            "recipient": {"user_id": USER},
            "message": {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "button",
                        "text": "Bạn muốn hỏi thêm gì?",
                        "buttons": [
                            {"title": "Lệ phí", "type": "oa.query.hide", "payload": FEE},
                            {"title": "Thời hạn giải quyết", "type": "oa.query.hide", "payload": DURATION},
                        ],
                    },
                }
            },
        },
    ]
    assert [call["headers"]["access_token"] for call in fake_zalo.calls] == ["access-0001-tok"] * 2
    assert inbox_of(settings).counts() == {"done": 1}


def test_forged_or_missing_signatures_are_refused_and_nothing_is_sent(
    settings, fake_zalo: FakeZalo, fake_rasa: FakeRasa, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="connectors")
    forged = text_event(USER, "tôi muốn đổi bằng lái xe")
    body = json.dumps(forged, ensure_ascii=False).encode()
    with live(settings) as gateway:
        attempts = [
            post_event(gateway.url, forged, signature="mac=" + "0" * 64),
            post_event(gateway.url, forged, signature=None),
            post_event(gateway.url, forged, signature=expected_signature(APP_ID, body, forged["timestamp"], "k" * 20)),
            post_event(  # signed, then the text was changed
                gateway.url,
                forged,
                signature=expected_signature(APP_ID, body, forged["timestamp"], OA_SECRET),
                raw=body.replace("bằng lái".encode(), "hộ chiếu".encode()),
            ),
        ]
        assert [(r.status_code, r.json()) for r in attempts] == [(401, {"ok": False, "error": "bad signature"})] * 4
        assert post_event(gateway.url, text_event(OTHER, "xin chào")).status_code == 200
        fake_zalo.wait_for_delivered(1)
    assert [d["recipient"]["user_id"] for d in fake_zalo.delivered] == [OTHER]
    assert [r["sender"] for r in fake_rasa.received] == [f"zalo:{OTHER}"]
    assert inbox_of(settings).counts() == {"done": 1}
    assert "bad signature" in caplog.text
    assert "bằng lái" not in caplog.text and USER not in caplog.text


def test_replayed_or_future_events_are_refused(settings, fake_zalo: FakeZalo) -> None:
    def at(offset_s: float) -> dict:
        return text_event(USER, "lệ phí cấp hộ chiếu", timestamp=str(int((time.time() + offset_s) * 1000)))

    with live(settings) as gateway:
        old = post_event(gateway.url, at(-settings.zalo_max_event_age_s - 30))
        future = post_event(gateway.url, at(+120))
        recent = post_event(gateway.url, at(-settings.zalo_max_event_age_s + 60))
        assert [(old.status_code, old.json()["error"]), (future.status_code, future.json()["error"])] == [
            (401, "stale event"),
            (401, "stale event"),
        ]
        assert recent.status_code == 200
        fake_zalo.wait_for_delivered(1)
    assert len(fake_zalo.delivered) == 1


def test_malformed_foreign_and_oversized_requests(settings, fake_zalo: FakeZalo) -> None:
    other_app = {**text_event(USER, "xin chào"), "app_id": "1111111111111111111"}
    with live(settings) as gateway:
        url = f"{gateway.url}/webhooks/zalo"
        assert post_event(gateway.url, {}, raw=b'{"event_name": "user_send_text",').status_code == 400
        assert post_event(gateway.url, {}, raw=b'["not", "an", "event"]').status_code == 400
        assert post_event(gateway.url, other_app).status_code == 403  # correctly signed, but not for our app
        big = b'{"pad": "' + b"x" * settings.max_body_bytes + b'"}'
        assert requests.post(url, data=big, timeout=30).status_code == 413  # Content-Length: the app's middleware
        chunked = requests.post(url, data=iter([big[:1000], big[1000:]]), timeout=30)  # no Content-Length
        assert chunked.status_code == 413
        unknown = {**follow_event(USER), "event_name": "user_seen_message"}
        assert post_event(gateway.url, unknown).json() == {"ok": True}  # acknowledged, nothing to do
    assert fake_zalo.calls == []
    assert inbox_of(settings).counts() == {}


def test_a_zalo_retry_with_the_same_msg_id_is_processed_once(settings, fake_zalo: FakeZalo, fake_rasa) -> None:
    event = text_event(USER, "làm lại căn cước ở đâu", msg_id="msgRETRY01")
    with live(settings) as gateway:
        assert post_event(gateway.url, event).status_code == 200
        assert post_event(gateway.url, event).status_code == 200  # Zalo did not see our answer in time
        assert post_event(gateway.url, text_event(USER, "cảm ơn")).status_code == 200
        fake_zalo.wait_for_delivered(2)  # the user's events are answered in order: the retry would come first
    assert fake_zalo.texts_to(USER) == ["Trả lời: làm lại căn cước ở đâu", "Trả lời: cảm ơn"]
    assert [r["message"] for r in fake_rasa.received] == ["làm lại căn cước ở đâu", "cảm ơn"]
    assert inbox_of(settings).counts() == {"done": 2}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (attachment_event(USER, "user_send_image", "image", {"url": "https://z.vn/a.jpg"}), "unsupported"),
        (attachment_event(USER, "user_send_sticker", "sticker", {"id": "3f2", "url": "https://z.vn/s"}), "unsupported"),
        (attachment_event(USER, "user_send_file", "file", {"url": "https://z.vn/f.pdf"}), "unsupported"),
        (
            attachment_event(USER, "user_send_location", "location", {"coordinates": {"latitude": "21.02"}}),
            "location",
        ),
        (follow_event(USER), "welcome"),
        (follow_event(USER, "unfollow"), None),
    ],
    ids=["image", "sticker", "file", "location", "follow", "unfollow"],
)
def test_non_text_events(settings, fake_zalo: FakeZalo, fake_rasa: FakeRasa, event: dict, expected: str | None) -> None:
    event = {**event, "timestamp": str(int(time.time() * 1000))}
    with live(settings) as gateway:
        assert post_event(gateway.url, event).status_code == 200
        assert post_event(gateway.url, text_event(USER, "thủ tục nhận con nuôi")).status_code == 200
        fake_zalo.wait_for_delivered(1 if expected is None else 2)
    wanted = [] if expected is None else [gateway_message(expected)]
    assert fake_zalo.texts_to(USER) == [*wanted, "Trả lời: thủ tục nhận con nuôi"]
    assert [r["message"] for r in fake_rasa.received] == ["thủ tục nhận con nuôi"]  # only text goes to Rasa
    if "follower" in event:  # no msg_id: the event id is made of the event name, the user and the timestamp
        assert inbox_of(settings).status(f"{event['event_name']}:{USER}:{event['timestamp']}") == "done"


def test_the_webhook_answers_while_rasa_is_still_thinking(settings, fake_zalo: FakeZalo, fake_rasa: FakeRasa) -> None:
    fake_rasa.block()
    with live(settings) as gateway:
        response = post_event(gateway.url, text_event(USER, "đăng ký kết hôn ở đâu"))
        assert response.status_code == 200
        fake_rasa.wait_for(lambda: len(fake_rasa.received) == 1, "the worker to ask Rasa")
        assert not fake_rasa.gate.is_set() and fake_zalo.calls == []  # acknowledged before any answer existed
        fake_rasa.release()
        fake_zalo.wait_for_delivered(1)
    assert fake_zalo.texts_to(USER) == ["Trả lời: đăng ký kết hôn ở đâu"]


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize("how", ["error 500", "unreachable"])
def test_rasa_down_gets_the_polite_unavailable_text(tmp_path, fake_zalo: FakeZalo, fake_rasa: FakeRasa, how) -> None:
    fake_rasa.fail = True
    rasa_url = fake_rasa.url if how == "error 500" else _closed_port_url()
    settings = make_settings(tmp_path / "gateway", fake_zalo, rasa_url)
    with live(settings) as gateway:
        assert post_event(gateway.url, text_event(USER, "xin cấp lại sổ đỏ")).status_code == 200
        fake_zalo.wait_for_delivered(1)
    assert fake_zalo.texts_to(USER) == [gateway_message("unavailable")]


def test_an_expired_access_token_is_refreshed_once_and_the_new_refresh_token_kept(
    settings, fake_zalo: FakeZalo
) -> None:
    fake_zalo.expire_next = 1
    with live(settings) as gateway:
        assert post_event(gateway.url, text_event(USER, "gia hạn tạm trú")).status_code == 200
        fake_zalo.wait_for_delivered(1)
    assert [c["headers"]["access_token"] for c in fake_zalo.calls] == ["access-0001-tok", "access-0002-tok"]
    assert fake_zalo.calls[0]["json"] == fake_zalo.calls[1]["json"]  # the same message, retried once
    assert [c["refresh_token"] for c in fake_zalo.token_calls] == [SEED_REFRESH, "refresh-0001-tok"]
    # After a restart the persisted, rotated refresh token is the one used …
    tokens = TokenManager(settings)
    assert tokens.access_token() == "access-0002-tok"
    assert tokens.refresh() == "access-0003-tok"
    assert fake_zalo.token_calls[-1]["refresh_token"] == "refresh-0002-tok"
    # … and the spent ones are refused by Zalo.
    for spent in (SEED_REFRESH, "refresh-0001-tok"):
        answer = requests.post(
            f"{fake_zalo.url}/v4/oa/access_token",
            data={"refresh_token": spent, "app_id": APP_ID, "grant_type": "refresh_token"},
            headers={"secret_key": APP_SECRET},
            timeout=10,
        ).json()
        assert answer["error"] == -14014


def test_a_restart_mid_stream_loses_nothing_and_duplicates_nothing(
    settings, fake_zalo: FakeZalo, fake_rasa: FakeRasa
) -> None:
    users = [USER, OTHER, "8001122334455667788"]
    events = [text_event(user, f"câu hỏi {i} của người {k}") for i in range(2) for k, user in enumerate(users)]
    fake_rasa.block()
    with live(settings) as first:
        assert [post_event(first.url, e).status_code for e in events] == [200] * len(events)
        fake_rasa.wait_for(lambda: len(fake_rasa.received) == len(users), "one question per user to reach Rasa")
    # The first gateway stopped while Rasa was still holding its answers.
    assert fake_zalo.calls == []
    assert inbox_of(settings).counts() == {"pending": len(events)}
    fake_rasa.release()
    with live(settings) as second:
        for event in events[:4]:  # Zalo re-sends some deliveries it saw no answer to
            assert post_event(second.url, event).status_code == 200
        fake_zalo.wait_for_delivered(len(events))
        wait_until(lambda: inbox_of(settings).counts() == {"done": len(events)}, "every event to be done")
    assert len(fake_zalo.delivered) == len(events)
    for k, user in enumerate(users):
        assert fake_zalo.texts_to(user) == [f"Trả lời: câu hỏi {i} của người {k}" for i in range(2)]


def test_no_answer_outside_the_48_hour_window(settings, fake_zalo: FakeZalo, fake_rasa: FakeRasa) -> None:
    # An event stored before a long outage: the user's last message is now 49 hours old.
    inbox = inbox_of(settings)
    inbox.accept("msgOLD001", USER, "user_send_text", json.dumps({"text": "còn kịp không"}), time.time() - 49 * 3600)
    with live(settings) as gateway:
        assert post_event(gateway.url, text_event(OTHER, "xin chào")).status_code == 200
        fake_zalo.wait_for_delivered(1)
        wait_until(lambda: inbox.status("msgOLD001") == "skipped", "the old event to be skipped")
    assert fake_zalo.texts_to(USER) == []
    assert [r["sender"] for r in fake_rasa.received] == [f"zalo:{OTHER}"]


def test_the_channel_is_off_unless_configured(tmp_path, fake_zalo: FakeZalo) -> None:
    settings = make_settings(tmp_path / "gateway", fake_zalo, "http://127.0.0.1:9", zalo_oa_secret_key=None)
    assert zalo_channel(settings, None) is None  # type: ignore[arg-type]
    app = create_app(settings, channels=[zalo_channel])
    assert "/webhooks/zalo" not in app.openapi()["paths"]
    assert not (tmp_path / "gateway").exists()  # nothing created when the channel is off
