"""One small engine that prints every official document from its template (templates/*.json).

A template is data: paper size, the text blocks with `{placeholders}`, table columns. A new
circular means new template files, not new code. Values are escaped before they reach
reportlab's paragraph markup; a missing or empty value prints as a dotted line, as the paper
forms leave it to be filled by hand.
"""

from __future__ import annotations

import io
import json
import string
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
FONTS_DIR = HERE / "fonts"
FONT = "NotoSerif"
#: what a blank field prints as
BLANK = "…………………"
PAPER_SIZES = {"A4": A4, "A5": A5}


@cache
def register_fonts() -> str:
    """Embed Noto Serif (shipped in fonts/, it has every Vietnamese diacritic) once per process."""
    for style, file in (("", "Regular"), ("-Bold", "Bold"), ("-Italic", "Italic")):
        pdfmetrics.registerFont(TTFont(f"{FONT}{style}", FONTS_DIR / f"NotoSerif-{file}.ttf"))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic", boldItalic=f"{FONT}-Bold"
    )
    return FONT


def load_template(name: str) -> dict:
    """A template merged over templates/_common.json (the national heading, the date line)."""
    common = _read_json("_common")
    template = _read_json(name)
    return {**common, **template}


@cache
def _read_json(name: str) -> dict:
    path = TEMPLATES_DIR / f"{name}.json"
    if not path.is_file() or not name.replace("_", "").isalnum():
        raise ValueError(f"unknown document template {name!r}")
    return json.loads(path.read_text(encoding="utf-8"))


class _Filler(string.Formatter):
    """str.format that escapes values for paragraph markup and blanks what is missing."""

    def get_value(self, key, args, kwargs):
        value = kwargs.get(key) if isinstance(key, str) else None
        if value is None or value == "":
            return BLANK
        return escape(str(value))


def fill(text: str, values: dict) -> str:
    return _Filler().format(text, **values)


def render_pdf(template_name: str, values: dict) -> bytes:
    """The document as PDF bytes: `values` fills the template's placeholders and tables."""
    template = load_template(template_name)
    register_fonts()
    pagesize = PAPER_SIZES[template.get("paper", "A4")]
    pagesize = (
        landscape(pagesize) if template.get("orientation") == "landscape" else (portrait(pagesize))
    )
    top, right, bottom, left = template.get("margins_mm", [20, 15, 20, 30])
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        topMargin=top * mm,
        rightMargin=right * mm,
        bottomMargin=bottom * mm,
        leftMargin=left * mm,
        title=fill(template["title"], values),
        author=values.get("agency_name") or "",
        subject=f"{template.get('form', '')} {template.get('circular', '')}".strip(),
    )
    styles = _styles(template.get("font_size", 12))
    story: list[Flowable] = [_header(template, values, styles, document.width)]
    for block in template["blocks"]:
        story.extend(_block(block, values, styles, document.width))
    document.build(story)
    return buffer.getvalue()


def _styles(size: float) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=size * 1.35)
    return {
        "body": ParagraphStyle("body-j", parent=base, alignment=TA_JUSTIFY, spaceAfter=2),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=size + 2,
            leading=(size + 2) * 1.3,
            alignment=TA_CENTER,
            spaceBefore=6,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=size - 2, leading=(size - 2) * 1.3),
        "head": ParagraphStyle(
            "head",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=size - 2,
            leading=(size - 2) * 1.3,
            alignment=TA_CENTER,
        ),
        "caption": ParagraphStyle(
            "caption", parent=base, fontSize=size - 2, leading=(size - 2) * 1.3, alignment=TA_RIGHT
        ),
        "item": ParagraphStyle("item", parent=base, alignment=TA_LEFT, leftIndent=12),
    }


