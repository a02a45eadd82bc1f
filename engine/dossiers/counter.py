"""Counter reception (channel 1): a one-stop officer registers a dossier handed in in person.

The officer types the applicant form, ticks the procedure's components as received (original or
copy, how many), attaches scans, and decides. "Tiếp nhận" means the officer has checked the
papers in front of the applicant, which is exactly what the workflow's reception task asks; so
that task is completed in the same transaction with the decision `accept`, the legal clock starts
now, and the receipt (Mẫu 01) can be printed at once with its due date. The history shows both
steps (submitted, then received) under the officer's name. "Chỉ đăng ký" leaves the reception
task open in the inbox, for a dossier to be checked later or answered with a supplement request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.models import CHANNEL_COUNTER, Dossier, DossierComponent
from engine.dossiers.submission import submit_dossier
from engine.errors import Forbidden, InvalidInput
from engine.files.content_types import ALLOWED, detect_content_type
from engine.files.hostile_content import hostile_content_problem
from engine.files.storage import FileStorage
from engine.files.uploads import MAX_UPLOAD_BYTES, store_upload
from engine.procedures.form_data import validated_form_data
from engine.procedures.models import Procedure, ProcedureVersion
from engine.procedures.queries import get_procedure, latest_version
from engine.procedures.receiving_units import handles_procedure, procedures_received_at
from engine.tasks.completion import complete_task
from engine.tasks.models import OPEN, Task
from engine.timestamps import utcnow
from engine.users.actor import Actor

RECEPTION_ROLE = "reception"
#: the reception form's decision that means "received" (processes/dang_ky_khai_sinh/forms)
ACCEPT = {"decision": "accept"}
MAX_COPIES = 99


@dataclass(frozen=True)
class Scan:
    filename: str
    content: bytes


@dataclass(frozen=True)
class ReceivedComponent:
    """One ticked line of the procedure's component list."""

    document_code: str
    original: bool = True
    count: int = 1
    scans: tuple[Scan, ...] = field(default_factory=tuple)


def procedure_documents(version: ProcedureVersion) -> list[dict]:
    """The components (thành phần hồ sơ) the procedure asks for, from its procedure.json."""
    return [doc for doc in version.procedure_record().get("documents", []) if doc.get("code")]


def reception_agency_ids(actor: Actor) -> list[int]:
    """The agencies where the officer receives dossiers at the counter, by id; Forbidden if
    none (citizens, and officers of other roles, have no counter)."""
    ids = sorted(actor.agencies_for(RECEPTION_ROLE))
    if not ids:
        raise Forbidden("Chỉ cán bộ một cửa mới tiếp nhận hồ sơ tại quầy.")
    return ids


def list_counter_procedures(session: Session, actor: Actor) -> list[Procedure]:
    """The active procedures the officer's counters receive, by name."""
    return procedures_received_at(session, set(reception_agency_ids(actor)))


def default_reception_agency(session: Session, actor: Actor, procedure_code: str) -> int:
    """The counter a dossier is received at when the officer names none: the first of theirs
    that receives the procedure (their first one otherwise, which then refuses it by name)."""
    ids = reception_agency_ids(actor)
    procedure = get_procedure(session, procedure_code)
    return next((id_ for id_ in ids if handles_procedure(session, procedure, id_)), ids[0])


def component_field(code: str, part: str = "") -> str:
    """The form field (and error key) of a component: `component-<code>[-<part>]`."""
    return f"component-{code}-{part}" if part else f"component-{code}"


