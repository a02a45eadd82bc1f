"""PAdES B-T signing against the local authority over HTTP, read back by independent readers."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature as validate_in_this_thread
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from connectors.contract import OperationFailed, OperationRefused
from connectors.signing.client import REVOKED, load_trust_roots, outside_event_loop, sign_pdf
from connectors.signing.sandbox import DEMO_PASSWORD
from tests.documents import pdf_text
from tests.signing import result_pdf

#: pyHanko's own validator, the independent reader (off the browser tests' event loop)
validate_pdf_signature = outside_event_loop(validate_in_this_thread)


def signed(authority, pdf: bytes, pkcs12=None):
    return sign_pdf(
        pdf, authority.settings(pkcs12), reason="Phê duyệt kết quả", location="Phường Phú Cường"
    )


def test_a_signature_verifies_with_pyhankos_validator_and_leaves_the_signed_bytes_alone(
    signing_authority,
):
    original = result_pdf()
    result = signed(signing_authority, original)

    assert result.signer == "Ủy ban nhân dân phường Phú Cường"
    # an incremental update: the bytes before the signature are the original's, byte for byte
    assert result.content.startswith(original)
    reader = PdfReader(io.BytesIO(result.content))
    field = reader.get_fields()["ChuKySoCoQuan"]
    byte_range = field["/V"]["/ByteRange"]
    signed_end = byte_range[2] + byte_range[3]
    # the signature covers the whole signing revision: from byte 0 to its %%EOF, the only gap
    # being the signature value itself; only the validation data (DSS) is appended after it
    assert byte_range[0] == 0 and result.content[:signed_end].rstrip().endswith(b"%%EOF")
    assert b"/DSS" in result.content[signed_end:]
    assert "GIẤY KHAI SINH — Nguyễn Thị Bình" in pdf_text(result.content)

    roots = load_trust_roots(signing_authority.directory / "root.pem")
    context = ValidationContext(trust_roots=roots, allow_fetching=True)
    embedded = PdfFileReader(io.BytesIO(result.content)).embedded_signatures
    status = validate_pdf_signature(embedded[0], context)
    assert status.bottom_line and status.intact and status.trusted and not status.revoked
    assert embedded[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    # PAdES B-T: a timestamp token from the sandbox's TSA over the signature
    assert status.timestamp_validity is not None and status.timestamp_validity.intact
    assert "/tsa" in signing_authority.sandbox.requests


def test_a_revoked_certificate_is_refused_at_signing(signing_authority):
    with pytest.raises(OperationRefused) as refused:
        signed(signing_authority, result_pdf(), signing_authority.revoked)
    assert refused.value.code == REVOKED
    assert "đã bị thu hồi" in refused.value.message


def test_the_timestamp_server_down_is_a_temporary_failure(signing_authority):
    signing_authority.sandbox.set_down()
    try:
        with pytest.raises(OperationFailed):
            signed(signing_authority, result_pdf())
    finally:
        signing_authority.sandbox.set_down(False)


def test_a_file_that_is_not_a_pdf_is_refused(signing_authority):
    with pytest.raises(OperationRefused):
        signed(signing_authority, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")


SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"


@pytest.fixture
def hsm(signing_authority, tmp_path, monkeypatch):
    """A SoftHSM token holding the agency's key (imported from its PKCS#12, then only the
    module, the token label, the PIN and the key label are given to the signer)."""
    if not os.path.exists(SOFTHSM) or not shutil.which("softhsm2-util"):
        if os.environ.get("CI") == "true":
            pytest.fail("softhsm2 is missing: .ci/run installs it")
        pytest.skip("softhsm2 not installed (apt-get install softhsm2)")
    (tmp_path / "tokens").mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(config))
    key, certificate, _ = pkcs12.load_key_and_certificates(
        signing_authority.good.read_bytes(), DEMO_PASSWORD.encode()
    )
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    certificate_file = tmp_path / "agency.pem"
    certificate_file.write_bytes(certificate.public_bytes(Encoding.PEM))
    tool = ["softhsm2-util"]
    importing = ["--import", str(key_file), "--token", "motcua", "--label", "agency", "--id", "01"]
    subprocess.run(
        [*tool, "--init-token", "--free", "--label", "motcua", "--so-pin", "0000", "--pin", "1234"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*tool, *importing, "--pin", "1234"],
        check=True,
        capture_output=True,
    )
    key_file.unlink()
    return replace(
        signing_authority.settings(),
        pkcs12_path="",
        pkcs11_module=SOFTHSM,
        pkcs11_token="motcua",
        pkcs11_pin="1234",
        pkcs11_key_label="agency",
        pkcs11_certificate=str(certificate_file),
    )


def test_a_key_held_in_an_hsm_signs_through_pkcs11(signing_authority, hsm):
    original = result_pdf()
    result = sign_pdf(original, hsm, reason="Phê duyệt kết quả", location="Phường Phú Cường")
    assert result.signer == "Ủy ban nhân dân phường Phú Cường"
    assert result.content.startswith(original)
    roots = load_trust_roots(signing_authority.directory / "root.pem")
    embedded = PdfFileReader(io.BytesIO(result.content)).embedded_signatures
    status = validate_pdf_signature(embedded[0], ValidationContext(trust_roots=roots))
    assert status.bottom_line and status.intact


def test_a_wrong_hsm_pin_is_a_failure_to_retry_after_fixing_the_settings(hsm):
    with pytest.raises(OperationFailed, match="HSM"):
        sign_pdf(result_pdf(), replace(hsm, pkcs11_pin="9999"), reason="x", location="y")
