"""The catalogue in the national portal's procedure-record shape (Cổng DVC quốc gia, LayThuTuc).

Keys as the national portal returns them: MATTHC, TENTTHC, CAPTHUCHIEN, LINHVUCTHUCHIEN,
TRINHTUTHUCHIEN (TRUONGHOP, TRINHTU/TENTRINHTU), CACHTHUCTHUCHIEN (KENH 1 trực tiếp / 2 trực
tuyến / 3 bưu chính, THOIGIAN with THOIGIANGIAIQUYET, DONVITINH, MOTA and PHILEPHI with
MAPHILEPHI, SOTIEN, DONVI, MOTA), THANHPHANHOSO (TRUONGHOP, GIAYTO with MAGIAYTO, TENGIAYTO,
SOBANCHINH, SOBANSAO, TENMAUDON, URL), COQUANTHUCHIEN (MADONVI, TENDONVI), YEUCAU,
MOTADOITUONGTHUCHIEN, KETQUATHUCHIEN (MAKETQUA, TENKETQUA), CANCUPHAPLY (SOVANBAN, TENVANBAN).
What that shape cannot carry (step roles, the online service level, validity dates, notes...)
travels in an extra `MOTCUA` object, so export -> import -> export gives the same file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.errors import Forbidden, InvalidInput
from engine.procedures.catalogue import (
    RECORD_FIELDS,
    create_procedure,
    list_catalogue,
    record_problems,
    update_procedure,
)
from engine.procedures.models import Procedure
from engine.users.actor import Actor

CHANNEL_CODES = {"in_person": 1, "online": 2, "postal": 3}
CHANNEL_NAMES = {code: name for name, code in CHANNEL_CODES.items()}
LEVEL_NAMES = {
    "commune": "Cấp Xã",
    "district": "Cấp Huyện",
    "province": "Cấp Tỉnh",
    "ministry": "Cấp Bộ",
}
LEVEL_CODES = {name.lower(): code for code, name in LEVEL_NAMES.items()}
WORKING_DAYS = "Ngày làm việc"
FEE_KINDS = {"1": "Lệ phí", "2": "Phí"}


def to_national(procedure: Procedure) -> dict:
    """One procedure as a national portal record."""
    record = procedure.record or {}
    fees = record.get("fees") or []
    deadlines = {
        row["channel"]: row["working_days"] for row in record.get("channel_deadlines") or []
    }
    cases: dict[str, list[dict]] = {}
    for document in record.get("documents") or []:
        cases.setdefault(document.get("case", ""), []).append(_national_document(document))
    return {
        "MATTHC": procedure.code,
        "TENTTHC": procedure.name,
        "CAPTHUCHIEN": [{"TENCAP": LEVEL_NAMES.get(procedure.level, procedure.level)}],
        "LINHVUCTHUCHIEN": [
            {"MALINHVUC": record.get("field_code", ""), "TENLINHVUC": procedure.field}
        ],
        "TRINHTUTHUCHIEN": [
            {
                "TRUONGHOP": "",
                "TRINHTU": [
                    {"TENTRINHTU": _join(step.get("name", ""), step.get("description", ""))}
                    for step in record.get("steps") or []
                ],
            }
        ],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": CHANNEL_CODES[channel],
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": deadlines.get(
                            channel, procedure.deadline_working_days
                        ),
                        "DONVITINH": WORKING_DAYS,
                        "MOTA": record.get("deadline_note", ""),
                        "PHILEPHI": [
                            {
                                "MAPHILEPHI": "1" if fee["name"].startswith("Lệ phí") else "2",
                                "SOTIEN": fee["amount"],
                                "DONVI": "Đồng",
                                "MOTA": _join(fee["name"], fee.get("note", "")),
                            }
                            for fee in fees
                        ],
                    }
                ],
            }
            for channel in record.get("channels") or []
        ],
        "THANHPHANHOSO": [{"TRUONGHOP": case, "GIAYTO": rows} for case, rows in cases.items()],
        "COQUANTHUCHIEN": [
            {
                "MADONVI": procedure.agency.code if procedure.agency else "",
                "TENDONVI": record.get("implementing_agency")
                or (procedure.agency.name if procedure.agency else ""),
            }
        ],
        "YEUCAU": record.get("conditions", ""),
        "MOTADOITUONGTHUCHIEN": record.get("who_may_apply", ""),
        "KETQUATHUCHIEN": [{"MAKETQUA": "", "TENKETQUA": record.get("result", "")}],
        "CANCUPHAPLY": [
            {"SOVANBAN": law.get("code", ""), "TENVANBAN": law.get("title", "")}
            for law in record.get("legal_basis") or []
        ],
        "MOTCUA": {
            "level": procedure.level,
            "online_service_level": record.get("online_service_level", ""),
            "valid_from": record.get("valid_from"),
            "valid_to": record.get("valid_to"),
            "step_roles": [step.get("role", "") for step in record.get("steps") or []],
            "legal_articles": [law.get("articles", "") for law in record.get("legal_basis") or []],
            "documents_required": [
                bool(document.get("required", True)) for document in record.get("documents") or []
            ],
            "is_active": procedure.is_active,
        },
    }


def from_national(item: dict) -> dict:
    """A procedure record (catalogue fields) from a national portal record."""
    if not isinstance(item, dict):
        raise InvalidInput("Bản ghi không phải đối tượng JSON.")
    extra = item.get("MOTCUA") or {}
    channels_rows = item.get("CACHTHUCTHUCHIEN") or []
    channels, channel_deadlines, fees, deadline_note = [], [], [], ""
    for row in channels_rows:
        channel = CHANNEL_NAMES.get(_int(row.get("KENH")))
        if channel is None:
            raise InvalidInput(f"KENH {row.get('KENH')!r} không hợp lệ (1, 2 hoặc 3).")
        channels.append(channel)
        for time in row.get("THOIGIAN") or []:
            days = _int(time.get("THOIGIANGIAIQUYET"))
            if days is None:
                raise InvalidInput("THOIGIANGIAIQUYET phải là số ngày.")
            channel_deadlines.append({"channel": channel, "working_days": days})
            deadline_note = deadline_note or time.get("MOTA", "")
            if not fees:
                fees = [_fee(fee) for fee in time.get("PHILEPHI") or []]
    steps = [
        step.get("TENTRINHTU", "")
        for group in item.get("TRINHTUTHUCHIEN") or []
        for step in group.get("TRINHTU") or []
    ]
    roles = extra.get("step_roles") or []
    documents = [
        _document(row, group.get("TRUONGHOP", ""))
        for group in item.get("THANHPHANHOSO") or []
        for row in group.get("GIAYTO") or []
    ]
    for document, required in zip(documents, extra.get("documents_required") or [], strict=False):
        document["required"] = required
    laws = item.get("CANCUPHAPLY") or []
    articles = extra.get("legal_articles") or []
    level_name = ((item.get("CAPTHUCHIEN") or [{}])[0].get("TENCAP") or "").lower()
    field_row = (item.get("LINHVUCTHUCHIEN") or [{}])[0]
    agency_row = (item.get("COQUANTHUCHIEN") or [{}])[0]
    record = {
        "code": str(item.get("MATTHC") or "").strip(),
        "name": str(item.get("TENTTHC") or "").strip(),
        "field": field_row.get("TENLINHVUC", ""),
        "field_code": field_row.get("MALINHVUC", ""),
        "level": extra.get("level") or LEVEL_CODES.get(level_name, "commune"),
        "implementing_agency": agency_row.get("TENDONVI", ""),
        "deadline_working_days": max(
            (row["working_days"] for row in channel_deadlines), default=None
        ),
        "deadline_note": deadline_note,
        "channel_deadlines": channel_deadlines,
        "channels": channels,
        "online_service_level": extra.get("online_service_level", ""),
        "fees": fees,
        "documents": documents,
        "steps": [
            {"order": index + 1, "role": role, **_step(text)}
            for index, (text, role) in enumerate(
                zip(steps, roles + [""] * len(steps), strict=False)
            )
        ],
        "who_may_apply": item.get("MOTADOITUONGTHUCHIEN", ""),
        "conditions": item.get("YEUCAU", ""),
        "result": "; ".join(r.get("TENKETQUA", "") for r in item.get("KETQUATHUCHIEN") or []),
        "legal_basis": [
            {"code": law.get("SOVANBAN", ""), "title": law.get("TENVANBAN", "")}
            | ({"articles": article} if article else {})
            for law, article in zip(laws, articles + [""] * len(laws), strict=False)
        ],
        "valid_from": extra.get("valid_from"),
        "valid_to": extra.get("valid_to"),
    }
    return record


def export_catalogue(session: Session) -> list[dict]:
    return [to_national(procedure) for procedure in list_catalogue(session)]


@dataclass
class ImportLine:
    index: int
    code: str
    #: created / updated / unchanged / refused
    outcome: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    lines: list[ImportLine] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)


def import_catalogue(
    session: Session,
    actor: Actor,
    items: Iterable[dict],
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Create or update each record; a refused record changes nothing and says why.

    Each record runs in its own savepoint, so one bad record never stops the others.
    """
    report = ImportReport()
    for index, item in enumerate(items, start=1):
        code = str(item.get("MATTHC", "")) if isinstance(item, dict) else ""
        try:
            with session.begin_nested():
                outcome = _import_one(session, actor, item)
            report.lines.append(ImportLine(index, code, outcome))
        except InvalidInput as error:
            reasons = [f"{key}: {text}" for key, text in error.field_errors.items()]
            report.lines.append(ImportLine(index, code, "refused", reasons or [error.message]))
        except Forbidden as error:
            report.lines.append(ImportLine(index, code, "refused", [error.message]))
        if progress:
            progress(index)
    return report


