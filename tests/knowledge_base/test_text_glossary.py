"""The English glossary: Vietnamese catalogue words for the English words of a question."""

from __future__ import annotations

from knowledge_base.text import prepare_query
from knowledge_base.text.glossary import glossary_terms, load_glossary


def test_every_entry_is_one_lower_case_english_word_with_a_vietnamese_term() -> None:
    glossary = load_glossary()
    assert len(glossary) > 100
    for word, term in glossary.items():
        assert word == word.lower() and word.isascii() and " " not in word, word
        assert term.strip(), word


def test_words_are_found_without_their_plural_or_verb_endings() -> None:
    assert glossary_terms(["certificates"]) == ["giấy chứng nhận"]
    assert glossary_terms(["registered", "marriages"]) == ["đăng ký", "kết hôn"]
    assert glossary_terms(["renewing"]) == ["cấp đổi gia hạn"]
    assert glossary_terms(["weather", "tomorrow"]) == []


def test_words_an_alias_phrase_covers_are_skipped() -> None:
    assert glossary_terms(["birth", "certificate"], covered={0, 1}) == []
    assert glossary_terms(["birth", "certificate"], covered={1}) == ["khai sinh"]


def test_english_questions_get_the_vietnamese_words_and_vietnamese_ones_do_not() -> None:
    english = prepare_query("How do I get a copy of my divorce papers?")
    assert english.language == "en"
    assert "ly hon" in english.folded and "ban sao" in english.folded
    # The English word "card" typed in a Vietnamese question is left alone.
    vietnamese = prepare_query("làm card visit ở đâu")
    assert vietnamese.language == "vi"
    assert "the" not in vietnamese.folded.split()
