"""The printed e-receipt (biên lai thu phí, lệ phí điện tử) of a paid fee.

Drawn directly with reportlab rather than from a JSON template: its body is a fee table and two
totals, not the one-stop forms' paragraphs. It shares their embedded Noto Serif, so every
diacritic renders, and carries a QR code of the public verification URL.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import qrcode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from connectors.payment.providers import provider_label
from forms.documents.amount_words import amount_in_figures, amount_in_words
from forms.documents.render import FONT, _styles, register_fonts

if TYPE_CHECKING:
    from engine.receipts.models import EReceipt

TITLE = "BIÊN LAI THU PHÍ, LỆ PHÍ"
METHOD_LABELS = {"online": "Trực tuyến", "cash": "Tiền mặt"}


def receipt_pdf(receipt: EReceipt, verification_url: str | None = None) -> bytes:
    """The receipt as A5 PDF bytes; the QR code holds `verification_url` (by default the
    portal's /bien-lai/<lookup code>)."""
    from engine.calendar.written_dates import written_date
    from engine.timestamps import LOCAL_TZ

    register_fonts()
    if verification_url is None:
        from engine.receipts.queries import receipt_verification_url

        verification_url = receipt_verification_url(receipt)
    url = verification_url
    styles = _styles(10)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A5,
        topMargin=12 * mm,
        rightMargin=12 * mm,
        bottomMargin=12 * mm,
        leftMargin=15 * mm,
        title=f"{TITLE} {receipt.series.symbol} {receipt.printed_number}",
        author=receipt.agency.name,
    )
    width = document.width
    paid_at = receipt.paid_at.astimezone(LOCAL_TZ)
    method = METHOD_LABELS.get(receipt.method, receipt.method)
    if receipt.provider:
        method = f"{method} ({provider_label(receipt.provider)})"

    def text(value: object) -> str:
        return escape(str(value if value not in (None, "") else "…………………"))

    story: list[Flowable] = [
        Paragraph(f"<b>{text(receipt.agency.name)}</b>", styles["center"]),
        Spacer(1, 3 * mm),
        Paragraph(TITLE, styles["title"]),
        Paragraph("<i>(Biên lai điện tử)</i>", styles["center"]),
        Paragraph(
            f"Ký hiệu: <b>{text(receipt.series.symbol)}</b> &nbsp;&nbsp; "
            f"Số: <b>{receipt.printed_number}</b>",
            styles["center"],
        ),
        Spacer(1, 4 * mm),
    ]
    rows = [
        ("Đơn vị thu", receipt.agency.name),
        ("Người nộp", receipt.payer_name),
        ("Thủ tục", receipt.procedure_name),
        ("Mã hồ sơ", receipt.dossier.code),
    ]
    for label, value in rows:
        story.append(Paragraph(f"{label}: <b>{text(value)}</b>", styles["body"]))
    story.append(Spacer(1, 2 * mm))
    story.append(_lines_table(receipt, styles, width))
    story.extend(
        [
            Spacer(1, 2 * mm),
            Paragraph(
                f"Tổng số tiền: <b>{text(amount_in_figures(receipt.amount))}</b>", styles["body"]
            ),
            Paragraph(f"Bằng chữ: <i>{text(amount_in_words(receipt.amount))}</i>", styles["body"]),
            Paragraph(f"Hình thức thanh toán: {text(method)}", styles["body"]),
        ]
    )
    if receipt.provider_reference:
        story.append(Paragraph(f"Mã giao dịch: {text(receipt.provider_reference)}", styles["body"]))
    story.append(
        Paragraph(
            f"Thời gian thanh toán: {paid_at:%H:%M} {text(written_date(paid_at))}",
            styles["body"],
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(_qr_block(url, styles, width))
    document.build(story)
    return buffer.getvalue()


def _lines_table(receipt: EReceipt, styles: dict, width: float) -> Table:
    head = [
        Paragraph("STT", styles["head"]),
        Paragraph("Nội dung thu", styles["head"]),
        Paragraph("Số tiền (đồng)", styles["head"]),
    ]
    body = [
        [
            Paragraph(str(index), styles["cell"]),
            Paragraph(escape(line["name"]), styles["cell"]),
            Paragraph(amount_in_figures(line["amount"]).removesuffix(" đồng"), styles["cell"]),
        ]
        for index, line in enumerate(receipt.lines, start=1)
    ]
    total = [
        "",
        Paragraph("<b>Cộng</b>", styles["cell"]),
        Paragraph(
            f"<b>{amount_in_figures(receipt.amount).removesuffix(' đồng')}</b>", styles["cell"]
        ),
    ]
    table = Table([head, *body, total], colWidths=[width * 0.1, width * 0.6, width * 0.3])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _qr_block(url: str, styles: dict, width: float) -> Table:
    size = 24 * mm
    picture = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    picture.add_data(url)
    png = io.BytesIO()
    picture.make_image().save(png)
    png.seek(0)
    caption = Paragraph(f"Tra cứu, kiểm tra biên lai tại: {escape(url)}", styles["cell"])
    table = Table(
        [[Image(png, width=size, height=size), caption]],
        colWidths=[size + 6 * mm, width - size - 6 * mm],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table
