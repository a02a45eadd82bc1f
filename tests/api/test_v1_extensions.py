"""API v1 extension requests and staff notices: the processing officer asks, the unit's leader
is told (in their notices) and approves or refuses; refusals change nothing."""

from __future__ import annotations

from tests.api.callers import caller
from tests.unit.engine.deadlines.test_extension_requests import other_ward_leader
from tests.unit.webapp.test_extension_requests import apologies, due_at, requests
from tests.unit.webapp.test_workspace_actions import processing_dossier

REASON = "Chờ kết quả xác minh của Công an phường"


def test_the_officer_asks_the_leader_is_told_and_approves(app, demo, session_factory):
    dossier_id, code, _task = processing_dossier(demo, session_factory)
    old_due = due_at(session_factory, dossier_id)
    officer = caller(app, demo, session_factory, "thuly")
    path = f"/dossiers/{code}/extension-requests"
    asked = officer.post(path, {"reason": REASON, "working_days": 2}, key="gia-han-1")
    assert asked.status_code == 201, asked.get_json()
    request = asked.get_json()
    assert (request["state"], request["dossier_code"], request["working_days"]) == (
        "pending",
        code,
        2,
    )
    replay = officer.post(path, {"reason": REASON, "working_days": 2}, key="gia-han-1")
    assert replay.headers["Idempotent-Replayed"] == "true" and len(requests(session_factory)) == 1
    assert officer.post(path, {"reason": REASON, "working_days": 3}).status_code == 409
    assert [item["id"] for item in officer.get(path).get_json()["items"]] == [request["id"]]

    leader = caller(app, demo, session_factory, "lanhdao")
    notices = leader.get("/staff-notices/").get_json()
    assert notices["unread"] == 1
    [notice] = notices["items"]
    assert notice["dossier_code"] == code and REASON in notice["text"]
    assert not notice["is_read"]
    assert [item["id"] for item in leader.get("/extension-requests/").get_json()["items"]] == [
        request["id"]
    ]

    approved = leader.post(f"/extension-requests/{request['id']}/approve", {})
    assert approved.status_code == 200
    assert approved.get_json()["state"] == "approved"
    assert due_at(session_factory, dossier_id) > old_due
    assert len(apologies(session_factory)) == 1
    again = leader.post(f"/extension-requests/{request['id']}/approve", {})
    assert again.status_code == 409
    decided = leader.get("/extension-requests/?state=approved").get_json()["items"]
    assert [item["id"] for item in decided] == [request["id"]]

    assert leader.post("/staff-notices/read", {}).get_json() == {"marked": 1}
    assert leader.get("/staff-notices/").get_json()["unread"] == 0
    assert (
        caller(app, demo, session_factory, "thuly").get("/staff-notices/").get_json()["items"] == []
    )


def test_bad_requests_are_422_and_change_nothing(app, demo, session_factory):
    _dossier_id, code, _task = processing_dossier(demo, session_factory)
    officer = caller(app, demo, session_factory, "thuly")
    path = f"/dossiers/{code}/extension-requests"
    neither = officer.post(path, {"reason": REASON})
    assert neither.status_code == 422 and "working_days" in neither.get_json()["error"]["fields"]
    blank = officer.post(path, {"reason": " ", "working_days": 2})
    assert blank.status_code == 422 and "reason" in blank.get_json()["error"]["fields"]
    too_long = officer.post(path, {"reason": REASON, "working_days": 61})
    assert too_long.status_code == 422
    bad_day = officer.post(path, {"reason": REASON, "new_due_date": "2026-13-40"})
    assert bad_day.status_code == 422 and "new_due_date" in bad_day.get_json()["error"]["fields"]
    assert requests(session_factory) == []

    officer.post(path, {"reason": REASON, "working_days": 2})
    [request] = requests(session_factory)
    leader = caller(app, demo, session_factory, "lanhdao")
    silent = leader.post(f"/extension-requests/{request.id}/refuse", {"refusal_reason": ""})
    assert silent.status_code == 422
    assert "refusal_reason" in silent.get_json()["error"]["fields"]
    assert requests(session_factory)[0].state == "pending"
    refused = leader.post(
        f"/extension-requests/{request.id}/refuse", {"refusal_reason": "Chưa đủ căn cứ"}
    )
    assert refused.status_code == 200
    assert (refused.get_json()["state"], refused.get_json()["refusal_reason"]) == (
        "refused",
        "Chưa đủ căn cứ",
    )
    assert apologies(session_factory) == []


def test_who_may_ask_list_and_decide(app, demo, session_factory):
    _dossier_id, code, _task = processing_dossier(demo, session_factory)
    path = f"/dossiers/{code}/extension-requests"
    body = {"reason": REASON, "working_days": 2}
    for username, status in (("congdan", 403), ("motcua", 403), ("thulycn", 404)):
        assert caller(app, demo, session_factory, username).post(path, body).status_code == status
    assert caller(app, demo, session_factory, "congdan").get(path).status_code == 404
    assert caller(app, demo, session_factory, "thulycn").get(path).status_code == 404
    assert requests(session_factory) == []

    caller(app, demo, session_factory, "thuly").post(path, body)
    [request] = requests(session_factory)
    other_ward_leader(session_factory)
    stranger = caller(app, demo, session_factory, "lanhdaocn")
    assert stranger.get("/extension-requests/").get_json()["items"] == []
    assert stranger.post(f"/extension-requests/{request.id}/approve", {}).status_code == 404
    for username in ("thuly", "congdan"):
        assert (
            caller(app, demo, session_factory, username).get("/extension-requests/").status_code
            == 403
        )
    assert (
        caller(app, demo, session_factory, "thuly")
        .post(f"/extension-requests/{request.id}/approve", {})
        .status_code
        == 404
    )
    assert requests(session_factory)[0].state == "pending"
