"""What the gateway itself says (when it cannot pass a message on), in one place per language."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "vi": {
        "unavailable": "Xin lỗi, hệ thống đang bận. Bạn vui lòng thử lại sau ít phút nhé.",
        "too_long": "Tin nhắn dài quá ạ. Bạn gửi ngắn gọn hơn giúp tôi (dưới {limit} ký tự) nhé.",
        "rate_limited": "Bạn gửi nhanh quá, tôi chưa kịp trả lời. Bạn đợi một chút rồi gửi tiếp nhé.",
        "empty": "Bạn cứ nhắn câu hỏi về thủ tục hành chính, tôi sẽ trả lời ngay.",
        "unsupported": "Tôi chưa đọc được hình ảnh, nhãn dán hay tệp. Bạn nhắn bằng chữ giúp tôi nhé.",
        "location": "Cảm ơn bạn đã gửi vị trí. Tôi chưa tìm được nơi nộp hồ sơ theo vị trí; bạn nhắn tên thủ tục "
        "và xã/phường của bạn nhé.",
        "welcome": "Chào mừng bạn đến với trợ lý ảo thủ tục hành chính! Bạn cứ nhắn câu hỏi, ví dụ: "
        '"làm giấy khai sinh cần gì".',
        "button_expired": "Nút này đã hết hạn rồi ạ. Bạn nhắn lại câu hỏi giúp tôi nhé.",
        # dossier notices (connectors.notifier): a status change, then reminders before a date
        "dossier_status_changed": "Hồ sơ {code} đã chuyển sang tình trạng: {status}.\nThủ tục: {procedure}",
        "dossier_step": "Bước hiện tại: {step}.",
        "dossier_due": "Ngày hẹn trả kết quả: {due}.",
        "dossier_reason": "Lý do: {note}.",
        "dossier_supplement": "Bạn cần bổ sung chậm nhất ngày {deadline}:\n{documents}\nNộp bổ sung tại nơi đã nộp "
        "hồ sơ hoặc trực tuyến trên Cổng Dịch vụ công.",
        "dossier_payment": "Bạn cần nộp {amount} chậm nhất ngày {deadline} (tại bộ phận một cửa hoặc thanh toán trực "
        "tuyến) để hồ sơ được xử lý tiếp.",
        "dossier_completed_hint": "Bạn mang Giấy tiếp nhận và giấy tờ tùy thân đến nhận kết quả (hoặc chờ bưu điện "
        "nếu đã đăng ký trả qua bưu chính).",
        "dossier_returned_hint": "Kết quả đã được trả. Thủ tục đã hoàn tất.",
        "dossier_rejected_hint": "Bạn bổ sung, hoàn thiện hồ sơ rồi nộp lại nhé.",
        "dossier_withdrawn_hint": "Muốn làm lại, bạn nộp hồ sơ mới nhé.",
        "dossier_stopped_hint": "Bạn liên hệ bộ phận một cửa hoặc tổng đài 1022 để được hướng dẫn.",
        "dossier_due_reminder": "Nhắc lịch: hồ sơ {code} có hẹn trả kết quả ngày {due}.\nThủ tục: {procedure}",
        "dossier_supplement_reminder": "Nhắc hạn: hồ sơ {code} cần bổ sung giấy tờ chậm nhất ngày {deadline}:\n"
        "{documents}\nThủ tục: {procedure}\nNộp bổ sung tại nơi đã nộp hồ sơ hoặc trực tuyến trên Cổng Dịch vụ "
        "công.",
        "dossier_payment_reminder": "Nhắc hạn: hồ sơ {code} cần nộp {amount} chậm nhất ngày {deadline} để được xử lý "
        "tiếp.\nThủ tục: {procedure}",
        "dossier_request_note": "Ghi chú: {note}",
        "dossier_notice_footer": '(Nhắn "hủy nhận thông báo" nếu bạn không muốn nhận tin về hồ sơ nữa.)',
    },
    "en": {
        "unavailable": "Sorry, the service is busy right now. Please try again in a few minutes.",
        "too_long": "That message is too long. Please keep it under {limit} characters.",
        "rate_limited": "You're sending messages faster than I can answer. Please wait a moment.",
        "empty": "Ask me anything about administrative procedures.",
        "unsupported": "I can't read images, stickers or files yet. Please type your question.",
        "location": "Thanks for your location. I can't look up offices by location yet; please type the procedure "
        "and your commune or ward.",
        "welcome": 'Welcome to the public-service assistant! Ask me, for example: "how do I register a birth".',
        "button_expired": "That button has expired. Please type your question again.",
        "dossier_status_changed": "Dossier {code} has a new status: {status}.\nProcedure: {procedure}",
        "dossier_step": "Current step: {step}.",
        "dossier_due": "Results are due on {due}.",
        "dossier_reason": "Reason: {note}.",
        "dossier_supplement": "Please add these documents by {deadline} at the latest:\n{documents}\nHand them in "
        "where you filed, or online on the public service portal.",
        "dossier_payment": "Please pay {amount} by {deadline} at the latest (at the one-stop desk or online) so that "
        "processing can continue.",
        "dossier_completed_hint": "Bring your receipt and ID to collect the result (or wait for the post if you chose "
        "delivery).",
        "dossier_returned_hint": "The result was handed over. The procedure is finished.",
        "dossier_rejected_hint": "Please complete the dossier and file it again.",
        "dossier_withdrawn_hint": "To start again, file a new dossier.",
        "dossier_stopped_hint": "Please contact the one-stop desk or the 1022 hotline.",
        "dossier_due_reminder": "Reminder: results for dossier {code} are due on {due}.\nProcedure: {procedure}",
        "dossier_supplement_reminder": "Reminder: dossier {code} needs these documents by {deadline} at the latest:\n"
        "{documents}\nProcedure: {procedure}\nHand them in where you filed, or online on the public service portal.",
        "dossier_payment_reminder": "Reminder: please pay {amount} for dossier {code} by {deadline} at the latest so "
        "that processing can continue.\nProcedure: {procedure}",
        "dossier_request_note": "Note: {note}",
        "dossier_notice_footer": '(Reply "stop the notifications" if you no longer want these messages.)',
    },
}


def gateway_message(key: str, lang: str = "vi", **values: object) -> str:
    table = MESSAGES.get(lang) or MESSAGES["vi"]
    return table[key].format(**values)
