"""A printable applicant form (Tờ khai), drawn from the form itself: blank, or filled.

The layout walks the same render model as the HTML form (forms/rendering.py `form_fields`):
sections become headings, groups and repeating groups keep their labels, every field gets its
label and an empty line (or a box per choice) to fill by hand. So the paper form a citizen
fills at home always matches the electronic one the officer types it into. Given the answers,
the same walk prints them instead of the dotted lines and ticks the chosen boxes: the form the
citizen signs digitally where a procedure asks for it.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from forms.definition import FormDefinition
from forms.documents.render import FONT, register_fonts
from forms.rendering import Field, form_fields

FONT_SIZE = 11
LINE_HEIGHT = 18
TEXTAREA_LINES = 3
BOX = 3.6 * mm


def blank_form_pdf(
    form: FormDefinition,
    *,
    procedure_name: str,
    agency_name: str = "",
    answers: dict | None = None,
    signer_name: str = "",
) -> bytes:
    """The PDF bytes of the form, A4, Noto Serif (every Vietnamese diacritic); with `answers`,
    filled in and closed by the signer's name for a digital signature."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{form.title or 'Tờ khai'} ({'bản khai điện tử' if answers else 'mẫu in'})",
        author=agency_name or "motcua",
    )
    width = document.width
    story = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", styles["national"]),
        Paragraph("Độc lập - Tự do - Hạnh phúc", styles["motto"]),
        Spacer(1, 6 * mm),
        Paragraph(escape((form.title or "Tờ khai").upper()), styles["title"]),
        Paragraph(f"Thủ tục: {escape(procedure_name)}", styles["subtitle"]),
    ]
    if agency_name:
        story.append(Paragraph(f"Kính gửi: {escape(agency_name)}", styles["subtitle"]))
    if answers is None:
        story.append(Paragraph("Các mục có dấu (*) là bắt buộc.", styles["help"]))
    story.append(Spacer(1, 3 * mm))
    for node in form_fields(form, answers) if answers is not None else form_fields(form):
        story += _node(node, styles, width, depth=0)
    story += _signature(styles, width, signer_name if answers is not None else None)
    document.build(story)
    return buffer.getvalue()


def _node(node: Field, styles: dict, width: float, depth: int) -> list:
    indent = depth * 5 * mm
    if node.kind == "section":
        flowables = [Spacer(1, 2 * mm), Paragraph(escape(node.label), styles["section"])]
        for child in node.children:
            flowables += _node(child, styles, width, depth)
        return flowables
    if node.kind in ("group", "row"):
        flowables = [Paragraph(_label(node), _indented(styles["group"], indent))]
        for child in node.children:
            flowables += _node(child, styles, width, depth + 1)
        return flowables
    if node.kind == "repeat":
        flowables = [Paragraph(_label(node), _indented(styles["group"], indent))]
        for row in node.rows:
            flowables += _node(row, styles, width, depth + 1)
        return flowables
    return [KeepTogether(_input(node, styles, width, indent))]


def _input(node: Field, styles: dict, width: float, indent: float) -> list:
    style = _indented(styles["field"], indent)
    flowables: list = []
    if node.options:
        flowables.append(Paragraph(_label(node), style))
        flowables.append(_choices(node, styles, width - indent, indent))
    elif node.value or node.values:
        answer = node.value or "; ".join(node.values)
        flowables.append(Paragraph(f"{_label(node)}: <b>{escape(answer)}</b>", style))
    elif node.widget == "textarea":
        flowables.append(Paragraph(_label(node), style))
        flowables += [_FillLine("", indent) for _ in range(TEXTAREA_LINES)]
    else:
        label = f"{node.label}{' (*)' if node.required else ''}: "
        if stringWidth(label, FONT, FONT_SIZE) > 0.6 * (width - indent):
            flowables += [Paragraph(_label(node), style), _FillLine("", indent)]
        else:
            flowables.append(_FillLine(label, indent))
        if node.widget == "text-list":
            flowables.append(_FillLine("", indent))
    hint = node.visible_if_note or node.help
    if hint:
        flowables.append(Paragraph(escape(hint), _indented(styles["help"], indent)))
    return flowables


