"""Submitting a dossier: online by the applicant, or at the counter by a one-stop officer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.dossiers.codes import next_dossier_code
from engine.dossiers.models import CHANNEL_COUNTER, CHANNEL_ONLINE, CHANNEL_POSTAL, Dossier
from engine.dossiers.search import dossier_search_text
from engine.dossiers.statuses import get_status
from engine.dossiers.step import StepRecord, run_step
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.procedures.form_data import applicant_form_name, validated_form_data
from engine.procedures.models import Procedure
from engine.procedures.queries import latest_version
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
    procedure = session.scalar(
        select(Procedure).where(Procedure.code == procedure_code, Procedure.is_active)
    )
    if procedure is None:
        raise NotFound("Không tìm thấy thủ tục hành chính.")
    version = latest_version(session, procedure)
    agency = _receiving_agency(session, actor, procedure, channel, agency_id)
    application = validated_form_data(version, applicant_form_name(version), data)
    applicant = _applicant(session, actor, channel, application)

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

    specs = SPEC_CACHE.get(version.content_hash, lambda: version.spec)
    workflow = runtime.start_workflow(specs, {"application": application, "channel": channel})
    run_step(
        session,
        dossier,
        actor,
        lambda _workflow: None,
        StepRecord(action="submitted", note=_channel_note(channel)),
        workflow=workflow,
    )
    return dossier


def _receiving_agency(
    session: Session, actor: Actor, procedure: Procedure, channel: int, agency_id: int | None
) -> Agency:
    if channel not in CHANNELS:
        raise InvalidInput("Kênh nộp hồ sơ không hợp lệ.", {"channel": "Kênh nộp không hợp lệ."})
    if channel == CHANNEL_ONLINE:
        if actor.kind not in ("citizen", "organisation"):
            raise Forbidden("Chỉ công dân, tổ chức đã đăng nhập mới nộp hồ sơ trực tuyến.")
        agency_id = procedure.agency_id
    elif agency_id is None or not actor.has_role("reception", agency_id):
        raise Forbidden("Chỉ cán bộ một cửa của cơ quan mới tiếp nhận hồ sơ tại quầy.")
    agency = session.get(Agency, agency_id) if agency_id else None
    if agency is None or not agency.is_active:
        raise NotFound("Không tìm thấy cơ quan tiếp nhận hồ sơ.")
    return agency


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
