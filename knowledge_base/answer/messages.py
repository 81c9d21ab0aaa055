"""Every user-facing wording of the answers, one table per language (``VI``, ``EN``).

Keys are shared by both tables; values are ``str.format`` templates. Vietnamese is polite and simple (many
users are elderly); English is for foreigners: labels are translated, procedure names stay Vietnamese.
"""

from __future__ import annotations

VI: dict[str, str] = {
    # header / footer
    "header": "{name} (mã {code})",
    "level_line": "Cấp thực hiện: {levels}",
    "source": "Nguồn chính thức: {url}",
    "source_fallback": "Tra cứu thêm tại Cổng Dịch vụ công quốc gia: {url}",
    "more": "…xem đầy đủ tại trang nguồn bên dưới.",
    "foreign_tag": ", có yếu tố nước ngoài",
    # levels (short, for the header) and where to file (for the "where" answer)
    "level.xa": "Cấp xã",
    "level.huyen": "Cấp huyện",
    "level.tinh": "Cấp tỉnh",
    "level.bo": "Cấp bộ (trung ương)",
    "level.khac": "Cơ quan khác",
    "where.xa": "UBND cấp xã / Trung tâm Phục vụ hành chính công cấp xã",
    "where.huyen": ("Cấp huyện (cấp này không còn từ 01/7/2025, xin hỏi Trung tâm Phục vụ hành chính công gần nhất)"),
    "where.tinh": "Sở, ngành cấp tỉnh / Trung tâm Phục vụ hành chính công cấp tỉnh",
    "where.bo": "Bộ, cơ quan trung ương",
    "where.khac": "Cơ quan khác (xem cơ quan thực hiện)",
    "unknown_level": "chưa rõ",
    # channels
    "channel.in_person": "Trực tiếp",
    "channel.online": "Trực tuyến",
    "channel.postal": "Bưu chính",
    # fee
    "fee.title": "Lệ phí:",
    "fee.free": "Miễn phí",
    "fee.amount": "{amount} đồng",
    "fee.unknown": "chưa có thông tin",
    "fee.missing": "Danh mục chưa ghi lệ phí cho thủ tục này; xin hỏi nơi tiếp nhận hồ sơ.",
    # time
    "time.title": "Thời gian giải quyết:",
    "time.unit.working_day": "ngày làm việc",
    "time.unit.day": "ngày",
    "time.unit.hour": "giờ",
    "time.unit.month": "tháng",
    "time.unit.year": "năm",
    "time.unit.week": "tuần",
    "time.unit.working_day.one": "ngày làm việc",
    "time.unit.day.one": "ngày",
    "time.unit.hour.one": "giờ",
    "time.unit.month.one": "tháng",
    "time.unit.year.one": "năm",
    "time.unit.week.one": "tuần",
    "time.value": "{value} {unit}",
    "time.no_unit": "{value} (danh mục không ghi rõ đơn vị: ngày hay giờ)",
    "time.unknown": "chưa có thông tin",
    "time.missing": "Danh mục chưa ghi thời gian giải quyết; xin hỏi nơi tiếp nhận hồ sơ.",
    # documents
    "documents.title": "Giấy tờ cần chuẩn bị:",
    "documents.group.main": "Hồ sơ gồm:",
    "documents.group.submit": "Giấy tờ phải nộp:",
    "documents.group.present": "Giấy tờ phải xuất trình (mang bản chính để đối chiếu):",
    "documents.original": "{n} bản chính",
    "documents.copy": "{n} bản sao",
    "documents.more": "…và {n} giấy tờ khác, xem đầy đủ tại trang nguồn bên dưới.",
    "documents.missing": "Danh mục chưa ghi thành phần hồ sơ; xin hỏi nơi tiếp nhận hồ sơ.",
    # steps
    "steps.title": "Các bước thực hiện:",
    "steps.more": "…và {n} bước nữa, xem tại trang nguồn bên dưới.",
    "steps.missing": "Danh mục chưa ghi các bước thực hiện.",
    "steps.online": "Bạn cũng có thể nộp trực tuyến trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).",
    # where
    "where.title": "Nơi nộp hồ sơ:",
    "where.agencies": "Cơ quan giải quyết: {agencies}",
    "where.address": "Địa chỉ tiếp nhận: {address}",
    "where.in_person": "Nộp trực tiếp: {text}",
    "where.online": "Nộp trực tuyến: Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).",
    "where.postal": "Có thể gửi hồ sơ qua bưu điện.",
    "where.no_boundary": (
        "Bạn có thể nộp tại bất kỳ Trung tâm Phục vụ hành chính công cấp xã nào trong tỉnh"
        " (không phụ thuộc địa giới hành chính)."
    ),
    "where.no_residence": "Có thể nộp ở nơi khác, không phụ thuộc nơi cư trú của bạn.",
    "where.missing": "Danh mục chưa ghi địa chỉ cụ thể; xin hỏi Trung tâm Phục vụ hành chính công gần nhất.",
    # result
    "result.title": "Kết quả bạn nhận được:",
    "result.missing": "Danh mục chưa ghi kết quả của thủ tục này.",
    # eligibility
    "eligibility.audiences": "Ai được làm: {audiences}",
    "eligibility.conditions": "Điều kiện:",
    "eligibility.no_conditions": "Danh mục không nêu điều kiện riêng cho thủ tục này.",
    "eligibility.no_audiences": "Danh mục chưa ghi đối tượng thực hiện.",
    # general summary
    "general.where": "Nơi nộp: {where}",
    "general.time": "Thời gian: {time}",
    "general.fee": "Lệ phí: {fee}",
    "general.fee_notes": " (có ghi chú, bấm «Lệ phí» để xem)",
    "general.documents": "Hồ sơ: {n} loại giấy tờ (bấm «Giấy tờ cần mang» để xem)",
    "general.online": "Có thể nộp trực tuyến trên Cổng Dịch vụ công quốc gia.",
    "general.result": "Kết quả: {result}",
    # ambiguity
    "ambiguous.intro": "Có vài thủ tục gần giống nhau:",
    "ambiguous.item": "{n}. {name} ({level}, mã {code})",
    "ambiguous.outro": "Bạn chọn đúng thủ tục bằng nút bên dưới. Thông tin cho thủ tục số 1:",
    # buttons
    "button.documents": "Giấy tờ cần mang",
    "button.fee": "Lệ phí",
    "button.time": "Thời gian",
    "button.where": "Nộp ở đâu",
    "button.steps": "Các bước",
    "button.result": "Kết quả",
    "button.eligibility": "Điều kiện",
    "button.general": "Tóm tắt",
    "button.alternative": "Ý bạn là: {name}",
    # messages without a procedure
    "not_found": (
        "Xin lỗi, tôi chưa tìm thấy thủ tục hành chính phù hợp với câu hỏi của bạn.\n"
        "Tôi có thể giúp bạn tra cứu thủ tục hành chính: giấy tờ cần mang, lệ phí, thời gian, nơi nộp, "
        "các bước và kết quả.\n"
        "Bạn thử hỏi ngắn gọn hơn, ví dụ: «Đăng ký khai sinh cần giấy tờ gì?»,"
        " hoặc chọn một thủ tục bên dưới."
    ),
    "empty": "Bạn muốn hỏi về thủ tục nào ạ? Ví dụ: «Đăng ký kết hôn cần giấy tờ gì?»",
    "too_long": "Câu hỏi hơi dài. Bạn vui lòng hỏi ngắn gọn hơn, mỗi lần một thủ tục nhé.",
    "suggest.1.001193": "Đăng ký khai sinh",
    "suggest.1.004222": "Đăng ký thường trú",
    "suggest.2.000815": "Chứng thực bản sao",
}

