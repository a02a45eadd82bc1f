"""Paying a fee online in a real browser: a citizen submits the household-business registration,
pays on the VNPay sandbox's page, comes back to "Đã thanh toán", downloads the e-receipt; the
confirmation e-mail arrives exactly once however often the worker runs.

The worker's part (opening the payment, sending mail) runs in the test with `perform_due`, as the
`motcua worker` process would between the browser's steps.
"""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from connectors.vnpay.sandbox import VnpaySandbox
from engine.outbox.dispatch import perform_due
from tests.unit.processes.test_household_business import application
from tests.unit.webapp.portal.conftest import PDF

pytestmark = pytest.mark.e2e

SUBMITTED_SUBJECT = "đã nộp thành công"


@pytest.fixture
def vnpay(live_server, monkeypatch):
    sandbox = VnpaySandbox(ipn_url=f"{live_server}/ket-noi/thanh-toan/vnpay/ipn").start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    yield sandbox
    sandbox.stop()


def fill_household_application(page) -> None:
    answers = application(applicant_email="an.nguyen@example.vn")
    for name in (
        "applicant_full_name",
        "applicant_id_number",
        "applicant_phone",
        "applicant_email",
        "applicant_address",
        "business_name",
        "business_address",
        "business_lines",
        "capital_vnd",
        "employees",
    ):
        page.fill(f"[name='{name}']", str(answers[name]))
    page.check("[name='founded_by'][value='individual']")
    page.check("[name='declaration']")


def test_citizen_pays_the_fee_on_vnpay_and_downloads_the_e_receipt(
    demo, live_server, page, screenshot, session_factory, sign_in, smtp, vnpay, tmp_path
):
    sign_in(page, "congdan")
    page.goto(live_server)
    page.fill("#q", "ho kinh doanh")
    page.click("button:has-text('Tìm kiếm')")
    page.click("#catalogue a:has-text('hộ kinh doanh')")
    page.locator("a:has-text('Nộp hồ sơ trực tuyến')").first.click()
    fill_household_application(page)
    signed_request = tmp_path / "giay-de-nghi.pdf"
    signed_request.write_bytes(PDF)
    page.set_input_files("#doc_giay_de_nghi", str(signed_request))
    page.click("button:has-text('Nộp hồ sơ')")
    code = page.inner_text("#dossier-code")
    assert re.fullmatch(r"000\.00\.20\.H25-\d{6}-\d{4}", code)

    perform_due(session_factory)  # the worker: payment opened, confirmation e-mail sent
    page.goto(f"{live_server}/ho-so/{code}")
    assert page.inner_text("#payment-state") == "Chờ thanh toán"
    page.click("a:has-text('Thanh toán trực tuyến')")
    assert "100.000 đồng" in page.inner_text("table")
    screenshot(page, "payment-1-fee")
    page.check("#provider-vnpay")
    page.click("button:has-text('Thanh toán 100.000 đồng')")

    page.wait_for_selector("h1:has-text('Cổng thanh toán VNPay')")
    assert "100,000" in page.content() or "100.000" in page.content()
    screenshot(page, "payment-2-vnpay-sandbox")
    page.click("button:has-text('Thanh toán')")

    page.wait_for_selector("#payment-state")
    assert page.inner_text("#payment-state") == "Đã thanh toán"
    assert vnpay.ipn_log and vnpay.ipn_log[0]["answer"]["RspCode"] == "00"
    screenshot(page, "payment-3-paid")

    with page.expect_download() as download:
        page.click("#e-receipt")
    pdf = tmp_path / "bien-lai.pdf"
    download.value.save_as(pdf)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Một trăm nghìn đồng" in text
    assert "Nguyễn Văn An" in text and code in text

    page.goto(f"{live_server}/tra-cuu")
    page.fill("#ma", code)
    page.click("button:has-text('Tra cứu')")
    assert "Đã thanh toán" in page.inner_text("#lookup-result")

    perform_due(session_factory)  # the worker again: nothing sent twice
    perform_due(session_factory)
    confirmations = [
        m for m in smtp.messages_to("an.nguyen@example.vn") if SUBMITTED_SUBJECT in m["Subject"]
    ]
    assert len(confirmations) == 1, [m["Subject"] for m in smtp.messages]
    assert code in confirmations[0].get_content()
