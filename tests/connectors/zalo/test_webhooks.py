"""Reading Zalo OA events: the X-ZEvent-Signature formula, what is refused, what is read."""

import hashlib
import json

import pytest

from connectors.zalo.client import SANDBOX_BASE, zalo_settings
from connectors.zalo.sandbox import SANDBOX_APP_ID, SANDBOX_OA_SECRET_KEY, SANDBOX_SECRET_KEY
from connectors.zalo.webhooks import (
    InvalidSignature,
    MalformedEvent,
    event_signature,
    is_probe,
    read_event,
)

APP_ID, OA_SECRET = "2074138120372622546", "oa-secret-of-the-agency"
SETTINGS = zalo_settings(
    {"app_id": APP_ID, "oa_secret_key": OA_SECRET, "api_base": "https://openapi.zalo.me"}, {}
)
EVENT = {
    "app_id": APP_ID,
    "user_id_by_app": "979122185046046317",
    "event_name": "user_send_text",
    "timestamp": "1764400000000",
    "sender": {"id": "6142494823000000000"},
    "recipient": {"id": "3662729599332560487"},
    "message": {"text": "Tra cứu 000.00.20.H25-261129-0001", "msg_id": "cb31dff1c39642cc1b83"},
}


def body_of(event: dict) -> bytes:
    return json.dumps(event, ensure_ascii=False).encode()


def zalo_mac(body: bytes, timestamp: str, secret: str = OA_SECRET) -> str:
    """Zalo's formula written out: sha256(appId + data + timeStamp + OAsecretKey)."""
    return hashlib.sha256((APP_ID + body.decode() + timestamp + secret).encode()).hexdigest()


def test_the_signature_is_sha256_of_app_id_body_timestamp_and_oa_secret():
    body = body_of(EVENT)
    assert event_signature(APP_ID, body, EVENT["timestamp"], OA_SECRET) == zalo_mac(
        body, EVENT["timestamp"]
    )


@pytest.mark.parametrize("prefix", ["mac=", "", "MAC = "])
def test_a_signed_user_text_is_read_with_or_without_the_mac_prefix(prefix):
    body = body_of(EVENT)
    headers = {"X-ZEvent-Signature": prefix + zalo_mac(body, EVENT["timestamp"])}
    message = read_event(body, headers, SETTINGS).text_message
    assert message.msg_id == "cb31dff1c39642cc1b83"
    assert message.user_id == "6142494823000000000"
    assert message.text == "Tra cứu 000.00.20.H25-261129-0001"


def test_a_mac_over_the_timestamp_header_is_accepted_too():
    body = body_of(EVENT)
    headers = {
        "X-ZEvent-Signature": f"mac={zalo_mac(body, '1764400000999')}",
        "X-ZEvent-Timestamp": "1764400000999",
    }
    assert read_event(body, headers, SETTINGS).name == "user_send_text"


@pytest.mark.parametrize(
    "headers_of",
    [
        lambda body: {},
        lambda body: {"X-ZEvent-Signature": "mac="},
        lambda body: {"X-ZEvent-Signature": f"mac={zalo_mac(body, EVENT['timestamp'], 'x')}"},
        # the app's secret key is not the OA's: Zalo signs events with the OA's
        lambda body: {
            "X-ZEvent-Signature": f"mac={zalo_mac(body, EVENT['timestamp'], SANDBOX_SECRET_KEY)}"
        },
        lambda body: {"X-ZEvent-Signature": f"mac={zalo_mac(body, '1')}"},
    ],
)
def test_wrong_or_missing_signatures_are_refused(headers_of):
    body = body_of(EVENT)
    with pytest.raises(InvalidSignature):
        read_event(body, headers_of(body), SETTINGS)


def test_a_tampered_body_is_refused():
    signed = body_of(EVENT)
    tampered = signed.replace(b"0001", b"0002")
    headers = {"X-ZEvent-Signature": f"mac={zalo_mac(signed, EVENT['timestamp'])}"}
    with pytest.raises(InvalidSignature):
        read_event(tampered, headers, SETTINGS)


def test_without_an_oa_secret_key_nothing_is_accepted_outside_the_sandbox():
    unconfigured = zalo_settings({"app_id": APP_ID, "api_base": "https://openapi.zalo.me"}, {})
    assert unconfigured.oa_secret_key == ""
    body = body_of(EVENT)
    headers = {"X-ZEvent-Signature": f"mac={event_signature(APP_ID, body, EVENT['timestamp'], '')}"}
    with pytest.raises(InvalidSignature):
        read_event(body, headers, unconfigured)


def test_the_local_sandbox_defaults_to_its_own_keys():
    on_sandbox = zalo_settings({}, {})
    assert on_sandbox.api_base == SANDBOX_BASE
    assert (on_sandbox.app_id, on_sandbox.oa_secret_key) == (SANDBOX_APP_ID, SANDBOX_OA_SECRET_KEY)
    env = {"MOTCUA_ZALO_OA_SECRET_KEY": "from-env", "MOTCUA_ZALO_API_BASE": "https://z"}
    assert zalo_settings({}, env).oa_secret_key == "from-env"
    assert zalo_settings({"oa_secret_key": "stored"}, env).oa_secret_key == "stored"
    assert zalo_settings({}, {"MOTCUA_ZALO_API_BASE": "https://z"}).app_id == ""


def test_other_events_carry_no_text_message():
    follow = {**EVENT, "event_name": "follow", "follower": {"id": "1"}}
    no_msg_id = {**EVENT, "message": {"text": "000.00.20.H25-261129-0001"}}
    for event in (follow, no_msg_id):
        body = body_of(event)
        headers = {"X-ZEvent-Signature": zalo_mac(body, EVENT["timestamp"])}
        assert read_event(body, headers, SETTINGS).text_message is None


def test_a_body_that_is_not_a_json_object_is_malformed():
    for body in (b"not json", b"[1, 2]"):
        with pytest.raises(MalformedEvent):
            read_event(body, {"X-ZEvent-Signature": "mac=00"}, SETTINGS)


def test_only_an_unsigned_empty_body_is_a_probe():
    assert is_probe(b"{}", {}) and is_probe(b"", {})
    assert not is_probe(b"{}", {"X-ZEvent-Signature": "mac=00"})
    assert not is_probe(body_of(EVENT), {})
