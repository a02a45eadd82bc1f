"""What each printed official document (Mẫu 01-05) says about one dossier.

Each function gathers the values a template in forms/documents/templates/ fills in, after the
scope rule: an officer only for dossiers of their agencies, the applicant only their own,
NotFound otherwise. Reasons and missing documents come from what the officers typed in the
workflow's forms, unless the caller passes its own text.
"""

from __future__ import annotations

import re
from datetime import date

from SpiffWorkflow import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.calendar.working_days import calendar_from_session
from engine.calendar.written_dates import written_date, written_time
from engine.dossiers.models import Dossier, DossierEvent
from engine.dossiers.queries import get_dossier
from engine.dossiers.statuses import get_status
from engine.tasks.models import CANCELLED, Task
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.models import User
from engine.users.roles import APPLICANT_LANE, ROLES
from engine.workflow import runtime
from engine.workflow.models import WorkflowState

#: task-data keys the shipped procedures' forms use, most specific first
MISSING_DOCUMENT_KEYS = ("missing_documents", "processing_missing_documents")
SUPPLEMENT_REASON_KEYS = ("supplement_reason", "reason")
REFUSAL_REASON_KEYS = ("refusal_reason", "reason", "proposal_reason")

_AGENCY_PREFIXES = re.compile(
    r"^(ủy ban nhân dân|ubnd|phường|xã|thị trấn|thị xã|quận|huyện|tỉnh|thành phố|tp\.?)\s+",
    re.IGNORECASE,
)
_ITEM_SPLIT = re.compile(r"[\n;]+")
_ITEM_BULLET = re.compile(r"^\s*(?:[-•*+]|\d+[.)])\s*")


def receipt_data(session: Session, actor: Actor, code: str, *, lookup_base_url: str) -> dict:
    """Mẫu 01: what was received, when the result is due, and where to follow it."""
    dossier = get_dossier(session, actor, code)
    version = dossier.procedure_version
    documents = version.procedure_record().get("documents", [])
    return {
        **_dossier_values(dossier, actor),
        "components": [_component(document) for document in documents if document.get("required")],
        "dossier_count": "01",
        "deadline_days": dossier.procedure.deadline_working_days,
        "result_delivery": dossier.form_data.get("result_delivery")
        or f"Bộ phận tiếp nhận và trả kết quả {dossier.receiving_agency.name}",
        "receiver_name": _receiver_name(session, dossier, actor),
        "lookup_url": f"{lookup_base_url.rstrip('/')}/tra-cuu?ma={dossier.code}",
    }


def supplement_request_data(
    session: Session,
    actor: Actor,
    code: str,
    *,
    missing: str | None = None,
    reason: str | None = None,
) -> dict:
    """Mẫu 02: everything missing, and why, in one go (the applicant is asked once)."""
    dossier = get_dossier(session, actor, code)
    given = _latest_task_values(session, dossier)
    missing = missing or _first(given, MISSING_DOCUMENT_KEYS)
    return {
        **_dossier_values(dossier, actor),
        "missing_items": missing_items(missing),
        "reason": reason or _first(given, SUPPLEMENT_REASON_KEYS),
        "agency_phone": "",
    }


def refusal_data(session: Session, actor: Actor, code: str, *, reason: str | None = None) -> dict:
    """Mẫu 03: the refusal, its legal basis and reason."""
    dossier = get_dossier(session, actor, code)
    given = _latest_task_values(session, dossier)
    basis = dossier.procedure_version.procedure_record().get("legal_basis", [])
    return {
        **_dossier_values(dossier, actor),
        "legal_basis": "; ".join(f"{law['title']} số {law['code']}" for law in basis),
        "reason": reason or _first(given, REFUSAL_REASON_KEYS),
    }


def apology_data(
    session: Session,
    actor: Actor,
    code: str,
    *,
    reason: str | None = None,
    new_due_date: date | None = None,
) -> dict:
    """Mẫu 04: the apology for a late result and the new date; blanks are filled by hand."""
    dossier = get_dossier(session, actor, code)
    return {
        **_dossier_values(dossier, actor),
        "reason": reason,
        "new_due_date": written_date(new_due_date),
    }


def control_slip_data(session: Session, actor: Actor, code: str) -> dict:
    """Mẫu 05: one row per hand-over, from the tasks the dossier went through."""
    dossier = get_dossier(session, actor, code)
    tasks = list(
        session.scalars(
            select(Task)
            .where(Task.dossier_id == dossier.id, Task.state != CANCELLED)
            .order_by(Task.created_at, Task.id)
        )
    )
    names = _user_names(session, {task.completed_by_id for task in tasks})
    agencies = _agency_names(session, {task.agency_id for task in tasks})
    calendar = calendar_from_session(session)
    applicant = f"Người nộp hồ sơ: {dossier.applicant_name}"
    rows = []
    giver, handed_at, timing = applicant, dossier.created_at, None
    for task in tasks:
        holder = _holder(task, dossier, names, agencies)
        rows.append(
            _handover(giver, _stage(task, dossier, agencies), handed_at, timing, task.title)
        )
        if task.completed_at is None:
            break
        giver, handed_at = holder, task.completed_at
        due = task.due_at or dossier.due_at
        timing = str(calendar.classify(due, task.completed_at)) if due else None
    if dossier.returned_at is not None:
        rows.append(_handover(giver, applicant, dossier.returned_at, dossier.timing, "Trả kết quả"))
    others = sorted(
        name for agency_id, name in agencies.items() if agency_id != dossier.receiving_agency_id
    )
    return {
        **_dossier_values(dossier, actor),
        "agency_name": dossier.agency.name,
        "coordinating_agencies": ", ".join(others),
        "handovers": rows,
    }


