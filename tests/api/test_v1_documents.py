"""The e-document store through /api/v1: a citizen adds a file, lists, reads, downloads and
removes her own entries, and reuses one in a submission; a missing or lying file is a 422 and
adds nothing; another citizen gets 404, an officer may not add (403)."""

from __future__ import annotations

import pytest

from engine.documents_store.models import PersonalDocument
from tests.api.callers import PDF, caller, second_citizen, submission


@pytest.fixture
def citizen(app, demo, session_factory):
    return caller(app, demo, session_factory, "congdan")


def store_size(session_factory) -> int:
    with session_factory() as session:
        return session.query(PersonalDocument).count()


def test_a_citizen_keeps_uses_and_removes_a_document(app, demo, session_factory, citizen):
    added = citizen.post_multipart(
        "/documents/", {"title": "Căn cước công dân"}, {"file": ("cccd.pdf", PDF)}, key="cccd"
    )
    assert added.status_code == 201, added.get_json()
    document = added.get_json()
    assert document["title"] == "Căn cước công dân" and document["source"] == "upload"
    assert (document["name"], document["content_type"]) == ("cccd.pdf", "application/pdf")
    replay = citizen.post_multipart(
        "/documents/", {"title": "Căn cước công dân"}, {"file": ("cccd.pdf", PDF)}, key="cccd"
    )
    assert replay.headers["Idempotent-Replayed"] == "true" and store_size(session_factory) == 1

    listed = citizen.get("/documents/").get_json()["items"]
    assert [item["id"] for item in listed] == [document["id"]]
    assert citizen.get(f"/documents/{document['id']}").get_json() == document
    download = citizen.get(f"/documents/{document['id']}/file")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="cccd.pdf"')

    submitted = citizen.post(
        "/dossiers/", submission(store_documents={"giay_chung_sinh": document["id"]})
    )
    assert submitted.status_code == 201, submitted.get_json()

    removed = citizen.client.delete(
        f"/api/v1/documents/{document['id']}", headers=citizen._headers(None)
    )
    assert removed.status_code == 204
    assert citizen.get("/documents/").get_json() == {"items": []}
    assert citizen.get(f"/documents/{document['id']}").status_code == 404


def test_refused_uploads_add_nothing(app, demo, session_factory, citizen):
    no_file = citizen.post("/documents/", {"title": "CCCD"})
    assert no_file.status_code == 422
    assert no_file.get_json()["error"]["fields"]["file"] == "Vui lòng chọn tệp giấy tờ."
    lying = citizen.post_multipart(
        "/documents/", {"title": "Ảnh"}, {"file": ("anh.pdf", b"GIF89a" * 9)}
    )
    assert lying.status_code == 422 and "file" in lying.get_json()["error"]["fields"]
    long_title = citizen.post_multipart(
        "/documents/", {"title": "x" * 256}, {"file": ("a.pdf", PDF)}
    )
    assert long_title.status_code == 422 and "title" in long_title.get_json()["error"]["fields"]
    officer = caller(app, demo, session_factory, "motcua")
    refused = officer.post_multipart("/documents/", {"title": "CCCD"}, {"file": ("a.pdf", PDF)})
    assert refused.status_code == 403
    assert store_size(session_factory) == 0


def test_another_citizen_never_sees_the_document(app, demo, session_factory, citizen):
    added = citizen.post_multipart("/documents/", {}, {"file": ("cccd.pdf", PDF)})
    assert added.status_code == 201 and added.get_json()["title"] == "cccd.pdf"
    document_id = added.get_json()["id"]
    stranger = second_citizen(app, demo, session_factory)
    assert stranger.get("/documents/").get_json() == {"items": []}
    assert stranger.get(f"/documents/{document_id}").status_code == 404
    assert stranger.get(f"/documents/{document_id}/file").status_code == 404
    gone = stranger.client.delete(
        f"/api/v1/documents/{document_id}", headers=stranger._headers(None)
    )
    assert gone.status_code == 404
    assert store_size(session_factory) == 1
