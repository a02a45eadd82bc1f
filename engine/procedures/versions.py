"""A procedure's published versions: which dossiers run on each, and what changed between two.

The diff reads the BPMN as the administrator drew it: flow elements are compared by id, with
their name, type, form, status, condition and connections; diagram coordinates are ignored
(moving a box is not a change of the procedure). Forms are compared field by field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier
from engine.errors import NotFound
from engine.procedures.models import Procedure, ProcedureVersion

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
#: elements that carry no behaviour of their own
IGNORED = {"documentation", "extensionElements", "incoming", "outgoing", "flowNodeRef", "text"}


@dataclass
class VersionSummary:
    version: ProcedureVersion
    dossiers: int
    open_dossiers: int


@dataclass
class ElementChange:
    element_id: str
    kind: str
    name: str
    #: attribute -> (before, after); empty for added / removed elements
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class FormChange:
    form: str
    added_fields: list[str] = field(default_factory=list)
    removed_fields: list[str] = field(default_factory=list)
    changed_fields: list[str] = field(default_factory=list)
    required_before: list[str] = field(default_factory=list)
    required_after: list[str] = field(default_factory=list)


@dataclass
class VersionDiff:
    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)
    forms_added: list[str] = field(default_factory=list)
    forms_removed: list[str] = field(default_factory=list)
    forms_changed: list[FormChange] = field(default_factory=list)
    #: procedure.json keys whose value differs
    record_changed: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


@dataclass
class ProcedureVersions:
    """A procedure with its versions, newest first: the versions page's head."""

    procedure: Procedure
    versions: list[VersionSummary]


def procedure_versions(session: Session, code: str) -> ProcedureVersions:
    """NotFound for an unknown code; every administrator reads every procedure's versions."""
    procedure = session.scalar(select(Procedure).where(Procedure.code == code))
    if procedure is None:
        raise NotFound("Không tìm thấy thủ tục hành chính.")
    return ProcedureVersions(procedure, list_versions(session, procedure))


def list_versions(session: Session, procedure: Procedure) -> list[VersionSummary]:
    """Newest first, with how many dossiers each version carries (open ones apart)."""
    counts = dict(
        session.execute(
            select(Dossier.procedure_version_id, func.count())
            .where(Dossier.procedure_id == procedure.id)
            .group_by(Dossier.procedure_version_id)
        ).all()
    )
    open_counts = dict(
        session.execute(
            select(Dossier.procedure_version_id, func.count())
            .where(Dossier.procedure_id == procedure.id, Dossier.finished_at.is_(None))
            .group_by(Dossier.procedure_version_id)
        ).all()
    )
    versions = sorted(procedure.versions, key=lambda v: v.number, reverse=True)
    return [VersionSummary(v, counts.get(v.id, 0), open_counts.get(v.id, 0)) for v in versions]


def get_version(session: Session, procedure: Procedure, number: int) -> ProcedureVersion:
    version = session.scalar(
        select(ProcedureVersion).where(
            ProcedureVersion.procedure_id == procedure.id, ProcedureVersion.number == number
        )
    )
    if version is None:
        raise NotFound(f"Thủ tục không có phiên bản {number}.")
    return version


def diff_versions(old: ProcedureVersion, new: ProcedureVersion) -> VersionDiff:
    diff = VersionDiff()
    before, after = _elements(old.files), _elements(new.files)
    for element_id in sorted(after.keys() - before.keys()):
        diff.added.append(_change(element_id, after[element_id]))
    for element_id in sorted(before.keys() - after.keys()):
        diff.removed.append(_change(element_id, before[element_id]))
    for element_id in sorted(before.keys() & after.keys()):
        changes = {
            key: (before[element_id].get(key, ""), after[element_id].get(key, ""))
            for key in sorted(before[element_id].keys() | after[element_id].keys())
            if before[element_id].get(key, "") != after[element_id].get(key, "")
        }
        if changes:
            diff.changed.append(_change(element_id, after[element_id], changes))
    old_forms, new_forms = _forms(old.files), _forms(new.files)
    diff.forms_added = sorted(new_forms.keys() - old_forms.keys())
    diff.forms_removed = sorted(old_forms.keys() - new_forms.keys())
    for name in sorted(old_forms.keys() & new_forms.keys()):
        change = _form_change(name, old_forms[name], new_forms[name])
        if change is not None:
            diff.forms_changed.append(change)
    old_record = json.loads(old.files.get("procedure.json", "{}"))
    new_record = json.loads(new.files.get("procedure.json", "{}"))
    diff.record_changed = sorted(
        key
        for key in old_record.keys() | new_record.keys()
        if old_record.get(key) != new_record.get(key)
    )
    return diff