def _import_one(session: Session, actor: Actor, item: dict) -> str:
    record = from_national(item)
    problems = record_problems(record)
    if problems:
        raise InvalidInput("Bản ghi thủ tục chưa hợp lệ.", field_errors=problems)
    existing = session.scalar(select(Procedure).where(Procedure.code == record["code"]))
    if existing is None:
        agency_code = ((item.get("COQUANTHUCHIEN") or [{}])[0]).get("MADONVI") or None
        agency_id = None
        if agency_code:
            agency_id = session.scalar(select(Agency.id).where(Agency.code == agency_code))
        procedure = create_procedure(session, actor, record, agency_id=agency_id)
        procedure.is_active = bool((item.get("MOTCUA") or {}).get("is_active", True))
        return "created"
    if all(existing.record.get(key) == record.get(key) for key in RECORD_FIELDS):
        return "unchanged"
    update_procedure(session, actor, existing.code, record)
    existing.is_active = bool((item.get("MOTCUA") or {}).get("is_active", existing.is_active))
    return "updated"


def _national_document(document: dict) -> dict:
    copies = int(document.get("copies", 1))
    original = bool(document.get("original", True))
    return {
        "MAGIAYTO": document.get("code", ""),
        "TENGIAYTO": _join(document.get("name", ""), document.get("note", "")),
        "SOBANCHINH": copies if original else 0,
        "SOBANSAO": 0 if original else copies,
        "TENMAUDON": document.get("blank_form", ""),
        "URL": document.get("blank_form_url", ""),
    }


