"""An officer's in-app list holds the staff notices addressed to them, and only those."""

from __future__ import annotations

from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.dossiers.notices import LEADER_NOTICE, notice_message
from tests.factories import submit


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_leader_sees_the_notice_marks_it_read_and_others_do_not_see_it(
    browser, demo, session_factory
):
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session, transaction(session):
        notice_message(
            session,
            session.get(Dossier, dossier_id),
            LEADER_NOTICE,
            {"template": "dossier_at_risk", "message": f"Hồ sơ {code} sắp đến hạn."},
            f"test:{dossier_id}:at-risk",
        )

    browser.login("lanhdao")
    page = text(browser.client.get("/can-bo/thong-bao"))
    assert f"Hồ sơ {code} sắp đến hạn." in page
    assert 'aria-label="1 thông báo chưa đọc"' in page
    browser.submit("/can-bo/thong-bao/da-doc", {}, page="/can-bo/thong-bao")
    assert "thông báo chưa đọc" not in text(browser.client.get("/can-bo/thong-bao"))

    browser.login("thuly")
    page = text(browser.client.get("/can-bo/thong-bao"))
    assert code not in page and "Chưa có thông báo." in page
