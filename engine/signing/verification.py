"""Verifying the signatures in a PDF anyone uploads: who signed, when, whether the chain reaches
a trusted root, whether the certificate is revoked, whether the document changed since.

pyHanko's validator does the work; this module turns its status into the few facts the public
page states in Vietnamese. Revocation is checked now, over the network (OCSP or CRL named in the
certificate): a certificate revoked after the signature was made is still reported as revoked,
with the timestamp showing when the signature was made, because the reader must know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from sqlalchemy.orm import Session

from connectors.signing.client import (
    SETTINGS_PROVIDER,
    SigningSettings,
    load_trust_roots,
    outside_event_loop,
    validation_context,
)
from engine.connector_settings.settings import provider_settings
from engine.errors import InvalidInput

#: what the page accepts: a signed result is a few hundred kilobytes
MAX_PDF_BYTES = 20 * 1024 * 1024
#: changes after signing that leave the signed content as it was (validation data for LTV)
_HARMLESS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


@dataclass(frozen=True)
class SignatureReport:
    signer: str
    organisation: str
    #: the time the signer's software claimed, and the time the TSA vouched for
    claimed_at: datetime | None
    timestamped_at: datetime | None
    #: the signed bytes hash to what the signature says
    intact: bool
    #: the certificate chains to a trusted root and was valid (revocation aside)
    trusted: bool
    revoked: bool
    #: nothing but validation data was added after signing
    unchanged_since: bool
    #: pyHanko's sub-indication when the signature does not pass, for the expert reader
    problem: str | None

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and not self.revoked and self.unchanged_since


def verify_pdf(session: Session, content: bytes) -> list[SignatureReport]:
    """Every signature in the file, in signing order; InvalidInput for a file that is not a
    signed PDF, with the message the page shows."""
    if len(content) > MAX_PDF_BYTES:
        raise _unreadable("Tệp quá lớn (tối đa 20 MB).")
    if not content.startswith(b"%PDF-"):
        raise _unreadable("Tệp không phải PDF. Vui lòng chọn tệp PDF có chữ ký số.")
    try:
        signatures = PdfFileReader(BytesIO(content), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError) as error:
        raise _unreadable("Không đọc được tệp PDF: tệp bị hỏng.") from error
    if not signatures:
        raise _unreadable("Tệp PDF này không có chữ ký số.")
    settings = SigningSettings.read(provider_settings(session, SETTINGS_PROVIDER))
    roots = load_trust_roots(settings.trust_roots)
    return [_report(signature, roots) for signature in signatures]


def _unreadable(message: str) -> InvalidInput:
    return InvalidInput(message, {"pdf": message})


@outside_event_loop
def _report(signature, roots) -> SignatureReport:
    status = validate_pdf_signature(signature, validation_context(roots))
    subject = status.signing_cert.subject.native
    timestamp = status.timestamp_validity
    unchanged = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level in _HARMLESS
    )
    problem = status.trust_problem_indic
    return SignatureReport(
        signer=subject.get("common_name", status.signing_cert.subject.human_friendly),
        organisation=subject.get("organization_name", ""),
        claimed_at=status.signer_reported_dt,
        timestamped_at=timestamp.timestamp if timestamp is not None else None,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        revoked=bool(status.revoked),
        unchanged_since=unchanged,
        problem=problem.name if problem is not None else None,
    )
