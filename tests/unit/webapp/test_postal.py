"""VNPost pick-up and delivery over HTTP against the local post office: the citizen confirms the
postage, statuses arrive twice and out of order, the hand-over is the legal receipt time, and a
delivery that fails twice comes back to the agency."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from connectors.vnpost.sandbox import postage
from engine.dossiers.models import Dossier, DossierEvent
from engine.errors import InvalidInput
from engine.outbox.dispatch import perform_due
from engine.outbox.models import OutboxMessage
from engine.postal.models import DELIVERY, PICKUP, RETURNED, PostalShipment
from engine.postal.tracking import track_shipments
from tests.factories import birth_application, complete, open_task
from tests.unit.webapp.portal.conftest import SUBMIT_PATH, pdf

ADDRESS = "Số 12 đường Lê Lợi, phường Bến Thành, Thành phố Hồ Chí Minh"
AGENCY = "Bộ phận Một cửa, UBND phường Phú Cường"
POSTAL = {
    "postal_pickup": "1",
    "postal_delivery": "1",
    "postal_address": ADDRESS,
    "postal_phone": "0912345678",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def submit_with_post(browser) -> str:
    """The citizen ticks both services, reads the postage, confirms; the dossier code."""
    form = {**birth_application(), "doc_giay_chung_sinh": pdf(), "action": "submit", **POSTAL}
    shown = browser.submit(SUBMIT_PATH, form)
    assert shown.status_code == 200, "a quote to confirm, nothing submitted yet"
    page = text(shown)
    fee = postage(ADDRESS, AGENCY, 500)
    assert f"thu gom hồ sơ {fee:,} đồng".replace(",", ".") in page
    assert "Xác nhận và nộp hồ sơ" in page
    confirmed = {
        **birth_application(),
        "action": "submit",
        **POSTAL,
        "confirmed_pickup_postage": str(fee),
        "confirmed_delivery_postage": str(fee),
    }
    response = browser.submit(SUBMIT_PATH, confirmed)
    assert response.status_code == 302, text(response)
    return response.headers["Location"].split("/ho-so/")[1].split("/")[0]


def shipment(session_factory, direction: str) -> PostalShipment:
    with session_factory() as session:
        return session.scalars(
            select(PostalShipment).where(PostalShipment.direction == direction)
        ).one()


def test_pick_up_and_delivery_follow_the_post_office(browser, demo, session_factory, post_office):
    browser.login("congdan")
    code = submit_with_post(browser)
    with session_factory() as session:
        dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == code))
    assert shipment(session_factory, DELIVERY).status == 0, "ordered when the result is ready"
    perform_due(session_factory)
    pickup = shipment(session_factory, PICKUP)
    (order,) = post_office.orders.values()
    assert order["kind"] == "pickup" and order["sender"]["address"] == ADDRESS
    assert pickup.order_code and pickup.status == 1
    page = text(browser.client.get(f"/ho-so/{code}"))
    assert "1. Chờ bưu điện xác nhận thu gom hồ sơ" in page

    with pytest.raises(InvalidInput, match="chưa được bưu điện chuyển đến cơ quan"):
        complete(
            session_factory,
            demo.actor("motcua"),
            open_task(session_factory, dossier_id, "reception").id,
            {"decision": "accept"},
        )

    post_office.advance(pickup.order_code, "ACCEPTED")
    post_office.advance(pickup.order_code, "DELIVERED")
    assert post_office.notify(pickup.order_code, "DELIVERED")["callback"] == 200, "twice"
    assert post_office.notify(pickup.order_code, "ACCEPTED")["callback"] == 200, "late"
    assert shipment(session_factory, PICKUP).status == 3
    with session_factory() as session:
        notes = session.scalars(
            select(DossierEvent.note).where(DossierEvent.action == "postal_status")
        ).all()
        assert notes == [
            "Bưu điện đã tiếp nhận yêu cầu thu gom hồ sơ",
            "Bưu điện đã chuyển hồ sơ đến cơ quan",
        ]
        handed_over = session.get(Dossier, dossier_id).posted_in_at
    assert handed_over is not None

    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id, "reception").id,
        {"decision": "accept"},
    )
    with session_factory() as session:
        assert session.get(Dossier, dossier_id).received_at == handed_over, "legal receipt"
    complete(
        session_factory,
        demo.actor("thuly"),
        open_task(session_factory, dossier_id, "processing").id,
        {"verification_note": "Hợp lệ.", "proposal": "propose_approve"},
    )
    complete(
        session_factory,
        demo.actor("lanhdao"),
        open_task(session_factory, dossier_id, "leader").id,
        {"approval_decision": "approve"},
    )
    perform_due(session_factory)
    delivery = shipment(session_factory, DELIVERY)
    assert delivery.status == 1 and delivery.order_code
    assert post_office.orders[delivery.order_code]["receiver"]["address"] == ADDRESS
    post_office.advance(delivery.order_code, "ACCEPTED")
    post_office.advance(delivery.order_code, "FAILED_ATTEMPT", attempts=1)
    post_office.advance(delivery.order_code, "RETURNED", attempts=2)
    returned = shipment(session_factory, DELIVERY)
    assert (returned.status, returned.attempts) == (RETURNED, 2)
    browser.login("motcua")
    page = text(browser.client.get(f"/can-bo/ho-so/{code}"))
    assert "Phát không thành công sau 2 lần, bưu điện đã hoàn trả kết quả về cơ quan" in page


def test_a_lost_callback_is_made_up_by_the_tracking_poll(
    browser, demo, session_factory, post_office
):
    browser.login("congdan")
    submit_with_post(browser)
    perform_due(session_factory)
    code = shipment(session_factory, PICKUP).order_code
    post_office.orders[code]["status"] = "ACCEPTED"  # the post office moved on; no callback
    assert track_shipments(session_factory, quiet=timedelta(0)) == 1
    assert shipment(session_factory, PICKUP).status == 2


def test_the_post_office_down_delays_the_order_and_loses_nothing(
    browser, demo, session_factory, post_office
):
    browser.login("congdan")
    submit_with_post(browser)
    post_office.set_down()
    perform_due(session_factory)
    with session_factory() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.operation == "vnpost/create-order")
        ).one()
        assert row.status == "pending" and "503" in row.last_error
        row.next_attempt_at = row.created_at
        session.commit()
    post_office.set_down(False)
    perform_due(session_factory)
    assert len(post_office.orders) == 1
    assert shipment(session_factory, PICKUP).order_code


def test_a_status_without_the_post_offices_signature_is_refused(live_server, post_office):
    answer = requests.post(
        f"{live_server}/ket-noi/vnpost/trang-thai",
        json={"order_code": "EH0000001VN", "status": "DELIVERED"},
        headers={"X-VNPost-Signature": "sha256=00"},
        timeout=10,
    )
    assert answer.status_code == 401


def test_an_incomplete_address_is_refused_before_any_quote(browser, demo, post_office):
    browser.login("congdan")
    form = {
        **birth_application(),
        "doc_giay_chung_sinh": pdf(),
        "action": "submit",
        **POSTAL,
        "postal_address": "Lê Lợi",
    }
    response = browser.submit(SUBMIT_PATH, form)
    assert response.status_code == 400
    assert "Nhập địa chỉ đầy đủ" in text(response)
    assert post_office.orders == {}


def test_a_withdrawn_dossier_calls_its_pick_up_off_at_the_post_office(
    browser, demo, session_factory, post_office
):
    from engine.db import transaction
    from engine.dossiers.withdrawal import withdraw_dossier

    browser.login("congdan")
    code = submit_with_post(browser)
    perform_due(session_factory)
    order = shipment(session_factory, PICKUP).order_code
    with session_factory() as session, transaction(session):
        withdraw_dossier(session, demo.actor("congdan"), code, reason="Tôi nộp nhầm thủ tục.")
    perform_due(session_factory)
    assert post_office.orders[order]["status"] == "CANCELLED"
    assert shipment(session_factory, PICKUP).label == "Đã hủy yêu cầu thu gom"
    assert shipment(session_factory, DELIVERY).label == "Đã hủy yêu cầu chuyển phát"
