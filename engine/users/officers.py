"""Administrators' pages on officers: list, create, edit, roles per agency.

Scope: an administrator sees an officer who holds a role in one of the agencies they
administer; changing the person (name, contacts, password, active) needs every agency where the
officer holds a role, as deactivate_user does, while a role is granted or removed by the
administrator of that role's agency. An officer always keeps at least one role, so no one
drops out of every administrator's sight: deactivation is how someone leaves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.agencies.models import Agency
from engine.agencies.tree import administered_agency_ids, require_admin_of
from engine.errors import Conflict, InvalidInput, NotFound
from engine.timestamps import utcnow
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change
from engine.users.models import RoleAssignment, User
from engine.users.passwords import hash_password, password_problem
from engine.users.roles import ROLES
from forms.formats import email_problem, normalize_phone, phone_problem

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,119}$")


@dataclass(frozen=True)
class OfficerFilter:
    agency_id: int | None = None
    role: str | None = None
    #: True: active only, False: deactivated only, None: both
    active: bool | None = None


@dataclass(frozen=True)
class OfficerDetails:
    full_name: str
    email: str = ""
    phone: str = ""
    #: empty on edit: the password stays
    password: str = ""


def list_officers(session: Session, actor: Actor, filters: OfficerFilter) -> list[User]:
    """Officers with a role in the actor's scope (and matching the filters), by name."""
    query = _officers_query(session, actor, filters)
    return list(session.scalars(query.order_by(User.full_name, User.username)))


def officers_after(
    session: Session, actor: Actor, filters: OfficerFilter, after_id: int, count: int
) -> list[User]:
    """One page of list_officers by id after `after_id` (the API's pages)."""
    query = _officers_query(session, actor, filters).where(User.id > after_id)
    return list(session.scalars(query.order_by(User.id).limit(count)))


def _officers_query(session: Session, actor: Actor, filters: OfficerFilter):
    scope = administered_agency_ids(session, actor)
    roles = select(RoleAssignment.user_id)
    if scope is not None:
        roles = roles.where(RoleAssignment.agency_id.in_(scope))
    if filters.agency_id is not None:
        roles = roles.where(RoleAssignment.agency_id == filters.agency_id)
    if filters.role:
        roles = roles.where(RoleAssignment.role == filters.role)
    query = (
        select(User)
        .where(User.kind == "officer")
        .options(selectinload(User.roles).selectinload(RoleAssignment.agency))
    )
    if scope is not None or filters.agency_id is not None or filters.role:
        query = query.where(User.id.in_(roles))
    if filters.active is not None:
        query = query.where(User.is_active.is_(filters.active))
    return query


def get_officer(session: Session, actor: Actor, user_id: int) -> User:
    """The officer if the actor may see them; NotFound otherwise (no hint they exist)."""
    user = session.get(User, user_id)
    if user is None or user.kind != "officer":
        raise NotFound("Không tìm thấy cán bộ.")
    scope = administered_agency_ids(session, actor)
    if scope is not None and not any(role.agency_id in scope for role in user.roles):
        raise NotFound("Không tìm thấy cán bộ.")
    return user


def create_officer(
    session: Session,
    actor: Actor,
    username: str,
    details: OfficerDetails,
    *,
    role: str,
    agency_id: int | None,
) -> User:
    """A new officer account with a first role; the initial password is hashed with argon2."""
    username = username.strip().lower()
    errors = _details_problems(session, details, None, password_required=True, username=username)
    if not USERNAME_PATTERN.match(username):
        errors["username"] = (
            "Tên đăng nhập gồm 3–120 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang."
        )
    elif session.scalar(select(User.id).where(User.username == username)):
        errors["username"] = f"Tên đăng nhập {username} đã được dùng."
    errors.update(_role_problems(session, role, agency_id))
    if errors:
        raise InvalidInput("Vui lòng sửa các lỗi bên dưới.", errors)
    require_admin_of(session, actor, agency_id)
    user = User(username=username, kind="officer", is_active=True)
    _apply(user, details)
    user.roles = [RoleAssignment(role=role, agency_id=agency_id)]
    session.add(user)
    session.flush()
    record_admin_change(
        session,
        actor,
        "officer_created",
        f"user:{username}",
        {"role": role, "agency_id": agency_id},
    )
    return user


def update_officer(session: Session, actor: Actor, user_id: int, details: OfficerDetails) -> User:
    """Change name and contacts; a filled-in password replaces the old one (sessions end)."""
    user = _changeable(session, actor, user_id)
    errors = _details_problems(session, details, user, password_required=False)
    if errors:
        raise InvalidInput("Vui lòng sửa các lỗi bên dưới.", errors)
    before = {"full_name": user.full_name, "email": user.email, "phone": user.phone}
    _apply(user, details)
    after = {"full_name": user.full_name, "email": user.email, "phone": user.phone}
    changed = sorted(key for key in before if before[key] != after[key])
    if details.password:
        changed.append("password")
    session.flush()
    record_admin_change(
        session, actor, "officer_updated", f"user:{user.username}", {"fields": changed}
    )
    return user


