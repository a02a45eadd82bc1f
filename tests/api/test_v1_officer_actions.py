"""API v1 officer actions: a birth registration from reception to approval over the API only,
the optimistic version, form errors, hand-overs, rewinds, and who is refused."""

from __future__ import annotations

from sqlalchemy import select

from engine.demo import PARTNER_WARD_CODE
from engine.dossiers.models import Dossier, DossierEvent
from engine.tasks.models import Task
from tests.api.test_v1_credentials import bearer, client_key
from tests.api.test_v1_dossiers import signed_in, submitted_code

#: a client key that may read and act on tasks and dossiers
WRITER = ("tasks:read", "tasks:write", "dossiers:read", "dossiers:write")
APPROVE = {"verification_note": "Hồ sơ đầy đủ, hợp lệ.", "proposal": "propose_approve"}


class Officer:
    """A signed-in workspace user calling the API with the session's CSRF token."""

    def __init__(self, app, username: str):
        self.client = signed_in(app, username)
        self.csrf = self.client.get("/api/csrf").get_json()["csrf_token"]

    def get(self, path: str):
        return self.client.get("/api/v1" + path)

    def post(self, path: str, body: dict | None = None):
        return self.client.post(
            "/api/v1" + path, json=body or {}, headers={"X-CSRFToken": self.csrf}
        )

    def inbox_task(self, code: str) -> dict:
        items = self.get("/tasks/").get_json()["items"]
        [task] = [item for item in items if item["dossier_code"] == code]
        return task


def dossier_status(session_factory, code: str) -> str:
    with session_factory() as session:
        return session.scalar(select(Dossier.status).where(Dossier.code == code))


def user_id(session_factory, demo, username: str) -> int:
    return demo.actor(username).user_id


