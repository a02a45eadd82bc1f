"""Lookup by Zalo chat, over real HTTP both ways: the Zalo sandbox posts a signed user_send_text
event to our webhook (live server), the worker sends the reply to the sandbox's consultation
endpoint. What the citizen would check: the reply in their chat, once, with the status the
public lookup page shows and no personal data."""

from __future__ import annotations

import json
import time

import pytest
import requests
from sqlalchemy import select, update

import connectors.zalo
from connectors.zalo.sandbox import SANDBOX_APP_ID, SANDBOX_OA_SECRET_KEY, ZaloSandbox
from connectors.zalo.webhooks import event_signature
from engine.calendar.written_dates import short_date
from engine.connector_tokens.store import install_token_stores
from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.dossiers.statuses import status_label
from engine.outbox.dispatch import perform_due
from engine.outbox.models import DONE, PENDING, OutboxMessage
from engine.timestamps import utcnow
from tests.factories import complete, open_task, submit

CITIZEN = "5000000000000000001"


@pytest.fixture
def zalo(live_server, session_factory, monkeypatch):
    sandbox = ZaloSandbox(webhook_url=f"{live_server}/ket-noi/zalo/webhook").start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    install_token_stores(session_factory)
    yield sandbox
    connectors.zalo.set_token_store_factory(None)
    sandbox.stop()


@pytest.fixture
def received_code(demo, session_factory) -> str:
    """A birth registration the one-stop has received: it has a received and a due date."""
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id, "reception")
    complete(session_factory, demo.actor("motcua"), task.id, {"decision": "accept"})
    perform_due(session_factory)  # the notices of the submission and reception go out first
    return code


def replies(session_factory) -> list[OutboxMessage]:
    with session_factory() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.operation == "zalo/send-message")
                .order_by(OutboxMessage.id)
            )
        )


def test_a_known_code_is_answered_with_the_status_the_lookup_page_shows(
    zalo, received_code, session_factory, client
):
    answered = zalo.send_user_text(f"Cho tôi tra cứu hồ sơ {received_code.lower()} với ạ")
    assert answered.status_code == 200 and answered.json()["error"] == 0
    assert zalo.replies_to(CITIZEN) == [], "the reply leaves through the worker, not the request"

    perform_due(session_factory)
    [reply] = zalo.replies_to(CITIZEN)
    page = client.get(f"/tra-cuu?ma={received_code}").get_data(as_text=True)
    with session_factory() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == received_code))
        status = dossier.status
        received, due = dossier.received_at, dossier.due_at
    assert f"Hồ sơ {received_code}" in reply
    assert "Thủ tục: Đăng ký khai sinh" in reply
    assert f"Trạng thái: {status_label(status)}" in reply and status_label(status) in page
    assert f"Ngày tiếp nhận: {short_date(received)}" in reply
    assert f"Hẹn trả kết quả: {short_date(due)}" in reply and "(dự kiến)" not in reply
    assert f"/tra-cuu?ma={received_code}" in reply
    for personal in ("Nguyễn Văn An", "0912345678", "074090001234", "Ánh Dương"):
        assert personal not in reply


def test_a_code_not_yet_received_shows_the_estimated_appointment(zalo, demo, session_factory):
    _, code = submit(session_factory, demo.actor("congdan"))
    zalo.send_user_text(code)
    perform_due(session_factory)
    [reply] = zalo.replies_to(CITIZEN)
    assert "Trạng thái: Mới đăng ký" in reply
    assert "Ngày tiếp nhận: chưa tiếp nhận" in reply
    assert "(dự kiến)" in reply


@pytest.mark.parametrize(
    "text, expected",
    [
        ("000.00.20.H25-000000-9999", "Không tìm thấy hồ sơ có mã 000.00.20.H25-000000-9999"),
        ("Xin chào, tôi muốn hỏi hồ sơ", "vui lòng gửi mã hồ sơ"),
    ],
)
def test_an_unknown_code_or_no_code_gets_a_polite_answer_with_the_format(
    zalo, demo, session_factory, text, expected
):
    assert zalo.send_user_text(text).status_code == 200
    perform_due(session_factory)
    [reply] = zalo.replies_to(CITIZEN)
    assert expected in reply
    assert "000.00.20.H25-261129-0001" in reply, "the example shows how to write a code"


def post_event(live_server: str, body: bytes, headers: dict) -> requests.Response:
    return requests.post(
        f"{live_server}/ket-noi/zalo/webhook",
        data=body,
        headers={"Content-Type": "application/json", **headers},
        timeout=10,
    )


