"""Postal service and a signed result in a real browser: the citizen submits choosing postal
pick-up and delivery and confirms the postage; the sandbox post office fetches the dossier to
the agency; the processing officer attaches the result PDF, the leader approves and the agency's
key signs it; the post office delivers the result; the one-stop returns it online; the citizen
downloads it from their e-document store and checks it on the public verification page.

The worker's part (signing, mail) runs in the test with `perform_due`, as the `motcua worker`
process would between the browser's steps.
"""

from __future__ import annotations

import pytest

from engine.outbox.dispatch import perform_due
from tests.e2e.test_thin_slice import officer_completes
from tests.factories import KHAI_SINH, birth_application
from tests.signing import result_pdf

pytestmark = pytest.mark.e2e


def order_code(post_office, kind: str) -> str:
    return next(code for code, order in post_office.orders.items() if order["kind"] == kind)


def test_postal_pickup_and_delivery_and_a_signed_result_the_citizen_verifies(
    demo,
    live_server,
    page,
    screenshot,
    session_factory,
    sign_in,
    sign_out,
    signing,
    post_office,
    tmp_path,
):
    sign_in(page, "congdan")
    page.goto(f"{live_server}/thu-tuc/{KHAI_SINH}/nop-ho-so")
    for name, value in birth_application().items():
        if name in ("applicant_relationship", "child_sex"):
            continue
        page.fill(f"[name='{name}']", str(value))
    page.select_option("[name='applicant_relationship']", index=1)
    page.locator("[name='child_sex']").first.check()
    certificate = tmp_path / "giay-chung-sinh.pdf"
    certificate.write_bytes(result_pdf("GIẤY CHỨNG SINH"))
    page.set_input_files("#doc_giay_chung_sinh", str(certificate))
    page.check("[name='postal_pickup']")
    page.check("[name='postal_delivery']")
    page.fill("#postal_address", "Số 12 đường Lê Lợi, phường Bến Thành, Thành phố Hồ Chí Minh")
    page.fill("#postal_phone", "0912345678")
    page.click("button:has-text('Nộp hồ sơ')")
    assert "Cước bưu chính" in page.inner_text("#postage")
    screenshot(page, "postal-1-postage")
    page.click("button:has-text('Xác nhận và nộp hồ sơ')")
    code = page.inner_text("#dossier-code")

    perform_due(session_factory)  # the pick-up is ordered
    pickup = order_code(post_office, "pickup")
    post_office.advance(pickup, "ACCEPTED")
    post_office.advance(pickup, "DELIVERED")
    page.goto(f"{live_server}/ho-so/{code}")
    assert "3. Bưu điện đã chuyển hồ sơ đến cơ quan" in page.inner_text("#postal-shipments")
    screenshot(page, "postal-2-handed-over")
    sign_out(page)

    accounts = {"sign_in": sign_in, "sign_out": sign_out}
    officer_completes(page, live_server, "motcua", ["Tiếp nhận"], {}, **accounts)

    sign_in(page, "thuly")
    page.goto(f"{live_server}/can-bo/ho-so/{code}")
    result = tmp_path / "giay-khai-sinh.pdf"
    result.write_bytes(result_pdf())
    page.fill("#result-title", "Giấy khai sinh (bản điện tử)")
    page.set_input_files("#result_file", str(result))
    page.click("button:has-text('Đính kèm kết quả')")
    page.wait_for_selector("#result-files:has-text('giay-khai-sinh.pdf')")
    sign_out(page)
    officer_completes(
        page,
        live_server,
        "thuly",
        ["Đề nghị cấp Giấy khai sinh"],
        {"verification_note": "Hồ sơ hợp lệ."},
        **accounts,
    )
    officer_completes(page, live_server, "lanhdao", ["Phê duyệt"], {}, **accounts)

    perform_due(session_factory)  # the worker signs and orders the delivery
    delivery = order_code(post_office, "delivery")
    post_office.advance(delivery, "ACCEPTED")
    post_office.advance(delivery, "DELIVERED")
    sign_in(page, "motcua")
    page.goto(f"{live_server}/can-bo/ho-so/{code}")
    assert "Đã ký số" in page.inner_text("#result-files")
    assert "Ủy ban nhân dân phường Phú Cường" in page.inner_text("#result-files")
    screenshot(page, "signed-result-officer")
    sign_out(page)
    officer_completes(
        page,
        live_server,
        "motcua",
        ["Trực tuyến"],
        {"returned_to": "Nguyễn Văn An"},
        **accounts,
    )

    sign_in(page, "congdan")
    page.goto(f"{live_server}/ho-so/{code}")
    assert "3. Bưu điện đã phát kết quả" in page.inner_text("#postal-shipments")
    page.goto(f"{live_server}/kho-giay-to")
    with page.expect_download() as download:
        page.click("#document-store a:has-text('da-ky-so.pdf')")
    downloaded = tmp_path / "downloaded.pdf"
    download.value.save_as(downloaded)
    assert downloaded.read_bytes().startswith(result.read_bytes())

    page.click("a:has-text('Xác thực chữ ký số')")
    page.set_input_files("#pdf", str(downloaded))
    page.click("button:has-text('Kiểm tra chữ ký')")
    verdict = page.inner_text("#signature-1")
    assert "Chữ ký số hợp lệ" in verdict
    assert "Ủy ban nhân dân phường Phú Cường" in verdict
    assert "Nguyên vẹn" in verdict and "Chưa bị thu hồi" in verdict
    screenshot(page, "signed-result-verified")
