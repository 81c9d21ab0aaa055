"""compose_answer on procedures built by hand from real crawl entries (chatbot-tthc, June–July 2026).

Texts are copied (shortened where marked "…") from `raw/bo-tu-phap/1.001193.json`, `1.000894.json`,
`2.000815.json`, `raw/bo-cong-an/1.004222.json` and `1.014061.json`.
"""

from __future__ import annotations

import json
import re

import pytest

from knowledge_base.answer import MAX_CHARS, Aspect, compose_answer, compose_message, compose_not_found
from knowledge_base.answer.shorten import truncate
from knowledge_base.schema import (
    ChannelKind,
    Fee,
    Level,
    Procedure,
    ProcessingTime,
    RequiredDocument,
    SubmissionChannel,
    TimeUnit,
)

HOTICH_NOTE = (
    "Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ đăng ký hộ tịch theo quy định của pháp "
    "luật hộ tịch, không được yêu cầu người đăng ký hộ tịch nộp thêm giấy tờ mà pháp luật hộ tịch "
    "không quy định phải nộp."
)
ID_PAPERS = (
    "Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử/Giấy chứng nhận căn cước hoặc các "
    "giấy tờ khác có dán ảnh và thông tin cá nhân do cơ quan có thẩm quyền cấp, còn giá trị sử dụng "
    "(sau đây gọi tắt là giấy tờ tùy thân) để chứng minh về nhân thân khi làm thủ tục trực tiếp tại "
    "cơ quan đăng ký hộ tịch."
)
RESIDENCE = (
    "Giấy tờ có giá trị chứng minh thông tin về cư trú trong trường hợp cơ quan đăng ký hộ tịch không "
    "thể khai thác được thông tin về nơi cư trú của công dân theo các phương thức quy định tại khoản "
    "2 Điều 14 Nghị định số 104/2022/NĐ-CP ngày 21/12/2022 của Chính phủ."
)
HOTICH_STEPS = [
    "Nếu lựa chọn hình thức nộp hồ sơ trực tiếp, người yêu cầu đăng ký khai sinh nộp hồ sơ đăng ký "
    "khai tâm Phục vụ hành chính công có thẩm quyền; nộp lệ phí nếu thuộc trường hợp phải nộp lệ phí "
    "đăng ký khai sinh; nộp phí cấp bản sao Giấy khai sinh nếu có yêu cầu cấp bản sao Giấy khai sinh.",
    "Nếu lựa chọn hình thức nộp hồ sơ trực tuyến, người yêu cầu đăng ký khai sinh truy cập Cổng dịch "
    "vụ công quốc gia hoặc Ứng dụng định danh quốc gia.\nNgười yêu cầu đăng ký khai sinh trực tuyến "
    "cung cấp thông tin theo mẫu hộ tịch điện tử tương tác đăng ký khai sinh, đính kèm bản chụp hoặc "
    "bản sao điện tử các giấy tờ…",
    "Cán bộ tiếp nhận hồ sơ tại Trung tâm Phục vụ hành chính công có trách nhiệm kiểm tra tính chính "
    "xác, đầy đủ, thống nhất, hợp lệ của hồ sơ.\n(i) Trường hợp hồ sơ đầy đủ, hợp lệ thì tiếp nhận hồ "
    "sơ; nếu tiếp nhận hồ sơ sau 15 giờ thì có Phiếu hẹn, trả kết quả cho người yêu cầu trong ngày "
    "làm việc tiếp theo…",
    "Công chức tư pháp - hộ tịch thẩm tra hồ sơ (thẩm tra tính thống nhất, hợp lệ của các thông tin "
    "trong hồ sơ, giấy tờ, tài liệu do người yêu cầu nộp, xuất trình hoặc đính kèm).",
    "Sau khi Cơ sở dữ liệu quốc gia về dân cư trả về Số định danh cá nhân, công chức tư pháp - hộ "
    "tịch in Giấy khai sinh, bản sao Giấy khai sinh, bản điện tử Giấy khai sinh trình Lãnh đạo Ủy ban "
    "nhân dân cấp xã ký, chuyển tới Trung tâm Phục vụ hành chính công để trả kết quả cho người yêu "
    "cầu.",
    "* Lưu ý:",
    "Trong thời hạn 60 ngày kể từ ngày sinh con, cha hoặc mẹ có trách nhiệm đăng ký khai sinh cho con…",
]