def receive_at_counter(
    session: Session,
    actor: Actor,
    storage: FileStorage,
    procedure_code: str,
    data: dict,
    components: list[ReceivedComponent],
    *,
    agency_id: int | None,
    accept: bool,
) -> Dossier:
    """Create the counter dossier, record its components and scans; with `accept`, receive it.

    Without `agency_id` the officer's counter for the procedure (default_reception_agency).
    Every problem (form fields, components, scans) comes back at once in one InvalidInput.
    """
    if agency_id is None:
        agency_id = default_reception_agency(session, actor, procedure_code)
    if not actor.has_role(RECEPTION_ROLE, agency_id):
        raise Forbidden("Chỉ cán bộ một cửa của cơ quan mới tiếp nhận hồ sơ tại quầy.")
    version = latest_version(session, get_procedure(session, procedure_code))
    documents = {doc["code"]: doc for doc in procedure_documents(version)}
    errors = _component_errors(documents, components, accept)
    try:
        validated_form_data(version, version.procedure_record().get("applicant_form"), data)
    except InvalidInput as error:
        errors = {**error.field_errors, **errors}
    if errors:
        raise InvalidInput("Vui lòng kiểm tra lại các trường được đánh dấu.", errors)

    dossier = submit_dossier(
        session, actor, procedure_code, data, channel=CHANNEL_COUNTER, agency_id=agency_id
    )
    now = utcnow()
    for component in components:
        document = documents[component.document_code]
        stored = [
            store_upload(
                session,
                actor,
                storage,
                filename=scan.filename,
                content=scan.content,
                field=component_field(component.document_code, "scan"),
                dossier_id=dossier.id,
            )
            for scan in component.scans
        ]
        session.add(
            DossierComponent(
                dossier_id=dossier.id,
                document_code=component.document_code,
                name=document.get("name", component.document_code),
                required=bool(document.get("required")),
                original=component.original,
                count=component.count,
                file_ids=[file.id for file in stored],
                received_by_id=actor.user_id,
                received_at=now,
            )
        )
    session.flush()
    if accept:
        _complete_reception(session, actor, dossier)
    return dossier


def list_components(session: Session, dossier: Dossier) -> list[DossierComponent]:
    return list(
        session.scalars(
            select(DossierComponent)
            .where(DossierComponent.dossier_id == dossier.id)
            .order_by(DossierComponent.id)
        )
    )


def _component_errors(
    documents: dict[str, dict], components: list[ReceivedComponent], accept: bool
) -> dict[str, str]:
    errors: dict[str, str] = {}
    received = set()
    for component in components:
        code = component.document_code
        if code not in documents:
            errors[component_field(code)] = "Thành phần hồ sơ không có trong thủ tục này."
            continue
        received.add(code)
        if not 1 <= component.count <= MAX_COPIES:
            errors[component_field(code, "count")] = (
                f"Số lượng phải từ 1 đến {MAX_COPIES} (bản chính hoặc bản sao)."
            )
        for scan in component.scans:
            problem = _scan_problem(scan)
            if problem:
                errors[component_field(code, "scan")] = f"«{scan.filename}»: {problem}"
    if accept:
        for code, document in documents.items():
            if document.get("required") and code not in received:
                errors[component_field(code)] = (
                    f"Chưa nhận «{document.get('name', code)}», thành phần bắt buộc. Nhận đủ "
                    "giấy tờ, hoặc chọn «Chỉ đăng ký» rồi yêu cầu bổ sung."
                )
    return errors


def _scan_problem(scan: Scan) -> str | None:
    """The same checks store_upload makes, done first so every problem is reported together."""
    if not scan.content:
        return "tệp rỗng."
    if len(scan.content) > MAX_UPLOAD_BYTES:
        return f"tệp vượt quá {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
    content_type = detect_content_type(scan.content)
    if content_type is None:
        return f"nội dung không phải {', '.join(ALLOWED.values())}."
    problem = hostile_content_problem(scan.content, content_type)
    return problem[0].lower() + problem[1:] if problem else None


def _complete_reception(session: Session, actor: Actor, dossier: Dossier) -> None:
    """Complete the open reception task with `accept`, if the procedure's form offers it."""
    tasks = list(
        session.scalars(
            select(Task).where(
                Task.dossier_id == dossier.id, Task.state == OPEN, Task.role == RECEPTION_ROLE
            )
        )
    )
    if len(tasks) != 1 or not _offers_accept(dossier.procedure_version, tasks[0].form_name):
        return
    complete_task(session, actor, tasks[0].id, dict(ACCEPT))


def _offers_accept(version: ProcedureVersion, form_name: str | None) -> bool:
    if not form_name:
        return False
    decision = version.form(form_name).get("schema", {}).get("properties", {}).get("decision", {})
    return any(branch.get("const") == ACCEPT["decision"] for branch in decision.get("oneOf", []))