def test_forged_signatures_are_refused_and_nothing_is_sent(
    zalo, received_code, live_server, session_factory
):
    event = zalo.user_text_event(received_code, msg_id="aaaa")
    assert zalo.deliver(event, oa_secret_key="not-the-oa-secret").status_code == 401
    timestamp = json.loads(event)["timestamp"]
    mac = event_signature(SANDBOX_APP_ID, event, timestamp, SANDBOX_OA_SECRET_KEY)
    tampered = event.replace(received_code.encode(), b"000.00.20.H25-000000-9999")
    assert (
        post_event(live_server, tampered, {"X-ZEvent-Signature": f"mac={mac}"}).status_code == 401
    )
    assert post_event(live_server, event, {}).status_code == 401, "unsigned"
    perform_due(session_factory)
    assert zalo.replies == []
    assert replies(session_factory) == []
    # the control: the same event, signed with the OA's key, is answered
    assert post_event(live_server, event, {"X-ZEvent-Signature": f"mac={mac}"}).status_code == 200
    perform_due(session_factory)
    assert len(zalo.replies_to(CITIZEN)) == 1


def test_the_same_event_delivered_twice_is_answered_once(zalo, received_code, session_factory):
    event = zalo.user_text_event(received_code, msg_id="d0c4e1a2b3")
    assert zalo.deliver(event).status_code == 200
    assert zalo.deliver(event).status_code == 200
    perform_due(session_factory)
    assert zalo.deliver(event).status_code == 200  # a late redelivery after the reply went out
    perform_due(session_factory)
    assert len(zalo.replies_to(CITIZEN)) == 1
    assert len(replies(session_factory)) == 1


def test_too_many_messages_get_one_polite_refusal_then_silence(
    zalo, app, demo, received_code, session_factory
):
    app.config["ZALO_LOOKUP_RATE_LIMIT"] = (3, 3600)
    for _ in range(6):
        assert zalo.send_user_text(received_code).status_code == 200
    zalo.send_user_text(received_code, user_id="5000000000000000002")
    perform_due(session_factory)
    chat = zalo.replies_to(CITIZEN)
    assert len(chat) == 4
    assert all(f"Hồ sơ {received_code}" in reply for reply in chat[:3])
    assert "quá nhiều yêu cầu tra cứu" in chat[3] and "phút" in chat[3]
    assert len(zalo.replies_to("5000000000000000002")) == 1, "the limit is per Zalo user"


def test_zalo_down_delays_the_reply_until_it_is_back(zalo, received_code, session_factory):
    zalo.down = True
    assert zalo.send_user_text(received_code).status_code == 200, "the webhook never calls Zalo"
    perform_due(session_factory)
    [row] = replies(session_factory)
    assert row.status == PENDING and "503" in row.last_error
    zalo.down = False
    with session_factory() as session, transaction(session):  # the backoff has passed
        session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    perform_due(session_factory)
    perform_due(session_factory)
    [reply] = zalo.replies_to(CITIZEN)
    assert f"Hồ sơ {received_code}" in reply
    [row] = replies(session_factory)
    assert row.status == DONE and row.result["message_id"] == zalo.replies[0]["message_id"]


def test_unknown_events_and_the_url_check_are_acknowledged_and_ignored(
    zalo, demo, live_server, session_factory
):
    follow = json.loads(zalo.user_text_event("x"))
    follow.update(event_name="follow", follower={"id": CITIZEN})
    del follow["message"]
    body = json.dumps(follow).encode()
    assert zalo.deliver(body).status_code == 200
    sticker = json.loads(zalo.user_text_event("x"))
    sticker["event_name"] = "user_send_sticker"
    assert zalo.deliver(json.dumps(sticker).encode()).status_code == 200
    assert post_event(live_server, b"{}", {}).status_code == 200
    assert replies(session_factory) == []


def test_the_oa_secret_key_stored_on_the_connections_page_wins(
    zalo, received_code, browser, session_factory
):
    browser.login("quantritinh")
    saved = browser.submit(
        "/quan-tri/ket-noi",
        {"provider": "zalo", "key": "oa_secret_key", "value": "khoa-bi-mat-oa", "is_secret": "1"},
    )
    assert saved.status_code == 302
    event = zalo.user_text_event(received_code)
    assert zalo.deliver(event).status_code == 401, "the environment's key no longer signs"
    assert zalo.deliver(event, oa_secret_key="khoa-bi-mat-oa").status_code == 200
    perform_due(session_factory)
    assert len(zalo.replies_to(CITIZEN)) == 1


def test_the_webhook_answers_within_zalos_two_seconds(zalo, received_code):
    started = time.perf_counter()
    for _ in range(5):
        assert zalo.send_user_text(received_code).status_code == 200
    assert (time.perf_counter() - started) / 5 < 2.0
