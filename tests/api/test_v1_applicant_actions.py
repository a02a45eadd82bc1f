"""The applicant's actions on their own dossier through /api/v1: messages, supplement requests,
withdrawal, rating; another citizen's dossier is 404, the agency's officers keep the workspace's
rights (messages; the one-stop officer's withdrawal at the applicant's request)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db import transaction
from engine.dossiers.models import Dossier, DossierDocument, DossierMessage, Rating
from engine.tasks.models import OPEN, Task
from engine.users.models import User
from engine.users.passwords import hash_password
from tests.api.callers import PDF, SLOT_PART, caller, stored_document, submit_with_file
from tests.factories import complete, open_task
from tests.unit.webapp.portal.conftest import carry_to_returned, dossier_id_of

MARRIAGE_PART = "doc_giay_chung_nhan_ket_hon"


@pytest.fixture
def citizen(app, demo, session_factory):
    return caller(app, demo, session_factory, "congdan")


@pytest.fixture
def stranger(app, demo, session_factory):
    with session_factory() as session, transaction(session):
        session.add(
            User(
                username="congdanb",
                full_name="Trần Văn Bảo",
                kind="citizen",
                id_number="079090009999",
                password_hash=hash_password("motcua2026"),
            )
        )
    return caller(app, demo, session_factory, "congdanb")


@pytest.fixture
def code(citizen) -> str:
    return submit_with_file(citizen)


def ask_supplement(demo, session_factory, code: str) -> int:
    dossier_id = dossier_id_of(session_factory, code)
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "supplement", "missing_documents": "Giấy chứng nhận kết hôn"},
    )
    return open_task(session_factory, dossier_id, "applicant").id


def status_of(session_factory, code: str) -> str:
    with session_factory() as session:
        return session.scalar(select(Dossier.status).where(Dossier.code == code))


# messages


def test_messages_go_both_ways_with_an_optional_attachment(
    app, demo, session_factory, citizen, code
):
    sent = citizen.post(f"/dossiers/{code}/messages", {"body": "Khi nào có kết quả ạ?"})
    assert sent.status_code == 201
    assert sent.get_json()["from_applicant"] is True and sent.get_json()["attachment"] is None

    with_file = citizen.post_multipart(
        f"/dossiers/{code}/messages", {"body": "Bản scan"}, {"attachment": ("scan.pdf", PDF)}
    )
    assert with_file.status_code == 201, with_file.get_json()
    assert with_file.get_json()["attachment"]["name"] == "scan.pdf"

    officer = caller(app, demo, session_factory, "motcua")
    reply = officer.post(f"/dossiers/{code}/messages", {"body": "Dự kiến thứ Sáu."})
    assert reply.status_code == 201 and reply.get_json()["from_applicant"] is False

    listed = citizen.get(f"/dossiers/{code}/messages").get_json()["items"]
    assert [m["body"] for m in listed] == ["Khi nào có kết quả ạ?", "Bản scan", "Dự kiến thứ Sáu."]


def test_message_refusals_create_nothing(app, demo, session_factory, citizen, stranger, code):
    blank = citizen.post(f"/dossiers/{code}/messages", {"body": ""})
    assert blank.status_code == 422 and "body" in blank.get_json()["error"]["fields"]
    spaces = citizen.post(f"/dossiers/{code}/messages", {"body": "   "})
    assert spaces.status_code == 422 and "body" in spaces.get_json()["error"]["fields"]
    lying = citizen.post_multipart(
        f"/dossiers/{code}/messages", {"body": "Ảnh"}, {"attachment": ("a.pdf", b"GIF89a" * 9)}
    )
    assert lying.status_code == 422 and "attachment" in lying.get_json()["error"]["fields"]
    assert stranger.get(f"/dossiers/{code}/messages").status_code == 404
    assert stranger.post(f"/dossiers/{code}/messages", {"body": "Chào"}).status_code == 404
    partner = caller(app, demo, session_factory, "thulycn")
    assert partner.get(f"/dossiers/{code}/messages").status_code == 404
    with session_factory() as session:
        assert session.query(DossierMessage).count() == 0


# supplement requests


def test_the_applicant_sees_and_answers_a_supplement_request_with_files(
    demo, session_factory, citizen, code
):
    assert citizen.get(f"/dossiers/{code}/tasks").get_json() == {"items": []}
    task_id = ask_supplement(demo, session_factory, code)

    [task] = citizen.get(f"/dossiers/{code}/tasks").get_json()["items"]
    assert task["id"] == task_id and task["form_name"]
    parts = {slot["part"]: slot for slot in task["documents"]}
    assert {SLOT_PART, MARRIAGE_PART} <= parts.keys()
    assert parts[SLOT_PART]["required"] is True

    path = f"/dossiers/{code}/tasks/{task_id}/answer"
    lying = citizen.post_multipart(
        path, {"data": {"supplement_note": "Bổ sung"}}, {MARRIAGE_PART: ("kh.pdf", b"GIF89a")}
    )
    assert lying.status_code == 422
    assert "Nội dung tệp không phải" in lying.get_json()["error"]["fields"][MARRIAGE_PART]
    assert open_task(session_factory, dossier_id_of(session_factory, code)).id == task_id

    answered = citizen.post_multipart(
        path,
        {"data": {"supplement_note": "Đã bổ sung giấy kết hôn."}},
        {MARRIAGE_PART: ("kh.pdf", PDF)},
    )
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["code"] == code
    with session_factory() as session:
        purposes = {(d.document_code, d.purpose) for d in session.scalars(select(DossierDocument))}
    assert ("giay_chung_nhan_ket_hon", "supplement") in purposes
    assert open_task(session_factory, dossier_id_of(session_factory, code)).role == "reception"
    assert citizen.get(f"/dossiers/{code}/tasks").get_json() == {"items": []}
    again = citizen.post(path, {"data": {"supplement_note": "Lần nữa"}})
    assert again.status_code == 409  # answered already


def test_a_json_answer_takes_a_document_from_the_store(app, demo, session_factory, citizen, code):
    task_id = ask_supplement(demo, session_factory, code)
    document_id = stored_document(app, demo, session_factory)
    answered = citizen.post(
        f"/dossiers/{code}/tasks/{task_id}/answer",
        {
            "data": {"supplement_note": "Từ kho"},
            "store_documents": {"giay_chung_sinh": document_id},
        },
    )
    assert answered.status_code == 200, answered.get_json()
    with session_factory() as session:
        purposes = [d.purpose for d in session.scalars(select(DossierDocument))]
    assert purposes.count("supplement") == 1


def test_nobody_else_reads_or_answers_the_applicants_tasks(
    app, demo, session_factory, citizen, stranger, code
):
    task_id = ask_supplement(demo, session_factory, code)
    path = f"/dossiers/{code}/tasks/{task_id}/answer"
    officer = caller(app, demo, session_factory, "motcua")
    for other in (stranger, officer):
        assert other.get(f"/dossiers/{code}/tasks").status_code == 404
        answer = other.post(path, {"data": {"supplement_note": "Giả mạo"}})
        assert answer.status_code == 404
    other_code = submit_with_file(citizen)
    wrong_dossier = citizen.post(
        f"/dossiers/{other_code}/tasks/{task_id}/answer", {"data": {"supplement_note": "x"}}
    )
    assert wrong_dossier.status_code == 404
    with session_factory() as session:
        assert session.get(Task, task_id).state == OPEN


# withdrawal


def test_the_applicant_withdraws_once_with_a_reason(session_factory, citizen, stranger, code):
    path = f"/dossiers/{code}/withdrawal"
    assert citizen.post(path, {}).status_code == 422
    assert citizen.post(path, {"reason": "   "}).status_code == 422
    assert stranger.post(path, {"reason": "Không phải của tôi"}).status_code == 404
    assert status_of(session_factory, code) == "submitted"

    withdrawn = citizen.post(path, {"reason": "Nộp nhầm thủ tục"})
    assert withdrawn.status_code == 200
    assert withdrawn.get_json()["status"] == "withdrawn"
    again = citizen.post(path, {"reason": "Lần nữa"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_the_one_stop_officer_withdraws_at_the_applicants_request_others_may_not(
    app, demo, session_factory, code
):
    path = f"/dossiers/{code}/withdrawal"
    leader = caller(app, demo, session_factory, "lanhdao")
    refused = leader.post(path, {"reason": "Công dân đề nghị"})
    assert refused.status_code == 403
    assert status_of(session_factory, code) == "submitted"
    officer = caller(app, demo, session_factory, "motcua")
    assert officer.post(path, {"reason": "Công dân đề nghị tại quầy"}).status_code == 200
    assert status_of(session_factory, code) == "withdrawn"


# rating


def test_rating_once_after_the_result_is_returned(demo, session_factory, citizen, stranger, code):
    path = f"/dossiers/{code}/rating"
    early = citizen.post(path, {"level": 5})
    assert early.status_code == 409
    carry_to_returned(demo, session_factory, dossier_id_of(session_factory, code))

    assert citizen.post(path, {"level": 6}).status_code == 422
    assert citizen.post(path, {"level": "5"}).status_code == 422
    assert stranger.post(path, {"level": 5}).status_code == 404
    rated = citizen.post(path, {"level": 4, "comment": "Nhanh, đúng hẹn."}, key="danh-gia")
    assert rated.status_code == 201
    assert rated.get_json()["label"] == "Hài lòng"
    replay = citizen.post(path, {"level": 4, "comment": "Nhanh, đúng hẹn."}, key="danh-gia")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert citizen.post(path, {"level": 5}).status_code == 409
    with session_factory() as session:
        assert [(r.level, r.comment) for r in session.scalars(select(Rating))] == [
            (4, "Nhanh, đúng hẹn.")
        ]


# another system's key


def test_a_client_key_needs_the_write_scope_and_acts_as_its_agencys_officers(
    app, demo, session_factory, citizen, code
):
    from engine.demo import WARD_CODE
    from engine.idempotency.models import IdempotencyKey
    from tests.api.callers import Caller
    from tests.api.test_v1_credentials import client_key

    reader = Caller(app, client_key(demo, session_factory, ["dossiers:read"]))
    assert reader.get(f"/dossiers/{code}/messages").status_code == 200
    refused = reader.post(f"/dossiers/{code}/messages", {"body": "Thông báo"})
    assert refused.status_code == 403

    writer = Caller(app, client_key(demo, session_factory, ["dossiers:write"], WARD_CODE))
    sent = writer.post(f"/dossiers/{code}/messages", {"body": "Đã nhận hồ sơ."}, key="k")
    assert sent.status_code == 201 and sent.get_json()["from_applicant"] is False
    assert writer.post("/dossiers/", {"procedure_code": "1.001193", "data": {}}).status_code == 403
    assert writer.get(f"/dossiers/{code}/tasks").status_code == 403  # a read needs :read
    with session_factory() as session:
        assert session.scalar(select(IdempotencyKey.owner)).startswith("client:")
