"""Asking for an extension (đề nghị gia hạn) and the leader's decision on it.

The processing officer sees the dossier will be late and proposes a new due time with a reason;
a leader of the dossier's agency approves it (the due time moves through `extend_deadline`, which
records it and queues the Mẫu 04 apology) or refuses it with a reason (nothing else changes).
The requests are the history: who asked what, when, and who decided.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.working_days import calendar_from_session
from engine.deadlines.extensions import APPROVING_ROLES, extend_deadline
from engine.deadlines.models import (
    APPROVED,
    PENDING,
    REFUSED,
    DeadlineExtensionRequest,
)
from engine.dossiers.models import Dossier
from engine.dossiers.notices import LEADER_NOTICE, notice_message
from engine.dossiers.queries import get_dossier
from engine.dossiers.step import lock_dossier
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.timestamps import utcnow
from engine.users.actor import Actor

REQUESTING_ROLE = "processing"
#: a longer extension is a new decision, not an extension
MAX_WORKING_DAYS = 60
MAX_REASON = 2000


def may_request_extension(actor: Actor, dossier: Dossier) -> bool:
    """A processing officer of the handling agency, while the dossier's clock runs."""
    return actor.has_role(REQUESTING_ROLE, dossier.agency_id) and _in_progress(dossier)


def request_extension(
    session: Session,
    actor: Actor,
    dossier_code: str,
    *,
    reason: str,
    working_days: int | None = None,
    new_due_date: date | None = None,
) -> DeadlineExtensionRequest:
    """Record a pending request: either `working_days` after the due time or a new due day."""
    dossier = get_dossier(session, actor, dossier_code)
    if not actor.has_role(REQUESTING_ROLE, dossier.agency_id):
        raise Forbidden("Chỉ cán bộ thụ lý của cơ quan giải quyết mới đề nghị gia hạn được.")
    dossier = lock_dossier(session, dossier.id)
    if not _in_progress(dossier):
        raise Conflict("Chỉ đề nghị gia hạn được hồ sơ đang giải quyết.")
    if pending_request(session, dossier.id) is not None:
        raise Conflict("Hồ sơ đã có đề nghị gia hạn đang chờ lãnh đạo xem xét.")
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Vui lòng nêu lý do chậm trễ."
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Tối đa {MAX_REASON} ký tự."
    new_due_at = None
    if (working_days is None) == (new_due_date is None):
        errors["working_days"] = "Nhập số ngày làm việc gia hạn hoặc chọn ngày hẹn trả mới."
    elif working_days is not None and not 1 <= working_days <= MAX_WORKING_DAYS:
        errors["working_days"] = f"Số ngày gia hạn từ 1 đến {MAX_WORKING_DAYS} ngày làm việc."
    elif new_due_date is not None:
        new_due_at, error = _due_on(session, dossier, new_due_date)
        if error:
            errors["new_due_date"] = error
    if errors:
        raise InvalidInput("Đề nghị gia hạn chưa hợp lệ.", errors)
    request = DeadlineExtensionRequest(
        dossier_id=dossier.id,
        agency_id=dossier.agency_id,
        state=PENDING,
        reason=reason,
        working_days=working_days,
        new_due_at=new_due_at,
        due_at_when_requested=dossier.due_at,
        requested_by_id=actor.user_id,
        requested_by_name=actor.full_name,
        requested_at=utcnow(),
    )
    session.add(request)
    session.flush()
    notice_message(
        session,
        dossier,
        LEADER_NOTICE,
        {
            "template": "extension_requested",
            "message": f"{actor.full_name} đề nghị gia hạn giải quyết hồ sơ {dossier.code}. "
            f"Lý do: {reason}. Đồng chí xem và quyết định tại trang Đề nghị gia hạn.",
        },
        f"extension-request:{request.id}",
    )
    return request


def approve_request(session: Session, actor: Actor, request_id: int) -> DeadlineExtensionRequest:
    """Extend the due time as asked (Mẫu 04 queued by `extend_deadline`) and close the request."""
    request = _decidable(session, actor, request_id)
    extension = extend_deadline(
        session,
        actor,
        request.dossier_id,
        reason=request.reason,
        working_days=request.working_days,
        new_due_at=None if request.working_days else request.new_due_at,
    )
    _decide(request, actor, APPROVED)
    request.extension_id = extension.id
    session.flush()
    return request