def _free_channels(time_value: float = 1.0) -> list[SubmissionChannel]:
    """The hộ tịch table "Trực tuyến1Miễn phíDịch vụ bưu chính1Miễn phíTrực tiếp1Miễn phí" (no time unit)."""
    return [
        SubmissionChannel(
            kind=kind,
            time=ProcessingTime(value=time_value, unit=TimeUnit.UNKNOWN, text="1"),
            fee=Fee(text="Miễn phí", amount_vnd=0, free=True),
        )
        for kind in (ChannelKind.ONLINE, ChannelKind.POSTAL, ChannelKind.IN_PERSON)
    ]


def _doc(name: str, original: int = 1, group: str = "") -> RequiredDocument:
    return RequiredDocument(name=name, copies=f"{original} bản chính", original=original, group=group)


@pytest.fixture
def khai_sinh() -> Procedure:
    submit, present, note = "Giấy tờ phải nộp", "Giấy tờ phải xuất trình", "Lưu ý"
    return Procedure(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field="Hộ tịch",
        ministry="Bộ Tư pháp",
        levels=[Level.XA],
        levels_text="Cấp xã",
        audiences=["Công dân Việt Nam", "Người Việt Nam định cư ở nước ngoài"],
        steps=HOTICH_STEPS,
        channels=_free_channels(),
        documents=[
            _doc(
                "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập.",
                group=submit,
            ),
            _doc(
                "Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật trong trường hợp ủy "
                "quyền thực hiện việc đăng ký khai sinh.",
                group=submit,
            ),
            _doc(
                "Trường hợp người yêu cầu đã nộp bản điện tử Giấy chứng sinh hoặc cơ quan đăng ký hộ "
                "tịch đã khai thác được dữ liệu điện tử có ký số của Giấy chứng sinh thì không phải "
                "nộp bản giấy.",
                original=0,
                group=submit,
            ),
            _doc(
                "Trường hợp khai sinh cho trẻ em sinh ra do mang thai hộ phải có văn bản xác nhận của "
                "cơ sở y tế đã thực hiện kỹ thuật hỗ trợ sinh sản cho việc mang thai hộ.",
                group=submit,
            ),
            _doc(
                "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm "
                "chứng xác nhận về việc sinh; nếu không có người làm chứng thì phải có giấy cam đoan "
                "về việc sinh.",
                group=submit,
            ),
            _doc(RESIDENCE, group=present),
            _doc(ID_PAPERS, group=present),
            _doc(HOTICH_NOTE, original=0, group=note),
            _doc(
                "Người có yêu cầu đăng ký khai sinh thực hiện việc nộp/xuất trình (theo hình thức "
                "trực tiếp) hoặc tải lên (theo hình thức trực tuyến) các giấy tờ sau:",
                original=0,
            ),
            _doc(
                "Tờ khai đăng ký khai sinh theo mẫu (nếu người có yêu cầu lựa chọn nộp hồ sơ theo "
                "hình thức trực tiếp hoặc gửi hồ sơ qua hệ thống bưu chính);"
            ),
            _doc(
                "Mẫu hộ tịch điện tử tương tác đăng ký khai sinh (do người yêu cầu cung cấp thông tin "
                "theo hướng dẫn trên Cổng dịch vụ công, nếu người có yêu cầu lựa chọn nộp hồ sơ theo "
                "hình thức trực tuyến)"
            ),
        ],
        result="Giấy khai sinh",
        source_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7",
        source="chatbot-tthc",
    )


