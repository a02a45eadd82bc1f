"""PAdES signatures with the agency's key and an RFC 3161 timestamp, with pyHanko.

The key is a PKCS#12 file, or, when `pkcs11_module` is set, a key held in a hardware security
module (or a smart-card token) reached through its PKCS#11 module; the certificate then comes
from `pkcs11_certificate` (a PEM file), since many HSMs keep only keys.

The signature is PAdES B-T: a CAdES detached signature (SubFilter ETSI.CAdES.detached) over the
whole file, the signer's chain and its revocation status (OCSP or CRL, fetched at signing time)
embedded, and a timestamp token from the TSA over the signature value, so the moment of signing
does not rest on the signer's clock. pyHanko validates the signer's chain, revocation included,
before it signs: a revoked or untrusted certificate never produces a signature.

Settings come from Quản trị › Kết nối (provider `signing`) over the MOTCUA_SIGNING_* environment;
the defaults are the local authority `make run` starts (connectors/signing/sandbox.py).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import cms, pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore

from connectors.contract import OperationFailed, OperationRefused
from connectors.settings import ProviderSettings, Setting, declare

DEFAULT_DIRECTORY = "var/signing"
DEFAULT_TSA_URL = "http://127.0.0.1:5010/tsa"
FIELD_NAME = "ChuKySoCoQuan"

SETTINGS = declare(
    ProviderSettings(
        "signing",
        "Ký số (chứng thư số của cơ quan, dấu thời gian)",
        (
            Setting(
                "pkcs12_path",
                "Tệp chứng thư số PKCS#12 (.p12)",
                "MOTCUA_SIGNING_PKCS12",
                default=f"{DEFAULT_DIRECTORY}/agency.p12",
            ),
            Setting(
                "pkcs12_password",
                "Mật khẩu tệp PKCS#12",
                "MOTCUA_SIGNING_PKCS12_PASSWORD",
                secret=True,
            ),
            Setting(
                "tsa_url",
                "Địa chỉ máy chủ dấu thời gian (RFC 3161)",
                "MOTCUA_SIGNING_TSA_URL",
                default=DEFAULT_TSA_URL,
            ),
            Setting(
                "trust_roots",
                "Chứng thư gốc tin cậy (tệp PEM)",
                "MOTCUA_SIGNING_TRUST_ROOTS",
                default=f"{DEFAULT_DIRECTORY}/root.pem",
            ),
            Setting("timeout", "Thời gian chờ (giây)", "MOTCUA_SIGNING_TIMEOUT", default="10"),
            Setting(
                "pkcs11_module",
                "Thư viện PKCS#11 của HSM (để trống: dùng tệp PKCS#12)",
                "MOTCUA_SIGNING_PKCS11_MODULE",
            ),
            Setting("pkcs11_token", "Nhãn token trên HSM", "MOTCUA_SIGNING_PKCS11_TOKEN"),
            Setting(
                "pkcs11_pin", "Mã PIN người dùng HSM", "MOTCUA_SIGNING_PKCS11_PIN", secret=True
            ),
            Setting("pkcs11_key_label", "Nhãn khóa ký trên HSM", "MOTCUA_SIGNING_PKCS11_KEY"),
            Setting(
                "pkcs11_certificate",
                "Chứng thư số của khóa trên HSM (tệp PEM)",
                "MOTCUA_SIGNING_PKCS11_CERTIFICATE",
            ),
        ),
        sandbox="python -m connectors.signing.sandbox --port 5010 --directory var/signing",
    )
)
SETTINGS_PROVIDER = SETTINGS.name
#: the sandbox's demo password, used when none is set (connectors/signing/sandbox.py)
SANDBOX_PASSWORD = "motcua-demo"

REVOKED = "SIGNING_CERTIFICATE_REVOKED"
EXPIRED = "SIGNING_CERTIFICATE_EXPIRED"
UNTRUSTED = "SIGNING_CERTIFICATE_UNTRUSTED"
NOT_A_PDF = "SIGNING_NOT_A_PDF"


def outside_event_loop(function):
    """pyHanko's synchronous calls start an event loop of their own, which a thread already
    running one cannot (an async server; Playwright in the browser tests): there, the call runs
    in a fresh thread and this one waits for it."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return function(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(function, *args, **kwargs).result()

    return run


