"""Zalo OA consultation messages (tin tư vấn): a text answer to a user who wrote to the OA.

`POST {api_base}/v3.0/oa/message/cs`, header `access_token` (the same OA token as ZNS, refreshed
the same way), JSON {"recipient": {"user_id": ...}, "message": {"text": ...}}; answers
{"error": 0, "message": "Success", "data": {"message_id": ..., "user_id": ...}} or a negative
`error`. Zalo lets an OA send these free of charge only to a user who wrote to it recently
(48 hours free, up to 7 days in all, as integrators describe it), which a reply to a lookup is.

The API takes no idempotency key, so delivery is at least once: a worker that dies between
Zalo's answer and recording it sends the reply again.
"""

from __future__ import annotations

from connectors.zalo.client import ZaloSettings, authorised_call, post_json, raise_for_error
from connectors.zalo.tokens import TokenStore

CONSULTATION_PATH = "/v3.0/oa/message/cs"
#: Zalo caps a text message at 2,000 characters
TEXT_MAX = 2000

#: Vietnamese explanations of the permanent errors (codes as integrators report them; unverified
#: against Zalo's reference, which was not available)
REFUSALS = {
    -201: "Tham số gửi tin không hợp lệ (mã người dùng hoặc nội dung).",
    -213: "Người dùng chưa quan tâm OA hoặc đã chặn OA.",
    -230: "Người dùng không tương tác với OA trong 7 ngày qua, không gửi được tin tư vấn.",
}


def send_message(user_id: str, text: str, settings: ZaloSettings, token_store: TokenStore) -> dict:
    """Send one consultation text to the Zalo user `user_id` (their id as the OA sees it)."""
    body = {"recipient": {"user_id": str(user_id)}, "message": {"text": text[:TEXT_MAX]}}
    answer = authorised_call(
        settings,
        token_store,
        lambda access_token: post_json(settings, CONSULTATION_PATH, access_token, body, "Zalo OA"),
    )
    if answer.get("error") == 0:
        data = answer.get("data") or {}
        return {
            "delivered": True,
            "channel": "zalo",
            "message_id": data.get("message_id"),
            "user_id": str(user_id),
        }
    raise_for_error(answer, "Zalo OA", REFUSALS)