def refuse_request(
    session: Session, actor: Actor, request_id: int, *, reason: str
) -> DeadlineExtensionRequest:
    """Close the request with the leader's reason; the dossier's due time stays."""
    request = _decidable(session, actor, request_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "Thiếu lý do không đồng ý gia hạn.", {"refusal_reason": "Vui lòng nêu lý do."}
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput("Lý do quá dài.", {"refusal_reason": f"Tối đa {MAX_REASON} ký tự."})
    _decide(request, actor, REFUSED)
    request.refusal_reason = reason
    session.flush()
    return request


def pending_request(session: Session, dossier_id: int) -> DeadlineExtensionRequest | None:
    return session.scalar(
        select(DeadlineExtensionRequest).where(
            DeadlineExtensionRequest.dossier_id == dossier_id,
            DeadlineExtensionRequest.state == PENDING,
        )
    )


def dossier_requests(session: Session, dossier_id: int) -> list[DeadlineExtensionRequest]:
    """Every request on the dossier, oldest first: the history on the dossier page."""
    return list(
        session.scalars(
            select(DeadlineExtensionRequest)
            .where(DeadlineExtensionRequest.dossier_id == dossier_id)
            .order_by(DeadlineExtensionRequest.requested_at, DeadlineExtensionRequest.id)
        )
    )


def extension_requests_of(
    session: Session, actor: Actor, dossier_code: str
) -> list[DeadlineExtensionRequest]:
    """The requests on a dossier, for its officers (the applicant sees the Mẫu 04 apology of
    an approved one, not the requests); NotFound for anyone else."""
    dossier = get_dossier(session, actor, dossier_code)
    if not actor.is_officer:
        raise NotFound("Không tìm thấy hồ sơ.")
    return dossier_requests(session, dossier.id)


def requests_to_decide(
    session: Session, actor: Actor, *, state: str = PENDING, limit: int = 100
) -> list[tuple[DeadlineExtensionRequest, Dossier]]:
    """`requests_for_leader` for a leader; Forbidden for anyone who decides nowhere."""
    if not may_decide(actor):
        raise Forbidden("Chỉ lãnh đạo đơn vị mới xem xét đề nghị gia hạn.")
    return requests_for_leader(session, actor, state=state, limit=limit)


def requests_for_leader(
    session: Session, actor: Actor, *, state: str = PENDING, limit: int = 100
) -> list[tuple[DeadlineExtensionRequest, Dossier]]:
    """Requests of the agencies where the actor decides, oldest pending first."""
    agencies = _deciding_agencies(actor)
    if not agencies:
        return []
    order = (
        DeadlineExtensionRequest.requested_at
        if state == PENDING
        else DeadlineExtensionRequest.decided_at.desc()
    )
    query = (
        select(DeadlineExtensionRequest, Dossier)
        .join(Dossier, Dossier.id == DeadlineExtensionRequest.dossier_id)
        .where(
            DeadlineExtensionRequest.agency_id.in_(sorted(agencies)),
            DeadlineExtensionRequest.state == state,
        )
        .order_by(order, DeadlineExtensionRequest.id)
        .limit(limit)
    )
    return [(request, dossier) for request, dossier in session.execute(query)]


def may_decide(actor: Actor) -> bool:
    return bool(_deciding_agencies(actor))


def _deciding_agencies(actor: Actor) -> set[int]:
    return set().union(*(actor.agencies_for(role) for role in APPROVING_ROLES))


def _decidable(session: Session, actor: Actor, request_id: int) -> DeadlineExtensionRequest:
    """The pending request, locked through its dossier; another unit's is not found."""
    request = session.get(DeadlineExtensionRequest, request_id)
    if request is None or request.agency_id not in _deciding_agencies(actor):
        raise NotFound("Không tìm thấy đề nghị gia hạn.")
    lock_dossier(session, request.dossier_id)
    session.refresh(request)
    if request.state != PENDING:
        raise Conflict("Đề nghị gia hạn này đã được xem xét.")
    return request


def _decide(request: DeadlineExtensionRequest, actor: Actor, state: str) -> None:
    request.state = state
    request.decided_by_id = actor.user_id
    request.decided_by_name = actor.full_name
    request.decided_at = utcnow()


def _due_on(session: Session, dossier: Dossier, day: date) -> tuple[datetime | None, str | None]:
    """Closing time of `day` at the dossier's agency, or why that day cannot be the new due."""
    calendar = calendar_from_session(session, dossier.agency_id)
    due = datetime.combine(day, calendar.closing, tzinfo=calendar.timezone).astimezone(UTC)
    if due <= dossier.due_at:
        return None, "Ngày hẹn trả mới phải sau hạn giải quyết hiện tại."
    if not calendar.is_working_day(day):
        return None, "Ngày hẹn trả mới phải là ngày làm việc."
    if calendar.working_days_between(dossier.due_at, due) > MAX_WORKING_DAYS:
        return None, f"Chỉ gia hạn tối đa {MAX_WORKING_DAYS} ngày làm việc."
    return due, None


def _in_progress(dossier: Dossier) -> bool:
    return (
        dossier.received_at is not None
        and dossier.finished_at is None
        and dossier.due_at is not None
    )
