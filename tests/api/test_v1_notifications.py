"""The applicant's notifications through /api/v1: what the portal's Thông báo lists, marked
read once; another citizen sees none of them."""

from __future__ import annotations

from tests.api.callers import caller, second_citizen, submit_with_file


def test_the_applicant_reads_her_notifications_and_marks_them_read(app, demo, session_factory):
    citizen = caller(app, demo, session_factory, "congdan")
    code = submit_with_file(citizen)
    listed = citizen.get("/notifications/").get_json()
    assert listed["unread"] >= 1
    assert {item["dossier_code"] for item in listed["items"]} == {code}
    assert all(item["text"] and item["is_read"] is False for item in listed["items"])

    stranger = second_citizen(app, demo, session_factory)
    assert stranger.get("/notifications/").get_json() == {"items": [], "unread": 0}
    assert stranger.post("/notifications/read", {}).get_json() == {"marked": 0}

    marked = citizen.post("/notifications/read", {})
    assert marked.status_code == 200 and marked.get_json() == {"marked": listed["unread"]}
    after = citizen.get("/notifications/").get_json()
    assert after["unread"] == 0 and all(item["is_read"] for item in after["items"])
    assert citizen.post("/notifications/read", {}).get_json() == {"marked": 0}