@pytest.fixture
def ket_hon() -> Procedure:
    fee_note = (
        "Miễn phí (Miễn lệ phí. Phí cấp bản sao Trích lục kết hôn (nếu có yêu cầu) thực hiện theo quy "
        "định tại Thông tư số 281/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính.)"
    )
    channels = _free_channels()
    for channel in channels:
        channel.fee = Fee(text=fee_note, amount_vnd=0, free=True)
    return Procedure(
        code="1.000894",
        name="Thủ tục đăng ký kết hôn",
        levels=[Level.XA],
        levels_text="Cấp xã",
        agencies=["Ủy ban Nhân dân xã, phường, thị trấn."],
        audiences=["Công dân Việt Nam"],
        channels=channels,
        documents=[
            _doc(ID_PAPERS, group="Giấy tờ phải xuất trình"),
            _doc(RESIDENCE, group="Giấy tờ phải xuất trình"),
            _doc(
                "Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm theo bản sao có chứng "
                "thực các giấy tờ phải xuất trình nêu trên.",
                original=0,
                group="Giấy tờ phải xuất trình",
            ),
            _doc(HOTICH_NOTE, original=0, group="Lưu ý"),
            _doc(
                "Mẫu hộ tịch điện tử tương tác đăng ký kết hôn (do người yêu cầu cung cấp thông tin "
                "theo hướng dẫn trên Cổng dịch vụ công, nếu người có yêu cầu lựa chọn nộp hồ sơ theo "
                "hình thức trực tuyến)"
            ),
            _doc(
                "Tờ khai đăng ký kết hôn theo mẫu, có đủ thông tin của hai bên nam, nữ. Hai bên nam, "
                "nữ có thể khai chung vào một Tờ khai đăng ký kết hôn (nếu người có yêu cầu lựa chọn "
                "nộp hồ sơ theo hình thức trực tiếp);"
            ),
        ],
        result="Giấy chứng nhận kết hôn",
        source_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fac-7489-b53b-a15eb239a6fe",
    )


@pytest.fixture
def chung_thuc() -> Procedure:
    return Procedure(
        code="2.000815",
        name=(
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của "
            "Việt Nam; cơ quan, tổ chức có thẩm quyền của nước ngoài; cơ quan, tổ chức có thẩm quyền "
            "của Việt Nam liên kết với cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng "
            "nhận"
        ),
        levels=[Level.XA, Level.KHAC],
        levels_text="Cấp xã, Cơ quan khác",
        agencies=["Tổ chức hành nghề công chứng, Cơ quan đại diện có thẩm quyền"],
        audiences=["Công dân Việt Nam", "Tổ chức (không bao gồm doanh nghiệp, HTX)"],
        channels=[
            SubmissionChannel(
                kind=ChannelKind.IN_PERSON,
                fee=Fee(text="2,000 Việt Nam Đồng /trang", amount_vnd=2000),
                description=(
                    "Tại Ủy ban nhân dân cấp xã, Tổ chức hành nghề công chứng: 2.000 đồng/trang; từ "
                    "trang thứ 3 trở lên thu 1.000 đồng/trang, tối đa thu không quá 200.000 đồng/bản."
                ),
            ),
            SubmissionChannel(
                kind=ChannelKind.IN_PERSON,
                fee=Fee(text="10 USD /bản"),
                description="Tại cơ quan đại diện: 10 USD/bản.",
            ),
        ],
        documents=[
            _doc(
                "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao và bản sao cần chứng "
                "thực. Trường hợp người yêu cầu chứng thực chỉ xuất trình bản chính thì cơ quan, tổ "
                "chức tiến hành chụp từ bản chính."
            )
        ],
        conditions=(
            "Bản chính giấy tờ, văn bản cần chứng thực.\n\nBản chính giấy tờ, văn bản không được dùng "
            "làm cơ sở để chứng thực bản sao:\n\n+ Bản chính bị tẩy xóa, sửa chữa, thêm, bớt nội dung "
            "không hợp lệ.\n\n+ Bản chính bị hư hỏng, cũ nát, không xác định được nội dung."
        ),
        result="Bản sao được chứng thực từ bản chính",
        source_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-8e22-77ef-819f-e49460350904",
    )


