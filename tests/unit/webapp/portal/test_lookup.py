"""Public lookup: status and progress for anyone, personal data only after proof, rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.db import transaction
from engine.rate_limits.counters import RateLimit, delete_old_windows, hit
from engine.rate_limits.models import RateLimitCounter
from tests.unit.webapp.portal.conftest import signed_in, submit_over_http
from webapp import create_app
from webapp.extensions import db


@pytest.fixture
def code(app, demo) -> str:
    return submit_over_http(signed_in(app, "congdan"))


def test_anyone_sees_status_and_estimated_appointment_but_no_personal_data(app, code):
    page = app.test_client().get(f"/tra-cuu?ma={code}").get_data(as_text=True)
    assert "Mới đăng ký" in page
    assert "(dự kiến)" in page
    assert "Nguyễn Văn An" not in page
    assert "0912345678" not in page
    assert "4 số cuối điện thoại" in page


def test_last_four_phone_digits_reveal_the_applicant(app, code):
    client = app.test_client()
    wrong = client.get(f"/tra-cuu?ma={code}&so_cuoi=0000").get_data(as_text=True)
    assert "Số điện thoại không khớp." in wrong and "Nguyễn Văn An" not in wrong
    right = client.get(f"/tra-cuu?ma={code}&so_cuoi=5678").get_data(as_text=True)
    assert 'id="applicant-details"' in right and "Nguyễn Văn An" in right


def test_signed_in_applicant_sees_their_data(app, code):
    page = signed_in(app, "congdan").client.get(f"/tra-cuu?ma={code}").get_data(as_text=True)
    assert "an.nguyen@example.vn" in page


def test_another_citizen_signed_in_does_not(app, code, other_citizen):
    page = signed_in(app, other_citizen).client.get(f"/tra-cuu?ma={code}").get_data(as_text=True)
    assert "Nguyễn Văn An" not in page


def test_unknown_code_is_a_404_with_a_vietnamese_message(app, demo):
    response = app.test_client().get("/tra-cuu?ma=000.00.20.H25-000000-9999")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ với mã này" in response.get_data(as_text=True)


def test_lookups_are_rate_limited_per_ip(app, code):
    app.config["LOOKUP_RATE_LIMIT"] = (3, 3600)
    client = app.test_client()
    for _ in range(3):
        assert client.get(f"/tra-cuu?ma={code}").status_code == 200
    refused = client.get(f"/tra-cuu?ma={code}")
    assert refused.status_code == 429
    assert "Bạn tra cứu quá nhiều lần" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0

    other_ip = client.get(f"/tra-cuu?ma={code}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_ip.status_code == 200
    assert client.get("/tra-cuu").status_code == 200, "the empty form costs nothing"


def test_two_app_instances_share_the_limit(app, code, database_url, tmp_path):
    second = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MOTCUA_FILES_DIR": str(tmp_path / "files"),
        }
    )
    for instance in (app, second):
        instance.config["LOOKUP_RATE_LIMIT"] = (4, 3600)
    first_client, second_client = app.test_client(), second.test_client()
    for client in (first_client, second_client, first_client, second_client):
        assert client.get(f"/tra-cuu?ma={code}").status_code == 200
    assert second_client.get(f"/tra-cuu?ma={code}").status_code == 429
    assert first_client.get(f"/tra-cuu?ma={code}").status_code == 429
    with second.app_context():
        db.engine.dispose()


def test_a_window_ends_and_old_windows_are_swept(session_factory):
    rule = RateLimit("test", limit=2, window_seconds=60)
    start = datetime(2026, 12, 1, 8, 0, 0, tzinfo=UTC)
    with session_factory() as session, transaction(session):
        assert hit(session, rule, "a", start) == 0
        assert hit(session, rule, "a", start + timedelta(seconds=10)) == 0
        assert hit(session, rule, "a", start + timedelta(seconds=20)) == pytest.approx(40)
        assert hit(session, rule, "a", start + timedelta(seconds=61)) == 0
    with session_factory() as session, transaction(session):
        assert delete_old_windows(session, start + timedelta(seconds=60)) == 1
        assert session.scalar(select(func.count()).select_from(RateLimitCounter)) == 1
