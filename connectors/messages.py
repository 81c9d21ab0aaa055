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
    },
}


def gateway_message(key: str, lang: str = "vi", **values: object) -> str:
    table = MESSAGES.get(lang) or MESSAGES["vi"]
    return table[key].format(**values)
