"""A citizen opens an account with an e-mail address or a phone number and the CCCD number."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotFound
from engine.timestamps import utcnow
from engine.users.models import User
from engine.users.passwords import hash_password, password_problem
from engine.users.verification import VERIFY_EMAIL, send_code, use_code
from forms.formats import cccd_problem, email_problem, normalize_phone, phone_problem


@dataclass(frozen=True)
class Registration:
    full_name: str
    id_number: str
    password: str
    password_again: str
    email: str = ""
    phone: str = ""


def register_citizen(session: Session, form: Registration) -> User:
    """Create the account; when it has an e-mail address, mail the code that proves it.

    An account with an e-mail signs in only after the code is entered. A phone-only account
    signs in at once (SMS codes come with the SMS connector).
    """
    email = form.email.strip().lower()
    phone = normalize_phone(form.phone) if form.phone.strip() else ""
    id_number = form.id_number.strip()
    errors = _problems(form, email, phone, id_number)
    errors.update(_taken(session, email, phone, id_number))
    if errors:
        raise InvalidInput("Vui lòng sửa các lỗi bên dưới.", errors)
    user = User(
        username=email or phone,
        full_name=" ".join(form.full_name.split()),
        kind="citizen",
        email=email or None,
        phone=phone or None,
        id_number=id_number,
        password_hash=hash_password(form.password),
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    if email:
        send_code(session, user, VERIFY_EMAIL)
    return user


def _problems(form: Registration, email: str, phone: str, id_number: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(form.full_name.strip()) < 2:
        errors["full_name"] = "Vui lòng nhập họ và tên."
    if problem := cccd_problem(id_number):
        errors["id_number"] = problem
    if not email and not phone:
        errors["email"] = "Vui lòng nhập thư điện tử hoặc số điện thoại."
    if email and (problem := email_problem(email)):
        errors["email"] = problem
    if phone and (problem := phone_problem(phone)):
        errors["phone"] = problem
    if problem := password_problem(
        form.password,
        username=email or phone,
        email=email or None,
        personal=(id_number, phone),
    ):
        errors["password"] = problem
    elif form.password != form.password_again:
        errors["password_again"] = "Hai lần nhập mật khẩu không khớp."
    return errors


def _taken(session: Session, email: str, phone: str, id_number: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if id_number and session.scalar(
        select(User.id).where(User.kind == "citizen", User.id_number == id_number)
    ):
        errors["id_number"] = (
            "Số CCCD này đã có tài khoản. Hãy đăng nhập, hoặc dùng chức năng quên mật khẩu."
        )
    if email and session.scalar(
        select(User.id).where((User.email == email) | (User.username == email))
    ):
        errors["email"] = "Thư điện tử này đã được dùng cho một tài khoản khác."
    if phone and session.scalar(
        select(User.id).where((User.phone == phone) | (User.username == phone))
    ):
        errors["phone"] = "Số điện thoại này đã được dùng cho một tài khoản khác."
    return errors


def confirm_email(session: Session, user_id: int, code: str) -> str | None:
    """Prove the address with the mailed code: None when done, else the reason (commit anyway)."""
    user = session.get(User, user_id)
    if user is None or not user.email:
        raise NotFound("Không tìm thấy tài khoản.")
    if user.email_verified_at is not None:
        return None
    problem = use_code(session, user, VERIFY_EMAIL, code)
    if problem is None:
        user.email_verified_at = utcnow()
        session.flush()
    return problem


def resend_verification(session: Session, user_id: int) -> None:
    user = session.get(User, user_id)
    if user is None or not user.email:
        raise NotFound("Không tìm thấy tài khoản.")
    if user.email_verified_at is None:
        send_code(session, user, VERIFY_EMAIL)
