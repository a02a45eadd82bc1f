"""'Hồ sơ của tôi': filter, history, messages both ways, supplement uploads, withdrawal,
rating; and a citizen never reaches another citizen's dossier.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.dossiers.models import DossierDocument, DossierMessage, Rating
from tests.factories import complete, open_task
from tests.unit.webapp.portal.conftest import (
    carry_to_returned,
    dossier_id_of,
    pdf,
    signed_in,
    submit_over_http,
)


@pytest.fixture
def citizen(app, demo):
    return signed_in(app, "congdan")


@pytest.fixture
def code(citizen) -> str:
    return submit_over_http(citizen)


def test_my_dossiers_filters_by_status(citizen, code):
    assert code in citizen.client.get("/ho-so-cua-toi").get_data(as_text=True)
    assert code in citizen.client.get("/ho-so-cua-toi?trang_thai=submitted").get_data(as_text=True)
    other = citizen.client.get("/ho-so-cua-toi?trang_thai=returned").get_data(as_text=True)
    assert code not in other and "ở trạng thái này" in other


def test_history_reads_in_plain_words(citizen, code, demo, session_factory):
    dossier_id = dossier_id_of(session_factory, code)
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept"},
    )
    page = citizen.client.get(f"/ho-so/{code}").get_data(as_text=True)
    history = page.split('id="history"')[1].split("</ol>")[0]
    assert "Hồ sơ được nộp (Nộp trực tuyến)." in history
    assert "Trần Thị Bình đã thực hiện “Tiếp nhận hồ sơ”." in history
    assert "Hồ sơ chuyển sang “Đang xử lý”." in history


def test_messages_go_both_ways_with_attachments(app, citizen, code, session_factory):
    response = citizen.submit(
        f"/ho-so/{code}/tin-nhan",
        {"body": "Tôi gửi thêm bản scan giấy chứng sinh.", "attachment": pdf("scan.pdf")},
        page=f"/ho-so/{code}",
    )
    assert response.status_code == 302

    officer = signed_in(app, "motcua")
    workspace = officer.client.get(f"/can-bo/ho-so/{code}").get_data(as_text=True)
    assert "Tôi gửi thêm bản scan giấy chứng sinh." in workspace
    file_id = re.search(r'href="/tep/(\d+)">scan.pdf', workspace)[1]
    assert officer.client.get(f"/tep/{file_id}").status_code == 200

    response = officer.submit(
        f"/can-bo/ho-so/{code}/tin-nhan",
        {"body": "Đã nhận, cảm ơn anh.", "attachment": pdf("phieu.pdf")},
        page=f"/can-bo/ho-so/{code}",
    )
    assert response.status_code == 302
    page = citizen.client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Đã nhận, cảm ơn anh." in page and "(cán bộ)" in page
    reply_file = re.search(r'href="/tep/(\d+)">phieu.pdf', page)[1]
    assert citizen.client.get(f"/tep/{reply_file}").status_code == 200

    with session_factory() as session:
        senders = [m.from_applicant for m in session.scalars(select(DossierMessage))]
    assert senders == [True, False]


def test_empty_message_is_refused(citizen, code):
    response = citizen.submit(f"/ho-so/{code}/tin-nhan", {"body": "  "}, page=f"/ho-so/{code}")
    assert response.status_code == 400


def test_supplement_request_is_answered_with_uploads_and_the_dossier_moves_on(
    citizen, code, demo, session_factory
):
    dossier_id = dossier_id_of(session_factory, code)
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "supplement", "missing_documents": "Giấy chứng nhận kết hôn"},
    )
    page = citizen.client.get(f"/ho-so/{code}").get_data(as_text=True)
    task_path = re.search(r'href="(/ho-so/[^"]+/cong-viec/\d+)"', page)[1]
    form = citizen.client.get(task_path).get_data(as_text=True)
    assert 'id="doc_giay_chung_nhan_ket_hon"' in form

    lying = citizen.submit(
        task_path,
        {"supplement_note": "Bổ sung", "doc_giay_chung_nhan_ket_hon": pdf("kh.pdf", b"GIF89a")},
    )
    assert lying.status_code == 400
    assert "Nội dung tệp không phải" in lying.get_data(as_text=True)

    response = citizen.submit(
        task_path,
        {
            "supplement_note": "Đã bổ sung giấy kết hôn.",
            "doc_giay_chung_nhan_ket_hon": pdf("kh.pdf"),
        },
    )
    assert response.status_code == 302
    with session_factory() as session:
        purposes = [(d.document_code, d.purpose) for d in session.scalars(select(DossierDocument))]
    assert ("giay_chung_nhan_ket_hon", "supplement") in purposes
    assert open_task(session_factory, dossier_id).role == "reception"


def test_rating_after_the_result_once_per_dossier(citizen, code, demo, session_factory):
    rate = f"/ho-so/{code}/danh-gia"
    early = citizen.submit(rate, {"level": "5"}, page=f"/ho-so/{code}")
    assert early.status_code == 302
    with session_factory() as session:
        assert session.scalar(select(Rating.id)) is None

    carry_to_returned(demo, session_factory, dossier_id_of(session_factory, code))
    page = citizen.client.get(f"/ho-so/{code}").get_data(as_text=True)
    for label in (
        "Rất hài lòng",
        "Hài lòng",
        "Bình thường",
        "Không hài lòng",
        "Rất không hài lòng",
    ):
        assert f">{label}</label>" in page

    citizen.submit(rate, {"level": "4", "comment": "Nhanh gọn."}, page=f"/ho-so/{code}")
    page = citizen.client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Bạn đã đánh giá: <strong>Hài lòng</strong>" in page
    citizen.submit(rate, {"level": "1"}, page=f"/ho-so/{code}")

    with session_factory() as session:
        rating = session.scalars(select(Rating)).one()
        assert (rating.level, rating.comment) == (4, "Nhanh gọn.")
        officers = {o.user_id for o in rating.officers}
    expected = {demo.actor(name).user_id for name in ("motcua", "thuly", "lanhdao")}
    assert officers == expected


def test_another_citizen_never_reaches_the_dossier(app, code, other_citizen, demo):
    intruder = signed_in(app, other_citizen)
    assert intruder.client.get(f"/ho-so/{code}").status_code == 404
    assert intruder.client.get(f"/ho-so/{code}/bien-nhan").status_code == 404
    assert code not in intruder.client.get("/ho-so-cua-toi").get_data(as_text=True)
    for path, data in [
        (f"/ho-so/{code}/tin-nhan", {"body": "xin chào"}),
        (f"/ho-so/{code}/rut-ho-so", {"reason": "x"}),
        (f"/ho-so/{code}/danh-gia", {"level": "1"}),
    ]:
        assert intruder.submit(path, data, page="/ho-so-cua-toi").status_code == 404, path