def amend_officer(session: Session, actor: Actor, user_id: int, changes: dict) -> User:
    """update_officer with only the fields given (full_name, email, phone, password)."""
    user = get_officer(session, actor, user_id)
    current = {"full_name": user.full_name, "email": user.email or "", "phone": user.phone or ""}
    return update_officer(session, actor, user_id, OfficerDetails(**(current | changes)))


def grant_role(
    session: Session, actor: Actor, user_id: int, role: str, agency_id: int | None
) -> RoleAssignment:
    user = get_officer(session, actor, user_id)
    errors = _role_problems(session, role, agency_id)
    if errors:
        raise InvalidInput("Vui lòng sửa các lỗi bên dưới.", errors)
    require_admin_of(session, actor, agency_id)
    if any(r.role == role and r.agency_id == agency_id for r in user.roles):
        raise Conflict("Cán bộ đã có vai trò này tại đơn vị này.")
    assignment = RoleAssignment(role=role, agency_id=agency_id)
    user.roles.append(assignment)
    session.flush()
    record_admin_change(
        session,
        actor,
        "role_granted",
        f"user:{user.username}",
        {"role": role, "agency_id": agency_id},
    )
    return assignment


def revoke_role(session: Session, actor: Actor, user_id: int, assignment_id: int) -> None:
    user = get_officer(session, actor, user_id)
    assignment = next((r for r in user.roles if r.id == assignment_id), None)
    if assignment is None:
        raise NotFound("Không tìm thấy vai trò.")
    require_admin_of(session, actor, assignment.agency_id)
    if len(user.roles) == 1:
        raise Conflict(
            "Cán bộ phải có ít nhất một vai trò. Nếu cán bộ nghỉ việc, hãy khóa tài khoản."
        )
    if assignment.role == "admin" and user.id == actor.user_id:
        raise Conflict("Không thể tự bỏ quyền quản trị của mình.")
    user.roles.remove(assignment)
    session.flush()
    record_admin_change(
        session,
        actor,
        "role_revoked",
        f"user:{user.username}",
        {"role": assignment.role, "agency_id": assignment.agency_id},
    )


def reactivate_user(session: Session, actor: Actor, user_id: int) -> User:
    """Let a deactivated officer sign in again; their old tasks stay with the unit's queue."""
    user = _changeable(session, actor, user_id)
    if user.is_active:
        raise Conflict("Tài khoản đang hoạt động.")
    user.is_active = True
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    record_admin_change(session, actor, "user_reactivated", f"user:{user.username}")
    return user


def _changeable(session: Session, actor: Actor, user_id: int) -> User:
    """The officer, if the actor administers every agency where they hold a role."""
    user = get_officer(session, actor, user_id)
    for agency_id in {role.agency_id for role in user.roles} or {None}:
        require_admin_of(session, actor, agency_id)
    return user


def _apply(user: User, details: OfficerDetails) -> None:
    user.full_name = " ".join(details.full_name.split())
    user.email = details.email.strip().lower() or None
    user.phone = normalize_phone(details.phone) if details.phone.strip() else None
    if details.password:
        user.password_hash = hash_password(details.password)
        user.password_changed_at = utcnow()


def _details_problems(
    session: Session,
    details: OfficerDetails,
    user: User | None,
    *,
    password_required: bool,
    username: str = "",
) -> dict[str, str]:
    errors: dict[str, str] = {}
    email = details.email.strip().lower()
    phone = normalize_phone(details.phone) if details.phone.strip() else ""
    if len(details.full_name.strip()) < 2:
        errors["full_name"] = "Vui lòng nhập họ và tên."
    if email and (problem := email_problem(email)):
        errors["email"] = problem
    elif email and session.scalar(
        select(User.id).where(User.email == email, User.id != (user.id if user else -1))
    ):
        errors["email"] = "Thư điện tử này đã được dùng cho một tài khoản khác."
    if phone and (problem := phone_problem(phone)):
        errors["phone"] = problem
    problem = (details.password or password_required) and password_problem(
        details.password,
        username=user.username if user else username or None,
        email=email or None,
        personal=(phone or None,),
    )
    if problem:
        errors["password"] = problem
    return errors


def _role_problems(session: Session, role: str, agency_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if role not in ROLES:
        errors["role"] = "Vui lòng chọn vai trò."
    agency = session.get(Agency, agency_id) if agency_id is not None else None
    if agency is None:
        errors["agency_id"] = "Vui lòng chọn đơn vị."
    elif not agency.is_active:
        errors["agency_id"] = f"Đơn vị {agency.name} đã ngừng hoạt động."
    return errors


def officers_holding(session: Session, role: str, agency_id: int) -> list[User]:
    """The active officers holding `role` in `agency_id`, by name: who can take a task of that
    role there, or should hear about it."""
    return list(
        session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                RoleAssignment.role == role,
                RoleAssignment.agency_id == agency_id,
                User.kind == "officer",
                User.is_active,
            )
            .order_by(User.full_name, User.id)
            .distinct()
        )
    )
