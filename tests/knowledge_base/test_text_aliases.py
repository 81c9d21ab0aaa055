"""Colloquial names → catalogue terms."""

from importlib import resources

import yaml

from knowledge_base.text import expand_aliases, fold, matched_aliases
from knowledge_base.text.aliases import load_alias_table


def _terms(text):
    return [t for _, terms in matched_aliases(text) for t in terms]


def test_table_is_large_and_well_formed():
    raw = yaml.safe_load(
        resources.files("knowledge_base").joinpath("data/term_aliases.yaml").read_text(encoding="utf-8")
    )
    assert len(raw) >= 80
    for entry in raw:
        assert entry.get("terms"), entry
        assert entry.get("phrases") or entry.get("exact"), entry
    assert load_alias_table().size >= 300


def test_colloquial_names_map_to_catalogue_terms():
    assert "thường trú" in _terms("hộ khẩu")
    assert "đăng ký thường trú" in _terms("nhập hộ khẩu cho con")
    assert "giấy chứng nhận quyền sử dụng đất" in _terms("làm lại sổ hồng")[0:3] + _terms("sổ hồng")
    assert "xóa đăng ký thường trú" in _terms("cắt khẩu cho bố")
    assert "chứng thực bản sao từ bản chính" in _terms("sao y bằng đại học")
    assert "xác nhận tình trạng hôn nhân" in _terms("xin giấy xác nhận độc thân")
    assert "giấy phép lái xe" in _terms("mất bằng lái")[0:2] + _terms("bằng lái")
    assert "đăng ký kết hôn" in _terms("lấy vợ cần gì")
    assert "hưởng bảo hiểm xã hội một lần" in _terms("rút bhxh một lần")
    assert "đăng ký hộ kinh doanh" in _terms("mở quán cà phê")
    assert "đăng ký khai tử" in _terms("làm giấy báo tử")


def test_matching_works_without_diacritics_and_after_shorthand():
    assert _terms("sang ten so do") == _terms("sang tên sổ đỏ")
    assert "chuyển nhượng quyền sử dụng đất" in _terms("sang ten so do cho con")
    assert "đăng ký thường trú" in _terms("nhap hk cho con")
    assert "cấp lại thẻ căn cước" in _terms("lam lai cccd")


def test_collisions_after_folding_are_avoided():
    # "rút vốn" is not "rút bhxh"; "sơ đồ" typed with marks is not "sổ đỏ"; "cuối" is not "cưới".
    assert _terms("rút vốn góp") == []
    assert _terms("rút bhxh") != []
    assert _terms("sơ đồ thửa đất") == []
    assert _terms("ngay cuoi tuan") == []
    assert _terms("ngày cưới") == ["đăng ký kết hôn"]
    # "nhập khẩu" alone is customs import, not residence.
    assert "đăng ký thường trú" not in _terms("nhập khẩu hàng hóa")


def test_longest_phrase_wins_and_words_are_whole():
    (phrase, terms), *_ = matched_aliases("lấy chồng nước ngoài")
    assert phrase == "lấy chồng nước ngoài"
    assert "đăng ký kết hôn có yếu tố nước ngoài" in terms
    assert matched_aliases("khẩu trang") == []  # "khẩu" is not an alias on its own


def test_expand_aliases_keeps_original_words_and_appends_terms():
    out = expand_aliases("Sang tên SỔ ĐỎ cho con?")
    assert out.startswith("sang tên sổ đỏ cho con ")
    assert "chuyển nhượng quyền sử dụng đất" in out
    assert expand_aliases("xin chào") == "xin chào"


def test_english_phrases():
    assert "đăng ký khai sinh" in _terms("How do I get a birth certificate?")
    assert "cấp phiếu lý lịch tư pháp" in _terms("criminal record certificate")
    assert fold(expand_aliases("passport")).count("ho chieu") >= 1
