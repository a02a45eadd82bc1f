"""Quản trị › Cổng DVCQG over HTTP: what is not synced and why, retry, the portal dossiers that
could not enter, and the catalogue review with acceptance."""

from __future__ import annotations

import pytest
from lxml import html
from sqlalchemy import select

from engine.national_portal.catalogue import fetch_portal_catalogue
from engine.national_portal.incoming import fetch_portal_dossiers
from engine.procedures.models import Procedure
from engine.procedures.national_format import to_national
from tests.factories import KHAI_SINH, submit
from tests.national_portal import run_worker

PAGES = ["/quan-tri/dong-bo-dvcqg", "/quan-tri/dong-bo-dvcqg/thu-tuc"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("username", [None, "thuly", "quantri"])
def test_only_a_top_level_administrator_sees_the_pages(browser, demo, path, username):
    if username:
        browser.login(username)
    assert browser.client.get(path).status_code == 403


def test_unsynced_updates_are_listed_with_why_and_retried(adapter, browser, demo, session_factory):
    adapter.set_down()
    _, code = submit(session_factory, demo.actor("congdan"))
    run_worker(session_factory, sweeps=2)
    browser.login("quantritinh")
    page = html.fromstring(browser.client.get("/quan-tri/dong-bo-dvcqg").text)
    [row] = page.xpath('//table[@id="unsynced"]/tbody/tr')
    cells = [cell.text_content().strip() for cell in row.xpath("td")]
    assert cells[1] == code
    assert cells[2].startswith("DongBoHoSoMC")
    assert cells[3] == "2"
    assert "HTTP 503" in cells[4]
    assert "Đồng bộ đang tắt" not in browser.client.get("/quan-tri/dong-bo-dvcqg").text

    adapter.set_down(False)
    adapter.refuse(code, "Thiếu mã đơn vị")
    message_id = int(cells[0])
    retried = browser.submit(f"/quan-tri/dong-bo-dvcqg/thu-lai/{message_id}", {}, page=PAGES[0])
    assert retried.status_code == 302
    run_worker(session_factory, sweeps=2)
    page = browser.client.get("/quan-tri/dong-bo-dvcqg").text
    assert "Cổng từ chối" in page and "Thiếu mã đơn vị" in page

    adapter.refuse(code, None)
    assert (
        browser.submit("/quan-tri/dong-bo-dvcqg/thu-lai-tat-ca", {}, page=PAGES[0]).status_code
        == 302
    )
    run_worker(session_factory)
    assert "Mọi cập nhật hồ sơ đã được Cổng tiếp nhận." in browser.client.get(PAGES[0]).text
    assert adapter.dossiers[code]["TrangThaiHoSo"] == 1


def test_a_portal_dossier_that_could_not_enter_is_shown(adapter, browser, demo, session_factory):
    adapter.submit_on_portal({"MaHoSo": "G22.99-7", "MaTTHC": "9.999999", "ChuHoSo": "Lê Văn C"})
    fetch_portal_dossiers(session_factory)
    browser.login("quantritinh")
    page = html.fromstring(browser.client.get(PAGES[0]).text)
    [row] = page.xpath('//table[@id="refused"]/tbody/tr')
    assert "G22.99-7" in row.text_content() and "9.999999" in row.text_content()


def test_catalogue_differences_reviewed_and_accepted(adapter, browser, demo, session_factory):
    with session_factory() as session:
        record = to_national(session.scalar(select(Procedure).where(Procedure.code == KHAI_SINH)))
    record.pop("MOTCUA")
    record["YEUCAU"] = "Yêu cầu mới theo Cổng"
    adapter.publish_procedure(record)
    fetch_portal_catalogue(session_factory)

    browser.login("quantritinh")
    page = html.fromstring(browser.client.get(PAGES[1]).text)
    [section] = page.xpath(f'//section[@id="change-{KHAI_SINH}"]')
    [difference] = section.xpath(".//tr[@data-field]")
    assert difference.get("data-field") == "conditions"
    cells = [cell.text_content().strip() for cell in difference.xpath("td")]
    assert cells[0] == "Yêu cầu, điều kiện"
    assert cells[2] == "Yêu cầu mới theo Cổng"
    action = section.xpath(".//form/@action")[0]
    assert browser.submit(action, {}, page=PAGES[1]).status_code == 302
    with session_factory() as session:
        procedure = session.scalar(select(Procedure).where(Procedure.code == KHAI_SINH))
        assert procedure.record["conditions"] == "Yêu cầu mới theo Cổng"
    page = browser.client.get(PAGES[1]).text
    assert f'id="change-{KHAI_SINH}"' not in page
    assert 'id="change-2.000986"' in page