@dataclass(frozen=True)
class SigningSettings:
    pkcs12_path: str
    pkcs12_password: str
    tsa_url: str
    trust_roots: str
    timeout: float = 10.0
    pkcs11_module: str = ""
    pkcs11_token: str = ""
    pkcs11_pin: str = ""
    pkcs11_key_label: str = ""
    pkcs11_certificate: str = ""

    @classmethod
    def read(cls, stored: Mapping[str, str] | None = None) -> SigningSettings:
        given = SETTINGS.values(stored)
        try:
            timeout = float(given.get("timeout", 10))
        except ValueError as error:
            raise OperationFailed(f"signing settings: timeout {error}") from error
        return cls(
            pkcs12_path=given.get("pkcs12_path", f"{DEFAULT_DIRECTORY}/agency.p12"),
            pkcs12_password=given.get("pkcs12_password", SANDBOX_PASSWORD),
            tsa_url=given.get("tsa_url", DEFAULT_TSA_URL),
            trust_roots=given.get("trust_roots", f"{DEFAULT_DIRECTORY}/root.pem"),
            timeout=timeout,
            pkcs11_module=given.get("pkcs11_module", ""),
            pkcs11_token=given.get("pkcs11_token", ""),
            pkcs11_pin=given.get("pkcs11_pin", ""),
            pkcs11_key_label=given.get("pkcs11_key_label", ""),
            pkcs11_certificate=given.get("pkcs11_certificate", ""),
        )


@dataclass(frozen=True)
class SignedPdf:
    content: bytes
    signer: str
    certificate_serial: str
    signed_at: datetime


def load_trust_roots(path: str | Path) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM (or DER) file: the roots a signature must chain to."""
    data = Path(path).read_bytes()
    if not pem.detect(data):
        return [asn1_x509.Certificate.load(data)]
    return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]


def validation_context(trust_roots: list[asn1_x509.Certificate]) -> ValidationContext:
    """Chains must end at one of `trust_roots`; revocation is looked up over the network and a
    certificate that names a CRL or OCSP service must get an answer from it."""
    return ValidationContext(
        trust_roots=trust_roots,
        allow_fetching=True,
        revocation_mode="hard-fail",
        # requests, not aiohttp: each call runs in its own short event loop
        fetcher_backend=RequestsFetcherBackend(),
    )


@outside_event_loop
def sign_pdf(pdf: bytes, settings: SigningSettings, *, reason: str, location: str) -> SignedPdf:
    """The PDF with the agency's PAdES B-T signature appended as an incremental update."""
    try:
        roots = load_trust_roots(settings.trust_roots)
    except (OSError, ValueError) as error:
        raise OperationFailed(f"signing: cannot read the trust roots: {error}") from error
    if settings.pkcs11_module:
        with _hsm_signer(settings) as signer:
            return _sign_with(signer, pdf, settings, roots, reason=reason, location=location)
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            Path(settings.pkcs12_path).read_bytes(),
            other_certs=[],
            passphrase=settings.pkcs12_password.encode(),
        )
    except OSError as error:
        raise OperationFailed(f"signing: cannot read the key: {error}") from error
    except ValueError as error:
        raise OperationFailed(f"signing: cannot open the PKCS#12 file: {error}") from error
    if signer is None:
        raise OperationFailed("signing: cannot open the PKCS#12 file (wrong password?)")
    return _sign_with(signer, pdf, settings, roots, reason=reason, location=location)


@contextmanager
def _hsm_signer(settings: SigningSettings) -> Iterator[signers.Signer]:
    """A signer whose key never leaves the HSM; the session is closed after the signature."""
    from pkcs11.exceptions import PKCS11Error
    from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session

    try:
        certificate = load_trust_roots(settings.pkcs11_certificate)[0]
        session = open_pkcs11_session(
            settings.pkcs11_module,
            token_criteria=TokenCriteria(label=settings.pkcs11_token or None),
            user_pin=settings.pkcs11_pin or None,
        )
    except (OSError, ValueError, IndexError, PKCS11Error) as error:
        raise OperationFailed(f"signing: cannot open the HSM: {error!r}") from error
    try:
        yield PKCS11Signer(session, key_label=settings.pkcs11_key_label, signing_cert=certificate)
    finally:
        session.close()


def _sign_with(
    signer: signers.Signer,
    pdf: bytes,
    settings: SigningSettings,
    roots: list[asn1_x509.Certificate],
    *,
    reason: str,
    location: str,
) -> SignedPdf:
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True,
        validation_context=validation_context(roots),
    )
    timestamper = HTTPTimeStamper(settings.tsa_url, timeout=settings.timeout)
    output = BytesIO()
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    except (PdfError, ValueError) as error:
        raise OperationRefused(NOT_A_PDF, f"Tệp không phải PDF hợp lệ: {error}") from error
    try:
        signers.PdfSigner(metadata, signer=signer, timestamper=timestamper).sign_pdf(
            writer, output=output
        )
    except Exception as error:
        raise _signing_error(error) from error
    certificate = signer.signing_cert
    return SignedPdf(
        content=output.getvalue(),
        signer=certificate.subject.native.get("common_name", certificate.subject.human_friendly),
        certificate_serial=format(certificate.serial_number, "x"),
        signed_at=datetime.now().astimezone(),
    )


