"""Parsing real crawled procedures; expected values were checked by hand against the crawled text."""

from functools import cache
from pathlib import Path

import pytest

from knowledge_base.ingest import chatbot_tthc, nhdandz
from knowledge_base.schema import ChannelKind, Level, Procedure, TimeUnit

RAW = Path(__file__).parents[2].parent / "shared" / "data" / "raw"
pytestmark = pytest.mark.skipif(not RAW.is_dir(), reason="shared raw crawl not available")


@cache
def tthc(code: str) -> Procedure:
    (path,) = chatbot_tthc.find_root(RAW).glob(f"*/{code}.json")
    return chatbot_tthc.to_procedure(chatbot_tthc.load_record(path))


@cache
def bqp(code: str) -> Procedure:
    return nhdandz.to_procedure(nhdandz.load_record(nhdandz.find_root(RAW) / f"{code}.json"))


def numbers(p: Procedure) -> list[str]:
    return [item.number for item in p.legal_basis]


def test_khai_sinh_1_001193():
    p = tthc("1.001193")
    assert p.name == "Thủ tục đăng ký khai sinh" and p.ministry == "Bộ Tư pháp" and p.field == "Hộ tịch"
    assert p.levels == [Level.XA] and not p.foreign
    # time without unit: "Trực tuyến1Miễn phí"
    assert [c.kind for c in p.channels] == [ChannelKind.ONLINE, ChannelKind.POSTAL, ChannelKind.IN_PERSON]
    assert all(c.time.value == 1 and c.time.unit == TimeUnit.UNKNOWN and c.fee.free for c in p.channels)
    assert p.result == "Giấy khai sinh"
    expected = {"123/2015/NĐ-CP", "18/2026/NĐ-CP", "66.7/2025/NQ-CP", "60/2014/QH13", "85/2019/TT-BTC"}
    assert expected <= set(numbers(p))
    first = p.documents[0]
    assert first.name.startswith("Trường hợp trẻ em bị bỏ rơi") and first.copies == "1 bản chính"
    assert first.group == "Giấy tờ phải nộp"
    shown = [d for d in p.documents if d.group == "Giấy tờ phải xuất trình"]
    assert any(d.name.startswith("Hộ chiếu/Thẻ căn cước") for d in shown)
    assert any(d.name.startswith("Tờ khai đăng ký khai sinh theo mẫu") for d in p.documents)
    assert p.steps[0].startswith("Nếu lựa chọn hình thức nộp hồ sơ trực tiếp")


def test_ket_hon_1_000894():
    p = tthc("1.000894")
    assert p.name == "Thủ tục đăng ký kết hôn" and p.result == "Giấy chứng nhận kết hôn"
    assert {"52/2014/QH13", "60/2014/QH13"} <= set(numbers(p))
    assert all(c.fee.free for c in p.channels) and "Miễn lệ phí" in p.channels[0].fee.text


def test_thuong_tru_1_004222_several_fees():
    p = tthc("1.004222")
    assert p.ministry == "Bộ Công an" and p.levels == [Level.XA]
    assert [s[:7] for s in p.steps] == ["Bước 1:", "Bước 2:", "Bước 3:", "Bước 4:", "Bước 5:"]
    assert [(c.kind, c.time.value, c.time.unit, c.fee.amount_vnd) for c in p.channels] == [
        (ChannelKind.ONLINE, 7, TimeUnit.WORKING_DAY, 10000),
        (ChannelKind.IN_PERSON, 7, TimeUnit.WORKING_DAY, 20000),
    ]
    assert "66.7/2025/NQ-CP" in numbers(p)


def test_tam_tru_1_004194():
    p = tthc("1.004194")
    assert p.name == "Đăng ký tạm trú"
    assert [(c.time.value, c.fee.amount_vnd) for c in p.channels] == [(3, 7000), (3, 10000)]
    tokhai = [d for d in p.documents if d.name.startswith("Tờ khai thay đổi thông tin cư trú")]
    assert tokhai and tokhai[0].form_template.endswith(".doc") and "Mẫu CT01" in tokhai[0].name
    # result names without the "Mã: KQ…" codes and page junk
    assert p.result.startswith("Phiếu từ chối tiếp nhận, giải quyết hồ sơ (lĩnh vực cư trú); Cập nhật")
    assert "Mã:" not in p.result and "Chọn cơ quan" not in p.result


def test_chung_thuc_ban_sao_2_000815():
    p = tthc("2.000815")
    assert p.levels == [Level.XA, Level.KHAC]
    assert p.result == "Bản sao được chứng thực từ bản chính"
    vnd, usd = p.channels
    assert vnd.fee.amount_vnd == 2000 and "/trang" in vnd.fee.text
    assert usd.fee.amount_vnd is None and "10 USD" in usd.fee.text  # not VND: no amount
    assert vnd.time.value is None  # "Không có thông tin"


