"""A local certificate authority for the demo and the tests: root, timestamping unit, agency
signing certificates, revocation by CRL and OCSP.

Real deployments sign with certificates from a licensed provider (VNPT-CA, Viettel-CA, the
Government's Ban Cơ yếu) chained to the national root; this authority plays all of those parts
on one machine so that chains, revocation and timestamps are checked for real, not faked.
Its state is a folder: the root and TSA keys and certificates as PEM, and `revoked.json`.
Keys are RSA 2048, what the providers issue and what pyHanko's timestamper signs with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_NAME = "Motcua Demo Root CA"
TSA_NAME = "Motcua Demo Timestamping Unit"
#: paths under the sandbox's base URL that issued certificates point at
CRL_PATH = "/crl/root.crl"
OCSP_PATH = "/ocsp"
TSA_PATH = "/tsa"


@dataclass(frozen=True)
class IssuedCertificate:
    """A signing certificate and its key as the agency receives them (PKCS#12)."""

    serial: int
    subject: str
    pkcs12: bytes
    password: str
    certificate_pem: bytes


def _name(common_name: str, organisation: str = "Motcua") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class LocalAuthority:
    """The authority kept in `directory`; `open` creates it on first use."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.root_key = _load_key(directory / "root.key.pem")
        self.root = x509.load_pem_x509_certificate((directory / "root.pem").read_bytes())
        self.tsa_key = _load_key(directory / "tsa.key.pem")
        self.tsa = x509.load_pem_x509_certificate((directory / "tsa.pem").read_bytes())

    @classmethod
    def open(cls, directory: str | Path) -> LocalAuthority:
        directory = Path(directory)
        if not (directory / "root.pem").exists():
            _create(directory)
        return cls(directory)

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def issue_signing_certificate(
        self,
        common_name: str,
        organisation: str,
        base_url: str,
        password: str,
        *,
        valid_days: int = 730,
    ) -> IssuedCertificate:
        """An agency's document-signing certificate whose CRL and OCSP point at `base_url`; it is
        kept under `issued/` so the OCSP responder can answer about it."""
        key = _new_key()
        now = datetime.now(UTC)
        base_url = base_url.rstrip("/")
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation))
            .issuer_name(self.root.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=valid_days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(base_url + CRL_PATH)],
                            None,
                            None,
                            None,
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            x509.AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(base_url + OCSP_PATH),
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(self.root_key, hashes.SHA256())
        )
        bundle = pkcs12.serialize_key_and_certificates(
            common_name.encode(),
            key,
            certificate,
            [self.root],
            serialization.BestAvailableEncryption(password.encode()),
        )
        certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
        folder = self.directory / "issued"
        folder.mkdir(exist_ok=True)
        (folder / f"{certificate.serial_number:x}.pem").write_bytes(certificate_pem)
        return IssuedCertificate(
            serial=certificate.serial_number,
            subject=common_name,
            pkcs12=bundle,
            password=password,
            certificate_pem=certificate_pem,
        )

    # revocation

    def revoke(self, serial: int, when: datetime | None = None) -> None:
        revoked = self.revoked()
        revoked[serial] = (when or datetime.now(UTC)).isoformat()
        (self.directory / "revoked.json").write_text(
            json.dumps({str(key): value for key, value in revoked.items()}), "utf-8"
        )

    def revoked(self) -> dict[int, str]:
        path = self.directory / "revoked.json"
        if not path.exists():
            return {}
        return {int(key): value for key, value in json.loads(path.read_text("utf-8")).items()}

    def crl(self) -> bytes:
        """The root's current CRL, DER, valid for a day."""
        now = datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.subject)
            .last_update(now - timedelta(minutes=1))
            .next_update(now + timedelta(days=1))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()),
                critical=False,
            )
        )
        for serial, when in self.revoked().items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(datetime.fromisoformat(when))
                .build()
            )
        return builder.sign(self.root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_response(self, request_der: bytes) -> bytes:
        """The answer to an OCSP request about a certificate this root issued, signed by the
        root itself (RFC 6960 allows the issuing CA as responder)."""
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST
            ).public_bytes(serialization.Encoding.DER)
        certificate = self._issued(request.serial_number)
        if certificate is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        now = datetime.now(UTC)
        revoked_at = self.revoked().get(request.serial_number)
        status = ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response(
                cert=certificate,
                issuer=self.root,
                algorithm=hashes.SHA256(),
                cert_status=status,
                this_update=now - timedelta(minutes=1),
                next_update=now + timedelta(hours=1),
                revocation_time=datetime.fromisoformat(revoked_at) if revoked_at else None,
                revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.root)
        )
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)
        return builder.sign(self.root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def _issued(self, serial: int) -> x509.Certificate | None:
        path = self.directory / "issued" / f"{serial:x}.pem"
        return x509.load_pem_x509_certificate(path.read_bytes()) if path.exists() else None


def _load_key(path: Path) -> rsa.RSAPrivateKey:
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _create(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    root_key = _new_key()
    root = (
        x509.CertificateBuilder()
        .subject_name(_name(ROOT_NAME))
        .issuer_name(_name(ROOT_NAME))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    tsa_key = _new_key()
    tsa = (
        x509.CertificateBuilder()
        .subject_name(_name(TSA_NAME))
        .issuer_name(root.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    (directory / "root.key.pem").write_bytes(_pem_key(root_key))
    (directory / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (directory / "tsa.key.pem").write_bytes(_pem_key(tsa_key))
    (directory / "tsa.pem").write_bytes(tsa.public_bytes(serialization.Encoding.PEM))
