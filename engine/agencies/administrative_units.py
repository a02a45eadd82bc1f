"""Import Vietnam's administrative units (34 provinces, 3,321 communes after 1 July 2025).

The source is the maintained `vietnam-provinces` package (the two-level data of Resolution
202/2025/QH15 and the General Statistics Office's code list), not a hand-typed list. Each
province and each commune/ward/special zone becomes the agency of its People's Committee:
"UBND tỉnh Cao Bằng", "UBND phường Hoàn Kiếm", communes under their province.

Unit codes. The official electronic identifier of an agency (mã định danh, Decision
20/2020/QĐ-TTg, e.g. `000.00.20.H25`, the prefix of our dossier codes) is issued by each
province and is not in any published package, so an import cannot know it. Imported units get
a code formed from the statistical code instead: `DVHC.<province>` for a province
(`DVHC.79`) and `DVHC.<province>.<commune>` for a commune (`DVHC.79.26734`). It is stable,
unique, never confused with a mã định danh (which has no letters before its last group), and
reads well as a dossier-code prefix (`DVHC.79.26734-261129-0001`). The statistical code itself
is kept in `Agency.admin_unit_code`, and the import matches on it: an administrator may replace
an imported unit's code by its real mã định danh, and the next import keeps that code; a
hand-made agency given a statistical code on its edit page (a province set up before the
import) is updated in place and receives its communes.

Who may import: the CLI (`motcua import-units`, the system) anything, the whole country
included; an administrator on the agencies page only a province whose agency they administer,
so no imported unit lands outside every administrator's scope.

Idempotent: running it twice changes nothing the second time. A unit of the imported scope
that is no longer in the data is retired (is_active False), never deleted, so old dossiers keep
their agency; a unit that is in the data is active (the data is authoritative for these units).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.agencies.tree import require_admin_of
from engine.errors import Forbidden, NotFound
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change

CODE_PREFIX = "DVHC"


@dataclass(frozen=True)
class OfficialUnit:
    """One administrative unit as the data names it."""

    #: statistical code as the GSO writes it: two digits for a province ("04"), five for a
    #: commune ("00004"), so the two never collide
    unit_code: str
    #: "Thành phố Hồ Chí Minh", "Phường Sài Gòn"
    name: str
    #: tỉnh / thành phố trung ương / xã / phường / đặc khu
    division_type: str
    #: the province's unit code for a commune, None for a province
    province_code: str | None = None

    @property
    def level(self) -> str:
        return "province" if self.province_code is None else "commune"

    @property
    def agency_code(self) -> str:
        if self.province_code is None:
            return f"{CODE_PREFIX}.{self.unit_code}"
        return f"{CODE_PREFIX}.{self.province_code}.{self.unit_code}"

    @property
    def agency_name(self) -> str:
        """The People's Committee of the unit, written as official documents do."""
        name = self.name
        if self.province_code is None and self.division_type == "tỉnh":
            name = f"tỉnh {name}"
        return f"UBND {name[:1].lower()}{name[1:]}"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "retired": len(self.retired),
            "unchanged": self.unchanged,
        }


def official_units(province_code: str | None = None) -> list[OfficialUnit]:
    """Provinces and communes from the vietnam-provinces package, for one province or all."""
    from vietnam_provinces import Province, Ward

    provinces = [
        OfficialUnit(f"{int(p.code):02d}", p.name, p.division_type.value)
        for p in Province.iter_all()
        if province_code is None or int(p.code) == _number(province_code)
    ]
    if province_code is not None and not provinces:
        raise NotFound(f"Không có tỉnh, thành phố mã {province_code} trong dữ liệu.")
    wanted = {unit.unit_code for unit in provinces}
    wards = [
        OfficialUnit(
            f"{int(w.code):05d}", w.name, w.division_type.value, f"{int(w.province_code):02d}"
        )
        for w in Ward.iter_all()
        if f"{int(w.province_code):02d}" in wanted
    ]
    return provinces + wards


def data_version() -> str:
    """Which release of the data an import used, for the report."""
    import vietnam_provinces

    return (
        f"vietnam-provinces {vietnam_provinces.__version__} ({vietnam_provinces.__data_version__})"
    )


