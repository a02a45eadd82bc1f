"""Publishing a procedure package: validate, then freeze it as a new immutable version."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.registry import list_operations, operation_names
from engine.agencies.models import Agency
from engine.agencies.tree import require_admin_of
from engine.dossiers.statuses import all_statuses
from engine.errors import Forbidden, InvalidInput
from engine.procedures.blank_forms import stored_files
from engine.procedures.catalogue_search import index_procedure
from engine.procedures.models import Procedure, ProcedureVersion
from engine.procedures.package import ProcedurePackage, content_hash
from engine.procedures.validation import Problem, ValidationContext, validate_package
from engine.users.actor import Actor
from engine.users.roles import APPLICANT_LANE, LANE_ROLES
from engine.workflow.runtime import parse_specs
from engine.workflow.scripting import check_source
from engine.workflow.serialization import dump_specs
from forms.definition import schema_errors


class PackageRefused(InvalidInput):
    """The package has problems; nothing was stored. Each problem names its element."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"Gói thủ tục có {len(problems)} lỗi, chưa được công bố.")
        self.problems = problems


def validation_context() -> ValidationContext:
    return ValidationContext(
        known_roles=LANE_ROLES | {APPLICANT_LANE},
        known_operations=operation_names(),
        check_script=check_source,
        check_form=schema_errors,
        known_statuses=set(all_statuses()),
        operation_parameters={op.name: op.parameters for op in list_operations()},
    )


def publish_package(
    session: Session, actor: Actor, package: ProcedurePackage, *, agency_code: str | None = None
) -> ProcedureVersion:
    """The published version; the existing one when the same content was published before."""
    if actor.kind != "system" and not actor.agencies_for("admin"):
        raise Forbidden("Chỉ quản trị hệ thống mới công bố thủ tục.")
    problems = validate_package(package, validation_context())
    if problems:
        raise PackageRefused(problems)

    record = package.metadata
    procedure = session.scalar(select(Procedure).where(Procedure.code == record["code"]))
    if procedure is not None:
        require_admin_of(session, actor, procedure.agency_id)
    if procedure is None:
        procedure = Procedure(code=record["code"])
        session.add(procedure)
    procedure.name = record["name"]
    procedure.field = record.get("field", "")
    procedure.level = record.get("level", "commune")
    procedure.deadline_working_days = int(record.get("deadline_working_days", 1))
    procedure.record = record
    index_procedure(procedure)
    if agency_code:
        procedure.agency_id = session.scalar(select(Agency.id).where(Agency.code == agency_code))
    session.flush()

    digest = content_hash(package)
    existing = session.scalar(
        select(ProcedureVersion).where(
            ProcedureVersion.procedure_id == procedure.id,
            ProcedureVersion.content_hash == digest,
        )
    )
    if existing is not None:
        return existing

    texts = stored_files(package)
    process_id, spec, subprocess_specs = parse_specs(
        {name: texts[name] for name in package.bpmn_files},
        {name: texts[name] for name in package.dmn_files},
    )
    last = session.scalar(
        select(func.max(ProcedureVersion.number)).where(
            ProcedureVersion.procedure_id == procedure.id
        )
    )
    version = ProcedureVersion(
        procedure=procedure,
        number=(last or 0) + 1,
        content_hash=digest,
        process_id=process_id,
        files=texts,
        spec=dump_specs(spec, subprocess_specs),
        published_by_id=actor.user_id,
    )
    session.add(version)
    session.flush()
    return version
