"""Accounts from the national identity provider (VNeID / Cổng DVC quốc gia, OpenID Connect).

The provider's claims name the person or organisation: SoDinhDanh (12-digit personal ID),
HoVaTen, SoDienThoai, ThuDienTu, LoaiTaiKhoan (1 citizen, 2 organisation) and, for an
organisation, MaSoThue (its tax code) and TenDoanhNghiep. The first sign-in creates the account,
or links the existing one holding the same ID number (a citizen who registered here earlier).
An organisation's account is the organisation: id_number is its tax code, and what it submits
is submitted in the organisation's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput
from engine.timestamps import utcnow
from engine.users.models import User
from forms.formats import (
    cccd_problem,
    email_problem,
    normalize_phone,
    phone_problem,
    tax_code_problem,
)

CITIZEN = "1"
ORGANISATION = "2"


@dataclass(frozen=True)
class NationalIdentity:
    #: citizen / organisation, as User.kind
    kind: str
    #: CCCD for a citizen, tax code for an organisation
    id_number: str
    full_name: str
    #: the person who signed in: for an organisation, its representative's ID number
    person_id_number: str
    email: str | None = None
    phone: str | None = None


def identity_from_claims(claims: dict) -> NationalIdentity:
    """Read and check the provider's claims; InvalidInput when they cannot name an account."""
    account_type = str(claims.get("LoaiTaiKhoan", "")).strip()
    person_id = str(claims.get("SoDinhDanh", "")).strip()
    if account_type not in (CITIZEN, ORGANISATION):
        raise InvalidInput("Cổng định danh trả về loại tài khoản không hỗ trợ.")
    if cccd_problem(person_id):
        raise InvalidInput("Cổng định danh trả về số định danh không hợp lệ.")
    email = str(claims.get("ThuDienTu") or "").strip().lower() or None
    if email and email_problem(email):
        email = None
    phone = normalize_phone(str(claims.get("SoDienThoai") or "")) or None
    if phone and phone_problem(phone):
        phone = None
    full_name = " ".join(str(claims.get("HoVaTen", "")).split())
    if account_type == CITIZEN:
        return NationalIdentity("citizen", person_id, full_name, person_id, email, phone)
    tax_code = str(claims.get("MaSoThue", "")).strip()
    if tax_code_problem(tax_code):
        raise InvalidInput("Cổng định danh trả về mã số thuế không hợp lệ.")
    name = " ".join(str(claims.get("TenDoanhNghiep") or "").split()) or full_name
    return NationalIdentity("organisation", tax_code, name, person_id, email, phone)


def sign_in_national(session: Session, identity: NationalIdentity) -> User:
    """The account for this identity: linked by ID number, or created on first sign-in."""
    user = session.scalars(
        select(User)
        .where(User.kind == identity.kind, User.id_number == identity.id_number)
        .order_by(User.id)
    ).first()
    if user is None:
        user = _create(session, identity)
    elif not user.is_active:
        raise Forbidden("Tài khoản đã bị khoá. Vui lòng liên hệ quản trị hệ thống.")
    else:
        _fill_in(session, user, identity)
    session.flush()
    return user


def _create(session: Session, identity: NationalIdentity) -> User:
    prefix = "vneid" if identity.kind == "citizen" else "dn"
    user = User(
        username=f"{prefix}-{identity.id_number}",
        full_name=identity.full_name or identity.id_number,
        kind=identity.kind,
        id_number=identity.id_number,
        password_hash=None,
    )
    session.add(user)
    _fill_in(session, user, identity)
    return user


def _fill_in(session: Session, user: User, identity: NationalIdentity) -> None:
    """Take the provider's contact details where the account has none and nobody else uses them."""
    if identity.full_name and not user.full_name:
        user.full_name = identity.full_name
    if identity.email and not user.email and not _used(session, User.email, identity.email):
        user.email = identity.email
    if identity.email and user.email == identity.email and user.email_verified_at is None:
        # the national provider vouches for the address it returns
        user.email_verified_at = utcnow()
    if identity.phone and not user.phone and not _used(session, User.phone, identity.phone):
        user.phone = identity.phone


def _used(session: Session, column, value: str) -> bool:
    return session.scalar(select(User.id).where(column == value).limit(1)) is not None
