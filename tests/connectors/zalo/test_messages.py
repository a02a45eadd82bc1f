"""OA consultation messages (`zalo/send-message`) over real HTTP against the sandbox."""

import pytest
import requests

from connectors.contract import OperationFailed, OperationRefused
from connectors.registry import find_operation
from connectors.zalo.messages import send_message
from connectors.zalo.sandbox import NOT_FOLLOWER, SANDBOX_REFRESH_TOKEN
from connectors.zalo.tokens import MemoryTokenStore

USER = "5000000000000000001"


def test_the_text_reaches_the_user_through_the_consultation_endpoint(zalo, settings):
    result = send_message(USER, "Hồ sơ 000.00.20.H25-261129-0001", settings, MemoryTokenStore())
    assert zalo.replies_to(USER) == ["Hồ sơ 000.00.20.H25-261129-0001"]
    assert result["delivered"] and result["message_id"] == zalo.replies[0]["message_id"]
    assert zalo.refreshes == [SANDBOX_REFRESH_TOKEN]  # the same OAuth v4 refresh as ZNS


def test_a_token_dead_before_its_expiry_is_refreshed_once_and_the_text_sent(zalo, settings):
    store = MemoryTokenStore()
    send_message(USER, "một", settings, store)
    first = store.get()
    zalo.expire_tokens()  # the OA API answers -216; the stored expiry still looks fine
    send_message(USER, "hai", settings, store)
    assert zalo.replies_to(USER) == ["một", "hai"]
    assert zalo.refreshes == [SANDBOX_REFRESH_TOKEN, first.refresh_token]


def test_zns_and_consultation_messages_share_one_token_chain(zalo, settings):
    from connectors.zalo.client import send_template

    store = MemoryTokenStore()
    send_template("0912345678", "1", {}, "k", settings, store)
    send_message(USER, "chào", settings, store)
    assert len(zalo.refreshes) == 1


def test_a_user_who_does_not_follow_the_oa_is_refused_in_vietnamese(zalo, settings):
    with pytest.raises(OperationRefused) as refused:
        send_message(NOT_FOLLOWER, "chào", settings, MemoryTokenStore())
    assert refused.value.code == "zalo-213"
    assert "chưa quan tâm OA" in refused.value.message
    assert zalo.replies == []


def test_zalo_down_is_retryable_then_the_text_is_delivered(zalo, settings):
    store = MemoryTokenStore()
    zalo.down = True
    with pytest.raises(OperationFailed, match="503"):
        send_message(USER, "chào", settings, store)
    zalo.down = False
    send_message(USER, "chào", settings, store)
    assert zalo.replies_to(USER) == ["chào"]


def test_sandbox_refuses_what_zalo_refuses(zalo, settings):
    store = MemoryTokenStore()
    send_message(USER, "warm", settings, store)
    token = store.get().access_token
    url = f"{zalo.base_url}/v3.0/oa/message/cs"

    def post(headers, body):
        return requests.post(url, headers=headers, json=body, timeout=5).json()["error"]

    assert post({"access_token": "nope"}, {}) == -216
    good = {"access_token": token}
    assert post(good, {"recipient": {"user_id": USER}, "message": {"text": ""}}) == -201
    assert post(good, {"recipient": {}, "message": {"text": "x"}}) == -201


def test_registered_operation_declares_user_id_and_text():
    operation = find_operation("zalo/send-message")
    assert operation.parameters == ("user_id", "text")
    assert operation.settings_provider == "zalo" and not operation.waits_for_result