def _elements(files: dict[str, str]) -> dict[str, dict[str, str]]:
    """Flow elements of every BPMN file: id -> comparable description."""
    found: dict[str, dict[str, str]] = {}
    for path, text in files.items():
        if not path.endswith(".bpmn"):
            continue
        root = etree.fromstring(text.encode("utf-8"))
        lanes = {
            ref.text.strip(): lane.get("name", "")
            for lane in root.iter(f"{{{BPMN}}}lane")
            for ref in lane.iter(f"{{{BPMN}}}flowNodeRef")
            if ref.text
        }
        for process in root.iter(f"{{{BPMN}}}process"):
            for element in process.iter():
                if not isinstance(element.tag, str) or element is process:
                    continue
                kind = etree.QName(element).localname
                element_id = element.get("id")
                if not element_id or kind in IGNORED or kind in ("laneSet", "lane"):
                    continue
                found[element_id] = _describe(element, kind, lanes.get(element_id, ""))
    return found


def _describe(element, kind: str, lane: str) -> dict[str, str]:
    description = {"type": kind, "name": element.get("name", "")}
    if lane:
        description["lane"] = lane
    for attribute in ("sourceRef", "targetRef", "default", "attachedToRef", "cancelActivity"):
        if element.get(attribute) is not None:
            description[attribute] = element.get(attribute)
    for prop in element.iter(f"{{{SPIFF}}}property"):
        description[prop.get("name", "")] = prop.get("value", "")
    for operator in element.iter(f"{{{SPIFF}}}serviceTaskOperator"):
        description["operator"] = operator.get("id", "")
    for child in element:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local in ("conditionExpression", "script"):
            description[local] = (child.text or "").strip()
        elif local.endswith("EventDefinition"):
            description["event"] = local
            for inner in child:
                if isinstance(inner.tag, str):
                    description[etree.QName(inner).localname] = (inner.text or "").strip()
    return description


def _change(element_id: str, description: dict, changes=None) -> ElementChange:
    return ElementChange(
        element_id, description.get("type", ""), description.get("name", ""), changes or {}
    )


def _forms(files: dict[str, str]) -> dict[str, dict]:
    return {
        path.removeprefix("forms/"): json.loads(text)
        for path, text in files.items()
        if path.startswith("forms/") and path.endswith(".json")
    }


def _form_change(name: str, old: dict, new: dict) -> FormChange | None:
    old_schema, new_schema = old.get("schema", {}), new.get("schema", {})
    old_fields = old_schema.get("properties", {})
    new_fields = new_schema.get("properties", {})
    change = FormChange(
        form=name,
        added_fields=sorted(new_fields.keys() - old_fields.keys()),
        removed_fields=sorted(old_fields.keys() - new_fields.keys()),
        changed_fields=sorted(
            key
            for key in old_fields.keys() & new_fields.keys()
            if old_fields[key] != new_fields[key]
        ),
    )
    old_required, new_required = old_schema.get("required", []), new_schema.get("required", [])
    if sorted(old_required) != sorted(new_required):
        change.required_before, change.required_after = old_required, new_required
    if old == new:
        return None
    if not any(vars(change)[key] for key in vars(change) if key != "form"):
        change.changed_fields = ["(tiêu đề, mô tả hoặc giao diện)"]
    return change
