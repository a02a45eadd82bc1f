"""The QR code on the receipt: the public lookup URL as inline SVG (no image library needed)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(url: str) -> Markup:
    """An <svg> element; safe to inline because qrcode writes only paths and numbers."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    text = image.to_string(encoding="unicode")
    return Markup(text[text.index("<svg") :])
