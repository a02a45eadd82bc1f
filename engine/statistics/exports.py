"""The periodic report as files: XLSX (openpyxl) and PDF (reportlab, DejaVu Sans embedded).

DejaVu Sans (engine/statistics/fonts/, copied from Debian's fonts-dejavu-core 2.37, licence
beside it) carries every Vietnamese glyph; reportlab's built-in Helvetica does not.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from engine.statistics.measures import MEASURES
from engine.statistics.report import GROUPINGS, Report

FONTS = Path(__file__).with_name("fonts")
FORM_TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
FORM_CODE = "Biểu số II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP)"
UNIT_NOTE = "Đơn vị tính: Số hồ sơ TTHC"


def report_table(report: Report) -> list[list]:
    """Header row, the form's column numbers, the rows and the total, as plain values."""
    header = ["STT", GROUPINGS[report.group_by], *report.headers]
    numbers = [
        "(1)",
        "(2)",
        *[
            f"({MEASURES[key].form_column})" if MEASURES[key].form_column else ""
            for key in report.columns
        ],
    ]
    body = [
        [index, "  " * row.depth + row.label, *[row.counts[key] for key in report.columns]]
        for index, row in enumerate(report.rows, start=1)
    ]
    total = ["", "Tổng cộng", *[report.total[key] for key in report.columns]]
    return [header, numbers, *body, total]


def report_xlsx(report: Report, reporting_unit: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bieu 06a"
    sheet.append([FORM_CODE])
    sheet.append([FORM_TITLE])
    sheet.append([f"Đơn vị báo cáo: {reporting_unit}"])
    sheet.append([f"Kỳ báo cáo: {report.period.label}"])
    sheet.append([UNIT_NOTE])
    first_table_row = sheet.max_row + 1
    for values in report_table(report):
        sheet.append(values)
    for cell in sheet[first_table_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet["A2"].font = Font(bold=True, size=13)
    sheet.column_dimensions["B"].width = 42
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_pdf(report: Report, reporting_unit: str) -> bytes:
    _register_fonts()
    normal = ParagraphStyle("n", fontName="DejaVuSans", fontSize=8, leading=10)
    title = ParagraphStyle(
        "t", parent=normal, fontName="DejaVuSans-Bold", fontSize=12, leading=15, alignment=1
    )
    cell = ParagraphStyle("c", parent=normal, fontSize=6.5, leading=8, alignment=1)
    rows = report_table(report)
    data = [[Paragraph(str(value), cell) for value in rows[0]], *rows[1:]]
    table = Table(data, repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "DejaVuSans", 7),
                ("FONT", (0, -1), (-1, -1), "DejaVuSans-Bold", 7),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=20,
        rightMargin=20,
        topMargin=24,
        bottomMargin=24,
        title=FORM_TITLE,
    )
    document.build(
        [
            Paragraph(FORM_CODE, normal),
            Paragraph(FORM_TITLE, title),
            Paragraph(f"Đơn vị báo cáo: {reporting_unit}", normal),
            Paragraph(f"Kỳ báo cáo: {report.period.label}. {UNIT_NOTE}.", normal),
            Spacer(1, 8),
            table,
        ]
    )
    return buffer.getvalue()


def _register_fonts() -> None:
    for name, file in (
        ("DejaVuSans", "DejaVuSans.ttf"),
        ("DejaVuSans-Bold", "DejaVuSans-Bold.ttf"),
    ):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))
