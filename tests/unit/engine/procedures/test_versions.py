"""Publishing a new version keeps running dossiers on theirs; the diff says what changed."""

from __future__ import annotations

import json

from engine.db import transaction
from engine.demo import PROCESSES_DIR
from engine.dossiers.models import Dossier
from engine.procedures.package import load_package_dir, package_from_files
from engine.procedures.publishing import publish_package
from engine.procedures.queries import get_procedure
from engine.procedures.versions import diff_versions, get_version, list_versions
from tests.factories import complete, open_task, submit

EXTRA_TASK = """
    <bpmn:userTask id="Task_Archive" name="Lưu hồ sơ">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="result_return.json" />
          <spiffworkflow:property name="dossierStatus" value="result_ready" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_ToReturned</bpmn:incoming>
      <bpmn:outgoing>Flow_Archived</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_Archived" sourceRef="Task_Archive" targetRef="EndEvent_Returned" />
"""


def second_version_files() -> dict[str, bytes]:
    """Birth registration with an archive step before the end and a new approval field."""
    files = dict(load_package_dir(PROCESSES_DIR / "dang_ky_khai_sinh").files)
    bpmn = files["process.bpmn"].decode()
    bpmn = bpmn.replace(
        '<bpmn:sequenceFlow id="Flow_ToReturned" sourceRef="Task_ReturnResult" '
        'targetRef="EndEvent_Returned" />',
        '<bpmn:sequenceFlow id="Flow_ToReturned" sourceRef="Task_ReturnResult" '
        'targetRef="Task_Archive" />' + EXTRA_TASK,
    )
    bpmn = bpmn.replace(
        "<bpmn:incoming>Flow_ToReturned</bpmn:incoming>\n    </bpmn:endEvent>",
        "<bpmn:incoming>Flow_Archived</bpmn:incoming>\n    </bpmn:endEvent>",
    )
    bpmn = bpmn.replace(
        "<bpmn:flowNodeRef>Task_ReturnResult</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>Task_ReturnResult</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>Task_Archive</bpmn:flowNodeRef>",
    )
    bpmn = bpmn.replace('name="Phê duyệt kết quả"', 'name="Ký Giấy khai sinh"')
    files["process.bpmn"] = bpmn.encode()
    approval = json.loads(files["forms/approval.json"])
    approval["schema"]["properties"]["signed_at"] = {"type": "string", "title": "Ngày ký"}
    files["forms/approval.json"] = json.dumps(approval, ensure_ascii=False).encode()
    return files


def walk_to_result(session_factory, demo, dossier_id):
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept"},
    )
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {"verification_note": "Đủ.", "proposal": "propose_approve"},
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


def test_old_dossiers_finish_on_their_version(demo, session_factory):
    old_id, _ = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session, transaction(session):
        version = publish_package(
            session, demo.actor("quantri"), package_from_files(second_version_files())
        )
        assert version.number == 2
    new_id, _ = submit(session_factory, demo.actor("congdan"))

    with session_factory() as session:
        procedure = get_procedure(session, "1.001193")
        summary = {
            s.version.number: (s.dossiers, s.open_dossiers)
            for s in list_versions(session, procedure)
        }
        assert summary == {2: (1, 1), 1: (1, 1)}

    walk_to_result(session_factory, demo, old_id)
    with session_factory() as session:
        old = session.get(Dossier, old_id)
        assert old.procedure_version.number == 1 and old.status == "returned"

    walk_to_result(session_factory, demo, new_id)
    archive = open_task(session_factory, new_id, "reception")
    assert archive.title == "Lưu hồ sơ"
    with session_factory() as session:
        assert session.get(Dossier, new_id).procedure_version.number == 2


def test_diff_names_added_changed_elements_and_form_fields(demo, session_factory):
    with session_factory() as session, transaction(session):
        publish_package(session, demo.actor("quantri"), package_from_files(second_version_files()))
    with session_factory() as session:
        procedure = get_procedure(session, "1.001193")
        diff = diff_versions(get_version(session, procedure, 1), get_version(session, procedure, 2))
    assert [(e.element_id, e.kind, e.name) for e in diff.added] == [
        ("Flow_Archived", "sequenceFlow", ""),
        ("Task_Archive", "userTask", "Lưu hồ sơ"),
    ]
    assert diff.removed == []
    changed = {e.element_id: e.changes for e in diff.changed}
    assert changed["Task_Approval"] == {"name": ("Phê duyệt kết quả", "Ký Giấy khai sinh")}
    assert changed["Flow_ToReturned"] == {"targetRef": ("EndEvent_Returned", "Task_Archive")}
    assert [(f.form, f.added_fields) for f in diff.forms_changed] == [
        ("approval.json", ["signed_at"])
    ]
    assert not diff.is_empty


def test_same_version_has_an_empty_diff(demo, session):
    procedure = get_procedure(session, "1.001193")
    version = get_version(session, procedure, 1)
    assert diff_versions(version, version).is_empty
