"""API v1 reports: the dashboard's figures, equal to the lists the statistics pages open, within
the caller's statistics scope; bad dates answer 422 with field errors in both languages."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.agencies.models import Agency
from engine.db import transaction
from engine.demo import WARD_CODE
from tests.api.test_v1_credentials import bearer, client_key
from tests.api.test_v1_dossiers import signed_in
from tests.unit.engine.statistics.history import generate_history, generate_ratings

TOTAL = re.compile(r'<span id="total">(\d+)</span>')
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}
MEASURES_SHOWN = ("received_total", "resolved", "on_time", "late", "not_yet_due", "overdue")


def load_history(session_factory) -> None:
    with session_factory() as session, transaction(session):
        generate_ratings(session, generate_history(session))


def agency_id(session_factory, code: str) -> int:
    with session_factory() as session:
        return session.scalar(select(Agency.id).where(Agency.code == code))


def listed(page_client, measure: str, agency: int | None = None) -> int:
    """How many dossiers the statistics page lists behind a number."""
    query = {"chi-so": measure, "tu": YEAR["from"], "den": YEAR["to"]}
    if agency is not None:
        query["co-quan"] = agency
    page = page_client.get("/can-bo/thong-ke/ho-so", query_string=query)
    assert page.status_code == 200
    return int(TOTAL.search(page.get_data(as_text=True)).group(1))


def test_summary_numbers_are_the_dashboards(app, demo, session_factory):
    load_history(session_factory)
    leader = signed_in(app, "lanhdao")
    answer = leader.get("/api/v1/reports/summary", query_string=YEAR)
    assert answer.status_code == 200, answer.get_json()
    summary = answer.get_json()
    assert (summary["from"], summary["to"], summary["agency_id"]) == (
        "2026-01-01",
        "2026-12-31",
        None,
    )
    assert {"key": "overdue", "label": "Quá hạn (đang giải quyết)"} in summary["columns"]
    assert summary["total"]["received_total"] > 0
    for measure in MEASURES_SHOWN:
        assert summary["total"][measure] == listed(leader, measure), measure
    ward = agency_id(session_factory, WARD_CODE)
    [row] = [row for row in summary["by_agency"] if row["agency_id"] == ward]
    assert row["name"] == "UBND phường Phú Cường" and row["depth"] == 0
    for measure in MEASURES_SHOWN:
        assert row["counts"][measure] == listed(leader, measure, ward), measure
    assert (
        sum(r["counts"]["received_total"] for r in summary["by_procedure"])
        == (summary["total"]["received_total"])
    )
    assert {r["name"] for r in summary["by_procedure"]} >= {"Đăng ký khai sinh"}
    satisfaction = summary["satisfaction"]
    assert satisfaction["ratings"] == sum(satisfaction["by_level"].values()) > 0
    assert 0 <= satisfaction["rate"] <= 100
    [index] = summary["service_index"]
    assert index["agency_id"] == ward and 0 <= index["score"] <= index["available_points"]


def test_scope_is_the_statistics_scope(app, demo, session_factory):
    load_history(session_factory)
    other = agency_id(session_factory, "000.00.21.H25")
    province_auditor = signed_in(app, "thanhtra").get("/api/v1/reports/summary", query_string=YEAR)
    names = {row["name"] for row in province_auditor.get_json()["by_agency"]}
    assert {"UBND phường Phú Cường", "UBND xã Tân An"} <= names

    narrowed = signed_in(app, "thanhtra").get(
        "/api/v1/reports/summary", query_string=YEAR | {"agency_id": other}
    )
    assert narrowed.get_json()["agency_id"] == other
    assert {row["name"] for row in narrowed.get_json()["by_agency"]} == {"UBND xã Tân An"}

    leader = signed_in(app, "lanhdao")
    refused = leader.get("/api/v1/reports/summary", query_string=YEAR | {"agency_id": other})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    for username in ("motcua", "congdan"):
        answer = signed_in(app, username).get("/api/v1/reports/summary")
        assert answer.status_code == 403, username
    assert app.test_client().get("/api/v1/reports/summary").status_code == 401


def test_a_key_reads_reports_of_its_agencies_with_the_reports_scope(app, demo, session_factory):
    load_history(session_factory)
    client = app.test_client()
    reports = client_key(demo, session_factory, ["reports:read"])
    answer = client.get("/api/v1/reports/summary", query_string=YEAR, headers=bearer(reports))
    assert answer.status_code == 200
    assert [row["name"] for row in answer.get_json()["by_agency"]] == ["UBND phường Phú Cường"]
    catalogue = client_key(demo, session_factory, ["catalogue:read"])
    denied = client.get("/api/v1/reports/summary", headers=bearer(catalogue))
    assert denied.status_code == 403
    assert "reports:read" in denied.get_json()["error"]["message"]["en"]


def test_bad_dates_answer_422_in_both_languages(app, demo):
    leader = signed_in(app, "lanhdao")
    malformed = leader.get("/api/v1/reports/summary", query_string={"from": "2026-13-01"})
    assert malformed.status_code == 422
    error = malformed.get_json()["error"]
    assert error["code"] == "invalid_input"
    assert error["fields"]["from"] == {
        "vi": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
        "en": "Not a valid date (YYYY-MM-DD).",
    }
    reversed_period = leader.get(
        "/api/v1/reports/summary", query_string={"from": "2026-06-01", "to": "2026-05-31"}
    )
    assert reversed_period.status_code == 422
    assert reversed_period.get_json()["error"]["fields"]["to"] == {
        "vi": "Ngày kết thúc phải sau ngày bắt đầu.",
        "en": "The end date must not be before the start date.",
    }
    far = leader.get("/api/v1/reports/summary", query_string={"to": "9999-12-31"})
    assert far.status_code == 422
    assert set(far.get_json()["error"]["fields"]["to"]) == {"vi", "en"}
    html_page = leader.get(
        "/can-bo/thong-ke", query_string={"tu": "2026-06-01", "den": "2026-05-31"}
    )
    assert html_page.status_code == 400
