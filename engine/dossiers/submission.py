"""Submitting a dossier: online by the applicant, or at the counter by a one-stop officer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.configuration.cache import attached, generation_token, remember_generation
from engine.dossiers.codes import next_dossier_code
from engine.dossiers.models import CHANNEL_COUNTER, CHANNEL_ONLINE, CHANNEL_POSTAL, Dossier
from engine.dossiers.search import dossier_search_text
from engine.dossiers.statuses import get_status
from engine.dossiers.step import StepRecord, run_step
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.procedures.form_data import applicant_form_name, validated_form_data
from engine.procedures.models import Procedure, ProcedureVersion
from engine.procedures.queries import latest_version
from engine.procedures.receiving_units import handles_procedure, receiving_agencies
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.models import User
from engine.workflow import runtime
from engine.workflow.serialization import SPEC_CACHE

CHANNELS = {CHANNEL_COUNTER, CHANNEL_ONLINE, CHANNEL_POSTAL}


def submit_dossier(
    session: Session,
    actor: Actor,
    procedure_code: str,
    data: dict,
    *,
    channel: int = CHANNEL_ONLINE,
    agency_id: int | None = None,
) -> Dossier:
    """Create the dossier and run its first step, in the caller's transaction."""
    # the configuration generation comes along: the procedure, its version and units, and the
    # first step's settings may then come from this process's copies
    found = session.execute(
        select(Procedure.id, generation_token().scalar_subquery()).where(
            Procedure.code == procedure_code, Procedure.is_active
        )
    ).first()
    if found is None:
        raise NotFound("Không tìm thấy thủ tục hành chính.")
    procedure_id, token = found
    remember_generation(session, token)
    procedure = attached(session, Procedure, procedure_id)
    version = latest_version(session, procedure)
    agency = _receiving_agency(session, actor, procedure, channel, agency_id)
    application = validated_form_data(version, applicant_form_name(version), data)
    applicant = _applicant(session, actor, channel, application)

    dossier = create_dossier(session, procedure, version, agency, channel, application, applicant)
    start_dossier(session, actor, dossier, _channel_note(channel))
    return dossier


def create_dossier(
    session: Session,
    procedure: Procedure,
    version: ProcedureVersion,
    agency: Agency,
    channel: int,
    application: dict,
    applicant: dict,
) -> Dossier:
    """The new dossier's row, coded and flushed, before its workflow starts: a caller that must
    link something to it first (the national portal's code) does so before `start_dossier`."""
    now = utcnow()
    dossier = Dossier(
        code=next_dossier_code(session, agency.code, now),
        procedure=procedure,
        procedure_version=version,
        agency_id=agency.id,
        receiving_agency_id=agency.id,
        channel=channel,
        status="submitted",
        national_status=get_status("submitted").national,
        form_data=application,
        created_at=now,
        **applicant,
    )
    dossier.search_text = dossier_search_text(dossier)
    session.add(dossier)
    session.flush()
    return dossier


def start_dossier(session: Session, actor: Actor, dossier: Dossier, note: str) -> None:
    """Start the dossier's workflow on its version and run its first step."""
    version = dossier.procedure_version
    specs = SPEC_CACHE.get(version.content_hash, lambda: version.spec)
    workflow = runtime.start_workflow(
        specs, {"application": dossier.form_data, "channel": dossier.channel}
    )
    run_step(
        session,
        dossier,
        actor,
        lambda _workflow: None,
        StepRecord(action="submitted", note=note),
        workflow=workflow,
    )


#: who may submit online: a signed-in person or organisation, never an officer or a system
APPLICANT_KINDS = ("citizen", "organisation")


def refuse_non_applicant(actor: Actor) -> None:
    """Only a citizen or an organisation submits online (an officer receives at the counter)."""
    if actor.user_id is None or actor.kind not in APPLICANT_KINDS:
        raise Forbidden("Chỉ công dân, tổ chức đã đăng nhập mới nộp hồ sơ trực tuyến.")


def _receiving_agency(
    session: Session, actor: Actor, procedure: Procedure, channel: int, agency_id: int | None
) -> Agency:
    """Online: one of the units that handle the procedure (the applicant picks when there are
    several). Counter: the officer's own unit, if it handles the procedure. Never a retired one.
    """
    if channel not in CHANNELS:
        raise InvalidInput("Kênh nộp hồ sơ không hợp lệ.", {"channel": "Kênh nộp không hợp lệ."})
    if channel == CHANNEL_ONLINE:
        refuse_non_applicant(actor)
        return _chosen_unit(session, procedure, agency_id)
    if agency_id is None or not actor.has_role("reception", agency_id):
        raise Forbidden("Chỉ cán bộ một cửa của cơ quan mới tiếp nhận hồ sơ tại quầy.")
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("Không tìm thấy cơ quan tiếp nhận hồ sơ.")
    _refuse_retired(agency)
    if not handles_procedure(session, procedure, agency.id):
        raise Forbidden(f"{agency.name} không tiếp nhận thủ tục {procedure.name}.")
    return agency


def _chosen_unit(session: Session, procedure: Procedure, agency_id: int | None) -> Agency:
    units = receiving_agencies(session, procedure)
    if agency_id is None:
        if len(units) == 1:
            return units[0]
        if not units:
            home = session.get(Agency, procedure.agency_id) if procedure.agency_id else None
            if home is not None:
                _refuse_retired(home)
            raise NotFound("Không tìm thấy cơ quan tiếp nhận hồ sơ.")
        message = "Vui lòng chọn cơ quan tiếp nhận hồ sơ."
        raise InvalidInput(message, {"receiving_agency_id": message})
    chosen = next((unit for unit in units if unit.id == agency_id), None)
    if chosen is None:
        agency = session.get(Agency, agency_id)
        if agency is not None:
            _refuse_retired(agency)
        message = "Cơ quan đã chọn không tiếp nhận thủ tục này."
        raise InvalidInput(message, {"receiving_agency_id": message})
    return chosen


def _refuse_retired(agency: Agency) -> None:
    if not agency.is_active:
        message = f"{agency.name} đã ngừng hoạt động, không tiếp nhận hồ sơ mới."
        raise InvalidInput(message, {"receiving_agency_id": message})


def _applicant(session: Session, actor: Actor, channel: int, application: dict) -> dict:
    if channel == CHANNEL_ONLINE:
        user = session.get(User, actor.user_id)
        return {
            "applicant_user_id": user.id,
            "applicant_name": user.full_name,
            "applicant_id_number": user.id_number,
            "applicant_phone": user.phone,
            "applicant_email": user.email,
        }
    name = str(application.get("applicant_full_name") or "").strip()
    if not name:
        raise InvalidInput(
            "Thiếu họ tên người nộp hồ sơ.",
            {"applicant_full_name": "Vui lòng nhập họ và tên người nộp hồ sơ."},
        )
    return {
        "applicant_user_id": None,
        "applicant_name": name,
        "applicant_id_number": application.get("applicant_id_number"),
        "applicant_phone": application.get("applicant_phone"),
        "applicant_email": application.get("applicant_email"),
    }


def _channel_note(channel: int) -> str:
    return {
        CHANNEL_COUNTER: "Nộp trực tiếp tại Bộ phận Một cửa",
        CHANNEL_ONLINE: "Nộp trực tuyến",
        CHANNEL_POSTAL: "Nộp qua dịch vụ bưu chính",
    }[channel]
