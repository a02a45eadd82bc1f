"""The register (Mẫu 06) as an XLSX spreadsheet, from the same template as its PDF."""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import unescape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from forms.documents.render import fill, load_template

_MARKUP = re.compile(r"<[^>]+>")
_THIN = Side(style="thin")


def render_xlsx(template_name: str, values: dict) -> bytes:
    """One sheet: the title lines, then the template's table with one row per record."""
    template = load_template(template_name)
    table = next(block for block in template["blocks"] if block["type"] == "table")
    columns = table["columns"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _plain(template["title"])[:31]
    lines = [
        _plain(fill(block["text"], values))
        for block in template["blocks"]
        if block["type"] in ("title", "center")
    ]
    for text in [values.get("agency_name", ""), *lines]:
        sheet.append([text])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(columns)
        )
        sheet.cell(sheet.max_row, 1).alignment = Alignment(horizontal="center")
    sheet.cell(2, 1).font = Font(bold=True, size=14)
    sheet.append([column["title"] for column in columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    for number, row in enumerate(values.get(table["source"]) or [], start=1):
        row = {"number": number, **row}
        sheet.append([_value(row, column) for column in columns])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(6, column.get("width", 8) * 2)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(text: str) -> str:
    return unescape(_MARKUP.sub("", text).replace("&nbsp;", " "))


def _value(row: dict, column: dict):
    value = row.get(column["key"])
    if isinstance(value, str):
        return column.get("labels", {}).get(value, value)
    return value