@pytest.fixture
def thuong_tru() -> Procedure:
    return Procedure(
        code="1.004222",
        name="Đăng ký thường trú",
        levels=[Level.XA],
        agencies=["Công an cấp Xã"],
        channels=[
            SubmissionChannel(
                kind=ChannelKind.ONLINE,
                time=ProcessingTime(value=7, unit=TimeUnit.WORKING_DAY, text="7 Ngày làm việc"),
                fee=Fee(
                    text="10,000 Việt Nam Đồng Trường hợp công dân nộp hồ sơ qua cổng dịch vụ công "
                    "trực tuyến "
                    "thu 10.000 đồng/lần đăng ký.",
                    amount_vnd=10000,
                ),
            ),
            SubmissionChannel(
                kind=ChannelKind.IN_PERSON,
                time=ProcessingTime(value=7, unit=TimeUnit.WORKING_DAY, text="7 Ngày làm việc"),
                fee=Fee(text="20,000 Việt Nam Đồng", amount_vnd=20000),
            ),
        ],
        steps=[
            "Bước 1: Cá nhân, tổ chức chuẩn bị hồ sơ theo quy định của pháp luật.",
            "Bước 2: Cá nhân, tổ chức nộp hồ sơ đến Công an cấp xã.",
            "Bước 3: Khi tiếp nhận hồ sơ đăng ký thường trú, cán bộ đăng ký kiểm tra hồ sơ.",
            "Bước 4: Cá nhân, tổ chức nộp lệ phí đăng ký thường trú theo quy định.",
            "Bước 5: Căn cứ theo ngày hẹn trên Phiếu tiếp nhận hồ sơ và hẹn trả kết quả để nhận thông báo kết quả.",
        ],
        documents=[
            _doc(
                "Tờ khai thay đổi thông tin cư trú (mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA).",
                group="Đăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu của mình",
            ),
            _doc(
                "Hợp đồng, văn bản về việc cho thuê, cho mượn, cho ở nhờ được công chứng hoặc chứng "
                "thực theo quy định của pháp luật.",
                group="Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ",
            ),
        ],
        conditions=(
            "Người thực hiện thủ tục đã được thu thập, cập nhật thông tin công dân vào Cơ sở dữ liệu "
            "quốc gia về dân cư, Cơ sở dữ liệu về cư trú"
        ),
        source_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-7704-7449-9e95-fe7ebb959aa2",
    )


@pytest.fixture
def can_cuoc() -> Procedure:
    """1.014061: the portal states no fee ("Không có thông tin"), and filing anywhere in the country."""
    description = (
        "- Trực tiếp tại địa điểm tiếp dân của Công an cấp xã hoặc Bộ phận Một cửa cấp xã (nếu đã "
        "triển khai) trong cả nước không phụ thuộc vào nơi cư trú. - Thời hạn giải quyết: Không quá "
        "07 ngày làm việc."
    )
    return Procedure(
        code="1.014061",
        name="Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên",
        levels=[Level.XA],
        agencies=["Công an cấp Xã", "Cục cảnh sát quản lý hành chính về trật tự, xã hội"],
        channels=[
            SubmissionChannel(
                kind=ChannelKind.IN_PERSON,
                time=ProcessingTime(value=7, unit=TimeUnit.WORKING_DAY, text="7 Ngày làm việc"),
                description=description,
            )
        ],
        documents=[
            RequiredDocument(
                name="Phiếu thu thập thông tin dân cư (mẫu DC01 ban hành kèm theo Thông tư số 53/2025/TT-BCA)",
                copies="1 bản chính",
                original=1,
            )
        ],
        result="Thẻ căn cước",
        source_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-9e11-77ef-bf03-ae190acb0be3",
    )


