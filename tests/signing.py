"""The local certificate authority the signing tests share, and a result PDF to sign."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen import canvas

from connectors.signing.client import SigningSettings
from connectors.signing.sandbox import DEMO_PASSWORD, SigningSandbox
from forms.documents.render import register_fonts

AGENCY = "Ủy ban nhân dân phường Phú Cường"


@dataclass
class Authority:
    """The running sandbox, with one good and one revoked agency certificate on disk."""

    sandbox: SigningSandbox
    directory: Path
    good: Path
    revoked: Path
    good_serial: int

    def settings(self, pkcs12: Path | None = None) -> SigningSettings:
        return SigningSettings(
            pkcs12_path=str(pkcs12 or self.good),
            pkcs12_password=DEMO_PASSWORD,
            tsa_url=self.sandbox.tsa_url,
            trust_roots=str(self.directory / "root.pem"),
        )

    def environment(self, pkcs12: Path | None = None) -> dict[str, str]:
        settings = self.settings(pkcs12)
        return {
            "MOTCUA_SIGNING_PKCS12": settings.pkcs12_path,
            "MOTCUA_SIGNING_PKCS12_PASSWORD": settings.pkcs12_password,
            "MOTCUA_SIGNING_TSA_URL": settings.tsa_url,
            "MOTCUA_SIGNING_TRUST_ROOTS": settings.trust_roots,
        }

    def issue(self, name: str) -> tuple[Path, int]:
        """A fresh certificate, for a test that revokes it."""
        issued = self.sandbox.issue(name)
        path = self.directory / f"{issued.serial:x}.p12"
        path.write_bytes(issued.pkcs12)
        return path, issued.serial


def result_pdf(text: str = "GIẤY KHAI SINH — Nguyễn Thị Bình") -> bytes:
    """A one-page result document in Vietnamese, drawn with the font the forms embed."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(register_fonts(), 14)
    page.drawString(72, 760, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()