def place_name(agency: Agency) -> str:
    """'UBND phường Phú Cường' -> 'Phú Cường', for the '<place>, ngày ...' line."""
    name = agency.name.strip()
    while (shorter := _AGENCY_PREFIXES.sub("", name, count=1)) != name:
        name = shorter
    return name or agency.name


def _dossier_values(dossier: Dossier, actor: Actor) -> dict:
    """What every document of a dossier prints: issuer, applicant, procedure, times."""
    agency = dossier.receiving_agency
    form = dossier.form_data or {}
    return {
        "code": dossier.code,
        "agency_name": agency.name,
        "agency_upper": agency.name.upper(),
        "parent_agency_upper": agency.parent.name.upper() if agency.parent else "",
        "reception_unit": f"Bộ phận tiếp nhận và trả kết quả {agency.name}",
        "place": place_name(agency),
        "issued_date": written_date(utcnow()),
        "applicant_name": dossier.applicant_name,
        "applicant_id_number": dossier.applicant_id_number,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "applicant_address": form.get("applicant_address"),
        "procedure_name": dossier.procedure.name,
        "procedure_code": dossier.procedure.code,
        "submitted_time": written_time(dossier.created_at),
        "received_time": written_time(dossier.received_at),
        "received_on": written_date(dossier.received_at).removeprefix("ngày "),
        "due_time": written_time(dossier.due_at),
        "officer_name": actor.full_name if actor.is_officer else "",
    }


def _component(document: dict) -> str:
    form = "bản chính" if document.get("original") else "bản sao"
    return f"{document['name']} ({form}: {document.get('copies', 1):02d})"


def _receiver_name(session: Session, dossier: Dossier, actor: Actor) -> str:
    """Who received the dossier: the person whose step started the legal clock."""
    for event in session.scalars(
        select(DossierEvent)
        .where(DossierEvent.dossier_id == dossier.id)
        .order_by(DossierEvent.at, DossierEvent.id)
    ):
        if event.to_status and get_status(event.to_status).clock not in ("not_started",):
            return event.actor_name if event.actor_id else ""
    return actor.full_name if actor.is_officer else ""


def _latest_task_values(session: Session, dossier: Dossier) -> dict:
    """Each task-data key at the value it was last changed to, over the completed tasks.

    Printing is rare, so loading the workflow here is fine; lists never do it.
    """
    state = session.get(WorkflowState, dossier.id)
    if state is None:
        return {}
    version = dossier.procedure_version
    workflow = runtime.load_workflow(version.id, version.spec, state.state)
    completed = sorted(
        workflow.get_tasks(state=TaskState.COMPLETED), key=lambda task: task.last_state_change
    )
    values: dict = {}
    for task in completed:
        for key, value in task.data.items():
            if isinstance(value, str) and value.strip():
                values[key] = value
    return values


def _first(values: dict, keys: tuple[str, ...]) -> str | None:
    return next((values[key] for key in keys if values.get(key)), None)


def missing_items(text: str | None) -> list[str]:
    """A typed list of missing documents, one per line or separated by ';'."""
    if not text:
        return []
    items = (_ITEM_BULLET.sub("", part).strip() for part in _ITEM_SPLIT.split(text))
    return [item for item in items if item]


def _user_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    ids = {user_id for user_id in ids if user_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _agency_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    ids = {agency_id for agency_id in ids if agency_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(ids))).all())


def _stage(task: Task, dossier: Dossier, agencies: dict[int, str]) -> str:
    """Who a task hands the dossier to: the role, and the agency when it is another one."""
    if task.role == APPLICANT_LANE:
        return f"Người nộp hồ sơ: {dossier.applicant_name}"
    label = ROLES.get(task.role, task.role)
    if task.agency_id is not None and task.agency_id != dossier.receiving_agency_id:
        return f"{label}, {agencies.get(task.agency_id, '')}"
    return label


def _holder(task: Task, dossier: Dossier, names: dict[int, str], agencies: dict[int, str]) -> str:
    stage = _stage(task, dossier, agencies)
    name = names.get(task.completed_by_id) if task.role != APPLICANT_LANE else None
    return f"{stage} {name}" if name else stage


def _handover(giver: str, receiver: str, at, timing: str | None, note: str) -> dict:
    return {
        "parties": f"1. Giao: {giver}\n2. Nhận: {receiver}",
        "time": written_time(at),
        "timing": timing,
        "note": note,
    }