@pytest.fixture
def bare() -> Procedure:
    """A Ministry of Defence entry (nhdandz crawl) as ingested: no link, no channels, no documents."""
    return Procedure(code="1.013124", name="Thủ tục thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu")


@pytest.fixture
def everyone(khai_sinh, ket_hon, chung_thuc, thuong_tru, can_cuoc, bare) -> list[Procedure]:
    return [khai_sinh, ket_hon, chung_thuc, thuong_tru, can_cuoc, bare]


# ------------------------------------------------------------------------------------------ frame


def test_every_answer_has_name_level_code_and_link(everyone: list[Procedure]) -> None:
    for procedure in everyone:
        for aspect in Aspect:
            for lang in ("vi", "en"):
                answer = compose_answer(procedure, aspect, lang=lang)
                assert len(answer.text) <= MAX_CHARS
                assert procedure.code in answer.text
                assert answer.code == procedure.code and answer.aspect == aspect
                assert answer.source_url.startswith("https://dichvucong.gov.vn")
                assert answer.source_url in answer.text
                assert "<" not in answer.text and ">" not in answer.text  # plain text, no HTML


def test_name_without_leading_thu_tuc(khai_sinh: Procedure) -> None:
    text = compose_answer(khai_sinh, Aspect.GENERAL).text
    assert text.startswith("Đăng ký khai sinh (mã 1.001193)")
    assert "Thủ tục đăng ký" not in text
    assert "Cấp thực hiện: Cấp xã" in text


def test_missing_link_falls_back_to_portal_and_is_reported(bare: Procedure) -> None:
    answer = compose_answer(bare, Aspect.FEE)
    assert answer.text.startswith("Thẩm định và phê duyệt")
    assert "source_url" in answer.missing and "level" in answer.missing
    assert "https://dichvucong.gov.vn" in answer.text


# ------------------------------------------------------------------------------------------ fee


def test_fee_free_merged_over_channels(khai_sinh: Procedure) -> None:
    answer = compose_answer(khai_sinh, Aspect.FEE)
    assert "Miễn phí" in answer.text
    assert "Trực tiếp, Trực tuyến, Bưu chính: Miễn phí" in answer.text
    assert "fee" not in answer.missing


def test_fee_per_channel_amounts(thuong_tru: Procedure) -> None:
    text = compose_answer(thuong_tru, Aspect.FEE).text
    assert re.search(r"Trực tiếp: 20\.000 đồng", text)
    assert re.search(r"Trực tuyến: 10\.000 đồng", text)


def test_fee_unit_and_foreign_currency(chung_thuc: Procedure) -> None:
    text = compose_answer(chung_thuc, Aspect.FEE).text
    assert "2.000 đồng/trang" in text
    assert "200.000 đồng/bản" in text  # the cap, from the channel description
    assert "10 USD/bản" in text


def test_fee_missing_is_said_not_invented(can_cuoc: Procedure) -> None:
    answer = compose_answer(can_cuoc, Aspect.FEE)
    assert answer.missing == ["fee"]
    assert "chưa ghi lệ phí" in answer.text
    assert "đồng" not in answer.text and "Miễn phí" not in answer.text


def test_fee_english(thuong_tru: Procedure) -> None:
    text = compose_answer(thuong_tru, Aspect.FEE, lang="en").text
    assert "In person: 20,000 VND" in text and "Online: 10,000 VND" in text
    assert text.startswith("Đăng ký thường trú (code 1.004222)")  # the name stays Vietnamese


# ------------------------------------------------------------------------------------------ time


def test_time_with_unit(thuong_tru: Procedure) -> None:
    answer = compose_answer(thuong_tru, Aspect.TIME)
    assert "7 ngày làm việc" in answer.text
    assert answer.missing == []
    assert "7 working days" in compose_answer(thuong_tru, Aspect.TIME, lang="en").text


