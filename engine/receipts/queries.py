"""Finding a dossier's e-receipt."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.notices import public_base_url
from engine.receipts.models import EReceipt


def dossier_receipt(session: Session, dossier_id: int) -> EReceipt | None:
    """The latest e-receipt issued for the dossier's fees, if any."""
    return session.scalar(
        select(EReceipt).where(EReceipt.dossier_id == dossier_id).order_by(EReceipt.id.desc())
    )


def receipt_by_lookup_code(session: Session, lookup_code: str) -> EReceipt | None:
    """The receipt whose printed QR code carries `lookup_code` (case-insensitive, as typed)."""
    code = lookup_code.strip().upper()
    if not code.isalnum() or len(code) > 40:
        return None
    return session.scalar(select(EReceipt).where(EReceipt.lookup_code == code))


def receipt_verification_url(receipt: EReceipt) -> str:
    """Where anyone holding the paper checks the receipt: the portal's public lookup page."""
    return f"{public_base_url()}/bien-lai/{receipt.lookup_code}"
