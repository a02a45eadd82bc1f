"""Spoiled procedure packages and diagrams uploaded on Quản trị › Thủ tục: a page with a clear
Vietnamese reason and nothing stored, or a draft; never a 5xx or a traceback."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.procedures.models import ProcedureDraft
from tests.conftest import Browser
from tests.factories import KHAI_SINH
from tests.unit.engine.procedures.package_mutations import (
    LEAK,
    package_files,
    spoiled_bpmn,
    spoiled_packages,
)
from tests.unit.webapp.fuzz.answers import VIETNAMESE

UPLOAD = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def admin(app, demo) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login("quantri").status_code == 302
    return browser


def drafts(session_factory) -> int:
    with session_factory() as session:
        return session.query(ProcedureDraft).count()


def upload(admin: Browser, content: bytes, filename: str, **fields):
    return admin.submit(
        "/quan-tri/cong-bo",
        {"package": (io.BytesIO(content), filename), **fields},
        content_type="multipart/form-data",
        page="/quan-tri/",
    )


def assert_refused_or_drafted(response, session_factory, before: int) -> None:
    body = response.get_data(as_text=True)
    event(f"answered {response.status_code}")
    assert response.status_code in (302, 400, 413), body[:2000]
    assert "Traceback" not in body and 'File "' not in body and LEAK not in body
    if response.status_code == 302:
        # a package that still passes becomes a draft (an identical one reuses its draft)
        assert "/quan-tri/ban-nhap/" in response.headers["Location"]
        assert drafts(session_factory) >= max(before, 1)
        return
    if response.status_code == 400:
        reason = body.split('id="problems"')[1][:1500]
        assert VIETNAMESE.search(reason), reason
    assert drafts(session_factory) == before


@UPLOAD
@given(data=spoiled_packages())
def test_a_spoiled_zip_upload_is_refused_cleanly(admin, session_factory, data):
    assert_refused_or_drafted(
        upload(admin, data, "goi.zip"), session_factory, drafts(session_factory)
    )


@settings(UPLOAD, max_examples=20)
@given(data=st.data())
def test_a_spoiled_diagram_upload_is_refused_cleanly(admin, session_factory, data):
    bpmn = data.draw(spoiled_bpmn(package_files()["process.bpmn"]))
    response = upload(admin, bpmn, "process.bpmn", procedure_code=KHAI_SINH)
    assert_refused_or_drafted(response, session_factory, drafts(session_factory))


def test_a_package_over_the_request_limit_is_refused_cleanly(admin, session_factory):
    response = upload(admin, b"PK" + b"\0" * (21 * 1024 * 1024), "goi.zip")
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn: tối đa" in response.get_data(as_text=True)
    assert drafts(session_factory) == 0
