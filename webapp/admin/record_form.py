"""The procedure-record edit form: one input per field, lists as one line per item.

List fields use ` | ` between columns, so an administrator can paste a table from the published
record: documents `Tên | bản chính/bản sao | số bản | bắt buộc/không | ghi chú | mã`, fees
`Tên | số tiền | ghi chú`, steps `vai trò | tên bước | mô tả`, legal basis `số hiệu | tên văn
bản | điều khoản`, processing time per channel `in_person 3` style pairs.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from engine.procedures.catalogue import CHANNELS

SEP = " | "


def record_from_form(form: MultiDict, code: str | None = None) -> dict:
    record = {
        "code": (code or form.get("code", "")).strip(),
        "name": form.get("name", "").strip(),
        "field": form.get("field", "").strip(),
        "level": form.get("level", "commune"),
        "implementing_agency": form.get("implementing_agency", "").strip(),
        "deadline_working_days": _int(form.get("deadline_working_days")),
        "deadline_note": form.get("deadline_note", "").strip(),
        "channels": [c for c in form.getlist("channels") if c in CHANNELS],
        "online_service_level": form.get("online_service_level", ""),
        "who_may_apply": form.get("who_may_apply", "").strip(),
        "conditions": form.get("conditions", "").strip(),
        "result": form.get("result", "").strip(),
        "valid_from": form.get("valid_from") or None,
        "valid_to": form.get("valid_to") or None,
        "channel_deadlines": [
            {"channel": channel, "working_days": _int(form.get(f"days_{channel}"))}
            for channel in CHANNELS
            if form.get(f"days_{channel}")
        ],
        "documents": [_document(cells) for cells in _rows(form.get("documents", ""))],
        "fees": [
            {"name": _cell(c, 0), "amount": _int(_cell(c, 1)), "note": _cell(c, 2)}
            for c in _rows(form.get("fees", ""))
        ],
        "steps": [
            {"order": i + 1, "role": _cell(c, 0), "name": _cell(c, 1), "description": _cell(c, 2)}
            for i, c in enumerate(_rows(form.get("steps", "")))
        ],
        "legal_basis": [
            {"code": _cell(c, 0), "title": _cell(c, 1)}
            | ({"articles": a} if (a := _cell(c, 2)) else {})
            for c in _rows(form.get("legal_basis", ""))
        ],
    }
    return record


def form_from_record(record: dict) -> dict:
    """What the edit form shows for a stored record."""
    days = {row["channel"]: row["working_days"] for row in record.get("channel_deadlines") or []}
    return {
        **{
            key: value
            for key, value in record.items()
            if isinstance(value, (str, int)) or value is None
        },
        "channels": record.get("channels") or [],
        **{f"days_{channel}": days.get(channel, "") for channel in CHANNELS},
        "documents": "\n".join(
            SEP.join(
                [
                    d.get("name", ""),
                    "bản chính" if d.get("original", True) else "bản sao",
                    str(d.get("copies", 1)),
                    "bắt buộc" if d.get("required", True) else "không bắt buộc",
                    d.get("note", ""),
                    d.get("code", ""),
                ]
            )
            for d in record.get("documents") or []
        ),
        "fees": "\n".join(
            SEP.join([f["name"], str(f["amount"]), f.get("note", "")])
            for f in record.get("fees") or []
        ),
        "steps": "\n".join(
            SEP.join([s.get("role", ""), s.get("name", ""), s.get("description", "")])
            for s in record.get("steps") or []
        ),
        "legal_basis": "\n".join(
            SEP.join([law.get("code", ""), law.get("title", ""), law.get("articles", "")])
            for law in record.get("legal_basis") or []
        ),
    }


def _document(cells: list[str]) -> dict:
    return {
        "name": _cell(cells, 0),
        "original": _cell(cells, 1).lower() != "bản sao",
        "copies": _int(_cell(cells, 2)) or 1,
        "required": _cell(cells, 3).lower() != "không bắt buộc",
        "note": _cell(cells, 4),
        **({"code": code} if (code := _cell(cells, 5)) else {}),
    }


def _rows(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.split("|")] for line in text.splitlines() if line.strip()
    ]


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _int(value) -> int | None:
    text = str(value or "").replace(".", "").strip()
    return int(text) if text.isdigit() else None
