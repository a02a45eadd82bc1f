"""Officer and leader notices: addressed to the people concerned when queued, e-mailed when
they have an address, otherwise kept in the outbox (in-app) only."""

from __future__ import annotations

from sqlalchemy import select

from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.dossiers.notices import notice_message
from engine.outbox.dispatch import perform_due
from engine.outbox.models import DONE, OutboxMessage
from engine.users.models import User
from tests.factories import submit


def _queue(session_factory, dossier_id: int, operation: str, payload: dict) -> None:
    with session_factory() as session, transaction(session):
        dossier = session.get(Dossier, dossier_id)
        session.add(notice_message(session, dossier, operation, payload, f"test:{operation}"))


def _set_email(session_factory, username: str, email: str | None) -> None:
    with session_factory() as session, transaction(session):
        session.scalars(select(User).where(User.username == username)).one().email = email


def test_leader_notice_is_emailed_to_the_agency_leaders(demo, session_factory, smtp):
    _set_email(session_factory, "lanhdao", "dung.pham@ubnd.example.vn")
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    _queue(session_factory, dossier_id, "notify/leader", {"template": "processing_overdue"})
    perform_due(session_factory)

    message = smtp.wait_for("dung.pham@ubnd.example.vn")
    assert message["Subject"] == f"Hồ sơ {code}: cần đồng chí quan tâm"
    body = message.get_content()
    assert f"Hồ sơ {code} đã quá thời hạn thụ lý, đề nghị đôn đốc xử lý." in body
    assert f"/can-bo/ho-so/{code}" in body
    with session_factory() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.operation == "notify/leader")
        ).one()
        assert [r["name"] for r in row.payload["recipients"]] == ["Phạm Thị Dung"]
        assert row.result["delivered"] is True and row.result["to"] == ["dung.pham@ubnd.example.vn"]


def test_officer_without_an_address_is_notified_in_app_only(demo, session_factory, smtp):
    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session:
        officer_id = session.scalar(select(User.id).where(User.username == "thuly"))
    _queue(
        session_factory,
        dossier_id,
        "notify/officer",
        {"template": "task_due_soon", "recipient_user_id": officer_id, "message": "Sắp đến hạn."},
    )
    perform_due(session_factory)
    with session_factory() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.operation == "notify/officer")
        ).one()
        assert row.status == DONE
        assert row.payload["recipients"] == [{"user_id": officer_id, "name": "Lê Văn Cường"}]
        assert row.result == {
            "delivered": False,
            "channel": "portal",
            "reason": "no e-mail address",
        }
    assert not [m for m in smtp.messages if "cần đồng chí" in str(m["Subject"])]
