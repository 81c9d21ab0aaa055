"""The rasa-sdk actions, run offline on tracker fixtures with the real retrieval layer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import procedures, services
from actions.language import ActionDetectLanguage
from actions.procedures import (
    ActionAnswerAspect,
    ActionAnswerQuestion,
    ActionChooseProcedure,
    ActionShowRelated,
)

KHAI_SINH, THUONG_TRU, KHAI_TU = "1.001193", "1.004222", "1.000656"
CAP_LAI_CAN_CUOC, CAP_DOI_CAN_CUOC = "1.014064", "1.014063"


@pytest.fixture(autouse=True)
def _real_assistant(assistant):
    services.set_assistant(assistant)
    yield
    services.set_assistant(None)


def make_tracker(
    text: str, intent: str, slots: dict[str, Any] | None = None, entities: list[dict[str, Any]] | None = None
) -> Tracker:
    values = {"language": "vi", "misunderstood": 0.0, **(slots or {})}
    latest = {
        "text": text.lower(),  # what the NLU pipeline keeps may differ from what was typed
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
    }
    events = [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text, "parse_data": latest}]
    return Tracker("test-sender", values, latest, events, False, None, None, "action_listen")


def run(action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def payloads(message: dict[str, Any]) -> list[str]:
    return [b["payload"] for b in message.get("buttons") or []]


def test_a_procedure_question_is_answered_with_aspect_buttons_and_related_procedures():
    messages, events = run(
        ActionAnswerQuestion(), make_tracker("đăng ký khai sinh cho con cần giấy tờ gì", "ask_procedure")
    )
    set_ = slots(events)
    assert set_["procedure_code"] == KHAI_SINH
    assert set_["aspect"] == "documents"
    assert set_["misunderstood"] == 0.0
    answer = messages[0]
    assert KHAI_SINH in answer["text"] and "dichvucong.gov.vn" in answer["text"]
    assert any(p.startswith('/ask_aspect{"aspect":"fee"') for p in payloads(answer))
    related = messages[1]
    assert related["response"] == "utter_related_intro"
    assert f'/choose_procedure{{"code":"{THUONG_TRU}"}}' in payloads(related)


def test_the_typed_text_is_read_from_the_user_event_not_from_the_normalized_parse():
    tracker = make_tracker("Làm giấy khai sinh cho bé", "ask_procedure")
    tracker.latest_message["text"] = "lam giay khai sinh cho be"
    _, events = run(ActionAnswerQuestion(), tracker)
    assert slots(events)["procedure_code"] == KHAI_SINH


def test_a_follow_up_is_about_the_procedure_under_discussion():
    tracker = make_tracker("còn lệ phí thì sao", "ask_followup", {"procedure_code": KHAI_SINH})
    messages, events = run(ActionAnswerQuestion(), tracker)
    assert slots(events)["procedure_code"] == KHAI_SINH
    assert slots(events)["aspect"] == "fee"
    assert len(messages) == 1, "no related-procedures message on a follow-up"
    assert KHAI_SINH in messages[0]["text"] and "Lệ phí" in messages[0]["text"]


def test_a_follow_up_without_tone_marks_or_in_english():
    _, events = run(ActionAnswerQuestion(), make_tracker("nop o dau", "ask_followup", {"procedure_code": KHAI_TU}))
    assert slots(events)["procedure_code"] == KHAI_TU and slots(events)["aspect"] == "where"
    tracker = make_tracker("what about the fee?", "ask_followup", {"procedure_code": KHAI_SINH, "language": "en"})
    messages, events = run(ActionAnswerQuestion(), tracker)
    assert slots(events)["aspect"] == "fee"
    assert "Fee" in messages[0]["text"]


def test_a_follow_up_before_any_procedure_asks_which_one():
    messages, events = run(ActionAnswerQuestion(), make_tracker("nộp ở đâu vậy", "ask_followup"))
    assert events == [] and messages[0]["response"] == "utter_ask_which_procedure"


def test_a_follow_up_that_names_another_procedure_changes_the_topic():
    tracker = make_tracker("thế còn khai tử thì sao", "ask_followup", {"procedure_code": KHAI_SINH})
    _, events = run(ActionAnswerQuestion(), tracker)
    assert slots(events)["procedure_code"] == KHAI_TU


def test_a_new_question_changes_the_topic_even_with_a_procedure_under_discussion():
    tracker = make_tracker("đăng ký tạm trú cần gì", "ask_procedure", {"procedure_code": KHAI_SINH})
    _, events = run(ActionAnswerQuestion(), tracker)
    assert slots(events)["procedure_code"] == "1.004194"


def test_typing_part_of_a_candidate_name_picks_it():
    tracker = make_tracker("cấp lại", "ask_procedure", {"candidates": [CAP_DOI_CAN_CUOC, CAP_LAI_CAN_CUOC]})
    _, events = run(ActionAnswerQuestion(), tracker)
    assert slots(events)["procedure_code"] == CAP_LAI_CAN_CUOC


@pytest.mark.parametrize(("text", "expected"), [("số 2", 1), ("cái đầu tiên", 0), ("cai cuoi", 2)])
def test_choosing_a_candidate_by_number(text, expected):
    candidates = [KHAI_SINH, THUONG_TRU, KHAI_TU]
    tracker = make_tracker(text, "choose_option", {"candidates": candidates, "aspect": "fee"})
    messages, events = run(ActionChooseProcedure(), tracker)
    assert slots(events)["procedure_code"] == candidates[expected]
    assert slots(events)["aspect"] == "fee", "the question's aspect carries over to the chosen procedure"
    assert candidates[expected] in messages[0]["text"]


def test_a_choice_that_is_out_of_range_or_without_candidates_is_asked_again():
    tracker = make_tracker("số 7", "choose_option", {"candidates": [KHAI_SINH, KHAI_TU]})
    messages, events = run(ActionChooseProcedure(), tracker)
    assert events == [] and messages[0]["response"] == "utter_choose_again"
    messages, events = run(ActionChooseProcedure(), make_tracker("số 1", "choose_option"))
    assert events == [] and messages[0]["response"] == "utter_ask_which_procedure"


def test_a_candidate_button_names_its_code():
    tracker = make_tracker(
        f'/choose_procedure{{"code":"{KHAI_TU}"}}', "choose_procedure", entities=[{"entity": "code", "value": KHAI_TU}]
    )
    _, events = run(ActionChooseProcedure(), tracker)
    assert slots(events)["procedure_code"] == KHAI_TU


def test_an_aspect_button_answers_that_aspect():
    entities = [{"entity": "aspect", "value": "time"}, {"entity": "code", "value": KHAI_SINH}]
    messages, events = run(ActionAnswerAspect(), make_tracker("/ask_aspect", "ask_aspect", entities=entities))
    assert slots(events)["aspect"] == "time"
    assert KHAI_SINH in messages[0]["text"]
    assert not any('"aspect":"time"' in p for p in payloads(messages[0])), "no button for the aspect just shown"


@pytest.mark.parametrize(
    "entities",
    [
        [{"entity": "code", "value": "9.999999"}, {"entity": "aspect", "value": "fee"}],
        [{"entity": "code", "value": "<script>alert(1)</script>"}],
        [{"entity": "code", "value": {"$ne": None}}],
        [],
    ],
)
def test_forged_aspect_buttons_get_a_clear_question(entities):
    messages, events = run(ActionAnswerAspect(), make_tracker("/ask_aspect", "ask_aspect", entities=entities))
    assert events == []
    assert len(messages) == 1 and messages[0]["response"] == "utter_ask_which_procedure"


def test_an_unknown_aspect_falls_back_to_the_general_answer():
    entities = [{"entity": "aspect", "value": "DROP TABLE"}, {"entity": "code", "value": KHAI_SINH}]
    _, events = run(ActionAnswerAspect(), make_tracker("/ask_aspect", "ask_aspect", entities=entities))
    assert slots(events)["aspect"] == "general"


def test_not_understood_twice_offers_a_person():
    messages, events = run(ActionAnswerQuestion(), make_tracker("qwrtpl zxvbn", "nlu_fallback"))
    assert messages[0]["response"] == "utter_clarify"
    assert slots(events)["misunderstood"] == 1.0
    messages, events = run(
        ActionAnswerQuestion(), make_tracker("kkjjhh ppoouu", "nlu_fallback", {"misunderstood": 1.0})
    )
    assert messages[0]["response"] == "utter_offer_human"
    assert slots(events)["misunderstood"] == 2.0


def test_a_clear_question_the_catalogue_cannot_answer_gets_the_not_found_message():
    messages, events = run(ActionAnswerQuestion(), make_tracker("giá vàng hôm nay bao nhiêu", "ask_procedure"))
    assert "procedure_code" not in slots(events)
    assert messages[0].get("text") and payloads(messages[0]), "a kind message with suggestion buttons"


def test_a_procedure_answer_in_english_when_the_conversation_is_in_english():
    tracker = make_tracker("how do I register a marriage", "ask_procedure", {"language": "en"})
    messages, _ = run(ActionAnswerQuestion(), tracker)
    assert "code 1.000894" in messages[0]["text"]


def test_too_long_a_message_gets_the_retrieval_layers_message_and_keeps_the_topic():
    tracker = make_tracker("khai sinh " * 1500, "ask_procedure", {"procedure_code": KHAI_TU})
    messages, events = run(ActionAnswerQuestion(), tracker)
    assert events == []
    assert messages[0]["text"]


def test_the_debug_slot_holds_codes_and_scores_never_the_question():
    question = "Nguyễn Văn An số 0912345678 làm giấy khai sinh"
    _, events = run(ActionAnswerQuestion(), make_tracker(question, "ask_procedure"))
    debug = slots(events)["retrieval_debug"]
    assert debug["procedures"][0]["code"] == KHAI_SINH
    assert "0912345678" not in repr(debug) and "Nguyễn" not in repr(debug)


def test_related_procedures_of_the_current_topic():
    messages, _ = run(
        ActionShowRelated(), make_tracker("còn gì nữa không", "ask_related", {"procedure_code": KHAI_SINH})
    )
    assert f'/choose_procedure{{"code":"{THUONG_TRU}"}}' in payloads(messages[0])
    messages, _ = run(ActionShowRelated(), make_tracker("còn gì nữa không", "ask_related"))
    assert messages[0]["response"] == "utter_ask_which_procedure"
    unrelated = next(
        p.code
        for p in services.get_assistant().retriever.index.procedures
        if not services.get_related().for_code(p.code)
    )
    messages, _ = run(
        ActionShowRelated(), make_tracker("còn gì nữa không", "ask_related", {"procedure_code": unrelated})
    )
    assert messages[0]["response"] == "utter_no_related"


def test_when_the_retrieval_layer_cannot_load_the_citizen_gets_an_apology(monkeypatch):
    def broken():
        raise RuntimeError("index missing")

    monkeypatch.setattr(procedures, "get_assistant", broken)
    messages, events = run(ActionAnswerQuestion(), make_tracker("đăng ký khai sinh", "ask_procedure"))
    assert events == [] and len(messages) == 1 and messages[0]["response"] == "utter_busy"


@pytest.mark.parametrize(
    ("text", "intent", "current", "expected"),
    [
        ("how do I register my baby's birth", "ask_procedure", "vi", "en"),
        ("Làm giấy khai sinh ở đâu", "ask_procedure", "en", "vi"),
        ("ok", "affirm", "en", None),
        ("hi", "greet", "vi", None),
        ("english please", "switch_language_en", "vi", "en"),
        ("tieng viet", "switch_language_vi", "en", "vi"),
        ('/ask_aspect{"aspect":"fee"}', "ask_aspect", "en", None),
    ],
)
def test_the_language_slot_follows_the_citizen(text, intent, current, expected):
    _, events = run(ActionDetectLanguage(), make_tracker(text, intent, {"language": current}))
    assert slots(events).get("language") == expected