def _choices(node: Field, styles: dict, width: float, indent: float) -> Table:
    """One box per choice, two choices a line; a chosen one is ticked."""
    cells = [
        ["X" if option.selected else "", Paragraph(escape(option.label), styles["field"])]
        for option in node.options
    ]
    rows = [
        [*cells[i], *(cells[i + 1] if i + 1 < len(cells) else ["", ""])]
        for i in range(0, len(cells), 2)
    ]
    column = (width - 2 * BOX - 4 * mm) / 2
    table = Table(rows, colWidths=[BOX, column] * 2, rowHeights=None, hAlign="LEFT")
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    for index in range(len(cells)):
        row, col = divmod(index, 2)
        cell = (col * 2, row)
        commands.append(("BOX", cell, cell, 0.6, colors.black))
    table.setStyle(TableStyle(commands))
    return Table(
        [[table]],
        colWidths=[width + indent],
        hAlign="LEFT",
        style=[("LEFTPADDING", (0, 0), (-1, -1), indent), ("RIGHTPADDING", (0, 0), (-1, -1), 0)],
    )


class _FillLine(Flowable):
    """`label` then a dotted line to the right margin, to be filled by hand."""

    def __init__(self, label: str, indent: float = 0):
        super().__init__()
        self.label, self.indent = label, indent

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, LINE_HEIGHT

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(FONT, FONT_SIZE)
        canvas.drawString(self.indent, 4, self.label)
        start = self.indent + stringWidth(self.label, FONT, FONT_SIZE) + 1
        canvas.setDash(1, 2)
        canvas.setLineWidth(0.6)
        canvas.line(start, 3, self.width, 3)


def _signature(styles: dict, width: float, signer_name: str | None = None) -> list:
    """A place to sign by hand, or, for the filled form, the name of who signs it digitally."""
    place = Paragraph("……………, ngày …… tháng …… năm ………", styles["signature_place"])
    if signer_name is not None:
        signer = Paragraph(
            f"<b>NGƯỜI YÊU CẦU</b><br/><i>(Ký số)</i><br/><br/><b>{escape(signer_name)}</b>",
            styles["signature"],
        )
    else:
        signer = Paragraph(
            "<b>NGƯỜI YÊU CẦU</b><br/><i>(Ký, ghi rõ họ tên)</i>", styles["signature"]
        )
    table = Table([[Paragraph("", styles["field"]), [place, signer]]], colWidths=[width / 2] * 2)
    return [Spacer(1, 6 * mm), KeepTogether([table])]


def _label(node: Field) -> str:
    return escape(node.label) + (" (*)" if node.required else "")


def _indented(style: ParagraphStyle, indent: float) -> ParagraphStyle:
    if not indent:
        return style
    return ParagraphStyle(f"{style.name}-{indent}", parent=style, leftIndent=indent)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=FONT_SIZE, leading=15)
    return {
        "national": ParagraphStyle(
            "national", parent=base, fontName=f"{FONT}-Bold", alignment=TA_CENTER
        ),
        "motto": ParagraphStyle("motto", parent=base, fontName=f"{FONT}-Bold", alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=14,
            leading=19,
            alignment=TA_CENTER,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, alignment=TA_CENTER),
        "section": ParagraphStyle(
            "section", parent=base, fontName=f"{FONT}-Bold", spaceBefore=4, spaceAfter=2
        ),
        "group": ParagraphStyle("group", parent=base, fontName=f"{FONT}-Italic", spaceBefore=2),
        "field": base,
        "help": ParagraphStyle(
            "help",
            parent=base,
            fontName=f"{FONT}-Italic",
            fontSize=9,
            leading=12,
            textColor=colors.dimgrey,
        ),
        "signature_place": ParagraphStyle(
            "signature-place", parent=base, fontName=f"{FONT}-Italic", alignment=TA_CENTER
        ),
        "signature": ParagraphStyle("signature", parent=base, alignment=TA_CENTER, spaceBefore=2),
    }
