"""The admin preview pages: a draft's and a published version's diagram and trial run."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.procedures.drafts import save_draft
from engine.procedures.models import ProcedureDraft
from engine.users.models import User
from engine.users.passwords import hash_password
from tests.conftest import Browser
from tests.factories import KHAI_SINH
from tests.unit.engine.procedures.test_catalogue import other_ward_admin
from tests.unit.engine.procedures.test_drafts import new_procedure_package, ward_id

VERSION_PAGE = f"/quan-tri/thu-tuc/{KHAI_SINH}/phien-ban/1/xem-truoc"


def admin_browser(app) -> Browser:
    admin = Browser(app.test_client())
    admin.login("quantri")
    return admin


def stored_draft(demo, session_factory) -> int:
    with session_factory() as session, transaction(session):
        package = new_procedure_package()
        return save_draft(session, demo.actor("quantri"), package, agency_id=ward_id(session)).id


def test_version_trial_run_shows_the_path_and_creates_no_dossier(app, demo, session_factory):
    admin = admin_browser(app)
    page = admin.client.get(f"/quan-tri/thu-tuc/{KHAI_SINH}/phien-ban").get_data(as_text=True)
    assert VERSION_PAGE in page
    assert 'class="bpmn-diagram"' in admin.client.get(VERSION_PAGE).get_data(as_text=True)
    response = admin.submit(
        f"/quan-tri/thu-tuc/{KHAI_SINH}/phien-ban/1/chay-thu",
        {"sample": '{"Task_Reception": {"decision": "refuse", "reason": "Sai thẩm quyền"}}'},
        page=VERSION_PAGE,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Quy trình đi đến sự kiện kết thúc." in page
    assert '<li data-bpmn-id="EndEvent_Refused">' in page
    assert '<li data-bpmn-id="Task_Processing">' not in page
    assert "Sai thẩm quyền" in page
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Dossier)) == 0


def test_bad_sample_json_is_explained_next_to_the_field(app, demo):
    admin = admin_browser(app)
    response = admin.submit(
        f"/quan-tri/thu-tuc/{KHAI_SINH}/phien-ban/1/chay-thu",
        {"sample": "{not json"},
        page=VERSION_PAGE,
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="sample-error"' in page and "không phải JSON hợp lệ" in page
    assert "{not json" in page


def test_draft_page_trial_runs_then_discard_removes_it(app, demo, session_factory):
    draft_id = stored_draft(demo, session_factory)
    admin = admin_browser(app)
    listing = admin.client.get("/quan-tri/").get_data(as_text=True)
    assert f"/quan-tri/ban-nhap/{draft_id}" in listing
    page_url = f"/quan-tri/ban-nhap/{draft_id}"
    response = admin.submit(f"{page_url}/chay-thu", {"sample": ""}, page=page_url)
    page = response.get_data(as_text=True)
    assert '<li data-bpmn-id="EndEvent_Returned">' in page
    assert "kết quả giả lập" in page
    response = admin.submit(f"{page_url}/huy", {}, page=page_url)
    assert response.status_code == 302
    assert admin.client.get(page_url).status_code == 404
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ProcedureDraft)) == 0


def test_another_wards_administrator_cannot_open_the_draft(app, demo, session_factory):
    draft_id = stored_draft(demo, session_factory)
    stranger_actor, _ = other_ward_admin(session_factory)
    with session_factory() as session, transaction(session):
        session.get(User, stranger_actor.user_id).password_hash = hash_password("motcua2026")
    stranger = Browser(app.test_client())
    stranger.login("quantri_ht")
    assert stranger.client.get(f"/quan-tri/ban-nhap/{draft_id}").status_code == 404
