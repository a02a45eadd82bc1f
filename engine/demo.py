"""Demo data for `motcua init`: one province, one ward, the officers of each role, a citizen,
and every procedure package shipped in processes/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.procedures.package import load_package_dir
from engine.procedures.publishing import publish_package
from engine.timestamps import utcnow
from engine.users.actor import SYSTEM
from engine.users.models import RoleAssignment, User
from engine.users.passwords import hash_password

PROCESSES_DIR = Path(__file__).resolve().parent.parent / "processes"
DEMO_PASSWORD = "motcua2026"
WARD_CODE = "000.00.20.H25"
#: a second ward, the partner agency of the liên thông demo
PARTNER_WARD_CODE = "000.00.25.H25"
PROVINCE_CODE = "000.00.00.H25"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    kind: str
    roles: tuple[str, ...] = ()
    id_number: str | None = None
    phone: str | None = None
    email: str | None = None
    agency_code: str = WARD_CODE


DEMO_ACCOUNTS = [
    DemoAccount(
        "congdan",
        "Nguyễn Văn An",
        "citizen",
        id_number="074090001234",
        phone="0912345678",
        email="an.nguyen@example.vn",
    ),
    DemoAccount("motcua", "Trần Thị Bình", "officer", ("reception",)),
    DemoAccount("thuly", "Lê Văn Cường", "officer", ("processing",)),
    DemoAccount("lanhdao", "Phạm Thị Dung", "officer", ("leader", "agency_leader")),
    DemoAccount("quantri", "Hoàng Văn Em", "officer", ("admin",)),
    DemoAccount("thuly2", "Vũ Thị Giang", "officer", ("processing",)),
    DemoAccount("thulycn", "Đỗ Văn Hải", "officer", ("processing",), agency_code=PARTNER_WARD_CODE),
    DemoAccount("quantritinh", "Lý Thị Kim", "officer", ("admin",), agency_code=PROVINCE_CODE),
    DemoAccount("thanhtra", "Mai Văn Long", "officer", ("auditor",), agency_code=PROVINCE_CODE),
]


def load_demo_data(session: Session) -> list[DemoAccount]:
    """Idempotent: running `motcua init` twice changes nothing the second time."""
    province = _agency(session, PROVINCE_CODE, "UBND tỉnh Bình Dương", "province", None)
    ward = _agency(session, WARD_CODE, "UBND phường Phú Cường", "commune", province)
    partner = _agency(session, PARTNER_WARD_CODE, "UBND phường Chánh Nghĩa", "commune", province)
    agencies = {ward.code: ward, partner.code: partner, province.code: province}
    for account in DEMO_ACCOUNTS:
        _user(session, account, agencies[account.agency_code])
    for package_dir in sorted(PROCESSES_DIR.iterdir()):
        if (package_dir / "procedure.json").exists():
            publish_package(session, SYSTEM, load_package_dir(package_dir), agency_code=WARD_CODE)
    session.flush()
    return DEMO_ACCOUNTS


def _agency(session: Session, code: str, name: str, level: str, parent: Agency | None) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        agency = Agency(code=code, name=name, level=level, parent=parent)
        session.add(agency)
        session.flush()
    return agency


def _user(session: Session, account: DemoAccount, agency: Agency) -> None:
    if session.scalar(select(User).where(User.username == account.username)) is not None:
        return
    user = User(
        username=account.username,
        full_name=account.full_name,
        kind=account.kind,
        id_number=account.id_number,
        phone=account.phone,
        email=account.email,
        password_hash=hash_password(DEMO_PASSWORD),
        email_verified_at=utcnow() if account.email else None,
    )
    user.roles = [RoleAssignment(role=role, agency_id=agency.id) for role in account.roles]
    session.add(user)
    session.flush()