def import_units(
    session: Session,
    actor: Actor,
    *,
    province_code: str | None = None,
    units: Iterable[OfficialUnit] | None = None,
) -> ImportReport:
    """Create or update the units of one province (or of the whole country); retire the rest.

    `units` defaults to the package's data; tests pass a trimmed list to see a unit disappear.
    The system (CLI) may import anything; an administrator only a province whose agency they
    administer (a hand-made province agency is linked by giving it the province's code).
    """
    units = list(units) if units is not None else official_units(province_code)
    provinces = [unit for unit in units if unit.province_code is None]
    communes = [unit for unit in units if unit.province_code is not None]
    existing = {
        agency.admin_unit_code: agency
        for agency in session.scalars(select(Agency).where(Agency.admin_unit_code.is_not(None)))
    }
    _check_scope(session, actor, province_code, provinces, existing)
    report = ImportReport()
    taken = set(session.scalars(select(Agency.code)))
    for unit in provinces:
        _upsert(session, existing, taken, unit, None, report)
    session.flush()
    for unit in communes:
        _upsert(session, existing, taken, unit, existing.get(unit.province_code), report)
    session.flush()
    province_ids = None if province_code is None else {existing[p.unit_code].id for p in provinces}
    _retire_missing(existing, {unit.unit_code for unit in units}, province_ids, report)
    session.flush()
    record_admin_change(
        session,
        actor,
        "units_imported",
        f"units:{province_code or 'all'}",
        {"source": data_version(), **report.counts},
    )
    return report


def _check_scope(
    session: Session,
    actor: Actor,
    province_code: str | None,
    provinces: list[OfficialUnit],
    existing: dict[str, Agency],
) -> None:
    """The CLI (the system) imports anything; an administrator fills in a province whose
    agency they already administer, so nothing lands outside every administrator's scope."""
    if actor.kind == "system":
        return
    if province_code is None:
        raise Forbidden("Nhập toàn quốc chỉ thực hiện bằng lệnh motcua import-units.")
    for unit in provinces:
        agency = existing.get(unit.unit_code)
        if agency is None:
            raise Forbidden(
                f"Tỉnh, thành phố mã {unit.unit_code} ({unit.name}) chưa gắn với đơn vị nào "
                "bạn quản trị: ghi mã đơn vị hành chính này vào đơn vị cấp tỉnh (trang Sửa "
                "đơn vị), hoặc dùng lệnh motcua import-units."
            )
        require_admin_of(session, actor, agency.id)


def _upsert(
    session: Session,
    existing: dict[str, Agency],
    taken: set[str],
    unit: OfficialUnit,
    parent: Agency | None,
    report: ImportReport,
) -> Agency:
    agency = existing.get(unit.unit_code)
    if agency is None:
        agency = Agency(
            code=_free_code(taken, unit.agency_code),
            name=unit.agency_name,
            level=unit.level,
            parent=parent,
            admin_unit_code=unit.unit_code,
            is_active=True,
        )
        session.add(agency)
        existing[unit.unit_code] = agency
        report.created.append(agency.code)
        return agency
    wanted = {"name": unit.agency_name, "level": unit.level, "is_active": True}
    changed = {key for key, value in wanted.items() if getattr(agency, key) != value}
    if parent is not None and agency.parent_id != parent.id:
        agency.parent = parent
        changed.add("parent")
    for key in changed - {"parent"}:
        setattr(agency, key, wanted[key])
    if changed:
        report.updated.append(agency.code)
    else:
        report.unchanged += 1
    return agency


def _retire_missing(
    existing: dict[str, Agency],
    present: set[str],
    province_ids: set[int] | None,
    report: ImportReport,
) -> None:
    """Imported units the data no longer lists: every one (whole country), or the communes
    of the imported provinces."""
    for code, agency in existing.items():
        if code in present or not agency.is_active:
            continue
        if province_ids is None or agency.parent_id in province_ids:
            agency.is_active = False
            report.retired.append(agency.code)


def _free_code(taken: set[str], code: str) -> str:
    """The unit's code, or the code with a suffix if a hand-made unit already took it."""
    candidate, number = code, 1
    while candidate in taken:
        number += 1
        candidate = f"{code}-{number}"
    taken.add(candidate)
    return candidate


def _number(code: str) -> int:
    try:
        return int(str(code).strip())
    except ValueError as error:
        raise NotFound(f"Mã tỉnh, thành phố “{code}” không hợp lệ (ví dụ 79).") from error
