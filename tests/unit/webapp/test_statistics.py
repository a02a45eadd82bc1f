"""The statistics pages: every chart number equals the list it opens; exports; the public page."""

from __future__ import annotations

import html
import re
from io import BytesIO

from openpyxl import load_workbook

from engine.db import transaction
from tests.unit.engine.statistics.history import generate_history, generate_ratings

BAR = re.compile(r'<a href="([^"]+)" class="bar" data-count="(\d+)">')
TOTAL = re.compile(r'<span id="total">(\d+)</span>')
PERIOD = "tu=2026-01-01&den=2026-09-30"


def load_history(session_factory):
    with session_factory() as session, transaction(session):
        return generate_history(session)


def test_every_bar_counts_the_dossiers_of_the_list_it_opens(demo, session_factory, browser):
    load_history(session_factory)
    browser.login("lanhdao")
    page = browser.client.get(f"/can-bo/thong-ke?{PERIOD}")
    assert page.status_code == 200
    bars = BAR.findall(page.get_data(as_text=True))
    assert len(bars) >= 36  # 12 months x 3 series, plus agencies and fields
    assert any(int(count) > 0 for _, count in bars)
    for href, count in bars:
        listing = browser.client.get(html.unescape(href))
        assert listing.status_code == 200, href
        text = listing.get_data(as_text=True)
        total = int(TOTAL.search(text).group(1))
        assert total == int(count), href
        assert text.count('<tr class="dossier">') == min(total, 100), href


def test_report_downloads_as_xlsx_and_pdf(demo, session_factory, browser):
    load_history(session_factory)
    browser.login("lanhdao")
    xlsx = browser.client.get(f"/can-bo/thong-ke/bao-cao.xlsx?{PERIOD}&nhom=field")
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][0] == "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    header = values[5]
    assert header[:4] == ["STT", "Lĩnh vực", "Tổng số nhận giải quyết", "Mới tiếp nhận trực tuyến"]
    assert values[-1][1] == "Tổng cộng" and values[-1][2] > 0
    pdf = browser.client.get(f"/can-bo/thong-ke/bao-cao.pdf?{PERIOD}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert b"DejaVuSans" in pdf.data


def test_statistics_are_for_leaders_only(demo, browser):
    assert browser.client.get("/can-bo/thong-ke").status_code == 403
    browser.login("congdan")
    assert browser.client.get("/can-bo/thong-ke").status_code == 403
    browser.client.post("/dang-xuat", data={"csrf_token": browser.token("/")})
    browser.login("motcua")
    assert browser.client.get("/can-bo/thong-ke").status_code == 403


def test_public_figures_show_agencies_and_no_personal_data(demo, session_factory, client):
    load_history(session_factory)
    page = client.get(f"/thong-ke?{PERIOD}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "UBND tỉnh Bình Dương" in text and "UBND xã Tân An" in text
    assert "Người nộp" not in text and "GEN-" not in text


SATISFACTION_LINK = re.compile(r'<a href="([^"]+)" class="(?:segment|cell)" data-count="(\d+)">')
YEAR = "tu=2026-01-01&den=2026-12-31"


def load_ratings(session_factory):
    with session_factory() as session, transaction(session):
        history = generate_history(session)
        return history, generate_ratings(session, history)


def test_every_satisfaction_number_counts_the_rated_dossiers_it_opens(
    demo, session_factory, browser
):
    load_ratings(session_factory)
    browser.login("lanhdao")
    for grouping in ("agency", "officer"):
        page = browser.client.get(f"/can-bo/thong-ke/hai-long?{YEAR}&nhom={grouping}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Rất hài lòng" in text and "Rất không hài lòng" in text
        links = SATISFACTION_LINK.findall(text)
        assert any(int(count) > 0 for _, count in links)
        for href, count in links:
            listing = browser.client.get(html.unescape(href))
            assert listing.status_code == 200, href
            body = listing.get_data(as_text=True)
            assert int(TOTAL.search(body).group(1)) == int(count), href
            assert body.count('<tr class="dossier">') == min(int(count), 100), href
    ward_page = browser.client.get(f"/can-bo/thong-ke/hai-long?{YEAR}").get_data(as_text=True)
    assert "UBND phường Phú Cường" in ward_page and "UBND xã Tân An" not in ward_page


def test_a_leader_cannot_open_another_units_satisfaction(demo, session_factory, browser):
    load_ratings(session_factory)
    with session_factory() as session:
        from engine.agencies.models import Agency

        other = session.query(Agency).filter_by(code="000.00.21.H25").one().id
    browser.login("lanhdao")
    answer = browser.client.get(f"/can-bo/thong-ke/hai-long/ho-so?{YEAR}&co-quan={other}")
    assert answer.status_code == 403
    assert "GEN-" not in answer.get_data(as_text=True)
    bad = browser.client.get(f"/can-bo/thong-ke/hai-long/ho-so?{YEAR}&muc=9")
    assert bad.status_code == 400
    browser.client.post("/dang-xuat", data={"csrf_token": browser.token("/")})
    browser.login("thuly")
    assert browser.client.get(f"/can-bo/thong-ke/hai-long?{YEAR}").status_code == 403
