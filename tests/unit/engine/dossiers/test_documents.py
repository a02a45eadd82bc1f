"""What the printed documents say about a dossier, and who may print them."""

from __future__ import annotations

from datetime import date

import pytest

from engine.agencies.models import Agency
from engine.db import transaction
from engine.dossiers.documents import (
    apology_data,
    control_slip_data,
    receipt_data,
    refusal_data,
    supplement_request_data,
)
from engine.errors import NotFound
from engine.users.actor import Actor
from tests.factories import complete, open_task, submit

BASE = "https://dichvucong.example.vn"


def receive(demo, session_factory, decision: dict | None = None):
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id)
    complete(session_factory, demo.actor("motcua"), task.id, decision or {"decision": "accept"})
    return dossier_id, code


def other_agency_officer(session_factory) -> Actor:
    with session_factory() as session, transaction(session):
        agency = Agency(code="000.00.21.H25", name="UBND phường Chánh Nghĩa", level="commune")
        session.add(agency)
        session.flush()
        return Actor(
            user_id=None, kind="officer", full_name="Cán bộ khác", roles={"reception": {agency.id}}
        )


def test_receipt_names_applicant_procedure_due_time_and_lookup_url(demo, session_factory):
    _, code = receive(demo, session_factory)
    with session_factory() as session:
        values = receipt_data(session, demo.actor("motcua"), code, lookup_base_url=BASE + "/")
    assert values["code"] == code
    assert values["applicant_name"] == "Nguyễn Văn An"
    assert values["procedure_name"] == "Đăng ký khai sinh"
    assert values["lookup_url"] == f"{BASE}/tra-cuu?ma={code}"
    assert values["receiver_name"] == "Trần Thị Bình"
    assert values["place"] == "Phú Cường"
    assert values["agency_upper"] == "UBND PHƯỜNG PHÚ CƯỜNG"
    assert values["parent_agency_upper"] == "UBND TỈNH BÌNH DƯƠNG"
    assert "Giấy chứng sinh (bản chính: 01)" in values["components"]
    assert " giờ " in values["due_time"] and "ngày" in values["due_time"]


def test_applicant_prints_own_receipt_and_nobody_elses(demo, session_factory):
    _, code = receive(demo, session_factory)
    with session_factory() as session:
        values = receipt_data(session, demo.actor("congdan"), code, lookup_base_url=BASE)
        assert values["receiver_name"] == "Trần Thị Bình"
        stranger = Actor(user_id=999, kind="citizen", full_name="Người lạ")
        with pytest.raises(NotFound):
            receipt_data(session, stranger, code, lookup_base_url=BASE)


def test_officer_of_another_agency_gets_not_found_on_every_form(demo, session_factory):
    _, code = receive(demo, session_factory)
    outsider = other_agency_officer(session_factory)
    with session_factory() as session:
        for gather in (supplement_request_data, refusal_data, apology_data, control_slip_data):
            with pytest.raises(NotFound):
                gather(session, outsider, code)
        with pytest.raises(NotFound):
            receipt_data(session, outsider, code, lookup_base_url=BASE)


def test_supplement_request_lists_every_missing_document_typed_at_reception(demo, session_factory):
    _, code = receive(
        demo,
        session_factory,
        {
            "decision": "supplement",
            "missing_documents": (
                "- Giấy chứng sinh bản chính\n- Giấy chứng nhận kết hôn; Văn bản ủy quyền"
            ),
            "reason": "Hồ sơ thiếu giấy tờ bắt buộc.",
        },
    )
    with session_factory() as session:
        values = supplement_request_data(session, demo.actor("motcua"), code)
    assert values["missing_items"] == [
        "Giấy chứng sinh bản chính",
        "Giấy chứng nhận kết hôn",
        "Văn bản ủy quyền",
    ]
    assert values["reason"] == "Hồ sơ thiếu giấy tờ bắt buộc."


def test_refusal_carries_reason_and_legal_basis(demo, session_factory):
    _, code = receive(
        demo,
        session_factory,
        {"decision": "refuse", "reason": "Không thuộc thẩm quyền giải quyết của UBND phường."},
    )
    with session_factory() as session:
        values = refusal_data(session, demo.actor("motcua"), code)
    assert values["reason"] == "Không thuộc thẩm quyền giải quyết của UBND phường."
    assert "Luật Hộ tịch số 60/2014/QH13" in values["legal_basis"]


def test_apology_prints_the_new_date_in_vietnamese(demo, session_factory):
    _, code = receive(demo, session_factory)
    with session_factory() as session:
        values = apology_data(
            session,
            demo.actor("motcua"),
            code,
            reason="Cần xác minh thêm thông tin.",
            new_due_date=date(2027, 2, 5),
        )
    assert values["new_due_date"] == "ngày 05 tháng 02 năm 2027"
    assert values["reason"] == "Cần xác minh thêm thông tin."


def test_control_slip_has_one_row_per_hand_over(demo, session_factory):
    dossier_id, code = receive(demo, session_factory)
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {"verification_note": "Đầy đủ.", "proposal": "propose_approve"},
    )
    with session_factory() as session:
        values = control_slip_data(session, demo.actor("motcua"), code)
    rows = values["handovers"]
    assert [row["note"] for row in rows] == ["Tiếp nhận hồ sơ", "Thụ lý hồ sơ", "Phê duyệt kết quả"]
    assert rows[0]["parties"] == "1. Giao: Người nộp hồ sơ: Nguyễn Văn An\n2. Nhận: Cán bộ một cửa"
    assert rows[1]["parties"] == "1. Giao: Cán bộ một cửa Trần Thị Bình\n2. Nhận: Cán bộ thụ lý"
    assert rows[2]["parties"].startswith("1. Giao: Cán bộ thụ lý Lê Văn Cường")
    assert rows[1]["timing"] in ("early", "on_time")
    assert all("giờ" in row["time"] for row in rows)
