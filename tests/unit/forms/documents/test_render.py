"""Every official document renders from its template, readable back with diacritics intact."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image

from forms.documents.render import BLANK, fill, render_pdf
from forms.documents.spreadsheet import render_xlsx
from tests.documents import decoded_images, pdf_page_sizes_mm, pdf_text

CODE = "000.00.20.H25-261130-0007"
URL = f"https://dichvucong.example.vn/tra-cuu?ma={CODE}"
VALUES = {
    "code": CODE,
    "agency_name": "UBND phường Phú Cường",
    "agency_upper": "UBND PHƯỜNG PHÚ CƯỜNG",
    "parent_agency_upper": "UBND TỈNH BÌNH DƯƠNG",
    "reception_unit": "Bộ phận tiếp nhận và trả kết quả UBND phường Phú Cường",
    "place": "Phú Cường",
    "issued_date": "ngày 30 tháng 11 năm 2026",
    "applicant_name": "Nguyễn Văn An",
    "procedure_name": "Đăng ký khai sinh",
    "components": ["Tờ khai đăng ký khai sinh (bản chính: 01)", "Giấy chứng sinh (bản chính: 01)"],
    "missing_items": ["Giấy chứng sinh bản chính", "Văn bản ủy quyền"],
    "reason": "Thiếu giấy tờ <bắt buộc> & chưa ký",
    "lookup_url": URL,
    "handovers": [
        {"parties": "1. Giao: A\n2. Nhận: B", "time": "08 giờ 00 phút", "timing": "late"}
    ],
}


def test_a_value_is_escaped_and_a_missing_one_prints_as_a_dotted_line():
    assert fill("{reason}|{nothing}", VALUES) == (
        f"Thiếu giấy tờ &lt;bắt buộc&gt; &amp; chưa ký|{BLANK}"
    )


@pytest.mark.parametrize(
    ("template", "title", "size"),
    [
        ("mau_01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", (148, 210)),
        ("mau_02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", (210, 297)),
        ("mau_03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", (210, 297)),
        ("mau_04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", (210, 297)),
        ("mau_05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", (210, 297)),
    ],
)
def test_each_form_prints_title_heading_code_and_name_on_its_paper(template, title, size):
    pdf = render_pdf(template, VALUES)
    text = pdf_text(pdf)
    assert title in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Nguyễn Văn An" in text
    assert pdf_page_sizes_mm(pdf)[0] == size
    if template != "mau_04":
        assert CODE in text


def test_supplement_request_lists_every_missing_item_and_the_escaped_reason():
    text = pdf_text(render_pdf("mau_02", VALUES))
    assert "1. Giấy chứng sinh bản chính" in text
    assert "2. Văn bản ủy quyền" in text
    assert "Thiếu giấy tờ <bắt buộc> & chưa ký" in text


def test_control_slip_prints_the_circulars_word_for_late():
    assert "Quá hạn" in pdf_text(render_pdf("mau_05", VALUES))


def test_receipt_qr_code_decodes_to_the_lookup_url():
    assert decoded_images(render_pdf("mau_01", VALUES)) == [URL]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler-utils)")
def test_receipt_page_as_printed_shows_qr_and_code128_barcode(tmp_path):
    (tmp_path / "receipt.pdf").write_bytes(render_pdf("mau_01", VALUES))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", "receipt.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert {(code.format, code.text) for code in found} >= {
        (zxingcpp.BarcodeFormat.QRCode, URL),
        (zxingcpp.BarcodeFormat.Code128, CODE),
    }


def register_values(count: int) -> dict:
    rows = [
        {"code": f"{CODE[:-4]}{n:04d}", "applicant_name": "Nguyễn Văn An", "count": 1}
        for n in range(1, count + 1)
    ]
    return {
        **VALUES,
        "dossiers": rows,
        "total": count,
        "date_from": "01/11/2026",
        "date_to": "30/11/2026",
    }


def test_register_pdf_is_a4_landscape_with_every_dossier():
    pdf = render_pdf("mau_06", register_values(3))
    assert pdf_page_sizes_mm(pdf)[0] == (297, 210)
    text = pdf_text(pdf)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert " ".join(text.split()).count("Nguyễn Văn An") == 3
    assert text.count(CODE[:-4]) == 3


def test_register_spreadsheet_has_a_header_and_one_row_per_dossier():
    workbook = load_workbook(io.BytesIO(render_xlsx("mau_06", register_values(3))))
    rows = list(workbook.active.iter_rows(values_only=True))
    header = next(index for index, row in enumerate(rows) if row[0] == "STT")
    assert rows[header][1] == "Mã hồ sơ"
    body = rows[header + 1 :]
    assert [row[0] for row in body] == [1, 2, 3]
    assert {row[4] for row in body} == {"Nguyễn Văn An"}
    assert any(row[0] == "SỔ THEO DÕI HỒ SƠ" for row in rows)