def test_ho_kinh_doanh_1_001612():
    p = tthc("1.001612")
    assert p.ministry == "Bộ Tài chính" and p.levels == [Level.BO, Level.XA]
    assert [c.fee.amount_vnd for c in p.channels] == [150000, 150000, 50000]
    assert "85/2019/TT-BTC" in numbers(p)


def test_land_registration_1_012753():
    p = tthc("1.012753")
    assert p.field == "Đất đai" and p.ministry == "Bộ Nông nghiệp và Môi trường"
    assert [(c.kind, c.time.value) for c in p.channels] == [
        (ChannelKind.ONLINE, 17),
        (ChannelKind.POSTAL, 30),
        (ChannelKind.IN_PERSON, 20),
    ]
    assert p.documents[0].name == "Đơn đăng ký đất đai, tài sản gắn liền với đất"
    assert (p.documents[0].original, p.documents[0].copy_count) == (1, 1)
    assert "43/2024/QH15" in numbers(p)


@pytest.mark.parametrize("code", ["1.014061", "1.014062", "1.014063"])
def test_can_cuoc(code):
    p = tthc(code)
    assert p.field == "Cấp, quản lý căn cước" and p.result == "Thẻ căn cước"
    assert all(c.time.value == 7 and c.time.unit == TimeUnit.WORKING_DAY for c in p.channels)
    assert "26/2023/QH15" in numbers(p)
    assert all(s[0] != "-" for s in p.steps)


def test_can_cuoc_cap_doi_fee_1_014063():
    fees = [(c.kind, c.fee.amount_vnd) for c in tthc("1.014063").channels]
    assert fees == [(ChannelKind.IN_PERSON, 50000), (ChannelKind.ONLINE, 50000), (ChannelKind.POSTAL, 0)]
    doc = tthc("1.014061").documents[0]
    assert doc.form_template == "Mẫu DC01 Phiếu thu thập thông tin dân cư.docx"


def test_khai_tu_1_000656_and_foreign_variant_1_001766():
    p, foreign = tthc("1.000656"), tthc("1.001766")
    assert p.result == foreign.result == "Trích lục khai tử"
    assert not p.foreign and foreign.foreign
    assert p.documents[0].name.startswith("Giấy báo tử hoặc giấy tờ thay Giấy báo tử")


def test_tinh_trang_hon_nhan_1_004873():
    p = tthc("1.004873")
    assert p.result == "Giấy xác nhận tình trạng hôn nhân"
    assert all(c.time.value == 3 and c.time.unit == TimeUnit.UNKNOWN for c in p.channels)


def test_no_legal_basis_1_004045():
    p = tthc("1.004045")
    assert p.legal_basis == [] and p.levels == [Level.TINH]
    assert p.documents[0].group == "1. Đối với học viên tuyển mới"


def test_fee_in_thousands_2_002009():
    # "Trực tuyến1100 VNĐ(Phí công bố …: 100.000 đồng/lần …)" = 1 | 100 VNĐ, meaning 100,000 đồng
    p = tthc("2.002009")
    assert all(c.time.value == 1 and c.fee.amount_vnd == 100000 for c in p.channels)


def test_page_cut_repaired_3_000337():
    # the crawler cut the page at "Căn cứ pháp lý:" inside a fee note; the page has no legal table
    p = tthc("3.000337")
    assert [c.kind for c in p.channels] == [ChannelKind.ONLINE, ChannelKind.POSTAL, ChannelKind.IN_PERSON]
    assert p.legal_basis == []


def test_legal_year_glued_1_000178():
    titles = {i.number: i.title for i in tthc("1.000178").legal_basis}
    assert titles["02/2011/QH13"] == "Luật Khiếu nại năm 2011"
    assert titles["68/2013/TT-BCA"].startswith("Hướng dẫn xử lý khiếu nại")


def test_nhdandz_1_013124():
    p = bqp("1.013124")
    assert p.ministry == "Bộ Quốc phòng" and p.source == "nhdandz" and p.decision == "6225/QĐ-BQP"
    assert p.levels == [Level.BO]
    assert all(c.time.value == 30 and c.time.unit == TimeUnit.WORKING_DAY and c.fee.free for c in p.channels)
    assert [d.form_template for d in p.documents] == ["", "5-PHLCII.doc"]
    assert (p.documents[0].original, p.documents[0].copy_count) == (1, 0)
    assert numbers(p) == ["12/2021/QĐ-TTg"]
    assert [s[:7] for s in p.steps] == ["Bước 1:", "Bước 2:", "Bước 3:"]
