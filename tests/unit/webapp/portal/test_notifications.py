"""In-portal notifications: what the outbox sent the applicant, marked read."""

from __future__ import annotations

from tests.factories import complete, open_task
from tests.unit.webapp.portal.conftest import dossier_id_of, signed_in, submit_over_http


def test_notifications_list_and_mark_read(app, demo, session_factory, other_citizen):
    citizen = signed_in(app, "congdan")
    code = submit_over_http(citizen)
    dossier_id = dossier_id_of(session_factory, code)
    complete(
        session_factory,
        demo.actor("motcua"),
        open_task(session_factory, dossier_id).id,
        {"decision": "accept"},
    )

    page = citizen.client.get("/thong-bao").get_data(as_text=True)
    assert "Hồ sơ đã được nộp thành công" in page
    assert "Hồ sơ đã được tiếp nhận." in page
    assert page.count(">Mới</span>") == 2

    response = citizen.submit("/thong-bao/da-doc", {}, page="/thong-bao")
    assert response.status_code == 302
    page = citizen.client.get("/thong-bao").get_data(as_text=True)
    assert ">Mới</span>" not in page and "Đã đánh dấu 2 thông báo" in page

    other = signed_in(app, other_citizen).client.get("/thong-bao").get_data(as_text=True)
    assert code not in other and "Chưa có thông báo." in other
