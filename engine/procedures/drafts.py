"""Draft → publish: an uploaded package is validated and kept as a draft the administrator can
preview and trial-run; publishing freezes it as a version. Nothing in the catalogue changes
before that, so a mistaken upload is discarded without a trace in the versions list.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.agencies.tree import administered_agency_ids, require_admin_of
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.procedures.blank_forms import package_files, stored_files
from engine.procedures.models import Procedure, ProcedureDraft, ProcedureVersion
from engine.procedures.package import (
    ProcedurePackage,
    content_hash,
    load_package_zip,
    package_from_files,
)
from engine.procedures.publishing import PackageRefused, publish_package, validation_context
from engine.procedures.queries import get_procedure, latest_version
from engine.procedures.validation import validate_package
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change


def save_draft(
    session: Session, actor: Actor, package: ProcedurePackage, *, agency_id: int | None
) -> ProcedureDraft:
    """Validate and keep the package; `agency_id` receives dossiers if the procedure is new."""
    _require_administrator(actor)
    problems = validate_package(package, validation_context())
    if problems:
        raise PackageRefused(problems)
    record = package.metadata
    procedure = session.scalar(select(Procedure).where(Procedure.code == record["code"]))
    if procedure is not None:
        agency_id = procedure.agency_id
    elif agency_id is None:
        raise InvalidInput(
            "Thủ tục mới: chọn cơ quan tiếp nhận hồ sơ.",
            {"agency_id": "Chọn cơ quan tiếp nhận hồ sơ."},
        )
    require_admin_of(session, actor, agency_id)
    texts = stored_files(package)
    draft = ProcedureDraft(
        code=record["code"],
        name=record["name"],
        content_hash=content_hash(package),
        files=texts,
        agency_id=agency_id,
        uploaded_by_id=actor.user_id,
    )
    session.add(draft)
    session.flush()
    record_admin_change(
        session,
        actor,
        "procedure_draft_uploaded",
        f"procedure:{draft.code}",
        {"draft_id": draft.id, "content_hash": draft.content_hash},
    )
    return draft


def upload_draft(
    session: Session,
    actor: Actor,
    filename: str,
    content: bytes,
    *,
    agency_id: int | None,
    procedure_code: str = "",
) -> ProcedureDraft:
    """An uploaded file as a draft: a whole package (.zip), or a new BPMN (.bpmn) for a
    published procedure, which keeps that version's forms and record around it."""
    _require_administrator(actor)
    lower = (filename or "").lower()
    if lower.endswith(".zip"):
        package = load_package_zip(content)
    elif lower.endswith(".bpmn"):
        if not procedure_code:
            raise InvalidInput(
                "Chọn thủ tục để thay quy trình BPMN.",
                {"procedure_code": "Chọn thủ tục để thay quy trình BPMN."},
            )
        version = latest_version(session, get_procedure(session, procedure_code))
        files = package_files(version.files)
        for name in [path for path in files if path.endswith(".bpmn")]:
            del files[name]
        files["process.bpmn"] = content
        package = package_from_files(files)
    elif not filename:
        raise InvalidInput("Vui lòng chọn tệp .zip (gói thủ tục) hoặc tệp .bpmn.")
    else:
        raise InvalidInput("Chỉ nhận tệp .zip (gói thủ tục) hoặc .bpmn.")
    return save_draft(session, actor, package, agency_id=agency_id)


def list_drafts(session: Session, actor: Actor) -> list[ProcedureDraft]:
    """The drafts of agencies the actor administers, newest first."""
    scope = administered_agency_ids(session, actor)
    query = select(ProcedureDraft).order_by(ProcedureDraft.uploaded_at.desc())
    return [draft for draft in session.scalars(query) if _in_scope(draft, scope)]


def get_draft(session: Session, actor: Actor, draft_id: int) -> ProcedureDraft:
    """404 for a draft that does not exist or belongs to another administrator's agency."""
    draft = session.get(ProcedureDraft, draft_id)
    if draft is None or not _in_scope(draft, administered_agency_ids(session, actor)):
        raise NotFound("Không tìm thấy bản nháp quy trình.")
    return draft


def publish_draft(session: Session, actor: Actor, draft_id: int) -> ProcedureVersion:
    """Publish the draft (validated again: the platform may have changed since the upload)."""
    draft = get_draft(session, actor, draft_id)
    package = package_from_files(package_files(draft.files))
    is_new = session.scalar(select(Procedure.id).where(Procedure.code == draft.code)) is None
    agency_code = (
        session.scalar(select(Agency.code).where(Agency.id == draft.agency_id)) if is_new else None
    )
    version = publish_package(session, actor, package, agency_code=agency_code)
    record_admin_change(
        session,
        actor,
        "procedure_published",
        f"procedure:{version.procedure.code}",
        {"version": version.number, "content_hash": version.content_hash},
    )
    session.delete(draft)
    session.flush()
    return version


def discard_draft(session: Session, actor: Actor, draft_id: int) -> None:
    draft = get_draft(session, actor, draft_id)
    record_admin_change(
        session,
        actor,
        "procedure_draft_discarded",
        f"procedure:{draft.code}",
        {"draft_id": draft.id, "content_hash": draft.content_hash},
    )
    session.delete(draft)
    session.flush()


def _require_administrator(actor: Actor) -> None:
    if actor.kind != "system" and not actor.agencies_for("admin"):
        raise Forbidden("Chỉ quản trị hệ thống mới tải lên quy trình.")


def _in_scope(draft: ProcedureDraft, scope: set[int] | None) -> bool:
    return scope is None or draft.agency_id in scope