def test_time_without_unit_says_so(khai_sinh: Procedure) -> None:
    answer = compose_answer(khai_sinh, Aspect.TIME)
    assert "time_unit" in answer.missing
    assert re.search(r": 1 \(danh mục không ghi rõ đơn vị", answer.text)
    assert "ngày làm việc" not in answer.text
    english = compose_answer(khai_sinh, Aspect.TIME, lang="en")
    assert "unit" in english.text and "time_unit" in english.missing


def test_time_missing(chung_thuc: Procedure) -> None:
    answer = compose_answer(chung_thuc, Aspect.TIME)
    assert answer.missing == ["time"]
    assert "chưa ghi thời gian" in answer.text


# ------------------------------------------------------------------------------------------ documents


def test_documents_marriage_lists_the_form_first(ket_hon: Procedure) -> None:
    text = compose_answer(ket_hon, Aspect.DOCUMENTS).text
    assert "Tờ khai đăng ký kết hôn" in text
    body = text.split("\n")[2:]
    assert "Tờ khai" in body[1]  # heading, then the form
    assert "Giấy tờ phải xuất trình" in text and "(1 bản chính)" in text
    # portal notes listed as documents are not shown as documents
    assert "Người tiếp nhận có trách nhiệm" not in text
    assert "Trường hợp gửi hồ sơ qua hệ thống bưu chính" not in text


def test_documents_birth_groups_and_shortening(khai_sinh: Procedure) -> None:
    answer = compose_answer(khai_sinh, Aspect.DOCUMENTS)
    text = answer.text
    assert "Tờ khai đăng ký khai sinh" in text
    assert "Giấy chứng sinh" in text
    assert "Giấy tờ phải nộp:" in text and "Giấy tờ phải xuất trình" in text
    assert text.index("Giấy chứng sinh") < text.index("bỏ rơi")  # conditional documents come last
    shown = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(shown) <= 6
    hidden = re.search(r"…và (\d+) giấy tờ khác, xem đầy đủ", text)
    assert hidden and len(shown) + int(hidden.group(1)) == 8  # 11 rows − 3 portal notes
    assert all(len(line) <= 130 for line in shown)


def test_documents_case_groups(thuong_tru: Procedure) -> None:
    text = compose_answer(thuong_tru, Aspect.DOCUMENTS).text
    assert "\nĐăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu của mình:\n" in text
    assert "Tờ khai thay đổi thông tin cư trú (mẫu CT01)" in text  # long aside shortened, form number kept


def test_documents_english_labels(ket_hon: Procedure) -> None:
    text = compose_answer(ket_hon, Aspect.DOCUMENTS, lang="en").text
    assert "To show (bring the originals):" in text and "(1 original(s))" in text
    assert "bản chính" not in text


def test_documents_missing(bare: Procedure) -> None:
    answer = compose_answer(bare, Aspect.DOCUMENTS)
    assert "documents" in answer.missing and "chưa ghi thành phần hồ sơ" in answer.text


# ------------------------------------------------------------------------------------------ steps


def test_steps_numbered_shortened_and_stop_at_notes(khai_sinh: Procedure) -> None:
    text = compose_answer(khai_sinh, Aspect.STEPS).text
    numbered = re.findall(r"^(\d)\. ", text, flags=re.MULTILINE)
    assert numbered[:3] == ["1", "2", "3"]
    assert "60 ngày" not in text  # "* Lưu ý" and what follows are not steps
    assert "Cổng Dịch vụ công quốc gia" in text  # the online option


def test_steps_drop_their_own_numbering(thuong_tru: Procedure) -> None:
    text = compose_answer(thuong_tru, Aspect.STEPS).text
    assert "1. Cá nhân, tổ chức chuẩn bị hồ sơ" in text
    assert "Bước 1" not in text
    assert compose_answer(thuong_tru, Aspect.STEPS, lang="en").text.count("\n5. ") == 1


# ------------------------------------------------------------------------------------------ where


def test_where_commune_level_and_online(khai_sinh: Procedure) -> None:
    answer = compose_answer(khai_sinh, Aspect.WHERE)
    assert "UBND cấp xã / Trung tâm Phục vụ hành chính công" in answer.text
    assert "Cổng Dịch vụ công quốc gia" in answer.text
    assert "bưu điện" in answer.text
    assert "address" in answer.missing


