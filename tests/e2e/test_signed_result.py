"""A signed result in a real browser: the processing officer attaches the result PDF, the leader
approves and the agency's key signs it, the one-stop returns it online, the citizen downloads it
from their e-document store and checks it on the public verification page.

The worker's part (signing, mail) runs in the test with `perform_due`, as the `motcua worker`
process would between the browser's steps.
"""

from __future__ import annotations

import threading

import pytest

from engine.outbox.dispatch import perform_due
from tests.e2e.test_thin_slice import officer_completes
from tests.factories import submit
from tests.signing import result_pdf

pytestmark = pytest.mark.e2e


def run_worker(session_factory) -> None:
    """`perform_due` in its own thread, as in the worker process: Playwright's event loop runs
    in this one, and pyHanko runs its own loop per signature."""
    worker = threading.Thread(target=perform_due, args=(session_factory,))
    worker.start()
    worker.join()


def test_the_leader_signs_and_the_citizen_verifies_the_downloaded_result(
    demo, live_server, page, screenshot, session_factory, sign_in, sign_out, signing, tmp_path
):
    _, code = submit(session_factory, demo.actor("congdan"))
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

    run_worker(session_factory)  # the worker signs with the agency's certificate
    sign_in(page, "motcua")
    page.goto(f"{live_server}/can-bo/ho-so/{code}")
    assert "Đã ký số" in page.inner_text("#result-files")
    assert "Ủy ban nhân dân phường Bến Thành" in page.inner_text("#result-files")
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
    assert "Ủy ban nhân dân phường Bến Thành" in verdict
    assert "Nguyên vẹn" in verdict and "Chưa bị thu hồi" in verdict
    screenshot(page, "signed-result-verified")
