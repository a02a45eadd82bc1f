"""Reading printed documents back as a person would: the text, and the QR code on the page."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image
from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (
            round(float(page.mediabox.width) / 72 * 25.4),
            round(float(page.mediabox.height) / 72 * 25.4),
        )
        for page in reader.pages
    ]


def decoded_images(pdf: bytes) -> list[str]:
    """Decode every barcode found in the pictures drawn on the first page."""
    reader = PdfReader(io.BytesIO(pdf))
    texts = []
    for picture in reader.pages[0].images:
        image = Image.open(io.BytesIO(picture.data)).convert("L")
        image = image.resize((image.width * 4, image.height * 4), Image.NEAREST)
        texts.extend(barcode.text for barcode in zxingcpp.read_barcodes(image))
    return texts
