"""The real retrieval layer (converted e5-small, full catalogue, curated tables) on questions we wrote ourselves."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

KHAI_SINH, KET_HON, KET_HON_NN = "1.001193", "1.000894", "2.000806"
THUONG_TRU, TAM_TRU, CHUNG_THUC, HO_KINH_DOANH = "1.004222", "1.004194", "2.000815", "1.001612"


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("vợ tôi vừa sinh em bé, làm giấy khai sinh cho cháu cần những gì", KHAI_SINH),
        ("lam giay khai sinh cho con moi de can mang gi", KHAI_SINH),
        ("e muốn đk khai sinh cho bé thì cần j ạ", KHAI_SINH),
        ("how can I register the birth of my newborn son", KHAI_SINH),
        ("hai đứa muốn đăng ký kết hôn thì nộp ở đâu", KET_HON),
        ("dang ky ket hon het bao nhieu tien", KET_HON),
        ("tôi muốn nhập hộ khẩu về nhà chồng", THUONG_TRU),
        ("sinh viên thuê trọ thì đăng ký tạm trú thế nào", TAM_TRU),
        ("muốn sao y bản chính bằng đại học ở xã", CHUNG_THUC),
        ("mở quán tạp hóa nhỏ thì đăng ký kinh doanh ra sao", HO_KINH_DOANH),
    ],
)
def test_everyday_questions_reach_the_procedure(assistant, question: str, code: str) -> None:
    result = assistant.ask(question)
    assert not result.oos
    assert code in [p["code"] for p in result.procedures[:3]], result.procedures[:3]


def test_foreign_variant_only_when_a_foreigner_is_involved(assistant) -> None:
    plain = assistant.ask("đăng ký kết hôn cần giấy tờ gì")
    foreign = assistant.ask("tôi lấy chồng người Hàn Quốc, đăng ký kết hôn cần giấy tờ gì")
    assert plain.procedures[0]["code"] == KET_HON
    assert foreign.procedures[0]["code"] == KET_HON_NN


def test_bare_procedure_code_is_looked_up(assistant) -> None:
    result = assistant.ask("1.001193")
    assert result.procedures[0]["code"] == KHAI_SINH
    assert "1.001193" in result.answer.text


@pytest.mark.parametrize(
    "question",
    [
        "thời tiết hà nội ngày mai thế nào",
        "kết quả xổ số miền bắc hôm nay",
        "kể chuyện cười đi",
        "what is the score of the football match tonight",
    ],
)
def test_out_of_scope_questions_are_refused_kindly(assistant, question: str) -> None:
    result = assistant.ask(question)
    assert result.oos
    assert result.procedures == []
    assert result.answer.text


def test_answer_addresses_the_aspect_and_links_the_source(assistant) -> None:
    result = assistant.ask("lệ phí đăng ký khai sinh là bao nhiêu")
    assert str(result.aspect) == "fee"
    assert "miễn phí" in result.answer.text.lower()
    assert "dichvucong.gov.vn" in result.answer.text
    assert len(result.answer.text) <= 1000
    assert result.answer.buttons


def test_english_question_gets_an_english_answer(assistant) -> None:
    result = assistant.ask("how much does marriage registration cost")
    assert result.language == "en"
    assert KET_HON in [p["code"] for p in result.procedures[:3]]
    assert "Fee" in result.answer.text or "fee" in result.answer.text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀🙏",
        "<script>alert('x')</script>",
        "'; DROP TABLE procedures; --",
        "khai sinh " * 1200,
        "tôi muốn register marriage với người Việt",
        "\x00\x01\x02",
    ],
)
def test_bad_input_never_raises(assistant, text: str) -> None:
    result = assistant.ask(text)
    assert result.answer.text.strip()
    assert "Traceback" not in result.answer.text
    assert "<script>" not in result.answer.text
    assert set(result.to_json()) == {"query", "oos", "aspect", "answer", "procedures"}


def test_button_payload_answers_the_aspect_of_that_procedure(assistant) -> None:
    result = assistant.follow('/ask_aspect{"aspect":"fee","code":"1.000894"}')
    assert result.procedures[0]["code"] == KET_HON
    assert str(result.aspect) == "fee"
    assert "1.000894" in result.answer.text


@pytest.mark.parametrize(
    "payload",
    [
        '/ask_aspect{"aspect":"fee","code":"9.999999"}',
        '/ask_aspect{"aspect":"<script>","code":"1.000894"}',
        "/choose_procedure{not json",
        '/choose_procedure["1.000894"]',
        '/inform{"x": ' + "9" * 5000 + "}",
        "",
    ],
)
def test_forged_payloads_get_a_clear_message(assistant, payload: str) -> None:
    result = assistant.follow(payload)
    assert result.answer.text.strip()
    assert "<script>" not in result.answer.text


@pytest.mark.parametrize("question", ["đăng ký thường trú", "dang ky thuong tru"])
def test_the_curated_leg_prefers_the_plain_procedure_with_many_phrases(assistant, question: str) -> None:
    # "Đăng ký thường trú" has many curated phrases, "Xóa đăng ký thường trú" few: scored as one joined document
    # per procedure the curated leg ranked the undoing sibling first; scored per phrase the exact phrase wins.
    result = assistant.retriever.search(question, top_k=5)
    curated = {c.code: c.features["bm25_curated"] for c in result.candidates}
    assert curated[THUONG_TRU] > curated.get("1.003197", 0.0)
    assert result.candidates[0].code == THUONG_TRU


@pytest.mark.parametrize(
    ("question", "code"),
    [
        # The operation in the name picks the sibling: a new card, or a new copy of a lost one.
        ("đánh rơi mất thẻ căn cước ở chợ, giờ xin cấp lại thế nào", "1.014064"),
        ("lần đầu làm thẻ căn cước cho con 14 tuổi cần gì", "1.014061"),
        ("sổ đỏ bị mối ăn rách, xin đổi sổ mới", "1.012783"),
        # Where the applicant lives picks the place of filing.
        ("I live in Japan and want to give up my Vietnamese nationality", "1.005141"),
        ("tôi ở Đà Nẵng, muốn xin thôi quốc tịch Việt Nam để nhập quốc tịch Hàn", "2.002036"),
        # "thai sản" is maternity, not Thai: no foreign variant.
        ("nghỉ thai sản được hưởng bao nhiêu tiền", "2.000693"),
    ],
)
def test_sibling_variants_follow_what_the_question_says(assistant, question: str, code: str) -> None:
    result = assistant.ask(question)
    assert not result.oos
    assert result.procedures[0]["code"] == code, result.procedures[:3]