def test_where_agency_and_no_residence_rule(can_cuoc: Procedure) -> None:
    answer = compose_answer(can_cuoc, Aspect.WHERE)
    assert "Công an cấp Xã" in answer.text
    assert "không phụ thuộc nơi cư trú" in answer.text
    assert "Cổng Dịch vụ công quốc gia" not in answer.text  # no online channel in this entry


def test_where_any_commune_centre_when_stated(khai_sinh: Procedure) -> None:
    assert "địa giới hành chính" not in compose_answer(khai_sinh, Aspect.WHERE).text
    khai_sinh.address = (
        "Trung tâm Phục vụ hành chính công cấp xã; tiếp nhận không phụ thuộc vào địa giới hành chính trong tỉnh"
    )
    answer = compose_answer(khai_sinh, Aspect.WHERE)
    assert "bất kỳ Trung tâm Phục vụ hành chính công cấp xã nào trong tỉnh" in answer.text
    assert "address" not in answer.missing


# ------------------------------------------------------------------------------ result, eligibility


def test_result(ket_hon: Procedure, bare: Procedure) -> None:
    assert "Giấy chứng nhận kết hôn" in compose_answer(ket_hon, Aspect.RESULT).text
    assert "What you receive:" in compose_answer(ket_hon, Aspect.RESULT, lang="en").text
    assert "result" in compose_answer(bare, Aspect.RESULT).missing


def test_eligibility_with_conditions(chung_thuc: Procedure) -> None:
    answer = compose_answer(chung_thuc, Aspect.ELIGIBILITY)
    assert "Ai được làm: Công dân Việt Nam" in answer.text
    assert "Bản chính bị tẩy xóa" in answer.text
    assert answer.missing == []


def test_eligibility_without_conditions(khai_sinh: Procedure) -> None:
    answer = compose_answer(khai_sinh, Aspect.ELIGIBILITY)
    assert "conditions" in answer.missing
    assert "không nêu điều kiện riêng" in answer.text
    assert "Người Việt Nam định cư ở nước ngoài" in answer.text


# ------------------------------------------------------------------------------------------ general


def test_general_summary(thuong_tru: Procedure) -> None:
    text = compose_answer(thuong_tru, Aspect.GENERAL).text
    assert "Nơi nộp: UBND cấp xã" in text
    assert "Thời gian: 7 ngày làm việc" in text
    assert "Trực tiếp: 20.000 đồng" in text and "Trực tuyến: 10.000 đồng" in text
    assert "Hồ sơ: 2 loại giấy tờ" in text


def test_general_reports_every_missing_fact(bare: Procedure) -> None:
    assert {"time", "fee", "documents"} <= set(compose_answer(bare, Aspect.GENERAL).missing)


# ------------------------------------------------------------------------------ buttons, ambiguity


def _parse(payload: str) -> tuple[str, dict]:
    match = re.fullmatch(r"/(\w+)(\{.*\})", payload)
    assert match, payload
    return match.group(1), json.loads(match.group(2))


def test_aspect_buttons(khai_sinh: Procedure) -> None:
    answer = compose_answer(khai_sinh, Aspect.FEE)
    parsed = [_parse(b.payload) for b in answer.buttons]
    assert all(intent == "ask_aspect" and data["code"] == "1.001193" for intent, data in parsed)
    offered = [data["aspect"] for _, data in parsed]
    assert "fee" not in offered and {"documents", "time", "where", "steps"} <= set(offered)
    assert "Giấy tờ cần mang" in [b.title for b in answer.buttons]
    assert "Documents" in [b.title for b in compose_answer(khai_sinh, Aspect.FEE, lang="en").buttons]


