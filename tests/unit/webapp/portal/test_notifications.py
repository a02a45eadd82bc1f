"""In-portal notifications: what the outbox sent the applicant, marked read."""

from __future__ import annotations

from sqlalchemy import select

from engine.calendar.written_dates import short_date
from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.outbox.dispatch import perform_due, perform_one
from engine.outbox.models import DONE, OutboxMessage
from engine.users.models import User
from tests.factories import complete, open_task
from tests.unit.webapp.portal.conftest import dossier_id_of, signed_in, submit_over_http


def test_notifications_list_and_mark_read(app, demo, session_factory, other_citizen):
    citizen = signed_in(app, "congdan")
    code = submit_over_http(citizen)
    dossier_id = dossier_id_of(session_factory, code)
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept"},
    )

    page = citizen.client.get("/thong-bao").get_data(as_text=True)
    assert "Hồ sơ đã được nộp thành công" in page
    assert "Hồ sơ đã được tiếp nhận." in page
    assert page.count(">Mới</span>") == 2

    response = citizen.submit("/thong-bao/da-doc", {}, page="/thong-bao")
    assert response.status_code == 302
    page = citizen.client.get("/thong-bao").get_data(as_text=True)
    assert ">Mới</span>" not in page and "Đã đánh dấu 2 thông báo" in page

    other = signed_in(app, other_citizen).client.get("/thong-bao").get_data(as_text=True)
    assert code not in other and "Chưa có thông báo." in other


def test_confirmation_email_arrives_after_the_worker_performs_the_outbox(
    app, demo, session_factory, smtp
):
    citizen = signed_in(app, "congdan")
    code = submit_over_http(citizen)
    assert perform_due(session_factory) == 1

    message = smtp.wait_for("an.nguyen@example.vn")
    assert message["Subject"] == f"Hồ sơ {code}: đã nộp thành công"
    body = message.get_content()
    assert "Kính gửi ông/bà Nguyễn Văn An" in body
    assert "Hồ sơ đã được nộp thành công, đang chờ Bộ phận Một cửa tiếp nhận." in body
    assert f"Mã hồ sơ: {code}" in body and "Thủ tục: Đăng ký khai sinh" in body
    assert f"/tra-cuu?ma={code}" in body
    with session_factory() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.status == DONE
        assert row.result["delivered"] is True and row.result["channel"] == "email"
        assert row.result["message_id"] == message["Message-ID"]


def test_received_notice_gives_the_appointment_date(app, demo, session_factory, smtp):
    citizen = signed_in(app, "congdan")
    code = submit_over_http(citizen)
    dossier_id = dossier_id_of(session_factory, code)
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept"},
    )
    perform_due(session_factory)
    with session_factory() as session:
        due = session.get(Dossier, dossier_id).due_at
    received = [m for m in smtp.messages_to("an.nguyen@example.vn") if "tiếp nhận" in m["Subject"]]
    assert [m["Subject"] for m in received] == [f"Hồ sơ {code}: đã được tiếp nhận"]
    assert f"Ngày hẹn trả kết quả: {short_date(due)}" in received[0].get_content()


def test_the_same_row_performed_twice_sends_one_message(app, demo, session_factory, smtp):
    submit_over_http(signed_in(app, "congdan"))
    with session_factory() as session:
        row_id = session.scalar(select(OutboxMessage.id))
    perform_one(session_factory, row_id)
    perform_one(session_factory, row_id)
    smtp.wait_for("an.nguyen@example.vn")
    assert len(smtp.messages_to("an.nguyen@example.vn")) == 1


def test_without_an_address_the_notice_stays_in_the_portal(app, demo, session_factory, smtp):
    with session_factory() as session, transaction(session):
        session.scalars(select(User).where(User.username == "congdan")).one().email = None
    citizen = signed_in(app, "congdan")
    code = submit_over_http(citizen)
    perform_due(session_factory)
    with session_factory() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.status == DONE
        assert row.result == {
            "delivered": False,
            "channel": "portal",
            "reason": "no e-mail address",
        }
    assert smtp.messages == []
    assert code in citizen.client.get("/thong-bao").get_data(as_text=True)