def _header(template: dict, values: dict, styles: dict, width: float) -> Flowable:
    """Issuing agency on the left, the national heading on the right, each over a short rule."""
    header = template["header"]
    left = [Paragraph(text, styles["center"]) for text in _lines(header["left"], values)]
    right = [Paragraph(text, styles["center"]) for text in _lines(header["right"], values)]
    split = header.get("left_share", 0.42)
    table = Table([[left, right]], colWidths=[width * split, width * (1 - split)])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _lines(lines: list[str], values: dict) -> list[str]:
    """Filled lines, leaving out those with nothing to say (a top-level agency has no parent)."""
    return [text for text in (fill(line, values) for line in lines) if BLANK not in text]


def _block(block: dict, values: dict, styles: dict, width: float) -> list[Flowable]:
    kind = block["type"]
    if kind == "title":
        return [Paragraph(fill(block["text"], values), styles["title"])]
    if kind in ("center", "right"):
        return [Paragraph(fill(block["text"], values), styles[kind])]
    if kind == "paragraph":
        return [Paragraph(fill(block["text"], values), styles["body"])]
    if kind == "spacer":
        return [Spacer(1, block.get("height_mm", 4) * mm)]
    if kind == "items":
        return _items(block, values, styles)
    if kind == "table":
        return [_table(block, values, styles, width)]
    if kind == "codes":
        return [_codes(block, values, styles, width)]
    if kind == "signatures":
        return [_signatures(block, values, styles, width)]
    raise ValueError(f"unknown block type {kind!r}")


def _items(block: dict, values: dict, styles: dict) -> list[Flowable]:
    items = values.get(block["source"]) or []
    if not items:
        return [Paragraph(fill(block.get("empty", BLANK), values), styles["item"])]
    pattern = block.get("item", "{number}. {text}")
    return [
        Paragraph(
            pattern.format(number=number, text=escape(str(item))),
            styles["item"],
        )
        for number, item in enumerate(items, start=1)
    ]


def _table(block: dict, values: dict, styles: dict, width: float) -> Flowable:
    columns = block["columns"]
    total = sum(column.get("width", 1) for column in columns)
    widths = [width * column.get("width", 1) / total for column in columns]
    rows = [[Paragraph(escape(column["title"]), styles["head"]) for column in columns]]
    for number, row in enumerate(values.get(block["source"]) or [], start=1):
        row = {"number": number, **row}
        rows.append([Paragraph(_cell(row, column), styles["cell"]) for column in columns])
    for _ in range(block.get("blank_rows", 0)):
        rows.append([Paragraph("", styles["cell"]) for _column in columns])
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table


def _cell(row: dict, column: dict) -> str:
    value = row.get(column["key"])
    value = column.get("labels", {}).get(value, value) if isinstance(value, str) else value
    if value is None or value == "":
        return ""
    return escape(str(value)).replace("\n", "<br/>")


def _codes(block: dict, values: dict, styles: dict, width: float) -> Flowable:
    """The QR code of the public lookup URL beside a Code 128 barcode of the dossier code."""
    url = block["qr"].format(**values)
    code = block["barcode"].format(**values)
    size = block.get("qr_mm", 24) * mm
    picture = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    picture.add_data(url)
    png = io.BytesIO()
    picture.make_image().save(png)
    png.seek(0)
    qr = Image(png, width=size, height=size)
    barcode = Code128(code, barHeight=12 * mm, barWidth=0.75, humanReadable=True, fontSize=8)
    right: list[Flowable] = [barcode]
    if block.get("caption"):
        right.append(Paragraph(fill(block["caption"], values), styles["caption"]))
    table = Table([[qr, right]], colWidths=[size + 6 * mm, width - size - 6 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _signatures(block: dict, values: dict, styles: dict, width: float) -> Flowable:
    columns = block["columns"]
    cells = []
    for column in columns:
        lines = [
            Paragraph(f"<b>{fill(column['title'], values)}</b>", styles["center"]),
            Paragraph(f"<i>{fill(column.get('note', ''), values)}</i>", styles["center"]),
            Spacer(1, block.get("space_mm", 18) * mm),
        ]
        name = fill(column.get("name", ""), values)
        if name and name != BLANK:
            lines.append(Paragraph(f"<b>{name}</b>", styles["center"]))
        cells.append(lines)
    table = Table([cells], colWidths=[width / len(columns)] * len(columns))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 4 * mm), table])