def _document(row: dict, case: str) -> dict:
    name, note = _split(row.get("TENGIAYTO", ""))
    originals, copies = _int(row.get("SOBANCHINH")) or 0, _int(row.get("SOBANSAO")) or 0
    document = {
        "code": row.get("MAGIAYTO", ""),
        "name": name,
        "original": originals > 0 or copies == 0,
        "copies": max(originals, copies, 1),
        "required": True,
        "note": note,
    }
    if case:
        document["case"] = case
    if row.get("TENMAUDON"):
        document["blank_form"] = row["TENMAUDON"]
    if row.get("URL"):
        document["blank_form_url"] = row["URL"]
    return document


def _fee(row: dict) -> dict:
    name, note = _split(row.get("MOTA", ""))
    amount = _int(row.get("SOTIEN"))
    if amount is None:
        raise InvalidInput(f"SOTIEN {row.get('SOTIEN')!r} không phải số tiền.")
    if not name:
        name = FEE_KINDS.get(str(row.get("MAPHILEPHI")), "Lệ phí")
    return {"name": name, "amount": amount, "note": note}


def _step(text: str) -> dict:
    name, description = _split(text)
    return {"name": name, "description": description}


SEPARATOR = " — "


def _join(head: str, tail: str) -> str:
    return f"{head}{SEPARATOR}{tail}" if tail else head


def _split(text: str) -> tuple[str, str]:
    head, _, tail = str(text).partition(SEPARATOR)
    return head.strip(), tail.strip()


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
