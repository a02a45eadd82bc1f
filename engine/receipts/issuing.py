"""Issuing a receipt: the next number of the agency's series for the year, once per payment."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.dossiers.models import Dossier
from engine.errors import InvalidInput
from engine.receipts.models import METHODS, EReceipt, ReceiptSeries
from engine.timestamps import LOCAL_TZ, utcnow

#: the receipt form's symbol, then the year: "BL-2026"
SYMBOL_PREFIX = "BL"


def series_symbol(year: int) -> str:
    return f"{SYMBOL_PREFIX}-{year}"


def issue_receipt(
    session: Session,
    *,
    agency_id: int,
    dossier: Dossier,
    payment_id: int | None,
    payer_name: str,
    procedure_name: str,
    lines: list[dict],
    amount: int,
    paid_at: datetime,
    method: str,
    provider: str | None = None,
    provider_reference: str | None = None,
) -> EReceipt:
    """The receipt for a payment: a new one with the series' next number, or the one already
    issued for `payment_id` (a provider's callback may arrive twice). Flushes, never commits.

    The series row is locked before the payment is looked up, so of two concurrent calls for
    one payment the second waits, then finds the first's receipt: no number is skipped.
    """
    _check(lines, amount, method)
    now = utcnow()
    series = _locked_series(session, agency_id, now.astimezone(LOCAL_TZ).year)
    if payment_id is not None:
        existing = session.scalars(select(EReceipt).filter_by(payment_id=payment_id)).first()
        if existing is not None:
            return existing
    number = session.execute(
        update(ReceiptSeries)
        .where(ReceiptSeries.id == series.id)
        .values(next_number=ReceiptSeries.next_number + 1)
        .returning(ReceiptSeries.next_number)
    ).scalar_one()
    session.expire(series, ["next_number"])
    receipt = EReceipt(
        series=series,
        number=number - 1,
        agency_id=agency_id,
        dossier=dossier,
        payment_id=payment_id,
        lookup_code=secrets.token_hex(10).upper(),
        payer_name=payer_name,
        procedure_name=procedure_name,
        lines=[{"name": line["name"], "amount": int(line["amount"])} for line in lines],
        amount=int(amount),
        paid_at=paid_at,
        method=method,
        provider=provider,
        provider_reference=provider_reference,
        issued_at=now,
    )
    session.add(receipt)
    session.flush()
    return receipt


def _check(lines: list[dict], amount: int, method: str) -> None:
    if method not in METHODS:
        raise InvalidInput(f"unknown payment method {method!r}")
    if not lines:
        raise InvalidInput("a receipt names at least one fee")
    if sum(int(line["amount"]) for line in lines) != int(amount):
        raise InvalidInput("the receipt's total is not the sum of its fees")
    if int(amount) < 0:
        raise InvalidInput("a receipt's amount is never negative")


def _locked_series(session: Session, agency_id: int, year: int) -> ReceiptSeries:
    """The agency's series for the year, locked FOR UPDATE; created at the year's first receipt
    (a concurrent creation loses on the unique key and locks the winner's row)."""
    query = select(ReceiptSeries).filter_by(agency_id=agency_id, year=year).with_for_update()
    series = session.scalars(query).first()
    if series is not None:
        return series
    try:
        with session.begin_nested():
            session.add(ReceiptSeries(agency_id=agency_id, year=year, symbol=series_symbol(year)))
    except IntegrityError:
        pass
    return session.scalars(query.execution_options(populate_existing=True)).one()
