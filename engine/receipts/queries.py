"""Finding a dossier's e-receipt."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dossiers.notices import public_base_url
from engine.dossiers.queries import get_dossier
from engine.errors import NotFound
from engine.receipts.models import EReceipt
from engine.users.actor import Actor


def dossier_receipt(session: Session, dossier_id: int) -> EReceipt | None:
    """The latest e-receipt issued for the dossier's fees, if any."""
    return session.scalar(
        select(EReceipt).where(EReceipt.dossier_id == dossier_id).order_by(EReceipt.id.desc())
    )


def get_dossier_receipt(session: Session, actor: Actor, code: str) -> EReceipt:
    """The e-receipt of a dossier the actor may see (its applicant, its agency's officers);
    NotFound for another's dossier, or before the fees are paid."""
    dossier = get_dossier(session, actor, code)
    receipt = dossier_receipt(session, dossier.id)
    if receipt is None:
        raise NotFound("Hồ sơ chưa có biên lai điện tử.")
    return receipt


def receipt_by_lookup_code(session: Session, lookup_code: str) -> EReceipt | None:
    """The receipt whose printed QR code carries `lookup_code` (case-insensitive, as typed)."""
    code = lookup_code.strip().upper()
    if not code.isalnum() or len(code) > 40:
        return None
    return session.scalar(select(EReceipt).where(EReceipt.lookup_code == code))


def get_receipt_by_lookup_code(session: Session, lookup_code: str) -> EReceipt:
    """The public check: NotFound when no receipt carries this code."""
    receipt = receipt_by_lookup_code(session, lookup_code)
    if receipt is None:
        raise NotFound("Không tìm thấy biên lai với mã kiểm tra này.")
    return receipt


def receipt_verification_url(receipt: EReceipt) -> str:
    """Where anyone holding the paper checks the receipt: the portal's public lookup page."""
    return f"{public_base_url()}/bien-lai/{receipt.lookup_code}"