def test_a_dossier_goes_from_reception_to_approval_over_the_api(app, demo, session_factory):
    code = submitted_code(signed_in(app, "congdan"))
    reception = Officer(app, "motcua")
    task_id = reception.inbox_task(code)["id"]

    opened = reception.get(f"/tasks/{task_id}")
    assert opened.status_code == 200
    task = opened.get_json()
    assert (task["dossier_code"], task["state"], task["assignee"]) == (code, "open", None)
    assert "decision" in task["form"]["schema"]["properties"]
    assert task["form"]["title"] == "Tiếp nhận hồ sơ"

    claimed = reception.post(f"/tasks/{task_id}/claim").get_json()
    assert claimed["assignee_id"] == user_id(session_factory, demo, "motcua")
    assert claimed["version"] > task["version"]
    assert reception.get(f"/tasks/{task_id}").get_json()["assignee"]["full_name"] == (
        "Trần Thị Bình"
    )

    stale = reception.post(
        f"/tasks/{task_id}/complete", {"data": {"decision": "accept"}, "version": task["version"]}
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "conflict"
    assert dossier_status(session_factory, code) == "submitted"

    accepted = reception.post(
        f"/tasks/{task_id}/complete",
        {"data": {"decision": "accept"}, "version": claimed["version"]},
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "processing"

    processing = Officer(app, "thuly")
    task = processing.inbox_task(code)
    proposed = processing.post(
        f"/tasks/{task['id']}/complete", {"data": APPROVE, "version": task["version"]}
    )
    assert proposed.get_json()["status"] == "awaiting_approval"

    leader = Officer(app, "lanhdao")
    task = leader.inbox_task(code)
    approved = leader.post(
        f"/tasks/{task['id']}/complete",
        {"data": {"approval_decision": "approve"}, "version": task["version"]},
    )
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "result_ready"
    assert dossier_status(session_factory, code) == "result_ready"


def test_refused_form_data_is_422_with_field_errors_and_changes_nothing(app, demo, session_factory):
    code = submitted_code(signed_in(app, "congdan"))
    reception = Officer(app, "motcua")
    task = reception.inbox_task(code)

    refused = reception.post(
        f"/tasks/{task['id']}/complete", {"data": {"decision": "maybe"}, "version": task["version"]}
    )
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "invalid_input" and "decision" in error["fields"]
    again = reception.get(f"/tasks/{task['id']}").get_json()
    assert (again["state"], again["version"]) == ("open", task["version"])
    assert dossier_status(session_factory, code) == "submitted"

    huge = reception.post(f"/tasks/{task['id']}/complete", {"data": {}, "version": 2**40})
    assert huge.status_code == 422 and "version" in huge.get_json()["error"]["fields"]
    assert reception.post(f"/tasks/{task['id']}/complete", {"data": {}}).status_code == 422
    assert reception.get(f"/tasks/{2**40}").status_code == 404


def test_forward_release_and_assign_change_the_holder(app, demo, session_factory):
    code = submitted_code(signed_in(app, "congdan"))
    reception = Officer(app, "motcua")
    task = reception.inbox_task(code)
    reception.post(f"/tasks/{task['id']}/complete", {"data": {"decision": "accept"}, "version": 1})
    processing = Officer(app, "thuly")
    task_id = processing.inbox_task(code)["id"]
    colleague = user_id(session_factory, demo, "thuly2")

    nobody = processing.post(f"/tasks/{task_id}/forward", {"to_user_id": 999999})
    assert nobody.status_code == 422
    assert "to_user_id" in nobody.get_json()["error"]["fields"]
    forwarded = processing.post(
        f"/tasks/{task_id}/forward", {"to_user_id": colleague, "note": "Anh xử lý giúp"}
    )
    assert forwarded.status_code == 200
    assert forwarded.get_json()["assignee_id"] == colleague
    assert processing.get(f"/tasks/{task_id}").status_code == 404

    released = Officer(app, "thuly2").post(f"/tasks/{task_id}/release").get_json()
    assert released["assignee_id"] is None

    # a colleague of the unit who does not lead it: refused, not hidden
    assert reception.post(f"/tasks/{task_id}/assign", {"officer_id": colleague}).status_code == 403
    leader = Officer(app, "lanhdao")
    wrong = leader.post(f"/tasks/{task_id}/assign", {"officer_id": reception_id(demo)})
    assert wrong.status_code == 422 and "officer_id" in wrong.get_json()["error"]["fields"]
    assigned = leader.post(f"/tasks/{task_id}/assign", {"officer_id": colleague})
    assert assigned.status_code == 200 and assigned.get_json()["assignee_id"] == colleague
    with session_factory() as session:
        actions = session.scalars(
            select(DossierEvent.action).join(Dossier).where(Dossier.code == code)
        ).all()
    assert {"forwarded", "task_assigned"} <= set(actions)


def reception_id(demo) -> int:
    return demo.actor("motcua").user_id


def test_return_and_undo_reopen_the_earlier_step(app, demo, session_factory):
    citizen = signed_in(app, "congdan")
    code = submitted_code(citizen)
    reception = Officer(app, "motcua")
    task = reception.inbox_task(code)
    reception.post(f"/tasks/{task['id']}/complete", {"data": {"decision": "accept"}, "version": 1})

    assert Officer(app, "congdan").post(f"/dossiers/{code}/undo").status_code == 403
    assert Officer(app, "thulycn").post(f"/dossiers/{code}/undo").status_code == 404
    undone = reception.post(f"/dossiers/{code}/undo")
    assert undone.status_code == 200
    reopened = undone.get_json()
    assert (reopened["role"], reopened["state"]) == ("reception", "open")
    assert reopened["assignee_id"] == reception_id(demo)
    assert dossier_status(session_factory, code) == "submitted"
    nothing = reception.post(f"/dossiers/{code}/undo")
    assert nothing.status_code == 409

    reception.post(
        f"/tasks/{reopened['id']}/complete",
        {"data": {"decision": "accept"}, "version": reopened["version"]},
    )
    processing = Officer(app, "thuly")
    task_id = processing.inbox_task(code)["id"]
    blank = processing.post(f"/tasks/{task_id}/return", {"reason": ""})
    assert blank.status_code == 422 and "reason" in blank.get_json()["error"]["fields"]
    returned = processing.post(f"/tasks/{task_id}/return", {"reason": "Cần xem lại giấy tờ"})
    assert returned.status_code == 200
    assert returned.get_json()["code"] == code
    with session_factory() as session:
        back = session.scalars(
            select(Task).join(Dossier).where(Dossier.code == code, Task.state == "open")
        ).one()
    assert (back.role, back.assignee_id) == ("reception", reception_id(demo))


def test_only_the_agency_administrator_moves_a_step(app, demo, session_factory):
    code = submitted_code(signed_in(app, "congdan"))
    reception = Officer(app, "motcua")
    task = reception.inbox_task(code)
    reception.post(f"/tasks/{task['id']}/complete", {"data": {"decision": "accept"}, "version": 1})
    admin = Officer(app, "quantri")

    steps = admin.get(f"/dossiers/{code}/steps").get_json()["steps"]
    assert steps == [{"bpmn_id": "Task_Reception", "title": "Tiếp nhận hồ sơ"}]
    assert reception.get(f"/dossiers/{code}/steps").get_json()["steps"] == []
    assert Officer(app, "thulycn").get(f"/dossiers/{code}/steps").status_code == 404

    body = {"bpmn_id": "Task_Reception", "reason": "Tiếp nhận nhầm"}
    assert Officer(app, "congdan").post(f"/dossiers/{code}/move-step", body).status_code == 403
    assert reception.post(f"/dossiers/{code}/move-step", body).status_code == 403
    assert Officer(app, "thulycn").post(f"/dossiers/{code}/move-step", body).status_code == 404
    unknown = admin.post(f"/dossiers/{code}/move-step", {**body, "bpmn_id": "Task_Approval"})
    assert unknown.status_code == 422 and "bpmn_id" in unknown.get_json()["error"]["fields"]
    assert dossier_status(session_factory, code) == "processing"

    moved = admin.post(f"/dossiers/{code}/move-step", body)
    assert moved.status_code == 200
    assert moved.get_json()["status"] == dossier_status(session_factory, code)
    assert reception.inbox_task(code)["title"] == "Tiếp nhận hồ sơ"


def test_other_agencies_and_citizens_never_see_the_task(app, demo):
    code = submitted_code(signed_in(app, "congdan"))
    task_id = Officer(app, "motcua").inbox_task(code)["id"]
    for username in ("congdan", "thulycn", "quantri"):
        caller = Officer(app, username)
        assert caller.get(f"/tasks/{task_id}").status_code == 404, username
        assert caller.post(f"/tasks/{task_id}/claim").status_code == 404, username
        complete = caller.post(f"/tasks/{task_id}/complete", {"data": {}, "version": 1})
        assert complete.status_code == 404, username
    anonymous = app.test_client().post(f"/api/v1/tasks/{task_id}/claim", json={})
    assert anonymous.status_code == 401


def test_a_client_key_acts_in_its_agencies_only_and_holds_no_task(app, demo, session_factory):
    code = submitted_code(signed_in(app, "congdan"))
    task_id = Officer(app, "motcua").inbox_task(code)["id"]
    api = app.test_client()
    ward = bearer(client_key(demo, session_factory, WRITER))
    partner = bearer(client_key(demo, session_factory, WRITER, PARTNER_WARD_CODE))
    reader = bearer(client_key(demo, session_factory, ["tasks:read"]))

    assert api.get(f"/api/v1/tasks/{task_id}", headers=ward).status_code == 200
    assert api.get(f"/api/v1/tasks/{task_id}", headers=partner).status_code == 404
    assert api.post(f"/api/v1/tasks/{task_id}/claim", headers=reader).status_code == 403
    assert api.post(f"/api/v1/tasks/{task_id}/claim", headers=ward).status_code == 403
    assert api.post(f"/api/v1/dossiers/{code}/undo", headers=ward).status_code == 403
    body = {"data": {"decision": "accept"}, "version": 1}
    refused = api.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=partner)
    assert refused.status_code == 404
    completed = api.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=ward)
    assert completed.status_code == 200 and completed.get_json()["status"] == "processing"
