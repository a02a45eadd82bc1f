"""API v1 result files: the officers attach them (multipart) and download their bytes with the
safe file headers; the applicant sees and downloads them only once the result is returned;
other agencies and citizens get 404; refused files are 422 and keep nothing."""

from __future__ import annotations

from sqlalchemy import select

from engine.dossiers.models import DossierDocument
from engine.files.models import StoredFile
from tests.api.callers import PDF, caller
from tests.factories import complete, open_task, submit
from webapp.file_responses import FILE_CONTENT_SECURITY_POLICY

TITLE = "Giấy khai sinh (bản điện tử)"
#: a scanned result: images are not signed, so the dossier can be returned without a signer
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def received(demo, session_factory) -> tuple[int, str]:
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    reception = open_task(session_factory, dossier_id, "reception")
    complete(session_factory, demo.actor("motcua"), reception.id, {"decision": "accept"})
    return dossier_id, code


def attach(
    officer, code: str, content: bytes = PDF, *, name: str = "khai-sinh.pdf", key=None, **payload
):
    return officer.post_multipart(
        f"/dossiers/{code}/results",
        {"title": TITLE, **payload},
        {"file": (name, content)},
        key=key,
    )


def result_count(session_factory) -> int:
    with session_factory() as session:
        return session.query(DossierDocument).filter_by(purpose="result").count()


def returned(demo, session_factory, dossier_id: int) -> None:
    """Proposed, approved and handed over at the counter."""
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {"verification_note": "Hợp lệ.", "proposal": "propose_approve"},
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


def test_an_officer_attaches_lists_and_downloads_a_result(app, demo, session_factory):
    dossier_id, code = received(demo, session_factory)
    officer = caller(app, demo, session_factory, "thuly")
    answer = attach(officer, code, key="ket-qua-1")
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["title"], body["name"], body["content_type"]) == (
        TITLE,
        "khai-sinh.pdf",
        "application/pdf",
    )
    assert body["size"] == len(PDF)
    assert answer.headers["Location"] == body["download_url"]
    again = attach(officer, code, key="ket-qua-1")
    assert again.headers["Idempotent-Replayed"] == "true" and result_count(session_factory) == 1

    listed = caller(app, demo, session_factory, "motcua").get(f"/dossiers/{code}/results")
    assert [item["id"] for item in listed.get_json()["items"]] == [body["id"]]
    download = officer.client.get(body["download_url"], headers=officer._headers(None))
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Security-Policy"] == FILE_CONTENT_SECURITY_POLICY
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith(
        'attachment; filename="khai-sinh.pdf"'
    )
    assert download.headers["Cache-Control"] == "private, no-store"
    # the HTML dossier page shows the same file
    with session_factory() as session:
        assert session.get(DossierDocument, body["id"]).dossier_id == dossier_id


def test_the_applicant_sees_the_result_only_once_returned(app, demo, session_factory):
    dossier_id, code = received(demo, session_factory)
    body = attach(caller(app, demo, session_factory, "thuly"), code, PNG, name="ban-quet.png")
    body = body.get_json()
    citizen = caller(app, demo, session_factory, "congdan")
    assert citizen.get(f"/dossiers/{code}/results").get_json()["items"] == []
    assert citizen.get(f"/dossiers/{code}/results/{body['id']}").status_code == 404
    assert attach(citizen, code).status_code == 404

    returned(demo, session_factory, dossier_id)
    items = citizen.get(f"/dossiers/{code}/results").get_json()["items"]
    assert [item["id"] for item in items] == [body["id"]]
    download = citizen.get(f"/dossiers/{code}/results/{body['id']}")
    assert download.status_code == 200 and download.data == PNG
    assert download.mimetype == "image/png"
    ended = attach(caller(app, demo, session_factory, "thuly"), code)
    assert ended.status_code == 422 and "result_file" in ended.get_json()["error"]["fields"]
    assert result_count(session_factory) == 1


def test_other_agencies_and_citizens_get_404(app, demo, session_factory):
    _dossier_id, code = received(demo, session_factory)
    body = attach(caller(app, demo, session_factory, "thuly"), code).get_json()
    for username in ("thulycn", "thanhtra"):
        other = caller(app, demo, session_factory, username)
        assert other.get(f"/dossiers/{code}/results").status_code == 404
        assert other.get(f"/dossiers/{code}/results/{body['id']}").status_code == 404
        assert attach(other, code).status_code == 404
    # a result id of another dossier is not found under this one
    _other_id, other_code = received(demo, session_factory)
    officer = caller(app, demo, session_factory, "thuly")
    assert officer.get(f"/dossiers/{other_code}/results/{body['id']}").status_code == 404
    assert officer.get(f"/dossiers/{code}/results/{2**40}").status_code == 404
    anonymous = app.test_client().get(f"/api/v1/dossiers/{code}/results")
    assert anonymous.status_code == 401
    assert result_count(session_factory) == 1


def test_a_missing_or_refused_file_is_422_and_keeps_nothing(app, demo, session_factory):
    _dossier_id, code = received(demo, session_factory)
    officer = caller(app, demo, session_factory, "thuly")
    with session_factory() as session:
        files_before = session.scalar(select(StoredFile.id).order_by(StoredFile.id.desc()))
    missing = officer.post(f"/dossiers/{code}/results", {"title": TITLE})
    assert missing.status_code == 422
    assert "result_file" in missing.get_json()["error"]["fields"]
    hostile = attach(officer, code, b"MZ\x90\x00 not a pdf")
    assert hostile.status_code == 422 and "result_file" in hostile.get_json()["error"]["fields"]
    long_title = attach(officer, code, title="x" * 501)
    assert long_title.status_code == 422 and "title" in long_title.get_json()["error"]["fields"]
    assert result_count(session_factory) == 0
    with session_factory() as session:
        assert session.scalar(select(StoredFile.id).order_by(StoredFile.id.desc())) == files_before


def test_the_portal_download_hides_a_draft_result_from_the_applicant(app, demo, session_factory):
    from tests.conftest import Browser

    dossier_id, code = received(demo, session_factory)
    body = attach(caller(app, demo, session_factory, "thuly"), code, PNG, name="ban-quet.png")
    with session_factory() as session:
        file_id = session.get(DossierDocument, body.get_json()["id"]).stored_file_id
    citizen = app.test_client()
    Browser(citizen).login("congdan")
    assert citizen.get(f"/tep/{file_id}").status_code == 404
    returned(demo, session_factory, dossier_id)
    download = citizen.get(f"/tep/{file_id}")
    assert download.status_code == 200 and download.data == PNG