def _signing_error(error: Exception) -> Exception:
    """A refusal the agency must act on (a new certificate), or an outage to retry later."""
    cause = error
    while cause is not None:
        if isinstance(cause, RevokedError):
            return OperationRefused(REVOKED, "Chứng thư số của cơ quan đã bị thu hồi.")
        if isinstance(cause, ExpiredError):
            return OperationRefused(EXPIRED, "Chứng thư số của cơ quan đã hết hạn.")
        if isinstance(cause, InsufficientRevinfoError | TimestampRequestError):
            return OperationFailed(f"signing: revocation or timestamp service: {cause}")
        if isinstance(cause, PathBuildingError | PathValidationError):
            return OperationRefused(
                UNTRUSTED, f"Chứng thư số của cơ quan không được tin cậy: {cause}"
            )
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, SigningError):
        return OperationFailed(f"signing: {error}")
    return OperationFailed(f"signing: {type(error).__name__}: {error}")


@dataclass(frozen=True)
class PreparedSignature:
    """A PDF with its signature field reserved, waiting for a remote signer's signature value.

    Everything here is plain data, so it can be stored while the signer approves on their phone
    and finished by another process: the prepared file, where its signature goes, and the CMS
    signed attributes whose SHA-256 (`to_sign`) the signer signs.
    """

    pdf: bytes
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attributes: bytes
    certificate: bytes

    @property
    def to_sign(self) -> bytes:
        return hashlib.sha256(self.signed_attributes).digest()


@outside_event_loop
def prepare_remote_signature(
    pdf: bytes,
    certificate_der: bytes,
    settings: SigningSettings,
    *,
    reason: str,
    location: str,
) -> PreparedSignature:
    """The first half of a remote signature: the signer's certificate is checked (chain and
    revocation) before anything is asked of them, as for a key we hold."""
    certificate = asn1_x509.Certificate.load(certificate_der)
    roots = load_trust_roots(settings.trust_roots)
    try:
        validator = CertificateValidator(certificate, validation_context=validation_context(roots))
        asyncio.run(validator.async_validate_usage({"non_repudiation"}))
    except Exception as error:
        raise _signing_error(error) from error
    signer = signers.ExternalSigner(
        signing_cert=certificate,
        cert_registry=SimpleCertificateStore.from_certs(roots),
        signature_value=bytes(256),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    except (PdfError, ValueError) as error:
        raise OperationRefused(NOT_A_PDF, f"Tệp không phải PDF hợp lệ: {error}") from error
    pdf_signer = signers.PdfSigner(metadata, signer=signer)
    digest, _document, output = asyncio.run(
        pdf_signer.async_digest_doc_for_signing(writer, bytes_reserved=16384)
    )
    attributes = asyncio.run(signer.signed_attrs(digest.document_digest, "sha256", use_pades=True))
    return PreparedSignature(
        pdf=output.getvalue(),
        document_digest=digest.document_digest,
        reserved_start=digest.reserved_region_start,
        reserved_end=digest.reserved_region_end,
        signed_attributes=attributes.dump(),
        certificate=certificate_der,
    )


@outside_event_loop
def finish_remote_signature(
    prepared: PreparedSignature, signature_value: bytes, settings: SigningSettings
) -> SignedPdf:
    """The second half: embed the signer's signature value and a timestamp (PAdES B-T)."""
    certificate = asn1_x509.Certificate.load(prepared.certificate)
    roots = load_trust_roots(settings.trust_roots)
    signer = signers.ExternalSigner(
        signing_cert=certificate,
        cert_registry=SimpleCertificateStore.from_certs(roots),
        signature_value=signature_value,
    )
    timestamper = HTTPTimeStamper(settings.tsa_url, timeout=settings.timeout)
    try:
        container = asyncio.run(
            signer.async_sign_prescribed_attributes(
                "sha256",
                signed_attrs=cms.CMSAttributes.load(prepared.signed_attributes),
                timestamper=timestamper,
            )
        )
        output = BytesIO(prepared.pdf)
        PdfTBSDocument.finish_signing(
            output,
            PreparedByteRangeDigest(
                prepared.document_digest, prepared.reserved_start, prepared.reserved_end
            ),
            container,
        )
    except Exception as error:
        raise _signing_error(error) from error
    return SignedPdf(
        content=output.getvalue(),
        signer=certificate.subject.native.get("common_name", certificate.subject.human_friendly),
        certificate_serial=format(certificate.serial_number, "x"),
        signed_at=datetime.now().astimezone(),
    )
