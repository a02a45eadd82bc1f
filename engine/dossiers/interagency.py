"""Liên thông and phối hợp: which agency a BPMN task is offered to, and who holds the dossier.

A user task with the property `agencyCodeVariable` is offered to the agency whose code is in
that task-data variable (a form field such as `target_agency_code`, or the element variable of a
multi-instance task over `coordinating_agency_codes`); every other officer task goes to the
agency that received the dossier. The open officer task that sets the dossier's status
(`dossierStatus`) holds the dossier: `dossier.agency_id` follows it, so a transfer moves the
dossier into the receiving agency's inbox and the way back returns it. Every other agency that
took part keeps read access through `dossier_agencies`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.dossiers.models import Dossier, DossierAgency
from engine.errors import InvalidInput
from engine.users.roles import APPLICANT_LANE
from engine.workflow import runtime

AGENCY_VARIABLE = "agencyCodeVariable"


def task_agency_id(session: Session, dossier: Dossier, spiff_task) -> int | None:
    """The agency whose officers the task is offered to; None for the applicant's own tasks."""
    if (spiff_task.task_spec.lane or APPLICANT_LANE) == APPLICANT_LANE:
        return None
    variable = runtime.task_properties(spiff_task).get(AGENCY_VARIABLE)
    if not variable:
        return dossier.receiving_agency_id
    code = str(spiff_task.data.get(variable) or "").strip()
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        message = f"Không tìm thấy cơ quan có mã “{code}”."
        raise InvalidInput(message, {_form_field(variable): message})
    if not agency.is_active:
        message = f"{agency.name} (mã {code}) đã ngừng hoạt động, không nhận hồ sơ mới."
        raise InvalidInput(message, {_form_field(variable): message})
    return agency.id


def settle_agencies(session: Session, dossier: Dossier, workflow) -> None:
    """Move the dossier to the agency of the task that holds it; remember every partner agency."""
    holder = None
    for spiff_task in runtime.open_user_tasks(workflow):
        agency_id = task_agency_id(session, dossier, spiff_task)
        if agency_id is None:
            continue
        holds = bool(runtime.task_properties(spiff_task).get("dossierStatus"))
        if agency_id != dossier.receiving_agency_id:
            _grant_access(dossier, agency_id, "transfer" if holds else "coordination")
        if holds:
            holder = agency_id
    if holder is not None:
        dossier.agency_id = holder


def _grant_access(dossier: Dossier, agency_id: int, part: str) -> None:
    if all(link.agency_id != agency_id for link in dossier.agency_links):
        dossier.agency_links.append(DossierAgency(agency_id=agency_id, part=part))


def _form_field(variable: str) -> str:
    """The element variable of a multi-instance task comes from the plural form field."""
    return "coordinating_agency_codes" if variable == "coordinating_agency_code" else variable
