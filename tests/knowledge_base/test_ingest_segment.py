"""Table re-segmentation on literal cells copied from the crawl."""

from knowledge_base.ingest import segment
from knowledge_base.schema import ChannelKind, Level, TimeUnit


def test_channels_with_fee_and_unit():
    cell = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7 Ngày làm việc10,000 Việt Nam Đồng(Lệ phí online)"
        "Trực tiếp7 Ngày làm việc20,000 Việt Nam Đồng(Lệ phí)Nộp tại Công an cấp xã"
    )
    online, in_person = segment.split_channels(cell)
    assert online.kind == ChannelKind.ONLINE and in_person.kind == ChannelKind.IN_PERSON
    assert (online.time.value, online.time.unit) == (7, TimeUnit.WORKING_DAY)
    assert (online.fee.amount_vnd, in_person.fee.amount_vnd) == (10000, 20000)
    assert in_person.description == "Nộp tại Công an cấp xã"
    assert "Lệ phí online" in online.fee.text


def test_time_without_unit_and_decimal_time():
    cell = "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phíTrực tiếp0.5 NgàyMiễn phí"
    channels = segment.split_channels(cell)
    assert channels[0].time.value == 1 and channels[0].time.unit == TimeUnit.UNKNOWN
    assert channels[0].fee.free and channels[0].fee.amount_vnd == 0
    assert channels[1].time.value == 0.5 and channels[1].time.unit == TimeUnit.DAY


def test_fee_variants():
    assert segment.parse_fee("Lệ phí : 50.000 đồng").amount_vnd == 50000
    assert segment.parse_fee("Phí : 0 Đồng").free
    assert segment.parse_fee("Không có thông tin").amount_vnd is None
    assert segment.parse_fee("10 USD", "/bản").amount_vnd is None


def test_legal_basis_glued_numbers():
    cell = (
        "Tên văn bản pháp lýMã văn bảnLuật 60/2014/QH1360/2014/QH13Thông tư số 03/2023/TT-BTP ngày 02/8/2023 "
        "của Bộ trưởng Bộ Tư phápThông tư số 03/2023/TT-BTPNghị định 05/2012/NĐ-CP05/2012/NĐ-CP"
    )
    items = segment.split_legal_basis(cell)
    assert [i.number for i in items] == ["60/2014/QH13", "03/2023/TT-BTP", "05/2012/NĐ-CP"]
    assert items[0].title == "Luật 60/2014/QH13"
    assert items[1].title == "Thông tư số 03/2023/TT-BTP ngày 02/8/2023 của Bộ trưởng Bộ Tư pháp"


def test_documents_groups_copies_and_templates():
    cell = (
        "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượng- Tờ khai theo mẫu;Mẫu 01.docx1 bản chính"
        "- Ảnh chụp0 bản chính,1 bản sao* Giấy tờ phải xuất trình:Tên giấy tờMẫu đơn, tờ khaiSố lượng"
        "- Hộ chiếu1 bản chính"
    )
    docs = segment.split_documents(cell)
    assert [d.name for d in docs] == ["Tờ khai theo mẫu", "Ảnh chụp", "Hộ chiếu"]
    assert docs[0].form_template == "Mẫu 01.docx"
    assert (docs[1].original, docs[1].copy_count) == (0, 1)
    assert [d.group for d in docs] == ["Giấy tờ phải nộp", "Giấy tờ phải nộp", "Giấy tờ phải xuất trình"]


def test_levels_result_steps():
    assert segment.parse_levels("Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác") == [
        Level.BO,
        Level.TINH,
        Level.XA,
        Level.KHAC,
    ]
    result = "Giấy khai sinhMã: KQ.G15.000031Bản saoMã: KQ.G15.000032Từ khóaKhông có thông tinChọn cơ quan"
    assert segment.parse_result(result) == "Giấy khai sinh; Bản sao"
    steps = segment.split_steps("Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.")
    assert steps == ["Bước 1: Nộp hồ sơ.", "Bước 2: Nhận kết quả."]
    steps = segment.split_steps("- Nộp hồ sơ\n+ tại xã\n- Nhận kết quả")
    assert steps == ["Nộp hồ sơ\n+ tại xã", "Nhận kết quả"]
