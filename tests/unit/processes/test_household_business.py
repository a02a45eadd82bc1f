"""Đăng ký thành lập hộ kinh doanh, end to end through the service layer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db import transaction
from engine.dossiers.models import Dossier, DossierEvent
from engine.dossiers.submission import submit_dossier
from engine.errors import InvalidInput
from engine.procedures.queries import get_procedure
from engine.tasks.models import OPEN, Task
from engine.users.actor import load_actor
from tests.factories import complete, open_task

HO_KINH_DOANH = "1.001612"


def application(**overrides) -> dict:
    data = {
        "applicant_full_name": "Nguyễn Văn An",
        "applicant_id_number": "074090001234",
        "applicant_phone": "0912345678",
        "applicant_address": "Số 5 đường Yersin, phường Phú Cường",
        "business_name": "Hộ kinh doanh Tạp hóa An Phát",
        "business_address": "Số 12 đường Bạch Đằng, phường Phú Cường",
        "business_lines": "Bán lẻ lương thực, thực phẩm, đồ uống trong cửa hàng tổng hợp",
        "capital_vnd": 150000000,
        "employees": 2,
        "founded_by": "individual",
        "declaration": True,
    }
    data.update(overrides)
    return data


def submit(session_factory, actor, data=None, *, pay=True) -> int:
    """Submit online; by default the fee is then recorded as paid, so reception can start."""
    with session_factory() as session, transaction(session):
        dossier = submit_dossier(session, actor, HO_KINH_DOANH, data or application())
        dossier_id, code = dossier.id, dossier.code
    if pay:
        pay_fee_at_counter(session_factory, code)
    return dossier_id


def pay_fee_at_counter(session_factory, code: str) -> None:
    from engine.outbox.dispatch import perform_due
    from engine.payments.collection import record_cash_payment
    from engine.users.models import User

    perform_due(session_factory)  # the worker opens the payment
    with session_factory() as session, transaction(session):
        officer = session.query(User).filter_by(username="motcua").one()
        record_cash_payment(session, load_actor(session, officer.id), code)


def test_an_online_dossier_waits_for_its_fee_before_reception(demo, session_factory):
    from engine.payments.collection import current_payment
    from engine.payments.models import PAID

    dossier_id = submit(session_factory, demo.actor("congdan"), pay=False)
    with session_factory() as session:
        assert session.query(Task).filter_by(dossier_id=dossier_id, state=OPEN).count() == 0
        code = session.get(Dossier, dossier_id).code
    pay_fee_at_counter(session_factory, code)
    with session_factory() as session:
        payment = current_payment(session, dossier_id)
        assert (payment.state, payment.amount, payment.method) == (PAID, 100000, "cash")
        assert payment.fee_lines == [{"name": "Lệ phí đăng ký hộ kinh doanh", "amount": 100000}]
        actions = [e.action for e in session.query(DossierEvent).filter_by(dossier_id=dossier_id)]
        assert actions == ["submitted", "payment_received"]
    assert open_task(session_factory, dossier_id).title == "Tiếp nhận hồ sơ, thu lệ phí"


def test_record_carries_the_fee_and_deadline(demo, session):
    procedure = get_procedure(session, HO_KINH_DOANH)
    assert procedure.deadline_working_days == 3
    assert [fee["amount"] for fee in procedure.record["fees"]] == [100000]
    assert procedure.record["online_service_level"] == "toan_trinh"


def test_registration_runs_from_submission_to_returned_certificate(demo, session_factory):
    dossier_id = submit(session_factory, demo.actor("congdan"))
    reception = open_task(session_factory, dossier_id)
    assert reception.title == "Tiếp nhận hồ sơ, thu lệ phí"

    with pytest.raises(InvalidInput) as unpaid:
        complete(session_factory, demo.actor("motcua"), reception.id, {"decision": "accept"})
    assert "fee_receipt_number" in unpaid.value.field_errors

    complete(
        session_factory,
        demo.actor("motcua"),
        reception.id,
        {"decision": "accept", "fee_receipt_number": "BL-0001234"},
    )
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {
            "verification_note": "Tên hộ kinh doanh không trùng trong phạm vi phường.",
            "proposal": "propose_approve",
            "business_registration_number": "46A8012345",
        },
    )
    complete(
        session_factory,
        demo.actor("lanhdao"),
        open_task(session_factory, dossier_id, "leader").id,
        {"approval_decision": "approve"},
    )
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id, "reception").id,
        {"return_channel": "counter", "returned_to": "Nguyễn Văn An"},
    )
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        assert (dossier.status, dossier.national_status, dossier.timing) == (
            "returned",
            10,
            "early",
        )
        statuses = session.scalars(
            select(DossierEvent.to_status)
            .where(DossierEvent.dossier_id == dossier_id)
            .order_by(DossierEvent.id)
        ).all()
        assert statuses == [
            "submitted",
            "submitted",  # the fee paid
            "processing",
            "awaiting_approval",
            "result_ready",
            "returned",
        ]


def test_household_registration_needs_the_members(demo, session_factory):
    with pytest.raises(InvalidInput) as refused:
        submit(session_factory, demo.actor("congdan"), application(founded_by="household"))
    assert "household_members" in refused.value.field_errors


def test_notice_to_amend_pauses_the_clock_until_the_applicant_answers(demo, session_factory):
    dossier_id = submit(session_factory, demo.actor("congdan"))
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept", "fee_receipt_number": "BL-0001235"},
    )
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {
            "verification_note": "Tên hộ kinh doanh trùng với hộ đã đăng ký.",
            "proposal": "request_supplement",
            "processing_missing_documents": "Đề nghị đặt lại tên hộ kinh doanh.",
        },
    )
    with session_factory() as session:
        assert session.get(Dossier, dossier_id).status == "supplement_requested"
    complete(
        session_factory,
        demo.actor("congdan"),
        open_task(session_factory, dossier_id, "applicant").id,
        {"processing_supplement_note": "Đổi tên thành Hộ kinh doanh Tạp hóa An Phát 2."},
    )
    assert open_task(session_factory, dossier_id, "processing").title == ("Thẩm định hồ sơ đăng ký")
