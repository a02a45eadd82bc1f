"""The inbox and the unit dashboard as officers click through them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import time_machine
from sqlalchemy import event

from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.tasks.due_state import refresh_task_due_times, running_due_at
from engine.timestamps import LOCAL_TZ, utcnow
from tests.conftest import Browser
from tests.factories import birth_application, complete, open_task, submit

TOTAL = re.compile(r"<span data-total>(\d+)</span>")
TAB_COUNT = re.compile(r'data-tab="(\w+)">(\d+)<')
FIGURE = re.compile(r'data-figure="(\w+)" href="([^"]+)">(\d+)<')


def signed_in(app, username: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(username).status_code == 302
    return browser


def page(browser: Browser, path: str) -> str:
    response = browser.client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def counter_dossier(demo, session_factory, name: str, id_number: str = "079188000111") -> int:
    officer = demo.actor("motcua")
    (ward,) = officer.agencies_for("reception")
    application = birth_application(applicant_full_name=name, applicant_id_number=id_number)
    dossier_id, _ = submit(session_factory, officer, application, channel=1, agency_id=ward)
    return dossier_id


def received_dossier(demo, session_factory, name: str) -> int:
    dossier_id = counter_dossier(demo, session_factory, name)
    task = open_task(session_factory, dossier_id)
    complete(session_factory, demo.actor("motcua"), task.id, {"decision": "accept"})
    return dossier_id


def test_search_without_diacritics_and_tab_counts(app, demo, session_factory):
    counter_dossier(demo, session_factory, "Nguyễn Văn A")
    counter_dossier(demo, session_factory, "Trần Thị Đào", "079188000222")
    officer = signed_in(app, "motcua")

    inbox = page(officer, "/can-bo/")
    assert dict(TAB_COUNT.findall(inbox)) == {
        "todo": "2",
        "mine": "0",
        "unclaimed": "2",
        "handed_on": "0",
        "overdue": "0",
    }
    found = page(officer, "/can-bo/?q=nguyen+van+a")
    assert "Nguyễn Văn A" in found and "Trần Thị Đào" not in found
    assert TOTAL.search(found).group(1) == "1"
    assert "Trần Thị Đào" in page(officer, "/can-bo/?q=079188000222&kenh=1")


def test_claim_and_unclaim_from_the_inbox(app, demo, session_factory):
    dossier_id = counter_dossier(demo, session_factory, "Nguyễn Văn A")
    task_id = open_task(session_factory, dossier_id).id
    officer = signed_in(app, "motcua")
    assert "Nhận xử lý" in page(officer, "/can-bo/?tab=unclaimed")

    officer.submit(f"/can-bo/cong-viec/{task_id}/nhan", {}, page="/can-bo/")
    mine = page(officer, "/can-bo/?tab=mine")
    assert "Nguyễn Văn A" in mine and "Bỏ nhận" in mine and "Trần Thị Bình" in mine

    response = officer.submit(f"/can-bo/cong-viec/{task_id}/bo-nhan", {}, page="/can-bo/")
    assert response.status_code == 302
    assert TOTAL.search(page(officer, "/can-bo/?tab=mine")).group(1) == "0"


def test_rows_are_coloured_by_the_time_left(app, demo, session_factory):
    late = received_dossier(demo, session_factory, "Quá Hạn")
    paused = received_dossier(demo, session_factory, "Tạm Dừng")
    with session_factory() as session, transaction(session):
        previous = {i: running_due_at(session.get(Dossier, i)) for i in (late, paused)}
        session.get(Dossier, late).due_at = utcnow() - timedelta(days=3)
        session.get(Dossier, paused).paused_at = utcnow()
        for dossier_id in (late, paused):
            refresh_task_due_times(session.get(Dossier, dossier_id), previous[dossier_id])
    inbox = page(signed_in(app, "thuly"), "/can-bo/")
    assert re.search(r'urgency-overdue">Quá hạn \d+,\d ngày làm việc', inbox)
    assert 'urgency-paused">Tạm dừng' in inbox


def test_the_whole_inbox_page_runs_as_many_queries_for_one_row_as_for_many(
    app, demo, session_factory
):
    officer = signed_in(app, "motcua")
    with app.app_context():
        from webapp.extensions import db

        engine = db.engine
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    queries = {}
    counter_dossier(demo, session_factory, "Người Thứ 1")
    event.listen(engine, "before_cursor_execute", record)
    try:
        for rows in (1, 7):
            while TOTAL.search(page(officer, "/can-bo/")).group(1) != str(rows):
                counter_dossier(demo, session_factory, f"Người Thứ {rows}")
            seen.clear()
            page(officer, "/can-bo/")
            queries[rows] = len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # actor + roles, session freshness, rows, tab counts, filter choices, unread notices (menu)
    assert queries[1] == queries[7] <= 8, seen


def test_leader_assigns_a_task_to_a_named_officer(app, demo, session_factory):
    dossier_id = received_dossier(demo, session_factory, "Nguyễn Văn A")
    task_id = open_task(session_factory, dossier_id, role="processing").id
    leader = signed_in(app, "lanhdao")
    unit = page(leader, "/can-bo/?tab=unit")
    assert f"/can-bo/cong-viec/{task_id}/phan-cong" in unit

    form = page(leader, f"/can-bo/cong-viec/{task_id}/phan-cong")
    officer_id = re.search(r'<option value="(\d+)"[^>]*>Lê Văn Cường<', form).group(1)
    response = leader.submit(f"/can-bo/cong-viec/{task_id}/phan-cong", {"officer_id": officer_id})
    assert response.status_code == 302
    processing = signed_in(app, "thuly")
    assert "Nguyễn Văn A" in page(processing, "/can-bo/?tab=mine")

    refused = signed_in(app, "thuly").client.get(f"/can-bo/cong-viec/{task_id}/phan-cong")
    assert refused.status_code == 403


# After the 16:30 cut-off of a working day, so the dossiers received here fall due tomorrow and
# only the ones the test dates count as "due today" (births are 1-working-day procedures).
@time_machine.travel(datetime(2026, 12, 8, 17, 30, tzinfo=LOCAL_TZ), tick=True)
def test_every_dashboard_figure_opens_a_list_of_that_many_rows(app, demo, session_factory):
    now = utcnow()
    local_now = now.astimezone(LOCAL_TZ)
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    clocks = {
        "Quá Hạn Một": {"due_at": now - timedelta(days=2)},
        "Quá Hạn Hai": {"due_at": now - timedelta(hours=1)},
        "Hôm Nay": {"due_at": now + (midnight - local_now) / 2},
        "Còn Xa": {"due_at": now + timedelta(days=9)},
        "Sớm Hạn": {"returned_at": now, "timing": "early"},
        "Đúng Hạn": {"returned_at": now, "timing": "on_time"},
        "Trễ Hạn": {"returned_at": now, "timing": "late"},
        "Trễ Tháng Trước": {"returned_at": now - timedelta(days=40), "timing": "late"},
    }
    ids = {name: received_dossier(demo, session_factory, name) for name in clocks}
    counter_dossier(demo, session_factory, "Chưa Tiếp Nhận")
    with session_factory() as session, transaction(session):
        for name, values in clocks.items():
            dossier = session.get(Dossier, ids[name])
            previous = running_due_at(dossier)
            for attribute, value in values.items():
                setattr(dossier, attribute, value)
            refresh_task_due_times(dossier, previous)
    task_id = open_task(session_factory, ids["Quá Hạn Một"], role="processing").id
    processing = signed_in(app, "thuly")
    processing.submit(f"/can-bo/cong-viec/{task_id}/nhan", {}, page="/can-bo/")

    leader = signed_in(app, "lanhdao")
    dashboard = page(leader, "/can-bo/don-vi")
    assert "<svg" in dashboard and "Lê Văn Cường" in dashboard
    figures = {name: (href, int(count)) for name, href, count in FIGURE.findall(dashboard)}
    assert figures["overdue"][1] == 2 and figures["due_today"][1] == 1
    assert [figures[f"returned_{t}"][1] for t in ("early", "on_time", "late")] == [1, 1, 1]
    assert any(count == 1 for name, (_, count) in figures.items() if name.startswith("in_hand"))
    for name, (href, count) in figures.items():
        listed = page(leader, href.replace("&amp;", "&"))
        assert int(TOTAL.search(listed).group(1)) == count, name
        assert listed.count('class="inbox-row"') == count, name


def test_only_leaders_see_the_unit_dashboard(app, demo):
    response = signed_in(app, "thuly").client.get("/can-bo/don-vi")
    assert response.status_code == 403
    assert "lãnh đạo" in response.get_data(as_text=True)
