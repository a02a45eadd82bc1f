"""Publishing a BPMN through the admin page and through `motcua publish`."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from click.testing import CliRunner

from engine.procedures.models import ProcedureVersion
from tests.conftest import Browser
from tests.factories import KHAI_SINH

PACKAGE = Path(__file__).resolve().parents[3] / "processes" / "dang_ky_khai_sinh"


def broken_bpmn() -> bytes:
    """The shipped diagram with a lane that names no role and a task id the engine reserves."""
    text = (PACKAGE / "process.bpmn").read_text(encoding="utf-8")
    text = text.replace('name="leader"', 'name="giam_doc"', 1)
    text = text.replace('id="Task_Reception"', 'id="End"').replace('"Task_Reception"', '"End"')
    return text.replace("Task_Reception", "End").encode("utf-8")


def versions(session_factory) -> int:
    with session_factory() as session:
        return session.query(ProcedureVersion).count()


def test_malformed_bpmn_upload_lists_problems_by_element_and_changes_nothing(
    app, demo, session_factory
):
    admin = Browser(app.test_client())
    admin.login("quantri")
    before = versions(session_factory)
    response = admin.submit(
        "/quan-tri/cong-bo",
        {"procedure_code": KHAI_SINH, "package": (io.BytesIO(broken_bpmn()), "process.bpmn")},
        content_type="multipart/form-data",
        page="/quan-tri/",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "chưa được công bố" in page
    assert "<code>End</code>" in page
    assert "giam_doc" in page
    assert versions(session_factory) == before


def test_valid_bpmn_upload_becomes_a_draft_then_publishes_a_new_version(app, demo, session_factory):
    admin = Browser(app.test_client())
    admin.login("quantri")
    before = versions(session_factory)
    changed = (
        (PACKAGE / "process.bpmn")
        .read_text(encoding="utf-8")
        .replace("Tiếp nhận hồ sơ", "Tiếp nhận, kiểm tra hồ sơ", 1)
    )
    response = admin.submit(
        "/quan-tri/cong-bo",
        {"procedure_code": KHAI_SINH, "package": (io.BytesIO(changed.encode()), "process.bpmn")},
        content_type="multipart/form-data",
        page="/quan-tri/",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    draft_page = response.headers["Location"]
    assert versions(session_factory) == before
    page = admin.client.get(draft_page).get_data(as_text=True)
    assert "Bản nháp quy trình" in page and "Task_Reception" in page
    response = admin.submit(f"{draft_page}/xuat-ban", {}, page=draft_page)
    assert response.status_code == 302
    assert "phiên bản 2" in admin.client.get("/quan-tri/").get_data(as_text=True)
    assert versions(session_factory) == before + 1


def test_only_administrators_publish(app, demo, session_factory):
    officer = Browser(app.test_client())
    officer.login("motcua")
    response = officer.submit(
        "/quan-tri/cong-bo",
        {"procedure_code": KHAI_SINH, "package": (io.BytesIO(broken_bpmn()), "process.bpmn")},
        content_type="multipart/form-data",
        page="/",
    )
    assert response.status_code == 403
    assert officer.client.get("/quan-tri/").status_code == 403


def test_cli_publish_refuses_with_element_ids(tmp_path, database_url, session_factory, monkeypatch):
    from webapp.cli import main

    monkeypatch.setenv("MOTCUA_DATABASE_URL", database_url)
    package = tmp_path / "khai_sinh"
    shutil.copytree(PACKAGE, package)
    (package / "process.bpmn").write_bytes(broken_bpmn())
    result = CliRunner().invoke(main, ["publish", str(package)])
    assert result.exit_code == 1
    assert "End:" in result.output and "giam_doc" in result.output
    assert versions(session_factory) == 0

    result = CliRunner().invoke(main, ["publish", str(PACKAGE)])
    assert result.exit_code == 0, result.output
    assert "Đã công bố 1.001193" in result.output
    assert versions(session_factory) == 1
