"""The audit trail's hash chain: `motcua audit verify` passes on an untouched trail and names
the entry an intruder changed, removed or cut off; concurrent writers still make one chain."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select, update

from engine.db import transaction
from engine.users.admin_audit import AdminAuditEntry, record_admin_change
from engine.users.audit_chain import verify_admin_audit
from webapp.cli import main


@pytest.fixture
def trail(demo, session_factory, database_url, monkeypatch) -> list[int]:
    monkeypatch.setenv("MOTCUA_DATABASE_URL", database_url)
    admin = demo.actor("quantritinh")
    ids = []
    for number in range(5):
        with session_factory() as session, transaction(session):
            entry = record_admin_change(
                session, admin, "procedure_updated", f"procedure:{number}", {"tên": "Đăng ký"}
            )
            ids.append(entry.id)
    return ids


def verify() -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "verify"])
    return result.exit_code, result.output


def test_an_untouched_trail_verifies(trail, session_factory):
    code, output = verify()
    assert code == 0, output
    with session_factory() as session:
        total = session.scalar(select(func.count()).select_from(AdminAuditEntry))
    assert f"nguyên vẹn: {total} mục" in output


@pytest.mark.parametrize(
    "change",
    [
        {"target": "procedure:khac"},
        {"details": {"tên": "Đã sửa"}},
        {"actor_name": "Người khác"},
    ],
)
def test_a_changed_entry_is_named(trail, session_factory, change):
    with session_factory() as session, transaction(session):
        session.execute(
            update(AdminAuditEntry).where(AdminAuditEntry.id == trail[2]).values(**change)
        )
    code, output = verify()
    assert code == 1
    assert f"mục {trail[2]}: nội dung đã bị thay đổi" in output
    assert f"mục {trail[1]}:" not in output


def test_a_removed_entry_breaks_the_link_of_the_next(trail, session_factory):
    with session_factory() as session, transaction(session):
        session.execute(delete(AdminAuditEntry).where(AdminAuditEntry.id == trail[2]))
    code, output = verify()
    assert code == 1 and f"mục {trail[3]}: không nối với mục liền trước" in output


def test_cutting_off_the_last_entries_is_noticed(trail, session_factory):
    with session_factory() as session, transaction(session):
        session.execute(delete(AdminAuditEntry).where(AdminAuditEntry.id >= trail[3]))
    code, output = verify()
    assert code == 1 and "mục cuối của chuỗi không còn" in output


def test_concurrent_administrators_make_one_chain(demo, session_factory):
    admin = demo.actor("quantritinh")
    errors = []

    def save(number: int) -> None:
        try:
            with session_factory() as session, transaction(session):
                record_admin_change(session, admin, "connector_setting_saved", f"c:{number}")
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_factory() as session:
        report = verify_admin_audit(session)
    assert report.intact and report.checked == 8
