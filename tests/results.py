"""A dossier carried to an approved result with a PDF attached, as the tests of what happens to
results next (signing, numbering) start from."""

from __future__ import annotations

import io

from tests.factories import complete, open_task, submit


def page_text(response) -> str:
    return response.get_data(as_text=True)


def approved_with_result(
    browser, demo, session_factory, content: bytes, title: str = "Giấy khai sinh (bản điện tử)"
) -> tuple[int, str]:
    """Received, a result PDF attached by the processing officer over HTTP, proposed and
    approved by the leader; (dossier id, code)."""
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id, "reception").id,
        {"decision": "accept"},
    )
    browser.login("thuly")
    attached = browser.submit(
        f"/can-bo/ho-so/{code}/ket-qua",
        {"title": title, "result_file": (io.BytesIO(content), "khai-sinh.pdf")},
        page=f"/can-bo/ho-so/{code}",
    )
    assert attached.status_code == 302
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
    return dossier_id, code
