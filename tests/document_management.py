"""Birth registration with its result numbered by the document-management system: the shipped
package with a `qlvb/issue-document` service task between the leader's approval and the return."""

from __future__ import annotations

import shutil
from pathlib import Path

from engine.db import transaction
from engine.demo import PROCESSES_DIR, WARD_CODE
from engine.procedures.package import load_package_dir
from engine.procedures.publishing import publish_package
from engine.users.actor import SYSTEM

SERVICE_TASK = """
    <bpmn:serviceTask id="Task_IssueDocument" name="Cấp số, ký ban hành văn bản">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="qlvb/issue-document"
            resultVariable="issued_document">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="title" type="str" value="&quot;Giấy khai sinh&quot;" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_Approved</bpmn:incoming>
      <bpmn:outgoing>Flow_Issued</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="Flow_Issued" sourceRef="Task_IssueDocument"
        targetRef="Task_ReturnResult" />
    <bpmn:userTask id="Task_ReturnResult" name="Trả kết quả">"""


def publish_numbered_birth_registration(session_factory, directory: Path) -> None:
    """Publish khai sinh, approval → numbering by the system → return (no agency signature:
    the system signs)."""
    package = directory / "khai_sinh_qlvb"
    shutil.copytree(PROCESSES_DIR / "dang_ky_khai_sinh", package)
    bpmn = package / "process.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    text = text.replace('<spiffworkflow:property name="signResult" value="true" />', "")
    text = text.replace(
        'sourceRef="Gateway_ApprovalDecision" targetRef="Task_ReturnResult"',
        'sourceRef="Gateway_ApprovalDecision" targetRef="Task_IssueDocument"',
    )
    opening = '    <bpmn:userTask id="Task_ReturnResult" name="Trả kết quả">'
    assert opening in text
    text = text.replace(opening, SERVICE_TASK.lstrip("\n"), 1)
    return_task = text.index(opening.strip())
    text = text[:return_task] + text[return_task:].replace(
        "<bpmn:incoming>Flow_Approved</bpmn:incoming>",
        "<bpmn:incoming>Flow_Issued</bpmn:incoming>",
        1,
    )
    bpmn.write_text(text, encoding="utf-8")
    with session_factory() as session, transaction(session):
        publish_package(session, SYSTEM, load_package_dir(package), agency_code=WARD_CODE)
