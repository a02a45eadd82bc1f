"""The SMS connector over real HTTP against the sandbox gateway."""

import pytest

from connectors.contract import OperationFailed, OperationRefused
from connectors.email.sandbox import free_port
from connectors.registry import find_operation
from connectors.sms.client import send_sms, sms_settings
from connectors.sms.sandbox import SANDBOX_BRANDNAME, SmsSandbox


@pytest.fixture
def gateway():
    sandbox = SmsSandbox().start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def settings(gateway):
    return sms_settings({}, gateway.environment)


def test_message_arrives_with_84_number_brandname_and_request_id(gateway, settings):
    text = "Hồ sơ 000.00.01.H01-261205-0001 đã có kết quả, mời ông/bà đến nhận."
    result = send_sms("+84 912 345 678", text, "outbox:1", settings)
    [message] = gateway.messages
    assert message["to"] == "84912345678"
    assert message["text"] == text
    assert message["brandname"] == SANDBOX_BRANDNAME
    assert message["request_id"] == "outbox:1"
    assert result == {
        "delivered": True,
        "channel": "sms",
        "to": "84912345678",
        "message_id": message["message_id"],
    }


def test_a_repeated_request_id_is_sent_once(gateway, settings):
    first = send_sms("0912345678", "Mã xác minh 123456", "outbox:2", settings)
    again = send_sms("0912345678", "Mã xác minh 123456", "outbox:2", settings)
    assert again["message_id"] == first["message_id"]
    assert len(gateway.messages) == 1 and gateway.requests == 2


def test_an_invalid_phone_never_reaches_the_gateway(gateway, settings):
    with pytest.raises(OperationRefused) as refused:
        send_sms("12345", "x", "k", settings)
    assert refused.value.code == "invalid_phone"
    assert gateway.requests == 0


def test_a_gateway_refusal_is_permanent(gateway, settings):
    with pytest.raises(OperationRefused) as refused:
        send_sms("0912345678", "", "k", settings)
    assert refused.value.code == "sms_02"
    assert "Cổng SMS từ chối" in refused.value.message


def test_gateway_down_is_retryable_then_delivered(gateway, settings):
    gateway.down = True
    with pytest.raises(OperationFailed, match="503"):
        send_sms("0912345678", "Chào", "k", settings)
    gateway.down = False
    send_sms("0912345678", "Chào", "k", settings)
    assert len(gateway.messages) == 1


def test_unreachable_gateway_is_retryable():
    settings = sms_settings({"url": f"http://127.0.0.1:{free_port()}/sms/send"}, {})
    with pytest.raises(OperationFailed):
        send_sms("0912345678", "x", "k", settings)


def test_a_wrong_api_key_is_retryable_once_fixed(gateway):
    wrong = sms_settings({"api_key": "sai"}, gateway.environment)
    with pytest.raises(OperationFailed, match="401"):
        send_sms("0912345678", "x", "k", wrong)


def test_basic_auth_when_a_user_is_set():
    sandbox = SmsSandbox(basic=("motcua", "mat-khau")).start()
    try:
        stored = {"user": "motcua", "password": "mat-khau"}
        send_sms("0912345678", "Chào", "k", sms_settings(stored, sandbox.environment))
        assert len(sandbox.messages) == 1
    finally:
        sandbox.stop()


def test_registered_as_sms_send_with_stored_settings(gateway, monkeypatch):
    monkeypatch.delenv("MOTCUA_SMS_URL", raising=False)
    operation = find_operation("sms/send")
    assert operation.parameters == ("phone", "text") and operation.settings_provider == "sms"
    stored = {"url": gateway.environment["MOTCUA_SMS_URL"], "api_key": gateway.api_key}
    stored["brandname"] = "UBND-PHUONG"
    result = operation.perform({"phone": "0912345678", "text": "Xin chào"}, "outbox:3", stored)
    assert gateway.messages[0]["brandname"] == "UBND-PHUONG"
    assert result["message_id"] == gateway.messages[0]["message_id"]