def test_ambiguous_lists_candidates_and_offers_them(khai_sinh: Procedure, ket_hon: Procedure, can_cuoc) -> None:
    answer = compose_answer(khai_sinh, Aspect.DOCUMENTS, alternatives=[ket_hon, can_cuoc], ambiguous=True)
    lines = answer.text.splitlines()
    assert lines[0] == "Có vài thủ tục gần giống nhau:"
    assert lines[1].startswith("1. Đăng ký khai sinh (Cấp xã, mã 1.001193)")
    assert lines[2].startswith("2. Đăng ký kết hôn (Cấp xã")
    assert "3. Cấp thẻ căn cước" in lines[3]
    assert len(answer.text) <= MAX_CHARS
    choices = [_parse(b.payload) for b in answer.buttons if b.title.startswith("Ý bạn là: ")]
    assert [data["code"] for _, data in choices] == ["1.000894", "1.014061"]
    assert all(intent == "choose_procedure" for intent, _ in choices)
    assert answer.buttons[0].title == "Ý bạn là: Đăng ký kết hôn"
    assert len(answer.buttons) <= 5


def test_not_ambiguous_has_no_intro(khai_sinh: Procedure, ket_hon: Procedure) -> None:
    answer = compose_answer(khai_sinh, Aspect.FEE, alternatives=[ket_hon])
    assert not answer.text.startswith("Có vài")


def test_ambiguous_english(khai_sinh: Procedure, ket_hon: Procedure) -> None:
    answer = compose_answer(khai_sinh, Aspect.TIME, lang="en", alternatives=[ket_hon], ambiguous=True)
    assert answer.text.startswith("Several procedures are close to your question:")
    assert any(b.title.startswith("Did you mean: ") for b in answer.buttons)


def test_not_found_and_messages() -> None:
    for lang in ("vi", "en"):
        answer = compose_not_found(lang)
        assert answer.code == "" and answer.buttons
        for button in answer.buttons:
            intent, data = _parse(button.payload)
            assert intent == "choose_procedure" and re.fullmatch(r"\d\.\d{6}", data["code"])
    assert "chưa tìm thấy" in compose_not_found("vi").text
    assert "could not find" in compose_not_found("en").text
    assert compose_message("too_long").text and compose_message("empty", "en").text


# ------------------------------------------------------------------------------------------ length cap


def test_length_cap_with_huge_fields(chung_thuc: Procedure, khai_sinh: Procedure, ket_hon: Procedure) -> None:
    long = " ".join(["Bản chính giấy tờ, văn bản do cơ quan có thẩm quyền cấp hoặc chứng nhận"] * 40)
    chung_thuc.name = long
    chung_thuc.conditions = "\n".join([long] * 5)
    chung_thuc.result = long
    chung_thuc.address = long
    chung_thuc.agencies = [long]
    chung_thuc.steps = [long] * 30
    chung_thuc.documents = [RequiredDocument(name=long, copies="1 bản chính", original=1)] * 40
    for aspect in Aspect:
        for lang in ("vi", "en"):
            answer = compose_answer(chung_thuc, aspect, lang=lang, alternatives=[khai_sinh, ket_hon], ambiguous=True)
            assert len(answer.text) <= MAX_CHARS, (aspect, lang)
            assert answer.text.endswith(chung_thuc.source_url)


def test_truncate_at_word_boundary() -> None:
    text = "Tờ khai đăng ký khai sinh theo mẫu quy định"
    assert truncate(text, 100) == text
    cut = truncate(text, 20)
    assert cut.endswith("…") and len(cut) <= 20
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "


def test_general_flags_fee_notes_and_puts_commune_first(ket_hon: Procedure, khai_sinh: Procedure) -> None:
    assert "Lệ phí: Miễn phí (có ghi chú" in compose_answer(ket_hon, Aspect.GENERAL).text
    assert "Lệ phí: Miễn phí\n" in compose_answer(khai_sinh, Aspect.GENERAL).text
    ket_hon.levels = [Level.BO, Level.XA]
    where = compose_answer(ket_hon, Aspect.WHERE).text
    assert where.index("UBND cấp xã") < where.index("Bộ, cơ quan trung ương")