EN: dict[str, str] = {
    "header": "{name} (code {code})",
    "level_line": "Level: {levels}",
    "source": "Official source: {url}",
    "source_fallback": "More on the National Public Service Portal: {url}",
    "more": "…see the full text at the source below.",
    "foreign_tag": ", with foreign elements",
    "level.xa": "Commune level",
    "level.huyen": "District level",
    "level.tinh": "Provincial level",
    "level.bo": "Ministry (central) level",
    "level.khac": "Other agency",
    "where.xa": "Commune People's Committee / commune Public Administrative Service Centre",
    "where.huyen": (
        "District level (abolished since 1 July 2025; ask the nearest Public Administrative Service Centre)"
    ),
    "where.tinh": "Provincial departments / provincial Public Administrative Service Centre",
    "where.bo": "Ministry or central agency",
    "where.khac": "Other agency (see the agency below)",
    "unknown_level": "not stated",
    "channel.in_person": "In person",
    "channel.online": "Online",
    "channel.postal": "By post",
    "fee.title": "Fee:",
    "fee.free": "Free",
    "fee.amount": "{amount} VND",
    "fee.unknown": "not stated",
    "fee.missing": "The catalogue does not state a fee for this procedure; please ask the receiving office.",
    "time.title": "Processing time:",
    "time.unit.working_day": "working days",
    "time.unit.day": "days",
    "time.unit.hour": "hours",
    "time.unit.month": "months",
    "time.unit.year": "years",
    "time.unit.week": "weeks",
    "time.unit.working_day.one": "working day",
    "time.unit.day.one": "day",
    "time.unit.hour.one": "hour",
    "time.unit.month.one": "month",
    "time.unit.year.one": "year",
    "time.unit.week.one": "week",
    "time.value": "{value} {unit}",
    "time.no_unit": "{value} (the catalogue does not state the unit)",
    "time.unknown": "not stated",
    "time.missing": "The catalogue does not state the processing time; please ask the receiving office.",
    "documents.title": "Documents to prepare (names in Vietnamese):",
    "documents.group.main": "The application includes:",
    "documents.group.submit": "To submit:",
    "documents.group.present": "To show (bring the originals):",
    "documents.original": "{n} original(s)",
    "documents.copy": "{n} copy(ies)",
    "documents.more": "…and {n} more document(s), see the full list at the source below.",
    "documents.missing": "The catalogue does not list the documents; please ask the receiving office.",
    "steps.title": "Steps (in Vietnamese):",
    "steps.more": "…and {n} more step(s), see the source below.",
    "steps.missing": "The catalogue does not describe the steps.",
    "steps.online": "You can also apply online on the National Public Service Portal (dichvucong.gov.vn).",
    "where.title": "Where to apply:",
    "where.agencies": "Handled by: {agencies}",
    "where.address": "Address: {address}",
    "where.in_person": "In person (in Vietnamese): {text}",
    "where.online": "Online: National Public Service Portal (dichvucong.gov.vn).",
    "where.postal": "You can also send the application by post.",
    "where.no_boundary": (
        "You may apply at any commune-level Public Administrative Service Centre in the province"
        " (not tied to where you live)."
    ),
    "where.no_residence": "You may apply elsewhere; it does not depend on your place of residence.",
    "where.missing": ("The catalogue gives no address; please ask the nearest Public Administrative Service Centre."),
    "result.title": "What you receive:",
    "result.missing": "The catalogue does not state the result of this procedure.",
    "eligibility.audiences": "Who can apply: {audiences}",
    "eligibility.conditions": "Conditions (in Vietnamese):",
    "eligibility.no_conditions": "The catalogue states no special conditions for this procedure.",
    "eligibility.no_audiences": "The catalogue does not state who may apply.",
    "general.where": "Where: {where}",
    "general.time": "Time: {time}",
    "general.fee": "Fee: {fee}",
    "general.fee_notes": " (with notes, tap «Fee»)",
    "general.documents": "Documents: {n} items (tap «Documents» to see them)",
    "general.online": "You can apply online on the National Public Service Portal.",
    "general.result": "Result: {result}",
    "ambiguous.intro": "Several procedures are close to your question:",
    "ambiguous.item": "{n}. {name} ({level}, code {code})",
    "ambiguous.outro": "Pick the right one with the buttons below. Details for no. 1:",
    "button.documents": "Documents",
    "button.fee": "Fee",
    "button.time": "Processing time",
    "button.where": "Where to apply",
    "button.steps": "Steps",
    "button.result": "Result",
    "button.eligibility": "Eligibility",
    "button.general": "Summary",
    "button.alternative": "Did you mean: {name}",
    "not_found": (
        "Sorry, I could not find an administrative procedure matching your question.\n"
        "I can help with administrative procedures: documents, fees, processing time, where to apply, "
        "steps and results.\n"
        "Try a shorter question, e.g. «documents for birth registration», or pick a procedure below."
    ),
    "empty": "Which procedure would you like to ask about? E.g. «documents for marriage registration».",
    "too_long": "Your question is quite long. Please ask about one procedure at a time, briefly.",
    "suggest.1.001193": "Birth registration",
    "suggest.1.004222": "Permanent residence",
    "suggest.2.000815": "Certified copies",
}

# Procedures offered as suggestions when nothing matched (the commonest citizen procedures).
SUGGESTED_CODES: tuple[str, ...] = ("1.001193", "1.004222", "2.000815")

_TABLES: dict[str, dict[str, str]] = {"vi": VI, "en": EN}


def language(lang: str) -> str:
    """The supported language for a requested one ("en-US" → "en"; anything unknown → "vi")."""
    short = (lang or "vi").lower()[:2]
    return short if short in _TABLES else "vi"


def message(lang: str, key: str, **values: object) -> str:
    """The wording for ``key`` in ``lang``, formatted with ``values``."""
    template = _TABLES[language(lang)][key]
    return template.format(**values) if values else template
