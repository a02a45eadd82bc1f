"""Payment notifications and returns, settled through one engine function under a row lock."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, request, url_for

from connectors.payment import contract as protocol
from connectors.payment.providers import payment_provider
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.payments.settlement import find_attempt, settle_notice
from webapp.callbacks import bp
from webapp.extensions import csrf, db

log = logging.getLogger(__name__)


@bp.route("/thanh-toan/<provider>/ipn", methods=["GET", "POST"])
@csrf.exempt
def payment_notification(provider: str):
    """The provider's server-to-server notification: the source of truth, answered fast."""
    connector = payment_provider(provider) or abort(404)
    settings = provider_settings(db.session, provider)
    db.session.rollback()
    try:
        notice = connector.read_callback(
            request.args, request.get_data(), request.headers, settings
        )
    except protocol.InvalidSignature:
        log.warning("payment notification from %s with a bad signature", provider)
        return _reply(connector.answer(protocol.BAD_SIGNATURE))
    except protocol.MalformedCallback:
        return _reply(connector.answer(protocol.ERROR))
    try:
        with transaction(db.session):
            outcome = settle_notice(db.session, provider, notice)
    except Exception:
        log.exception("payment notification from %s could not be settled", provider)
        return _reply(connector.answer(protocol.ERROR))
    return _reply(connector.answer(outcome))


@bp.get("/thanh-toan/<provider>/ket-qua")
def payment_return(provider: str):
    """The payer's browser comes back. Its parameters are for display only: we ask the provider
    and settle what it says, so the return racing the IPN changes the payment once."""
    connector = payment_provider(provider) or abort(404)
    settings = provider_settings(db.session, provider)
    db.session.rollback()
    try:
        shown = connector.read_return(request.args, settings)
    except (protocol.InvalidSignature, protocol.MalformedCallback):
        abort(400, "Dữ liệu trả về từ cổng thanh toán không hợp lệ (sai chữ ký).")
    attempt = find_attempt(db.session, provider, shown.reference) or abort(404)
    db.session.rollback()
    code = attempt.dossier_code
    try:
        notice = connector.query(shown.reference, attempt.created_at, settings)
    except Exception as error:
        log.warning("payment query at %s failed: %s", provider, error)
        flash("Đang chờ cổng thanh toán xác nhận giao dịch; trang sẽ cập nhật sau.", "warning")
        return redirect(url_for("portal.payment", code=code))
    with transaction(db.session):
        settle_notice(db.session, provider, notice)
    if notice.state == protocol.PAID:
        flash("Thanh toán thành công.", "success")
    elif notice.state == protocol.FAILED:
        flash("Giao dịch không thành công. Bạn có thể thanh toán lại.", "error")
    return redirect(url_for("portal.payment", code=code))


def _reply(answer: protocol.CallbackAnswer):
    return answer.body, answer.status, {"Content-Type": answer.content_type}
