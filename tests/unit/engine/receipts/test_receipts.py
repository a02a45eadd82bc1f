"""E-receipts: numbering without gaps per agency and year, one per payment, the printed PDF."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.errors import InvalidInput
from engine.receipts.issuing import issue_receipt
from engine.receipts.models import EReceipt, ReceiptSeries
from engine.receipts.queries import receipt_verification_url
from engine.timestamps import LOCAL_TZ, utcnow
from forms.documents.receipt import receipt_pdf
from tests.documents import decoded_images, pdf_text
from tests.factories import submit

PAID_AT = datetime(2026, 12, 5, 3, 30, tzinfo=UTC)
FEE = [{"name": "Lệ phí đăng ký khai sinh", "amount": 100000}]


def _issue(session, dossier, payment_id, *, agency_id=None, lines=FEE, amount=100000):
    return issue_receipt(
        session,
        agency_id=agency_id or dossier.agency_id,
        dossier=dossier,
        payment_id=payment_id,
        payer_name="Nguyễn Văn An",
        procedure_name="Đăng ký khai sinh",
        lines=lines,
        amount=amount,
        paid_at=PAID_AT,
        method="online",
        provider="sandbox",
        provider_reference="TX-0001",
    )


#: the payments the tests issue receipts for, by id
PAYMENT_IDS = range(1, 51)


@pytest.fixture
def dossier_id(demo, session_factory) -> int:
    from engine.outbox.models import OutboxMessage
    from engine.payments.models import Payment

    dossier_id, _ = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session, transaction(session):
        for number in PAYMENT_IDS:
            message = OutboxMessage(
                dossier_id=dossier_id,
                operation="payment/collect",
                payload={},
                idempotency_key=f"test-payment-{number}",
            )
            session.add(message)
            session.flush()
            session.add(
                Payment(
                    id=number,
                    dossier_id=dossier_id,
                    outbox_message_id=message.id,
                    amount=100000,
                    fee_lines=FEE,
                )
            )
    return dossier_id


def test_numbers_are_consecutive_per_agency(session_factory, dossier_id):
    with session_factory() as session, transaction(session):
        dossier = session.get(Dossier, dossier_id)
        other = session.scalars(select(Agency).where(Agency.id != dossier.agency_id)).first()
        numbers = [_issue(session, dossier, payment_id).number for payment_id in (1, 2, 3)]
        elsewhere = _issue(session, dossier, 4, agency_id=other.id)
        mine = _issue(session, dossier, 5)
    assert numbers == [1, 2, 3]
    assert elsewhere.number == 1
    assert mine.number == 4
    year = utcnow().astimezone(LOCAL_TZ).year
    assert mine.series.symbol == f"BL-{year}"
    assert mine.series.year == year
    assert elsewhere.series_id != mine.series_id


def test_one_receipt_per_payment(session_factory, dossier_id):
    with session_factory() as session, transaction(session):
        dossier = session.get(Dossier, dossier_id)
        first = _issue(session, dossier, 42)
    with session_factory() as session, transaction(session):
        dossier = session.get(Dossier, dossier_id)
        again = _issue(session, dossier, 42)
        following = _issue(session, dossier, 43)
    assert again.id == first.id
    assert again.number == first.number == 1
    assert following.number == 2
    with session_factory() as session:
        assert session.query(EReceipt).count() == 2


def test_concurrent_issuing_leaves_no_gap(session_factory, dossier_id):
    """Threads in their own transactions: every payment gets one number, 1..N, no repeats."""
    errors: list[BaseException] = []

    def pay(payment_id: int) -> None:
        try:
            with session_factory() as session, transaction(session):
                _issue(session, session.get(Dossier, dossier_id), payment_id)
        except BaseException as error:  # reported below
            errors.append(error)

    # payments 1-6, each asked for twice at once
    threads = [threading.Thread(target=pay, args=(n % 6 + 1,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_factory() as session:
        receipts = session.scalars(select(EReceipt).order_by(EReceipt.number)).all()
        assert [r.number for r in receipts] == [1, 2, 3, 4, 5, 6]
        assert sorted(r.payment_id for r in receipts) == [1, 2, 3, 4, 5, 6]
        assert session.scalars(select(ReceiptSeries.next_number)).one() == 7


def test_total_must_be_the_sum_of_the_lines(session_factory, dossier_id):
    with session_factory() as session:
        dossier = session.get(Dossier, dossier_id)
        with pytest.raises(InvalidInput):
            _issue(session, dossier, 1, amount=90000)
        with pytest.raises(InvalidInput):
            _issue(session, dossier, 1, lines=[], amount=0)


def test_receipt_pdf(session_factory, dossier_id, monkeypatch):
    monkeypatch.setenv("MOTCUA_PUBLIC_BASE_URL", "https://dichvucong.example.gov.vn/")
    with session_factory() as session, transaction(session):
        dossier = session.get(Dossier, dossier_id)
        receipt = _issue(session, dossier, 7)
        pdf = receipt_pdf(receipt)
        url = receipt_verification_url(receipt)
        code, agency_name = dossier.code, dossier.agency.name
    assert url == f"https://dichvucong.example.gov.vn/bien-lai/{receipt.lookup_code}"
    assert pdf.startswith(b"%PDF")
    text = " ".join(pdf_text(pdf).split())
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert "Một trăm nghìn đồng" in text
    assert "Nguyễn Văn An" in text
    assert "0000001" in text
    assert "100.000" in text
    assert "BL-" in text
    assert code in text
    assert agency_name in text
    assert "Lệ phí đăng ký khai sinh" in text
    assert "Trực tuyến" in text
    assert decoded_images(pdf) == [url]


def test_receipt_is_invoiced_once(session_factory, dossier_id):
    from connectors.einvoice.client import issue_invoice
    from connectors.einvoice.sandbox import EinvoiceSandbox
    from engine.receipts.invoicing import invoice_idempotency_key, invoice_payload, record_invoice

    provider = EinvoiceSandbox().start()
    try:
        with session_factory() as session, transaction(session):
            receipt = _issue(session, session.get(Dossier, dossier_id), 9)
            payload, key = invoice_payload(receipt), invoice_idempotency_key(receipt)
            first = issue_invoice(payload, key, provider.settings)
            assert issue_invoice(payload, key, provider.settings) == first
            record_invoice(receipt, first)
    finally:
        provider.stop()
    assert payload["total"] == 100000
    assert payload["buyer"] == {"name": "Nguyễn Văn An"}
    assert payload["reference"] == f"{receipt.series.symbol}/0000001"
    assert len(provider.invoices) == 1
    with session_factory() as session:
        stored = session.get(EReceipt, receipt.id)
        assert stored.invoice_state == "issued"
        assert stored.invoice_number == first["invoice_number"]
        assert stored.invoice_lookup_code == first["lookup_code"]
