"""API v1 dossiers: own dossiers only, the officer's agencies only, ETag and 304."""

from __future__ import annotations

from tests.conftest import Browser
from tests.factories import KHAI_SINH, birth_application


def signed_in(app, username: str):
    client = app.test_client()
    Browser(client).login(username)
    return client


def submitted_code(citizen) -> str:
    token = citizen.get("/api/csrf").get_json()["csrf_token"]
    created = citizen.post(
        "/api/dossiers",
        json={"procedure_code": KHAI_SINH, "data": birth_application()},
        headers={"X-CSRFToken": token},
    )
    assert created.status_code == 201, created.get_json()
    return created.get_json()["code"]


def test_citizen_lists_and_reads_own_dossier_with_etag(app, demo):
    citizen = signed_in(app, "congdan")
    code = submitted_code(citizen)
    mine = citizen.get("/api/v1/dossiers/").get_json()
    assert [item["code"] for item in mine["items"]] == [code]

    first = citizen.get(f"/api/v1/dossiers/{code}")
    assert first.status_code == 200
    assert first.get_json()["code"] == code
    etag = first.headers["ETag"]
    again = citizen.get(f"/api/v1/dossiers/{code}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    other = citizen.get(f"/api/v1/dossiers/{code}", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200


def test_officers_see_only_their_agencies_and_anonymous_nothing(app, demo):
    code = submitted_code(signed_in(app, "congdan"))
    assert signed_in(app, "motcua").get(f"/api/v1/dossiers/{code}").status_code == 200
    foreign = signed_in(app, "thulycn").get(f"/api/v1/dossiers/{code}")
    assert foreign.status_code == 404
    assert foreign.get_json()["error"]["code"] == "not_found"
    assert signed_in(app, "thulycn").get("/api/v1/dossiers/").get_json()["items"] == []

    anonymous = app.test_client().get(f"/api/v1/dossiers/{code}")
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["code"] == "unauthenticated"
    assert app.test_client().get("/api/v1/dossiers/").status_code == 401


def test_inbox_holds_the_agency_task_only(app, demo):
    code = submitted_code(signed_in(app, "congdan"))
    reception = signed_in(app, "motcua").get("/api/v1/tasks/").get_json()
    assert [task["dossier_code"] for task in reception["items"]] == [code]
    assert signed_in(app, "thulycn").get("/api/v1/tasks/").get_json()["items"] == []
    assert signed_in(app, "congdan").get("/api/v1/tasks/").get_json()["items"] == []


def test_inbox_pages_by_cursor_through_every_open_task(app, demo):
    citizen = signed_in(app, "congdan")
    codes = {submitted_code(citizen) for _ in range(3)}
    reception = signed_in(app, "motcua")
    seen, cursor = [], None
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        answer = reception.get("/api/v1/tasks/", query_string=query).get_json()
        assert len(answer["items"]) <= 2
        seen += answer["items"]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert {task["dossier_code"] for task in seen} == codes
    assert [task["id"] for task in seen] == sorted({task["id"] for task in seen})
